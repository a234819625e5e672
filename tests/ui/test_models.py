"""The picker and job models, without widgets (a page fetcher function stands in for GET /videos)."""

from __future__ import annotations

import asyncio
import time

from PySide6.QtCore import Qt
from PySide6.QtTest import QAbstractItemModelTester

from pixverse_desktop.api.errors import ErrorKind, Unauthorized
from pixverse_desktop.api.schemas import ExtendRequest, Video
from pixverse_desktop.jobs.models import Job, JobState
from pixverse_desktop.ui.job_table_model import COLUMNS, JobTableModel, format_elapsed, parameters_text
from pixverse_desktop.ui.progress_estimate import TypicalDurations, estimate_progress
from pixverse_desktop.ui.video_filter_proxy import VideoFilterProxy
from pixverse_desktop.ui.video_list_model import SourceItem, VideoListModel, status_group

STATUSES = [1, 5, 10, 8, 7, 3]


def _videos(n: int) -> list[Video]:
    return [Video.from_dict({"video_id": f"user:1-pixverse:a@example.com-video:{1000 - i}",
                             "video_status": STATUSES[i % len(STATUSES)], "prompt": f"clip {i} of the sea",
                             "video_duration": 5, "output_width": 640, "output_height": 360,
                             "created_at": "2024-11-11T12:34:56Z"}) for i in range(n)]


class Pages:
    def __init__(self, total: int, fail: bool = False) -> None:
        self.videos = _videos(total)
        self.calls: list[tuple] = []
        self.fail = fail

    async def __call__(self, email, limit, offset):
        self.calls.append((email, limit, offset))
        await asyncio.sleep(0)
        if self.fail:
            raise Unauthorized("Unauthorized", status=401)
        return self.videos[offset:offset + limit]


def test_pages_load_lazily_through_fetch_more(qapp, aio):
    pages = Pages(25)
    model = VideoListModel(pages, page_size=10)
    QAbstractItemModelTester(model, QAbstractItemModelTester.FailureReportingMode.Fatal)
    assert not model.canFetchMore()            # nothing before the first refresh (token, account known)
    model.refresh()
    aio.run(model.wait_idle())
    assert model.rowCount() == 10 and model.canFetchMore()
    model.fetchMore()
    assert not model.canFetchMore()            # one page at a time
    aio.run(model.wait_idle())
    model.fetchMore()
    aio.run(model.wait_idle())
    assert model.rowCount() == 25 and model.exhausted and not model.canFetchMore()
    assert [c[2] for c in pages.calls] == [0, 10, 20]
    index = model.index(0)
    assert index.data(Qt.ItemDataRole.ToolTipRole) == "clip 0 of the sea"
    assert index.data(VideoListModel.StatusLabelRole) == "COMPLETED"
    assert model.index(5).data(VideoListModel.StatusLabelRole) == "unknown (3)"
    assert model.index(4).data(VideoListModel.StatusLabelRole) == "BLOCKED"   # not the API's FAILED_MODERATION
    assert model.index(4).data(VideoListModel.TileRole).label == "BLOCKED"
    assert index.data(VideoListModel.ResolutionRole) == "640×360"
    assert model.row_of(pages.videos[7].video_id) == 7


def test_refresh_latest_wins_and_errors_are_reported(qapp, aio):
    pages = Pages(5)
    model = VideoListModel(pages, page_size=10)
    model.refresh()
    model.refresh()                             # the first load is cancelled; one set of rows
    aio.run(model.wait_idle())
    assert model.rowCount() == 5
    failing = VideoListModel(Pages(5, fail=True), page_size=10)
    seen = []
    failing.loadFailed.connect(seen.append)
    failing.refresh()
    aio.run(failing.wait_idle())
    assert seen and seen[0].kind is ErrorKind.ACCOUNT and failing.rowCount() == 0
    assert not failing.canFetchMore()           # no retry storm while scrolling


def test_uploads_and_new_results_sit_on_top(qapp, aio):
    pages = Pages(3)
    model = VideoListModel(pages, page_size=10)
    model.refresh()
    aio.run(model.wait_idle())
    model.add_upload(SourceItem(key="upload:/f/1", upload_path="/f/1", local_file="/home/me/clip.mp4"))
    assert model.item(0).title == "clip.mp4" and model.index(0).data(VideoListModel.StatusGroupRole) == "UPLOAD"
    fresh = _videos(1)[0]
    fresh = Video.from_dict({"video_id": "user:1-pixverse:a@example.com-video:5000", "video_status": 1})
    assert model.upsert_video(fresh) == 1
    assert model.upsert_video(fresh) == 1      # an update, not a second row
    assert model.rowCount() == 5
    model.refresh()                             # uploads survive a refresh
    aio.run(model.wait_idle())
    assert model.item(0).upload_path == "/f/1"



