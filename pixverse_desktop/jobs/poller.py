"""One poller per account: one GET /videos page per tick covers all of that account's active jobs.

Only jobs missing from that page are asked for one by one (GET /videos/{id}, which answers 404 while a
video is still processing). The interval adapts to the youngest active job's age; a new submission
wakes the poller at once; transient faults back off exponentially (capped). The poller ends when its
account has no active job and is started again on demand.
"""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING

from pixverse_desktop.api.errors import AccountPendingError, ApiError, CertificateStoreUnusable, NotFound, Unauthorized
from pixverse_desktop.api.schemas import Video, VideoStatus

from . import backoff
from .models import Job, JobState

if TYPE_CHECKING:
    from .engine import JobEngine

log = logging.getLogger(__name__)

YIELD_EVERY = 8   # job updates per turn of the event loop in a poll (see _tick)
NOTE_AFTER_FAILURES = 2   # failed status checks in a row before the rows say so (one miss is noise)

_FAILURE_WORDS = {
    # No word on credits: the API documents nothing about refunds for a failed generation, and the
    # guess read as a promise (new-user pass).
    VideoStatus.FAILED: "PixVerse could not generate this video. Try again, perhaps with another prompt or seed.",
    VideoStatus.MODERATED: "PixVerse's moderator blocked the generated video. Try another prompt.",
}


def job_from_video(job: Job, video: Video, now: float) -> Job:
    """The job as the video says it is now (pure; tested on its own)."""
    status = video.status
    changes: dict = {"status_code": video.status_code, "status_label": video.status_label}
    if status is VideoStatus.COMPLETED:
        changes.update(state=JobState.COMPLETED, result_url=video.url, finished_at=now,
                       thumbnail_url=video.thumbnail_url, width=video.output_width,
                       height=video.output_height, video_duration=video.video_duration,
                       message="Done", error_kind=None)
    elif status.is_failure:
        changes.update(state=JobState.FAILED, finished_at=now, message=_FAILURE_WORDS[status],
                       thumbnail_url=video.thumbnail_url)
    elif status is VideoStatus.QUEUED:
        position = f" (position {video.queue_count})" if video.queue_count else ""
        changes.update(state=JobState.QUEUED, message=f"Queued at PixVerse{position}")
    elif status is VideoStatus.GENERATING:
        changes.update(state=JobState.GENERATING, message="Generating")
    else:  # keep the state; say what we see and keep polling within the time limit
        changes.update(message=f"Status {video.status_label}; still checking")
    if all(getattr(job, k) == v for k, v in changes.items() if k != "finished_at") and not (
            changes.get("state", job.state).is_final):
        return job
    return job.evolve(**changes)


