"""The job engine: local queue per account, submission, 429 back-off, crash-safe reconciliation.

It owns every job task and reports plain events (``jobs.models``) to its listeners on the loop
thread; the window and the CLI are both thin faces over it. Every change is written to the journal
before anyone hears of it, and the SUBMITTING write before a POST is durable, so a crash can never
leave a charged job unknown.
"""

from __future__ import annotations

import asyncio
import logging
import random
import time
from dataclasses import dataclass
from typing import Callable

from pixverse_desktop.api.client import PixverseClient
from pixverse_desktop.api.errors import (
    AccountPendingError, ApiError, Busy, CertificateStoreUnusable, ErrorKind, InsufficientCredits, Transient,
    Unauthorized,
)
from pixverse_desktop.api.schemas import SEED_MAX, SEED_MIN, Account, ExtendRequest, Video, parse_video_id
from pixverse_desktop.api.validate import check_extend

from . import backoff
from .models import (
    AccountCleared, AccountProblem, EngineEvent, Job, JobChanged, JobRemoved, JobState, new_job_id,
)
from .poller import AccountPoller
from .scheduling import dispatch
from .reconcile import reconcile_unknown, sent_after_all
from .store import DuplicateVideoId, JobStore

log = logging.getLogger(__name__)
Listener = Callable[[EngineEvent], None]


@dataclass
class EngineConfig:
    poll_min_s: float = 2.0
    poll_max_s: float = 20.0
    page_size: int = 40
    busy_min_s: float = backoff.BUSY_MIN_S
    busy_max_s: float = backoff.BUSY_MAX_S
    transient_base_s: float = backoff.TRANSIENT_BASE_S
    transient_max_s: float = backoff.TRANSIENT_MAX_S
    job_time_limit_s: float = 2 * 3600.0   # a job with no final status after this needs attention
    default_max_jobs: int = 1               # when GET /accounts cannot say
    reconcile_delay_s: float = 3.0          # after an unknown POST outcome, before looking for it
    reconcile_pages: int = 10
    auto_download: bool = False
    library_dir: str | None = None
    # How long a job usually takes from acceptance, until one has finished on the account and the
    # engine learns it: lets the first jobs be polled when they are due instead of by their age.
    # Demo mode knows the simulator's clock; for the real service there is no prior (None).
    expected_job_s: float | None = None
    # At stop, a send already on its way gets this long to be answered: cut off, its job could only be
    # looked for after a restart, and showed "Needs attention" where the service never got it (new-user
    # pass). No new send starts once stopping.
    send_grace_s: float = 3.0


# Errors no send gets past until the person acts: the AccountProblem kind (the banner's and the CLI's
# word for it), and whether it holds every lane (the token, this computer) or the account's alone.
HOLDING = ((Unauthorized, "unauthorized", True), (CertificateStoreUnusable, "certificates", True),
           (InsufficientCredits, "credits", False), (AccountPendingError, "pending_error", False))