def test_rows_stay_right_through_inserts_on_top_and_pages_appended(qapp, aio):
    """Rows by key are counted lazily after inserts at the top; every lookup must still be exact."""
    model = VideoListModel(Pages(30), page_size=10)
    model.refresh()
    aio.run(model.wait_idle())
    for n in range(3):   # finished results land on top one after another, nothing asked in between
        model.upsert_video(Video.from_dict({"video_id": f"user:1-pixverse:a@example.com-video:{900 + n}",
                                            "video_status": 1}))
    model.add_upload(SourceItem(key="upload:/f/1", upload_path="/f/1", local_file="/home/me/clip.mp4"))
    model.fetchMore()                            # a page appended while the rows were not counted
    aio.run(model.wait_idle())
    assert model.rowCount() == 24
    for row in range(model.rowCount()):
        key = model.item(row).key
        assert model.row_of(key) == row and model.find(key) is model.item(row)
    assert model.row_of("user:1-pixverse:a@example.com-video:901") == 2 and model.row_of("nope") == -1
    assert model.find("nope") is None

def test_filter_proxy_by_text_and_status(qapp, aio):
    model = VideoListModel(Pages(12), page_size=20)
    model.refresh()
    aio.run(model.wait_idle())
    proxy = VideoFilterProxy()
    proxy.setSourceModel(model)
    proxy.set_text("CLIP 1")                     # case-insensitive: clip 1, clip 10, clip 11
    assert proxy.rowCount() == 3
    proxy.set_text("")
    proxy.set_status("FAILED")                   # 8 and 7 (moderation) are both FAILED
    assert proxy.rowCount() == 4
    proxy.set_status("unknown")
    assert proxy.rowCount() == 2
    assert status_group(_videos(6)[5].status) == "unknown"


def _job(state=JobState.QUEUED, **kw) -> Job:
    now = time.time()
    return Job(id=kw.pop("id", "j1"), request=ExtendRequest(prompt="waves\nroll", video_id="v1", seed=7,
                                                            style="anime"),
               state=state, created_at=now - 30, accepted_at=now - 20, **kw)


def test_a_job_brought_back_returns_to_its_place(qapp):
    """Ctrl+Z put a removed job back at the bottom, below jobs made after it (new-user pass)."""
    model = JobTableModel(tick_ms=50)
    a, b, c = (_job(id=name).evolve(created_at=t) for name, t in (("a", 1.0), ("b", 2.0), ("c", 3.0)))
    model.set_jobs([a, b, c])
    model.upsert(b.evolve(hidden=True))                      # removed
    assert [model.job_at(r).id for r in range(model.rowCount())] == ["a", "c"]
    model.upsert(b)                                          # brought back
    model.upsert(_job(id="d").evolve(created_at=4.0))        # and a new one, the newest
    assert [model.job_at(r).id for r in range(model.rowCount())] == ["a", "b", "c", "d"]
    assert [model.row_of(i) for i in "abcd"] == [0, 1, 2, 3]


def test_job_table_model_rows_keyed_by_id(qapp):
    model = JobTableModel(tick_ms=50)
    QAbstractItemModelTester(model, QAbstractItemModelTester.FailureReportingMode.Fatal)
    model.upsert(_job(id="a"))
    model.upsert(_job(id="b", state=JobState.GENERATING))
    model.upsert(_job(id="c", state=JobState.COMPLETED, finished_at=time.time()))
    assert model.rowCount() == 3 and model.columnCount() == len(COLUMNS)
    model.upsert(_job(id="a", state=JobState.FAILED, message="PixVerse's moderator rejected the prompt."))
    assert model.rowCount() == 3 and model.row_of("a") == 0
    assert model.index(0, COLUMNS.index("message")).data().startswith("PixVerse's moderator")
    assert model.index(0, COLUMNS.index("progress")).data(JobTableModel.ProgressRole) is None
    assert model.index(2, COLUMNS.index("progress")).data() == "100%"
    assert model.index(0, COLUMNS.index("prompt")).data() == "waves roll"
    assert model.index(0, COLUMNS.index("parameters")).data() == "5s · 540p · normal · anime · seed 7"
    assert model.index(0, COLUMNS.index("parameters")).data(Qt.ItemDataRole.ToolTipRole) == \
        "5s · 540p · normal · anime · seed 7"                   # in full where the cell cuts it short
    model.upsert(_job(id="a", state=JobState.FAILED, account="backup@example.com"))
    assert model.index(0, COLUMNS.index("parameters")).data(Qt.ItemDataRole.ToolTipRole) == \
        "5s · 540p · normal · anime · seed 7\nAccount: backup@example.com"   # where its result is listed
    # The message column does not repeat the status ("Queued | Queued"); it says more or nothing.
    model.upsert(_job(id="b", state=JobState.QUEUED, message="Queued"))
    model.upsert(_job(id="d", state=JobState.QUEUED, message="Queued at PixVerse (position 3)"))
    assert model.index(model.row_of("b"), COLUMNS.index("message")).data() == ""
    assert model.index(model.row_of("d"), COLUMNS.index("message")).data() == "Queued at PixVerse (position 3)"
    model.remove("d")
    model.remove("b")
    assert model.rowCount() == 2 and model.row_of("c") == 1 and model.job("b") is None
    model.upsert(_job(id="c", hidden=True))
    assert model.rowCount() == 1


