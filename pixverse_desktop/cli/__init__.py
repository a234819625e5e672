"""The command-line face over the job engine, for scripts and batch use.

With ``--json`` stdout holds only JSON; progress and messages go to stderr. The token comes from
``USEAPI_TOKEN`` or else the OS keyring, and never appears in any output.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import logging
import os
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

from pixverse_desktop import __version__
from pixverse_desktop.api import ApiError, ExtendRequest, InvalidInput, PixverseClient, Transient, Unauthorized
from pixverse_desktop.api.errors import ErrorKind
from pixverse_desktop.api.schemas import Video
from pixverse_desktop.core.logs import setup_logging, shutdown_logging
from pixverse_desktop.jobs.engine import JobEngine
from pixverse_desktop.jobs.models import AccountProblem, Job, JobChanged, JobState
from pixverse_desktop.jobs.reconcile import RETRY_HINT
from pixverse_desktop.jobs.store import JobStore

# The commands' shared parts, and read_token / stdout_is_terminal, which tests replace there (common).
from .common import (
    CliError, Session, default_data_dir, exit_code_for, exit_code_for_job, input_problems, job_json,
    journal_engine, print_list, say, state_text, state_words, video_json,
)
from .download import cmd_download
from .options import (  # noqa: F401 - the exit codes and COMMANDS are this module's face too
    COMMANDS, EXIT_ACCOUNT, EXIT_AUTH, EXIT_BUSY, EXIT_CODES_HELP, EXIT_CREDITS, EXIT_ERROR, EXIT_FAILED,
    EXIT_IN_USE, EXIT_INVALID, EXIT_MODERATED, EXIT_NETWORK, EXIT_NOT_READY, EXIT_OK, EXIT_PIPE, EXIT_TIMEOUT,
    build_parser,
)

log = logging.getLogger(__name__)


def _request_from_args(args: argparse.Namespace, video_path: str | None) -> ExtendRequest:
    return ExtendRequest(
        prompt=args.prompt, video_id=args.video_id, video_path=video_path or args.video_path,
        email=args.email, negative_prompt=args.negative_prompt, template_id=args.template_id,
        duration=args.duration, quality=args.quality, motion_mode=args.motion_mode, style=args.style,
        seed=args.seed, remove_watermark=args.remove_watermark, reply_url=args.reply_url,
        reply_ref=args.reply_ref, max_jobs=args.max_jobs)


async def cmd_extend(args: argparse.Namespace) -> int:
    from pixverse_desktop.api.validate import check_extend, upload_content_type

    # Everything that can be checked locally is checked before any token or network is touched.
    placeholder = "pending-upload" if args.file else None
    check_extend(_request_from_args(args, placeholder))
    if args.file:
        if not Path(args.file).is_file():
            raise CliError(f"No such file: {args.file}", EXIT_INVALID)
        upload_content_type(args.file, video_only=True)
    async with journal_engine(args) as (session, engine):
        video_path = None
        await engine.start()
        _stop_on_problem(engine)  # e.g. the token was refused by GET /accounts: nothing is sent
        if args.email and engine.accounts and args.email not in engine.accounts:
            # Checked against GET /accounts, which ran anyway: the service refused it after a send.
            raise CliError(f"No PixVerse account {args.email} on this useapi.net token; the accounts are "
                           f"{', '.join(engine.accounts)}. Nothing was sent.", EXIT_INVALID)
        earlier = sum(not j.state.is_final for j in engine.jobs())
        if earlier:   # the engine runs the journal's unfinished jobs too: said, not done quietly (CLI pass)
            say(f"Also resuming {earlier} unfinished job(s) of earlier runs; `jobs` lists them.")
        if args.file:
            say(f"Uploading {Path(args.file).name}…")
            last = [0.0]

            def progress(done: int, total: int) -> None:
                if time.monotonic() - last[0] > 0.5 or done == total:
                    last[0] = time.monotonic()
                    say(f"  {done * 100 // max(total, 1)}% ({done // 1024} of {total // 1024} KiB)")

            # POST /files wants an account when there are several, and any account may use an upload
            # (the API doc): without --email the first one carries it; the service still picks who
            # extends it.
            carrier = args.email or (next(iter(engine.accounts)) if len(engine.accounts) > 1 else None)
            video_path = (await session.client.upload_file(args.file, carrier, progress)).path
        job = engine.submit(_request_from_args(args, video_path))
        say(f"Job {job.id[:8]} created")   # its state follows on the next line ("Waiting to send" was said twice)
        job, gave_up, code = await _follow(engine, job, args)
        job = engine.get(job.id) or job   # as recorded: cancelled, when it was never sent
    return _outcome(args, job, gave_up, code)


def _outcome(args: argparse.Namespace, job: Job, gave_up: str, code: int) -> int:
    """What became of a job this command sent: stdout, the last line on stderr, the exit code."""
    succeeded = job.state is JobState.COMPLETED or (not gave_up and job.state.is_remote)
    if args.json:   # the job as recorded, whatever became of it: its status and message say
        print(json.dumps(job_json(job), indent=2))
    elif succeeded:   # a job that got nowhere has no video_id or URL: nothing for stdout to carry
        print(f"{job.video_id or '-'}\t{job.state.value}\t{job.result_url or ''}")
    if gave_up:
        # "Nothing was sent" was untrue after sends the service refused as busy (CLI pass).
        said = "Nothing was sent" if code == EXIT_NETWORK else "The service never took the job"
        say(f"Gave up: {gave_up}. {said}, so nothing was charged.")
        return code
    if not succeeded:
        say(failure_text(job))   # the one place the failure is said (_watch leaves it out)
    return exit_code_for_job(job)


def failure_text(job: Job) -> str:
    """The one line that says a job did not complete (extend, jobs --wait)."""
    # The window's "Use Retry" pointed a terminal user to a button they do not have (CLI pass).
    message = job.message.replace(RETRY_HINT, f"`pixverse-desktop jobs --retry {job.id[:8]}` sends it again.")
    said = message and message != job.state.label
    return f"error: job {job.id[:8]} {state_words(job)}" + (f": {message}" if said else ".")


TOKEN_HINT = " (The token comes from USEAPI_TOKEN, or else the keyring.)"
PROBLEM_EXIT = {"unauthorized": EXIT_AUTH, "credits": EXIT_CREDITS, "pending_error": EXIT_ACCOUNT}
UNSENT = (JobState.PENDING, JobState.WAITING_SLOT)


def _stop_on_problem(engine: JobEngine) -> None:
    problem = engine.latest_problem()
    if problem is not None:
        hint = TOKEN_HINT if problem.kind == "unauthorized" else ""
        raise CliError(problem.message + hint, PROBLEM_EXIT.get(problem.kind, EXIT_ERROR))


HEARTBEAT_S = 15.0   # how often a long wait says it is still waiting


async def _follow(engine: JobEngine, job: Job, args: argparse.Namespace) -> tuple[Job, str, int]:
    """Report changes on stderr until the job is accepted (or final, with --wait). A job that was not
    sent when this returns or fails is cancelled, so a later run never sends it behind the user's back."""
    try:
        return await _watch(engine, job, args)
    finally:
        current = engine.get(job.id)
        if current is not None and current.state in UNSENT:
            engine.remove(job.id)
            say("  The job was not sent and has been cancelled.")


