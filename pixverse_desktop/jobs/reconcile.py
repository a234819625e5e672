"""Find jobs whose POST outcome is unknown among the account's videos.

A job left in SUBMITTING (the app was killed or the connection broke between the POST and its answer)
may or may not have been accepted. It is *adopted* when a video with the same prompt and parameters,
created after the job was sent and not yet owned by another job, is on the account; otherwise it needs
the user's attention. It is never re-sent automatically: that could charge twice.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Iterable

from pixverse_desktop.api.errors import ApiError, ErrorKind, Transient
from pixverse_desktop.api.schemas import ExtendRequest, Video

from . import backoff
from .models import Job, JobState

if TYPE_CHECKING:
    from .engine import JobEngine

RETRY_HINT = "Use Retry to send it again."   # the window's words; the command line names its own way

# Our clock and the service's may disagree; a video created up to this long before we recorded the
# send still counts as ours.
CLOCK_SKEW_S = 120.0


def same_parameters(req: ExtendRequest, video: Video) -> bool:
    """Compare what the video reports; fields the service left empty are not held against it."""
    if video.prompt.strip() != req.prompt.strip():
        return False
    pairs = [
        (video.negative_prompt, req.negative_prompt or ""),
        (video.quality, req.quality),
        (video.motion_mode, req.motion_mode),
        (video.style, req.style or ""),
    ]
    if any(reported and reported != wanted for reported, wanted in pairs):
        return False
    if req.seed is not None and video.seed and video.seed != req.seed:
        return False
    if video.duration and video.duration != req.duration:
        return False
    if req.template_id and video.template_id and video.template_id != req.template_id:
        return False
    return True


def match_submissions(jobs: Iterable[Job], videos: Iterable[Video], owned: set[str]) -> dict[str, Video]:
    """Pair each job with at most one video (oldest job with oldest fitting video), skipping ``owned`` ids."""
    candidates = sorted((v for v in videos if v.video_id not in owned),
                        key=lambda v: v.created_at.timestamp() if v.created_at else 0.0)
    taken: set[str] = set()
    result: dict[str, Video] = {}
    for job in sorted(jobs, key=lambda j: j.submitted_at or j.created_at):
        sent = job.submitted_at or job.created_at
        for video in candidates:
            if video.video_id in taken or video.created_at is None:
                continue
            if video.created_at.timestamp() < sent - CLOCK_SKEW_S:
                continue
            if job.account and video.email and video.email != job.account:
                continue
            if same_parameters(job.request, video):
                result[job.id] = video
                taken.add(video.video_id)
                break
    return result


def oldest_send(jobs: Iterable[Job]) -> float:
    return min((j.submitted_at or j.created_at for j in jobs), default=0.0) - CLOCK_SKEW_S


async def reconcile_unknown(engine: "JobEngine", jobs: list[Job], delay: float = 0.0) -> None:
    """Adopt or flag jobs left in SUBMITTING: each is matched against its account's recent videos."""
    if delay:
        await asyncio.sleep(delay)
    lanes: dict[str | None, list[Job]] = {}
    for job in jobs:
        lane = job.account or (None if len(engine.accounts) != 1 else next(iter(engine.accounts)))
        lanes.setdefault(lane, []).append(job)
    for lane, lane_jobs in lanes.items():
        try:
            found = await _find_on_service(engine, lane, lane_jobs)
        except ApiError as exc:
            # Not a passing fault (a refused token, an account on hold): the jobs stay unresolved, say
            # why, and are looked for again once that is fixed (JobEngine.token_changed). The check
            # had died with the task, and the jobs read "Checking…" until a restart.
            for job in lane_jobs:
                current = engine.get(job.id) or job
                if current.state is JobState.SUBMITTING:
                    engine.publish(current.evolve(message=f"Not checked yet whether the service received "
                                                          f"it: {exc.user_message}"), persist=False)
            continue
        for job in lane_jobs:
            current = engine.get(job.id) or job
            if current.state is not JobState.SUBMITTING:
                continue
            video = found.get(job.id)
            if video is None:
                # Said as seen: an error answer (a 503 while the service was down) is not a missing one, and
                # "lost" read wrongly after a timeout or a kill while sending (new-user passes).
                what = (f"The service answered this job with an error (HTTP {current.error_status})"
                        if current.error_status else "No answer came back for this job")
                engine.publish(current.evolve(
                    state=JobState.NEEDS_ATTENTION, finished_at=engine.clock(), error_kind=ErrorKind.JOB,
                    message=f"{what} and it is not among your videos, so it was probably not charged. "
                            + RETRY_HINT))
                continue
            engine.adopt(current, video, "Found on the service after an interrupted send")
    engine.wake()


async def sent_after_all(engine: "JobEngine", first: Job) -> Video | None:
    """The video a send whose outcome was unknown created after all, looked for once more just before
    Retry sends it again: a service that took longer than the request's timeout created the job
    after the check had called it missing, and Retry charged twice (network-failure pass). Raises
    the ApiError of a check that could not be made: then nothing is sent."""
    return (await _find_on_service(engine, first.account, [first], retry=False)).get(first.id)


async def _find_on_service(engine: "JobEngine", lane: str | None, jobs: list[Job],
                           retry: bool = True) -> dict[str, Video]:
    """The videos of ``lane`` (every account when it is None) that ``jobs`` created, by job id: the
    recent ones back to the oldest send, less those another job owns already."""
    emails = [lane] if lane or not engine.accounts else list(engine.accounts)
    videos: list[Video] = []
    for email in emails:
        videos += await _recent_videos(engine, email, oldest_send(jobs), retry=retry)
    owned = {j.video_id for j in engine.store.all(include_hidden=True) if j.video_id}
    return match_submissions(jobs, videos, owned)


async def _recent_videos(engine: "JobEngine", email: str | None, since: float, retry: bool = True) -> list[Video]:
    """Pages of GET /videos back to ``since`` (retried with back-off unless ``retry`` is False: it is
    only a read)."""
    config, failures = engine.config, 0
    while True:
        try:
            videos: list[Video] = []
            async for page in engine.client.iter_videos(email, config.page_size, max_pages=config.reconcile_pages):
                videos += page
                if page[-1].created_at and page[-1].created_at.timestamp() < since:
                    break
            return videos
        except Transient:
            if not retry:
                raise
            failures += 1
            await asyncio.sleep(backoff.transient_delay(failures, engine.rng, config.transient_base_s,
                                                        config.transient_max_s))
