"""The job journal: SQLite in WAL mode, one row per job, written before every step that costs credits.

Each row keeps the whole job (every request parameter included) as a JSON record beside a few indexed
columns, so "re-run with the same settings" is exact. The journal stores plain records; ``jobs.store``
turns them into ``Job`` values (and migrates old records by ``Job.from_dict`` defaults), which keeps this
layer below ``jobs``.
Writes are small and synchronous (well under a millisecond in WAL mode with synchronous=NORMAL):
once a write returns, a killed app cannot lose it. To survive a power cut too, the SUBMITTING write
that precedes a POST is followed by ``sync()``, an fsync of the write-ahead log that the engine runs
in a worker thread: with synchronous=FULL the same fsync ran inside the write, on the GUI thread,
and 100 submissions stalled the window for several milliseconds each (bench_stall).
"""

from __future__ import annotations

import json
import logging
import os
import sqlite3
import threading
from pathlib import Path
from typing import Any, Iterable, Mapping

Record = Mapping[str, Any]

log = logging.getLogger(__name__)

SCHEMA_VERSION = 2

_MIGRATIONS: dict[int, list[str]] = {
    1: [
        """CREATE TABLE jobs (
               id TEXT PRIMARY KEY,
               state TEXT NOT NULL,
               video_id TEXT,
               account TEXT,
               created_at REAL NOT NULL,
               updated_at REAL NOT NULL,
               data TEXT NOT NULL)""",
        "CREATE INDEX jobs_state ON jobs(state)",
    ],
    2: [
        # A video_id is accepted once; two rows for one video would mean a double charge went unnoticed.
        "CREATE UNIQUE INDEX jobs_video_id ON jobs(video_id) WHERE video_id IS NOT NULL",
        "ALTER TABLE jobs ADD COLUMN hidden INTEGER NOT NULL DEFAULT 0",
    ],
}


class Journal:
    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._db = sqlite3.connect(str(self.path), isolation_level=None, check_same_thread=False)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.execute("PRAGMA busy_timeout=5000")
        self._migrate()

    # -- schema ---------------------------------------------------------------------------------

    def _migrate(self) -> None:
        version = self._db.execute("PRAGMA user_version").fetchone()[0]
        if version > SCHEMA_VERSION:
            raise RuntimeError(f"the job journal {self.path} was written by a newer version "
                               f"(schema {version} > {SCHEMA_VERSION})")
        for target in range(version + 1, SCHEMA_VERSION + 1):
            with self._lock:
                self._db.execute("BEGIN IMMEDIATE")
                try:
                    for statement in _MIGRATIONS[target]:
                        self._db.execute(statement)
                    self._db.execute(f"PRAGMA user_version={target}")
                    self._db.execute("COMMIT")
                except Exception:
                    self._db.execute("ROLLBACK")
                    raise
            # Worth a line in the log when an existing journal changes; a new one is just being made.
            log.log(logging.INFO if version else logging.DEBUG, "job journal migrated to schema %d", target)

    @property
    def schema_version(self) -> int:
        return self._db.execute("PRAGMA user_version").fetchone()[0]

    # -- rows -----------------------------------------------------------------------------------

    def save(self, record: Record) -> None:
        """Insert or replace a job record (keys id, state, video_id, account, created_at, updated_at,
        hidden, plus anything else)."""
        row = (record["id"], record["state"], record.get("video_id"), record.get("account"),
               record["created_at"], record["updated_at"], int(bool(record.get("hidden"))),
               json.dumps(record))
        with self._lock:
            self._db.execute(
                "INSERT INTO jobs(id, state, video_id, account, created_at, updated_at, hidden, data) "
                "VALUES(?,?,?,?,?,?,?,?) ON CONFLICT(id) DO UPDATE SET state=excluded.state, "
                "video_id=excluded.video_id, account=excluded.account, updated_at=excluded.updated_at, "
                "hidden=excluded.hidden, data=excluded.data", row)

    def sync(self) -> None:
        """Make every write so far survive a power cut. In WAL mode a committed write is in the log
        (or already checkpointed into the database, which a checkpoint fsyncs), so an fsync of the
        log is what synchronous=FULL would have done at commit. Safe from any thread: it does not
        touch the connection."""
        wal = self.path.with_name(self.path.name + "-wal")
        try:
            fd = os.open(wal, os.O_RDONLY)
        except FileNotFoundError:   # nothing written since the last checkpoint removed it
            return
        try:
            os.fsync(fd)
        finally:
            os.close(fd)

    def get(self, job_id: str) -> dict[str, Any] | None:
        found = self._select("WHERE id=?", (job_id,))
        return found[0] if found else None

    def find_by_video_id(self, video_id: str) -> dict[str, Any] | None:
        found = self._select("WHERE video_id=?", (video_id,))
        return found[0] if found else None

    def _select(self, where: str = "", params: Iterable = ()) -> list[dict[str, Any]]:
        with self._lock:
            rows = self._db.execute(f"SELECT data FROM jobs {where} ORDER BY created_at, rowid",
                                    tuple(params)).fetchall()
        records = []
        for (data,) in rows:
            try:
                records.append(json.loads(data))
            except ValueError as exc:  # a damaged row must not hide the others
                log.warning("skipping an unreadable journal row: %s", exc)
        return records

    def all(self, include_hidden: bool = False) -> list[dict[str, Any]]:
        return self._select("" if include_hidden else "WHERE hidden=0")

    def in_states(self, states: Iterable[str]) -> list[dict[str, Any]]:
        states = list(states)
        return self._select(f"WHERE state IN ({','.join('?' * len(states))})", states)

    def delete(self, job_id: str) -> None:
        with self._lock:
            self._db.execute("DELETE FROM jobs WHERE id=?", (job_id,))

    def close(self) -> None:
        with self._lock:
            self._db.close()