def _news(job: Job) -> str:
    """A job's state and message in one line; not "Waiting for a free slot: Waiting for a free slot: …"
    (CLI pass)."""
    label = state_text(job)
    return job.message if job.message.startswith(label) else f"{label}: {job.message}"


async def _watch(engine: JobEngine, job: Job, args: argparse.Namespace) -> tuple[Job, str, int]:
    """The job once it is accepted (or final, with --wait), "" and 0; or an unsent job, why this gave
    up on it and the exit code that says so."""
    changed = asyncio.Event()
    engine.subscribe(lambda event: changed.set())
    started, busy_since, last_line, said_at = time.monotonic(), None, "", 0.0
    while True:
        job = engine.get(job.id) or job
        if job.state in UNSENT:
            _stop_on_problem(engine)  # parked behind an account problem: it would wait for ever
        if job.state.is_final and job.state is not JobState.COMPLETED:
            return job, "", 0   # cmd_extend says why, once, as the last line
        label = state_text(job)
        line = f"  {_news(job)}"
        if line != last_line:
            say(line)
            last_line, said_at = line, time.monotonic()
        elif job.state.is_remote and time.monotonic() - said_at >= HEARTBEAT_S:
            # A minute of "Generating" and then silence looked like a hang (CLI pass).
            say(f"  still {label.lower()} ({time.monotonic() - started:.0f} s so far)")
            said_at = time.monotonic()
        if job.state.is_final or (not args.wait and job.state.is_remote):
            return job, "", 0
        if job.state is JobState.WAITING_SLOT:   # busy (429), or the service could not be reached
            busy_since = busy_since or time.monotonic()
            if job.error_kind is ErrorKind.TRANSIENT:
                limit, code, why = args.network_timeout, EXIT_NETWORK, "the service could not be reached for {:g} s"
            else:
                limit, code, why = args.busy_timeout, EXIT_BUSY, "no slot became free within {:g} s"
            if time.monotonic() - busy_since > limit:
                return job, why.format(limit), code   # _follow cancels it and says so
        elif job.state is not JobState.SUBMITTING:   # a retry's send keeps the clock running
            busy_since = None
        if time.monotonic() - started > args.timeout:
            if job.state in UNSENT:
                return job, f"it was still not sent after {args.timeout:g} s (--timeout)", EXIT_TIMEOUT
            if job.state is JobState.SUBMITTING:
                raise CliError(f"Gave up waiting after {args.timeout:g} s while the job was being sent; "
                               "`pixverse-desktop jobs --wait` checks whether the service received it "
                               f"(it is never sent twice) and follows it ({job.id[:8]}).", EXIT_TIMEOUT)
            raise CliError(f"Gave up waiting after {args.timeout:g} s. The job was sent and keeps running "
                           f"on the service; `pixverse-desktop jobs --wait` follows it ({job.id[:8]}).",
                           EXIT_TIMEOUT)
        changed.clear()
        try:
            await asyncio.wait_for(changed.wait(), timeout=1.0)
        except asyncio.TimeoutError:
            pass


