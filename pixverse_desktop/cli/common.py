"""What every command shares: its error, exit codes from errors and jobs, the token, the session of
objects one command needs, and how lists and messages are printed (stdout for results, stderr else)."""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import sys
from pathlib import Path
from typing import Any

from pixverse_desktop.api import (
    AccountPendingError, ApiError, BadAddress, Busy, InsufficientCredits, InvalidInput, Moderated, PixverseClient,
    Transient, Unauthorized, api_base_from_env, make_http_client,
)
from pixverse_desktop.api.errors import ErrorKind
from pixverse_desktop.api.schemas import Video
from pixverse_desktop.core.redact import register_secret
from pixverse_desktop.jobs.engine import EngineConfig, JobEngine
from pixverse_desktop.jobs.models import Job, JobState
from pixverse_desktop.jobs.store import JobStore
from pixverse_desktop.storage.journal_lock import JournalInUse, JournalLock

from .options import (
    EXIT_ACCOUNT, EXIT_AUTH, EXIT_BUSY, EXIT_CREDITS, EXIT_ERROR, EXIT_FAILED, EXIT_IN_USE, EXIT_INVALID,
    EXIT_MODERATED, EXIT_NETWORK, EXIT_OK, EXIT_TIMEOUT,
)


class CliError(Exception):
    def __init__(self, message: str, code: int) -> None:
        super().__init__(message)
        self.code = code


def exit_code_for(error: BaseException) -> int:
    for kind, code in ((InvalidInput, EXIT_INVALID), (BadAddress, EXIT_INVALID), (Unauthorized, EXIT_AUTH),
                       (InsufficientCredits, EXIT_CREDITS), (Moderated, EXIT_MODERATED),
                       (AccountPendingError, EXIT_ACCOUNT), (Busy, EXIT_BUSY), (Transient, EXIT_NETWORK)):
        if isinstance(error, kind):
            return code
    if isinstance(error, ApiError) and error.status == 400:
        return EXIT_INVALID
    return EXIT_ERROR


def exit_code_for_job(job: Job) -> int:
    if job.state is JobState.COMPLETED or job.state in (JobState.QUEUED, JobState.GENERATING):
        return EXIT_OK
    by_status = {400: EXIT_INVALID, 401: EXIT_AUTH, 412: EXIT_CREDITS, 422: EXIT_MODERATED, 596: EXIT_ACCOUNT}
    if job.state is JobState.WAITING_SLOT:
        return EXIT_NETWORK if job.error_kind is ErrorKind.TRANSIENT else EXIT_BUSY
    if job.state is JobState.PENDING:   # never tried: --timeout ran out while it waited its turn
        return EXIT_TIMEOUT
    return by_status.get(job.error_status or 0, EXIT_FAILED)


def percent_printer():
    """Says each new percentage once (the last one, 100 %, was said twice; CLI pass)."""
    said = [-1]

    def progress(done: int, total: int) -> None:
        percent = done * 100 // total if total else 0
        if percent != said[0]:
            said[0] = percent
            say(f"  {percent}%")
    return progress


def state_words(job: Job) -> str:
    """"Job 1a2b3c4d has failed", not "is failed" (CLI pass)."""
    if job.state is JobState.FAILED:
        return "has failed"
    if job.state is JobState.NEEDS_ATTENTION:
        return "needs attention"
    return f"is {job.state.label.lower().rstrip('…')}"


def job_json(job: Job) -> dict[str, Any]:
    return {
        "id": job.id, "video_id": job.video_id, "status": job.state.value,
        "remote_status": job.status_label or None, "url": job.result_url or None,
        "message": job.message, "account": job.account, "local_path": job.local_path or None,
        "created_at": job.created_at, "finished_at": job.finished_at,
        "parameters": job.request.to_payload(),
    }


def video_json(video: Video) -> dict[str, Any]:
    return {
        "video_id": video.video_id, "status": video.status_label, "created_at":
        video.created_at.isoformat() if video.created_at else None, "prompt": video.prompt,
        "duration": video.video_duration or video.duration, "width": video.output_width,
        "height": video.output_height, "url": video.url or None, "thumbnail": video.thumbnail_url or None,
    }


