"""Jobs over the journal: ``Job`` values in, ``Job`` values out."""

from __future__ import annotations

import asyncio

import sqlite3
from pathlib import Path

from pixverse_desktop.storage.journal import Journal

from .models import Job, JobState


class DuplicateVideoId(Exception):
    """Another job already holds this video_id (the service reused an id: a restarted simulator)."""

    def __init__(self, other: Job) -> None:
        super().__init__(f"video id already belongs to job {other.id}")
        self.other = other


class JobStore:
    def __init__(self, journal: Journal) -> None:
        self.journal = journal

    @classmethod
    def open(cls, data_dir: str | Path) -> "JobStore":
        return cls(Journal(Path(data_dir) / "jobs.sqlite3"))

    def save(self, job: Job) -> None:
        try:
            self.journal.save(job.to_dict())
        except sqlite3.IntegrityError:
            other = self.by_video_id(job.video_id) if job.video_id else None
            if other is None or other.id == job.id:
                raise
            raise DuplicateVideoId(other) from None

    async def sync(self) -> None:
        """Every save so far survives a power cut once this returns (the fsync runs in a worker
        thread, never on the caller's loop)."""
        await asyncio.to_thread(self.journal.sync)

    def get(self, job_id: str) -> Job | None:
        record = self.journal.get(job_id)
        return Job.from_dict(record) if record else None

    def by_video_id(self, video_id: str) -> Job | None:
        record = self.journal.find_by_video_id(video_id)
        return Job.from_dict(record) if record else None

    def by_id_prefix(self, prefix: str) -> Job | None:
        """The one job whose id starts with ``prefix`` (as `jobs` prints them), None if none or several."""
        if len(prefix) < 4:
            return None
        found = [j for j in self.all(include_hidden=True) if j.id.startswith(prefix)]
        return found[0] if len(found) == 1 else None

    def all(self, include_hidden: bool = False) -> list[Job]:
        return [Job.from_dict(r) for r in self.journal.all(include_hidden)]

    def unfinished(self) -> list[Job]:
        return [Job.from_dict(r) for r in self.journal.in_states(s.value for s in JobState if not s.is_final)]

    def close(self) -> None:
        self.journal.close()