VIDEOS_TRIES = 3   # a read: a passing fault is tried again (one 503 ended the command; CLI pass)
VIDEOS_PAUSE_S = 1.0   # before the second try; twice that before the third


async def cmd_videos(args: argparse.Namespace) -> int:
    session = Session(args)
    try:
        for attempt in range(1, VIDEOS_TRIES + 1):
            try:
                videos = await _videos_of(session.client, args.email)
                break
            except Transient as exc:
                if attempt == VIDEOS_TRIES:
                    raise
                say(f"  {exc.what_happened} Trying again ({attempt + 1} of {VIDEOS_TRIES})…")
                await asyncio.sleep(VIDEOS_PAUSE_S * attempt)
    finally:
        await session.close()
    print_list(args, videos, video_json, ("VIDEO_ID", "STATUS", "DURATION", "PROMPT"),
               lambda v: (v.video_id, v.status_label, f"{v.video_duration or v.duration}s", v.prompt[:60]))
    return EXIT_OK


async def _videos_of(client: PixverseClient, email: str | None) -> list[Video]:
    """One account's videos, or every account's, newest first, as `--help` promises: GET /videos needs
    an email once the token has several accounts, and without one it was refused (CLI pass)."""
    if email:
        return await client.all_videos(email)
    accounts = await client.accounts()
    if len(accounts) < 2:
        return await client.all_videos(None)
    lists = await asyncio.gather(*(client.all_videos(a.email) for a in accounts))
    oldest = datetime.min.replace(tzinfo=timezone.utc)
    return sorted((v for videos in lists for v in videos), key=lambda v: v.created_at or oldest, reverse=True)


async def cmd_jobs(args: argparse.Namespace) -> int:
    if args.retry:
        return await _retry(args)
    code = EXIT_OK
    if args.wait:
        jobs, resumed = await _resume_all(args)
        # A script learns how the jobs it waited for ended, as from `extend --wait` (it exited 0 when a
        # resumed job failed; CLI pass): the first one that did not complete decides.
        failed = [j for j in resumed if j.state is not JobState.COMPLETED]
        if failed:
            code = exit_code_for_job(failed[0]) or EXIT_FAILED
            for job in failed:
                say(failure_text(job))
    else:
        store = JobStore.open(args.data_dir or default_data_dir())
        try:
            jobs = store.all()
        finally:
            store.close()
    print_list(args, jobs, job_json, ("JOB", "STATUS", "VIDEO_ID", "PROMPT"),
               lambda j: (j.id[:8], j.state.value, j.video_id or "-", j.request.prompt[:50]))
    return code