class JobEngine:
    def __init__(self, client: PixverseClient, store: JobStore, config: EngineConfig | None = None, *,
                 downloader=None, clock: Callable[[], float] = time.time,
                 rng: random.Random | None = None) -> None:
        self.client = client
        self.store = store
        self.config = config or EngineConfig()
        self.downloader = downloader
        self.clock = clock
        self.rng = rng or random.Random()
        self.accounts: dict[str, Account] = {}
        self._jobs: dict[str, Job] = {}
        self._listeners: list[Listener] = []
        self._tasks: set[asyncio.Task] = set()
        self._sending: set[str] = set()
        self._pollers: dict[str, AccountPoller] = {}
        self._parked: dict[str | None, AccountProblem] = {}  # lane -> why submissions wait (None: every lane)
        self._wake = asyncio.Event()
        self._started = False
        self._loaded = False   # the journal read (load)
        self.closing = False
        self._typical: dict[str, float] = {}  # account -> smoothed seconds from acceptance to final

    # -- events ---------------------------------------------------------------------------------

    def subscribe(self, listener: Listener) -> Callable[[], None]:
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener) if listener in self._listeners else None

    def _emit(self, event: EngineEvent) -> None:
        for listener in list(self._listeners):
            try:
                listener(event)
            except Exception:  # a broken listener must not stop the engine
                log.exception("engine listener failed")

    def publish(self, job: Job, *, persist: bool = True) -> Job:
        """Record a new snapshot of a job (journal first), then tell the listeners."""
        if persist:
            try:
                self.store.save(job)
            except DuplicateVideoId as clash:
                # The service answered with an id an older job holds: the older record is the stale
                # one (a server that forgot its videos). Keep it, without the id, and say so.
                stale = clash.other.evolve(video_id=None, error_kind=ErrorKind.JOB, message=(
                    f"The service reused this job's video ID for a newer job; {clash.other.message}"))
                if not stale.state.is_final:
                    stale = stale.evolve(state=JobState.NEEDS_ATTENTION, finished_at=self.clock())
                self.store.save(stale)
                if stale.id in self._jobs:
                    self.publish(stale, persist=False)
                self.store.save(job)
        if job.hidden and job.state.is_final:
            self._jobs.pop(job.id, None)
        else:
            self._jobs[job.id] = job  # hidden jobs still running are tracked until they end
        if not job.hidden:
            self._emit(JobChanged(job))
        if job.state.is_final or job.state in (JobState.PENDING, JobState.WAITING_SLOT):
            self._wake.set()
        return job

    # -- queries --------------------------------------------------------------------------------

    def jobs(self) -> list[Job]:
        return sorted((j for j in self._jobs.values() if not j.hidden), key=lambda j: j.created_at)

    def get(self, job_id: str) -> Job | None:
        return self._jobs.get(job_id) or self.store.get(job_id)

    def parked_reason(self, email: str | None) -> str | None:
        problem = self._parked.get(None) or self._parked.get(email)
        return problem.message if problem else None

    def latest_problem(self) -> AccountProblem | None:
        """The newest account or token problem that still holds submissions back, for a caller (the CLI)
        that has one job and would otherwise wait for ever behind it."""
        return next(reversed(self._parked.values()), None)

    # -- commands -------------------------------------------------------------------------------

    def submit(self, req: ExtendRequest, parent_id: str | None = None) -> Job:
        """Validate, persist as PENDING, schedule. Raises InvalidInput; never blocks on the network."""
        check_extend(req)
        now = self.clock()
        job = Job(id=new_job_id(), request=req, created_at=now, updated_at=now,
                  account=req.account_hint, parent_id=parent_id, message=JobState.PENDING.label)
        return self.publish(job)

    def submit_variations(self, req: ExtendRequest, n: int) -> list[Job]:
        """``n`` jobs of one request, each with its own seed (one seed gives one video): with a fixed
        seed, that seed and the ones after it, a set that can be sent again with the same outcome
        (it had been replaced by random ones, silently); otherwise random seeds."""
        if req.seed is not None:
            check_extend(req)   # the seed itself in range first
            span = SEED_MAX - SEED_MIN + 1
            seeds = [SEED_MIN + (req.seed - SEED_MIN + i) % span for i in range(n)]
        else:
            chosen: set[int] = set()
            while len(chosen) < n:
                chosen.add(self.rng.randint(SEED_MIN, SEED_MAX))
            seeds = sorted(chosen)
        requests = [ExtendRequest.from_dict({**req.to_dict(), "seed": seed}) for seed in seeds]
        for variation in requests:
            check_extend(variation)
        return [self.submit(variation) for variation in requests]

    def rerun(self, job_id: str) -> Job:
        original = self._require(job_id)
        return self.submit(original.request, parent_id=original.id)

    def retry(self, job_id: str) -> Job:
        """User-initiated: send a failed or unresolved job's request again, as a new job."""
        original = self._require(job_id)
        if original.state not in (JobState.FAILED, JobState.NEEDS_ATTENTION):
            raise ValueError("only a failed job or one that needs attention can be retried")
        if original.hidden:   # retried already (a retry takes it off the list), or removed
            raise ValueError("this job was already sent again, or removed")
        job = self.submit(original.request, parent_id=original.id)
        self.remove(original.id)
        return job

    def remove(self, job_id: str) -> None:
        job = self._require(job_id)
        if job.state is JobState.SUBMITTING:
            raise ValueError("this job is being sent; remove it once the service has answered")
        if job.state in (JobState.PENDING, JobState.WAITING_SLOT):
            # Never sent: cancelling costs nothing. Keep the record, marked as cancelled by the user.
            job = job.evolve(state=JobState.FAILED, message="Cancelled before it was sent",
                             finished_at=self.clock())
        self.publish(job.evolve(hidden=True))
        self._emit(JobRemoved(job_id))

    def restore(self, job_id: str) -> Job:
        """Undoes :meth:`remove`: the job is listed again (one its removal cancelled stays cancelled)."""
        job = self._require(job_id)
        return self.publish(job.evolve(hidden=False)) if job.hidden else job

    def token_changed(self) -> None:
        """A new token was entered: waiting submissions may go, pollers resume, and jobs whose send had no
        clear answer are looked for (a check the refused token had stopped)."""
        self._unpark(None)
        for poller in self._pollers.values():
            poller.wake()
        self._recheck_unresolved()

    def clear_account_problem(self, email: str | None) -> None:
        self._unpark(email)
        if email in self._pollers:
            self._pollers[email].wake()
        self._recheck_unresolved()

    def _recheck_unresolved(self) -> None:
        unresolved = [j for j in self._jobs.values()
                      if j.state is JobState.SUBMITTING and j.id not in self._sending]
        if unresolved and self._started:
            self._spawn(reconcile_unknown(self, unresolved), "reconcile after a fix")

    def download(self, job_id: str) -> None:
        job = self._require(job_id)
        if self.downloader is None or not job.result_url:
            raise ValueError("this job has no result to download yet")
        self._spawn(self._download(job.id), f"download {job_id}")

    def _require(self, job_id: str) -> Job:
        job = self.get(job_id)
        if job is None:
            raise KeyError(job_id)
        return job

    # -- life cycle -----------------------------------------------------------------------------

    def load(self) -> None:
        """The journal's jobs, read without sending anything: the window lists them before the token is
        at hand (from a keyring that may still be locked). start() loads them too; once is enough."""
        if self._loaded:
            return
        self._loaded = True
        for job in self.store.all():
            self._jobs[job.id] = job
        for job in self.store.unfinished():  # hidden but unfinished jobs still run
            self._jobs.setdefault(job.id, job)

    async def start(self) -> None:
        if self._started:
            return
        self._started = True
        self.closing = False
        self.load()
        await self.refresh_accounts()
        unknown = [j for j in self._jobs.values() if j.state is JobState.SUBMITTING]
        if unknown:
            for job in unknown:
                self.publish(job.evolve(message="Checking whether the service received it…"), persist=False)
            self._spawn(reconcile_unknown(self, unknown), "reconcile at start")
        for email in {j.account or "" for j in self._jobs.values() if j.state.is_remote}:
            self._poller(email).wake()
        if self.config.auto_download and self.downloader is not None:
            for job in self._jobs.values():
                if job.state is JobState.COMPLETED and job.result_url and not job.local_path:
                    self._spawn(self._download(job.id), f"download {job.id}")
        self._spawn(self._schedule_loop(), "scheduler")

    async def stop(self) -> None:
        # Loops also check this flag: on Python 3.11 a cancel that lands as wait_for's inner wait
        # completes can be swallowed, and a loop that never notices would hang the gather below.
        self.closing = True
        self._wake.set()
        for poller in self._pollers.values():
            poller.wake()
        sending = [t for t in self._tasks if t.get_name().startswith("submit ")]
        if sending and self.config.send_grace_s > 0:
            await asyncio.wait(sending, timeout=self.config.send_grace_s)
        tasks = list(self._tasks)
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        self._tasks.clear()
        self._pollers.clear()
        self._started = False

    def _spawn(self, coro, name: str) -> asyncio.Task:
        task = asyncio.get_running_loop().create_task(coro, name=name)
        self._tasks.add(task)
        task.add_done_callback(self._task_done)
        return task

    def _task_done(self, task: asyncio.Task) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.error("engine task %s failed", task.get_name(), exc_info=task.exception())

    async def wait_final(self, job_id: str, timeout: float | None = None) -> Job:
        job = self._require(job_id)
        if job.state.is_final:
            return job
        done: asyncio.Future[Job] = asyncio.get_running_loop().create_future()

        def listen(event: EngineEvent) -> None:
            if isinstance(event, JobChanged) and event.job.id == job_id and event.job.state.is_final:
                if not done.done():
                    done.set_result(event.job)

        unsubscribe = self.subscribe(listen)
        try:
            return await asyncio.wait_for(done, timeout)
        finally:
            unsubscribe()

    async def refresh_accounts(self) -> list[Account]:
        try:
            accounts = await self.client.accounts()
        except Unauthorized as exc:
            self.park_for(exc, None)
            return []
        except CertificateStoreUnusable as exc:
            self.park_for(exc, None)
            return list(self.accounts.values())
        except ApiError as exc:
            log.info("GET /accounts failed (%s); using local limits", type(exc).__name__)
            return list(self.accounts.values())
        self.accounts = {a.email: a for a in accounts}
        self._wake.set()
        return accounts

    # -- scheduling (see scheduling.py) -------------------------------------------------------------

    async def _schedule_loop(self) -> None:
        while not self.closing:
            self._wake.clear()
            delay = dispatch(self)
            try:
                await asyncio.wait_for(self._wake.wait(), timeout=delay)
            except asyncio.TimeoutError:
                pass

    # -- submission -----------------------------------------------------------------------------

    async def _submit(self, job_id: str) -> None:
        try:
            job = self._jobs.get(job_id)
            if job is None or job.state not in (JobState.PENDING, JobState.WAITING_SLOT) or self.closing:
                return  # removed (cancelled) after it was scheduled, or the engine is stopping
            if await self._first_send_arrived(job):
                return
            job = self.publish(job.evolve(state=JobState.SUBMITTING, submitted_at=self.clock(),
                                          message=JobState.SUBMITTING.label, next_try_at=None))
            await self.store.sync()   # on disk before the credits are spent, even through a power cut
            try:
                video_id = await self.client.extend(job.request)
            except ApiError as exc:
                self._submit_failed(job, exc)
                return
            parsed = parse_video_id(video_id)
            email = parsed[1] if parsed else job.account
            job = self.publish(job.evolve(state=JobState.QUEUED, video_id=video_id, account=email,
                                          accepted_at=self.clock(), status_label="QUEUED",
                                          message=JobState.QUEUED.label, error_kind=None, error_status=None))
            self._poller(email or "").wake()
        finally:
            self._sending.discard(job_id)
            self._wake.set()

    async def _first_send_arrived(self, job: Job) -> bool:
        """A retry of a job whose first send had no clear answer: if that send created a video after all,
        the retry takes it over instead of sending (and paying) again. True when nothing is to be sent."""
        first = self.store.get(job.parent_id) if job.parent_id else None
        if first is None or first.state is not JobState.NEEDS_ATTENTION or first.video_id:
            return False
        try:
            video = await sent_after_all(self, first)
        except ApiError as exc:   # not known either way: nothing is sent until it is
            self._send_later(job, f"Not sent yet: checking first whether the first send reached the service "
                                  f"({exc.user_message}); trying again.")
            return True
        if video is None:
            return False
        self.adopt(job.evolve(account=first.account), video, "Found on the service: the first send reached it "
                   "after all, so it was not sent again", submitted_at=first.submitted_at, status_label="QUEUED")
        return True

    def adopt(self, job: Job, video: Video, message: str, **changes) -> Job:
        """``job`` takes over ``video``, found on the service, instead of a send (reconcile, a retry)."""
        adopted = self.publish(job.evolve(state=JobState.QUEUED, video_id=video.video_id,
                                          account=video.email or job.account, accepted_at=self.clock(),
                                          message=message, **changes))
        self.wake_poller(adopted.account or "")
        return adopted

    def _send_later(self, job: Job, message: str, **changes) -> None:
        """Not sent this time, and nothing suggests it arrived: tried again after a back-off."""
        delay = backoff.transient_delay(job.attempts + 1, self.rng, self.config.transient_base_s,
                                        self.config.transient_max_s)
        self.publish(job.evolve(state=JobState.WAITING_SLOT, next_try_at=self.clock() + delay,
                                attempts=job.attempts + 1, message=message, **changes))

    def _submit_failed(self, job: Job, exc: ApiError) -> None:
        now = self.clock()
        if isinstance(exc, CertificateStoreUnusable):
            # Never sent, and no send can work until the computer's setting is corrected: the job
            # waits unsent, every lane is held, and the person is told (a CLI pass found it marked
            # FAILED, "the generation failed", and `jobs --wait` polling for hours).
            self.publish(job.evolve(state=JobState.PENDING, message=f"Not sent: {exc.user_message}"))
            self.park_for(exc, job.account)
            return
        if isinstance(exc, Busy):
            delay = backoff.busy_delay(self.rng, exc.retry_after, self.config.busy_min_s, self.config.busy_max_s)
            at = time.strftime("%H:%M:%S", time.localtime(now + delay))
            self.publish(job.evolve(state=JobState.WAITING_SLOT, next_try_at=now + delay,
                                    attempts=job.attempts + 1, error_status=429,
                                    message=f"{exc.user_message} Next try at {at}."))
            return
        if isinstance(exc, Transient):
            if not exc.may_have_arrived:
                self._send_later(job, f"{exc.what_happened} Not sent; trying again by itself.",
                                 error_kind=ErrorKind.TRANSIENT)
                return
            # The POST may have been accepted: look for it rather than sending it again.
            self.publish(job.evolve(message="No clear answer from the service; checking whether it "
                                            "received the job…", error_kind=ErrorKind.TRANSIENT,
                                    error_status=exc.status))
            self._spawn(reconcile_unknown(self, [job], delay=self.config.reconcile_delay_s), f"reconcile {job.id}")
            return
        self.publish(job.evolve(state=JobState.FAILED, message=exc.user_message, error_kind=exc.kind,
                                error_status=exc.status, finished_at=now))
        self.park_for(exc, job.account)

    def park_for(self, exc: ApiError, account: str | None) -> bool:
        """Holds what an error that no send can get past concerns (see HOLDING): every lane, or the
        account's. False for any other error."""
        for cls, kind, every_lane in HOLDING:
            if isinstance(exc, cls):
                self.park(None if every_lane else account, kind, exc.user_message)
                return True
        return False

    def park(self, lane: str | None, kind: str, message: str) -> None:
        if lane not in self._parked:  # one banner per problem, not one per waiting job
            self._parked[lane] = problem = AccountProblem(lane, kind, message)
            self._emit(problem)

    def _unpark(self, lane: str | None) -> None:
        if self._parked.pop(lane, None) is not None:
            self._emit(AccountCleared(lane))
        self._wake.set()

    # -- polling and downloads (see poller.py) -----------------------------------------------------

    def wake(self) -> None:
        """Run the scheduler now (a lane may have room again)."""
        self._wake.set()

    def wake_poller(self, email: str) -> None:
        self._poller(email).wake()

    def _poller(self, email: str) -> AccountPoller:
        poller = self._pollers.get(email)
        if poller is None or poller.finished:
            poller = AccountPoller(self, email)
            self._pollers[email] = poller
            self._spawn(poller.run(), f"poll {email or 'default'}")
        return poller

    def active_remote(self, email: str) -> list[Job]:
        return [j for j in self._jobs.values() if j.state.is_remote and (j.account or "") == email]

    def typical_duration(self, email: str) -> float | None:
        return self._typical.get(email, self.config.expected_job_s)

    def apply(self, job: Job) -> Job:
        """Called by pollers with an updated snapshot."""
        job = self.publish(job)
        if job.state is JobState.COMPLETED and job.accepted_at and job.finished_at:
            # Slightly under the smoothed duration: the sample includes up to one poll of lag.
            sample = 0.9 * (job.finished_at - job.accepted_at)
            key = job.account or ""
            old = self._typical.get(key)
            self._typical[key] = sample if old is None else 0.7 * old + 0.3 * sample
        if job.state is JobState.COMPLETED and self.config.auto_download and self.downloader is not None:
            self._spawn(self._download(job.id), f"download {job.id}")
        return job

    async def _download(self, job_id: str) -> None:
        from .downloads import download_job  # keeps the engine importable without a downloader

        await download_job(self, job_id)