def stdout_is_terminal() -> bool:
    try:
        return sys.stdout.isatty()
    except (AttributeError, ValueError):   # replaced or closed stdout: not a person reading it
        return False


def print_list(args: argparse.Namespace, items: list, as_json, header: tuple[str, ...], as_row) -> None:
    """One JSON array with --json (and nothing else on stdout). Otherwise one line per item: for a
    terminal, columns aligned under a header row; into a pipe or a file, only the tab-separated rows.

    The choice: the README offers --json to scripts, but the plain lines are tab-separated, a format
    made for `cut -f1` and the like, where a header would be read as one more item; so the header
    (and aligned columns) only for a person at a terminal. The fields are the same either way."""
    if args.json:
        print(json.dumps([as_json(item) for item in items], indent=2))
        return
    rows = [tuple(str(field) for field in as_row(item)) for item in items]
    if not stdout_is_terminal():
        for row in rows:
            print("\t".join(row))
        return
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header) - 1)]
    for row in [header, *rows]:
        print("  ".join([*(field.ljust(width) for field, width in zip(row, widths)), row[-1]]).rstrip())


def say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def state_text(job: Job) -> str:
    """The state as the CLI words it: a send that failed to connect is not "waiting for a slot"."""
    if job.state is JobState.WAITING_SLOT and job.error_kind is ErrorKind.TRANSIENT:
        return "Not sent yet"
    return job.state.label


def input_problems(error: InvalidInput) -> str:
    """Refused fields named as the options that set them (the form's wording names its fields)."""
    return "; ".join(f"--{e.field.replace('_', '-')}: {e.message}" for e in error.errors)


def read_token() -> str:
    token = os.environ.get("USEAPI_TOKEN", "").strip()
    if not token:
        from pixverse_desktop.storage.secrets import KeyringTokenStore, KeyringUnavailable

        try:
            token = KeyringTokenStore().get() or ""
        except KeyringUnavailable as exc:
            raise CliError(f"No token in USEAPI_TOKEN and the keyring is not usable: {exc}", EXIT_AUTH)
    if not token:
        raise CliError("No API token: set USEAPI_TOKEN or save one in the app (Settings → API token).", EXIT_AUTH)
    register_secret(token)
    return token


def default_data_dir() -> Path:
    from pixverse_desktop.core.paths import data_dir

    return data_dir()


class Session:
    """The objects one command needs, closed together. ``runs_jobs``: the command sends or follows the
    journal's jobs, which one process at a time does (storage.journal_lock)."""

    def __init__(self, args: argparse.Namespace, need_token: bool = True, runs_jobs: bool = False) -> None:
        base = api_base_from_env(args.api_base)   # a malformed address fails here, before anything else
        token = read_token() if need_token else ""
        data_dir = Path(args.data_dir or default_data_dir())
        self.lock = JournalLock(data_dir)
        if runs_jobs:
            try:
                self.lock.acquire()
            except JournalInUse as exc:
                raise CliError(
                    "PixVerse Desktop (its window, or another command"
                    + (f", process {exc.pid}" if exc.pid else "") + ") is running the jobs of this journal, "
                    "and one process at a time does, so that no job is ever sent twice. Let it finish, "
                    "quit it, or use another folder with --data-dir.", EXIT_IN_USE) from None
        self.http = make_http_client()
        self.client = PixverseClient(base, lambda: token, self.http)
        self.store = JobStore.open(data_dir)

    async def close(self) -> None:
        await self.http.aclose()
        self.store.close()
        self.lock.release()


@contextlib.asynccontextmanager
async def journal_engine(args: argparse.Namespace):
    """The session of a command that runs the journal's jobs (it holds the journal) and its engine, not
    started yet; stopped and closed however the command ends."""
    session = Session(args, runs_jobs=True)
    engine = JobEngine(session.client, session.store, EngineConfig(poll_min_s=args.poll_min))
    try:
        yield session, engine
    finally:
        await engine.stop()
        await session.close()