def test_waiting_slot_shows_the_next_try(qapp):
    model = JobTableModel()
    at = time.time() + 25
    model.upsert(_job(state=JobState.WAITING_SLOT, next_try_at=at))
    text = model.index(0, COLUMNS.index("status")).data()
    assert text == "Waiting for a free slot (next try %s)" % time.strftime("%H:%M:%S", time.localtime(at))
    model.upsert(_job(state=JobState.WAITING_SLOT, next_try_at=at, error_kind=ErrorKind.TRANSIENT))
    text = model.index(0, COLUMNS.index("status")).data()   # could not connect: not a busy service
    assert text == "Not sent yet (next try %s)" % time.strftime("%H:%M:%S", time.localtime(at))
    model.upsert(_job(state=JobState.FAILED, error_kind=ErrorKind.ACCOUNT))
    assert model.index(0, COLUMNS.index("status")).data() == "Failed: account problem"


def test_progress_estimate_grows_but_never_claims_the_end():
    typical = TypicalDurations(queue_s=10, generate_s=60)
    job = _job(state=JobState.GENERATING)
    base = job.accepted_at
    values = [estimate_progress(job, base + t, typical) for t in (0, 10, 60, 600, 6000)]
    assert values == sorted(values) and values[-1] < 1.0
    queued = [estimate_progress(_job(), base + t, typical) for t in (0, 5, 100)]
    assert queued == sorted(queued) and queued[-1] < 0.2 <= values[0] + 0.2
    assert estimate_progress(_job(state=JobState.PENDING), base, typical) is None        # not sent: no bar
    assert estimate_progress(_job(state=JobState.WAITING_SLOT), base, typical) is None
    assert estimate_progress(_job(state=JobState.SUBMITTING), base, typical) == 0.02
    assert estimate_progress(_job(state=JobState.COMPLETED), base, typical) == 1.0
    assert estimate_progress(_job(state=JobState.NEEDS_ATTENTION), base, typical) is None
    assert format_elapsed(75) == "1:15" and format_elapsed(3725) == "1:02:05"
    assert parameters_text(_job()) == "5s · 540p · normal · anime · seed 7"


def test_the_job_list_opens_on_the_work_still_running(qtbot):
    """After a restart the list opened at its oldest rows and the resumed job was out of sight."""
    from pixverse_desktop.ui.job_table import JobTable

    def visible(table, job_id) -> bool:
        index = table.proxy.mapFromSource(table.model.index(table.model.row_of(job_id), 0))
        return table.view.visualRect(index).intersects(table.view.viewport().rect())

    for running in (True, False):
        model = JobTableModel(tick_ms=50)
        table = JobTable(model, engine=None, library_dir="")
        model.setParent(table)   # ends with the table: its tick must not reach a deleted one
        qtbot.addWidget(table)
        table.resize(700, 220)
        table.show()
        jobs = [_job(id=f"done{i}", state=JobState.COMPLETED, finished_at=time.time()) for i in range(20)]
        jobs.append(_job(id="last", state=JobState.GENERATING if running else JobState.COMPLETED,
                         finished_at=None if running else time.time()))
        jobs += [_job(id=f"later{i}", state=JobState.COMPLETED, finished_at=time.time()) for i in range(5)]
        model.set_jobs(jobs)
        qtbot.wait(10)
        assert not visible(table, "last")
        table.show_current_work()
        assert visible(table, "last") if running else visible(table, "later4")


