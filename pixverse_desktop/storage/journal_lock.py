"""One process at a time sends and follows the jobs of a journal.

The journal keeps a job from being sent twice by one process, across kills and restarts. Two processes
on one journal (the window and ``pixverse-desktop jobs --wait``, or two such commands) each saw the
same waiting job and each sent it: two videos, two charges (CLI pass). So the process that runs the
jobs holds an exclusive lock on a file beside the journal for as long as it runs; the operating system
lets go of it when the process ends, however it ends, so a killed app never leaves a stale lock.
Reading the journal (``jobs`` without ``--wait``) needs no lock.
"""

from __future__ import annotations

import os
from pathlib import Path

LOCK_NAME = "jobs.lock"


class JournalInUse(Exception):
    """Another process holds the journal; ``pid`` is the one it wrote (0 if unknown)."""

    def __init__(self, path: Path, pid: int) -> None:
        super().__init__(f"the job journal in {path.parent} is in use by another process"
                         + (f" (pid {pid})" if pid else ""))
        self.path = path
        self.pid = pid


class JournalLock:
    def __init__(self, data_dir: str | Path) -> None:
        self.path = Path(data_dir) / LOCK_NAME
        self._fd: int | None = None

    @property
    def held(self) -> bool:
        return self._fd is not None

    def acquire(self) -> "JournalLock":
        """Raises JournalInUse at once (never waits) when another process holds it."""
        if self._fd is not None:
            return self
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            _lock(fd)
        except OSError:
            pid = _read_pid(fd)
            os.close(fd)
            raise JournalInUse(self.path, pid) from None
        os.ftruncate(fd, 0)
        os.write(fd, str(os.getpid()).encode())
        self._fd = fd
        return self

    def release(self) -> None:
        fd, self._fd = self._fd, None
        if fd is not None:
            os.close(fd)   # closing the descriptor releases the lock; the file stays for the next one


def _lock(fd: int) -> None:
    try:
        import fcntl
    except ImportError:   # Windows: a byte-range lock on the first byte does the same
        import msvcrt

        msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
    else:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)


def _read_pid(fd: int) -> int:
    try:
        return int(os.pread(fd, 32, 0).decode().strip() or 0)
    except (OSError, ValueError, AttributeError):   # os.pread is missing on Windows
        return 0