class AccountPoller:
    def __init__(self, engine: "JobEngine", email: str) -> None:
        self.engine = engine
        self.email = email
        self.finished = False
        self.failures = 0
        self._plain: dict[str, str] = {}   # job id -> its message before a failing-checks note
        self.requests = 0
        self._wake = asyncio.Event()
        self._last_poll: float | None = None
        self._retry_at: float | None = None

    def wake(self) -> None:
        self._wake.set()

    async def run(self) -> None:
        try:
            while not self.engine.closing:
                self._wake.clear()
                active = self.engine.active_remote(self.email)
                if not active:
                    return
                delay = self._next_poll_at(active, self.engine.clock()) - self.engine.clock()
                if delay <= 0:
                    self._last_poll = self.engine.clock()
                    failure_delay = await self._tick(active)
                    self._retry_at = None if failure_delay is None else self._last_poll + failure_delay
                    continue
                try:  # a submission or a new token wakes us to recompute, not to poll at once
                    await asyncio.wait_for(self._wake.wait(), timeout=delay)
                except asyncio.TimeoutError:
                    pass
        finally:
            self.finished = True

    def _next_poll_at(self, active: list[Job], now: float) -> float:
        """When the next GET /videos page is worth asking for.

        Until the account has a typical job duration, a tenth of the youngest job's age (short at
        first, longer for long jobs). Once it has one, the poll lands when the soonest job is expected
        to finish; overdue jobs are polled a tenth of how late they are after the last poll. Never more
        often than ``poll_min_s`` nor less often than ``poll_max_s``.
        """
        low, high = self.engine.config.poll_min_s, self.engine.config.poll_max_s
        started = [j.accepted_at or j.created_at for j in active]
        last = self._last_poll if self._last_poll is not None else min(started)
        if self._retry_at is not None:  # a failed tick chose its own back-off
            return max(self._retry_at, last + low)
        typical = self.engine.typical_duration(self.email)
        if typical is None:
            return last + backoff.poll_interval(now - max(started), low, high)
        due = min(started) + typical
        if due <= now:
            # Counted from the last poll, not from now: from now, every wake-up of this loop moved the
            # poll further away, and an overdue job waited the full poll_max_s (a finished job shown
            # ~9 s late; new-user pass).
            return last + backoff.poll_interval(now - due, low, high)
        return min(max(due, last + low), last + high)

    async def _tick(self, active: list[Job]) -> float | None:
        """One poll; returns a back-off delay after a failure, None after a success."""
        engine, config = self.engine, self.engine.config
        if engine.parked_reason(self.email):
            return config.poll_max_s  # woken by token_changed / clear_account_problem
        try:
            self.requests += 1
            page = await engine.client.list_videos(self.email or None, limit=config.page_size,
                                                   only={j.video_id for j in active if j.video_id})
        except (Unauthorized, AccountPendingError, CertificateStoreUnusable) as exc:
            engine.park_for(exc, self.email)
            return config.poll_max_s
        except ApiError as exc:
            self.failures += 1
            log.info("polling %s failed (%s); backing off", self.email or "default", type(exc).__name__)
            if self.failures >= NOTE_AFTER_FAILURES:
                self._say_on(active, "Status checks are failing: " + getattr(exc, "what_happened", exc.user_message)
                             + " Still trying; the job itself goes on.")
            return backoff.transient_delay(self.failures, engine.rng, config.transient_base_s,
                                           config.transient_max_s)
        if self.failures >= NOTE_AFTER_FAILURES:
            self._say_on(active, None)
        self.failures = 0
        by_id = {v.video_id: v for v in page}
        now = engine.clock()
        for n, job in enumerate(active, 1):
            if n % YIELD_EVERY == 0:
                # Each update is a journal write and a table update: ~0.15 ms. With forty jobs on a
                # page that was one 6-8 ms turn of the GUI thread's loop; let it breathe between.
                await asyncio.sleep(0)
            video = by_id.get(job.video_id or "")
            if video is None:
                video = await self._one(job)
            current = engine.get(job.id) or job
            if current.state.is_final:
                continue
            if video is not None:
                updated = job_from_video(current, video, now)
                if updated is not current:
                    engine.apply(updated)
                    continue
            if now - (current.accepted_at or current.created_at) > config.job_time_limit_s:
                engine.apply(current.evolve(
                    state=JobState.NEEDS_ATTENTION, finished_at=now,
                    message=f"No final status after {config.job_time_limit_s / 60:.0f} minutes; "
                            f"last seen: {current.status_label or current.state.label}. Check it on "
                            "your PixVerse account."))
        return None

    def _say_on(self, active: list[Job], note: str | None) -> None:
        """A word on the rows while status checks fail (they had looked as if nothing was wrong; new-user
        pass), taken back at the first check that works. Not journalled: it is about now."""
        for job in active:
            current = self.engine.get(job.id) or job
            if current.state.is_final:
                continue
            if note is not None and current.message != note:
                self._plain.setdefault(job.id, current.message)
                self.engine.publish(current.evolve(message=note), persist=False)
            elif note is None and job.id in self._plain:
                self.engine.publish(current.evolve(message=self._plain.pop(job.id)), persist=False)
        if note is None:
            self._plain.clear()

    async def _one(self, job: Job) -> Video | None:
        """A job not on the first page: ask for it alone. 404 means still processing (documented)."""
        try:
            self.requests += 1
            return await self.engine.client.get_video(job.video_id or "")
        except NotFound:
            return None
        except ApiError as exc:
            log.info("GET /videos/{id} failed for a job (%s)", type(exc).__name__)
            return None
