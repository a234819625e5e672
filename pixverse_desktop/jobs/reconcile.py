"""Find jobs whose POST outcome is unknown among the account's videos.

A job left in SUBMITTING (the app was killed or the connection broke between the POST and its answer)
may or may not have been accepted. It is *adopted* when a video with the same prompt and parameters,
created after the job was sent and not yet owned by another job, is on the account; otherwise it needs
the user's attention. It is never re-sent automatically: that could charge twice.
"""

from __future__ import annotations

from typing import Iterable

from pixverse_desktop.api.schemas import ExtendRequest, Video

from .models import Job

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
