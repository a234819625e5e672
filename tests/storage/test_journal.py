import json
import sqlite3

import pytest

from pixverse_desktop.api.schemas import ExtendRequest
from pixverse_desktop.jobs.models import Job, JobState
from pixverse_desktop.jobs.store import DuplicateVideoId, JobStore
from pixverse_desktop.storage.journal import SCHEMA_VERSION, Journal


def make_job(**kw):
    req = ExtendRequest(prompt="a cat", video_id="user:1-pixverse:a@x.io-video:7", seed=42, style="clay",
                        reply_ref="r1", max_jobs=3, remove_watermark=False)
    return Job(id=kw.pop("id", "j1"), request=req, **kw)


def test_round_trip_keeps_every_request_parameter(tmp_path):
    store = JobStore.open(tmp_path)
    job = make_job(state=JobState.QUEUED, video_id="user:1-pixverse:a@x.io-video:8")
    store.save(job)
    store.close()
    again = JobStore.open(tmp_path).get("j1")
    assert again == job
    assert again.request.to_payload() == job.request.to_payload()
    assert again.request.to_payload()["maxJobs"] == 3 and again.request.to_payload()["replyRef"] == "r1"


def test_unfinished_and_hidden(tmp_path):
    store = JobStore.open(tmp_path)
    store.save(make_job(id="a", state=JobState.SUBMITTING))
    store.save(make_job(id="b", state=JobState.COMPLETED))
    store.save(make_job(id="c", state=JobState.GENERATING, hidden=True, video_id="v-c"))
    assert {j.id for j in store.unfinished()} == {"a", "c"}
    assert {j.id for j in store.all()} == {"a", "b"}
    assert {j.id for j in store.all(include_hidden=True)} == {"a", "b", "c"}


def test_one_video_id_cannot_belong_to_two_jobs(tmp_path):
    store = JobStore.open(tmp_path)
    store.save(make_job(id="a", video_id="same"))
    with pytest.raises(sqlite3.IntegrityError):  # the journal itself refuses
        store.journal.save(make_job(id="b", video_id="same").to_dict())
    with pytest.raises(DuplicateVideoId) as clash:  # and the store says who holds the id
        store.save(make_job(id="b", video_id="same"))
    assert clash.value.other.id == "a"
    assert store.get("b") is None


def test_wal_mode_and_schema_version(tmp_path):
    journal = Journal(tmp_path / "j.sqlite3")
    assert journal.schema_version == SCHEMA_VERSION
    assert journal._db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_migrates_a_version_1_journal(tmp_path):
    path = tmp_path / "old.sqlite3"
    db = sqlite3.connect(path)
    db.executescript("""CREATE TABLE jobs (id TEXT PRIMARY KEY, state TEXT NOT NULL, video_id TEXT,
        account TEXT, created_at REAL NOT NULL, updated_at REAL NOT NULL, data TEXT NOT NULL);
        PRAGMA user_version=1;""")
    # an old record: fewer keys, wire-named request fields, an unknown extra key
    old = {"id": "old", "state": "QUEUED", "created_at": 1.0, "updated_at": 1.0, "future_key": 1,
           "request": {"prompt": "p", "video_id": "v", "maxJobs": 2}}
    db.execute("INSERT INTO jobs VALUES('old','QUEUED',NULL,NULL,1.0,1.0,?)", (json.dumps(old),))
    db.commit()
    db.close()
    store = JobStore(Journal(path))
    job = store.get("old")
    assert job.state is JobState.QUEUED and job.request.max_jobs == 2 and job.hidden is False
    assert store.journal.schema_version == SCHEMA_VERSION


def test_refuses_a_newer_schema(tmp_path):
    path = tmp_path / "new.sqlite3"
    db = sqlite3.connect(path)
    db.execute(f"PRAGMA user_version={SCHEMA_VERSION + 1}")
    db.close()
    with pytest.raises(RuntimeError, match="newer version"):
        Journal(path)


def test_a_damaged_row_does_not_hide_the_others(tmp_path):
    store = JobStore.open(tmp_path)
    store.save(make_job(id="good"))
    store.journal._db.execute("INSERT INTO jobs(id,state,created_at,updated_at,data) "
                              "VALUES('bad','QUEUED',0,0,'{not json')")
    assert [j.id for j in store.all()] == ["good"]


def test_unknown_state_in_an_old_row_needs_attention():
    job = Job.from_dict({"id": "x", "state": "EXPLODED", "request": {"prompt": "p"}})
    assert job.state is JobState.NEEDS_ATTENTION


def test_sync_fsyncs_the_write_ahead_log_off_the_callers_loop(tmp_path, monkeypatch):
    import asyncio
    import os
    import threading

    synced = []
    real_fsync = os.fsync

    def spy(fd):
        synced.append((os.readlink(f"/proc/self/fd/{fd}"), threading.current_thread() is threading.main_thread()))
        real_fsync(fd)

    store = JobStore.open(tmp_path)
    store.save(make_job(state=JobState.SUBMITTING))
    monkeypatch.setattr(os, "fsync", spy)
    asyncio.run(store.sync())
    assert synced and synced[0][0].endswith("jobs.sqlite3-wal")
    assert synced[0][1] is False, "the fsync must run in a worker thread, not on the loop's thread"
    store.close()


def test_sync_without_a_log_is_a_no_op(tmp_path):
    journal = Journal(tmp_path / "j.sqlite3")
    journal.close()
    (tmp_path / "j.sqlite3-wal").unlink(missing_ok=True)
    journal.sync()