async def _retry(args: argparse.Namespace) -> int:
    async with journal_engine(args) as (session, engine):
        old = session.store.get(args.retry) or session.store.by_id_prefix(args.retry)
        if old is None:
            raise CliError(f"No job {args.retry!r} in the journal (`jobs` lists them; give 4 or more "
                           "characters of the id).", EXIT_INVALID)
        again = next((j for j in session.store.all(include_hidden=True) if j.parent_id == old.id), None)
        if old.hidden and again is not None:   # sent again already: a second retry was a second charge
            raise CliError(f"Job {old.id[:8]} was already sent again, as job {again.id[:8]} "
                           f"({again.state.label.lower()}).", EXIT_INVALID)
        if old.state not in (JobState.FAILED, JobState.NEEDS_ATTENTION):
            raise CliError(f"Job {old.id[:8]} {state_words(old)}: only a job that failed or needs attention "
                           "is sent again.", EXIT_INVALID)
        await engine.start()
        _stop_on_problem(engine)
        job = engine.retry(old.id)
        say(f"Job {job.id[:8]} created to send job {old.id[:8]} again")
        job, gave_up, code = await _follow(engine, job, args)
        job = engine.get(job.id) or job
    return _outcome(args, job, gave_up, code)


async def _resume_all(args: argparse.Namespace) -> tuple[list[Job], list[Job]]:
    """Every job, and the ones that were unfinished, as they ended."""
    async with journal_engine(args) as (session, engine):
        await engine.start()
        unfinished = [j for j in engine.jobs() if not j.state.is_final]
        say(f"Resuming {len(unfinished)} unfinished job(s)…")
        # A refused token or no certificate store holds every job: said at once, not after --timeout (it
        # waited up to 3 h; CLI pass). One account's problem leaves the others' jobs to follow.
        problem = asyncio.get_running_loop().create_future()
        if engine.parked_reason(None):
            problem.set_result(None)
        unsubscribe = engine.subscribe(lambda event: isinstance(event, AccountProblem) and event.email is None
                                       and not problem.done() and problem.set_result(event))
        # Each job's news as it changes: with the service unreachable this said nothing for --timeout
        # (3 h by default) where `extend --wait` said "Status checks are failing…" (network-failure pass).
        watched, said = {j.id for j in unfinished}, {}

        def report(event) -> None:
            if isinstance(event, JobChanged) and event.job.id in watched and event.job.message:
                job = event.job
                line = f"  {job.id[:8]}: {_news(job)}"
                if said.get(job.id) != line:
                    said[job.id] = line
                    say(line)

        unreport = engine.subscribe(report)
        ending = asyncio.ensure_future(asyncio.gather(*(engine.wait_final(j.id) for j in unfinished)))
        try:
            done, _ = await asyncio.wait([ending, problem], timeout=args.timeout,
                                         return_when=asyncio.FIRST_COMPLETED)
            if ending not in done:
                _stop_on_problem(engine)
                raise CliError("Gave up waiting: some jobs are still running; `jobs --wait` follows them.",
                               EXIT_TIMEOUT)
        finally:
            unsubscribe()
            unreport()
            if not ending.done():   # and its cancellation taken, not left to be reported when collected
                ending.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await ending
        return session.store.all(), list(ending.result())


HANDLERS = {"extend": cmd_extend, "videos": cmd_videos, "jobs": cmd_jobs, "download": cmd_download}


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logged = _log_to_file(args)
    try:
        return _run(args)
    finally:
        if logged:
            shutdown_logging()


def _log_to_file(args: argparse.Namespace) -> bool:
    """The app's rotating, token-redacting log file (Help → Open logs folder), for the commands too: they
    wrote none, so a failed script left nothing to look at (CLI pass). Level: PIXVERSE_LOG_LEVEL."""
    try:
        setup_logging(os.environ.get("PIXVERSE_LOG_LEVEL", "INFO"))
    except (OSError, ValueError) as exc:   # an unwritable log folder or a bad level: the command still runs
        say(f"note: no log file ({exc})")
        return False
    log.info("pixverse-desktop %s: %s", __version__, args.command)
    return True


def _run(args: argparse.Namespace) -> int:
    try:
        return asyncio.run(HANDLERS[args.command](args))
    except CliError as exc:
        log.info("%s ended: %s", args.command, exc)
        say(f"error: {exc}")
        return exc.code
    except InvalidInput as exc:
        say(f"error: {input_problems(exc)}")
        return EXIT_INVALID
    except ApiError as exc:   # a refused token: where this command took it from (CLI pass)
        log.info("%s ended: %s", args.command, exc.user_message)
        say(f"error: {exc.user_message}" + (TOKEN_HINT if isinstance(exc, Unauthorized) else ""))
        return exit_code_for(exc)
    except BrokenPipeError:
        # The reader went away (`videos --json | head`): nothing of ours failed. Later writes (and
        # Python's flush at exit) go nowhere instead of raising again.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_PIPE
    except KeyboardInterrupt:
        # A job not sent yet was cancelled just before (and said so): only sent ones are followed later.
        say("interrupted; jobs already sent stay in the journal, and `jobs --wait` follows them")
        return 130