def test_the_job_list_keeps_room_for_the_prompt_and_message_when_narrow(qtbot):
    """At 800 px the fixed columns took ~600 px: prompt and message got ~75 px each (new-user pass)."""
    from pixverse_desktop.ui.job_table import COLUMNS, JobTable

    model = JobTableModel(tick_ms=50)
    table = JobTable(model, engine=None, library_dir="")
    model.setParent(table)
    qtbot.addWidget(table)
    table.show()
    header = table.view.horizontalHeader()

    def shared() -> int:   # what the prompt and the message have between them
        return header.sectionSize(COLUMNS.index("prompt")) + header.sectionSize(COLUMNS.index("message"))

    table.resize(780, 300)
    qtbot.waitUntil(lambda: table.view.viewport().width() < 780)
    assert shared() >= 0.35 * table.view.viewport().width()
    table.resize(1400, 300)
    qtbot.waitUntil(lambda: table.view.viewport().width() > 1000)
    assert header.sectionSize(COLUMNS.index("status")) == 160        # the full widths where there is room


def test_effects_are_named_where_the_list_named_them(qapp):
    """The job list's settings and the presets summary said "effect 307489434436288"."""
    from pixverse_desktop.api.schemas import Effect
    from pixverse_desktop.ui.effect_picker import EffectPicker
    from pixverse_desktop.ui.job_table_model import parameters_text
    from pixverse_desktop.ui.presets import describe

    unlisted = 987654321987   # an id no simulator lists: the names are the process's, whatever ran before
    job = Job(id="e1", request=ExtendRequest(prompt="p", video_id="v1", template_id=unlisted),
              state=JobState.QUEUED, created_at=time.time())
    assert f"effect {unlisted}" in parameters_text(job)   # before the list is in: the id
    EffectPicker().set_effects([Effect(template_id=unlisted, display_name="Copper Dawn")])
    assert "Copper Dawn" in parameters_text(job) and str(unlisted) not in parameters_text(job)
    assert "Copper Dawn" in describe({"duration": 5, "quality": "540p", "template_id": unlisted})
    assert "effect 42" in describe({"template_id": 42})   # never listed: as before


def test_a_refresh_while_a_fault_is_waited_out_starts_without_it(qapp, aio):
    """The fault an earlier load was waiting out stayed on the model while the refresh that replaced
    it loaded, so the list went on saying "Trying again…" for a load that met no fault."""
    from pixverse_desktop.api.errors import Transient

    pages = Pages(5)
    faults = [Transient("HTTP 503")]

    async def fetch(email, limit, offset):
        if faults:
            raise faults.pop()
        await asyncio.sleep(0.2)
        return await pages(email, limit, offset)

    model = VideoListModel(fetch, page_size=10)
    model.RETRY_AFTER_S = (5.0,)
    model.refresh()
    aio.until(lambda: model.retrying is not None, 5, "the fault waited out")
    model.refresh()
    assert model.loading and model.retrying is None
    aio.run(model.wait_idle())
    assert model.rowCount() == 5 and model.last_error is None


def test_saved_upload_details_tolerate_older_and_damaged_entries():
    """Uploads saved by an older version have no card details; damaged ones must not stop the start."""
    from datetime import datetime, timezone

    from pixverse_desktop.ui.state_restore import _upload_details
    from pixverse_desktop.ui.video_list_model import seconds_text

    when = datetime(2026, 11, 30, 12, 0, tzinfo=timezone.utc)
    assert _upload_details({"seconds": 4.96, "size": [1280, 720], "uploaded_at": when.isoformat()}) == \
        {"local_seconds": 4.96, "local_size": (1280, 720), "uploaded_at": when}
    assert _upload_details({}) == {"local_seconds": 0.0, "local_size": (0, 0), "uploaded_at": None}
    assert _upload_details({"seconds": "x", "size": "junk", "uploaded_at": "yesterday"}) == {}
    assert _upload_details({"uploaded_at": "2026-11-30T12:00:00"})["uploaded_at"] is None   # no zone: not guessed
    item = SourceItem(key="upload:/f", upload_path="/f", local_file="/c.mp4", **_upload_details(
        {"seconds": 4.96, "size": [1280, 720], "uploaded_at": when.isoformat()}))
    assert (item.duration, item.resolution, item.created_at) == (4.96, "1280×720", when)
    assert [seconds_text(v) for v in (0, 0.4, 3.5, 4.96, 8)] == ["", "0.4s", "3.5s", "5s", "8s"]
