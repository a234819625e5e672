"""A progress figure for a job when the API gives no percentage: estimated from its state and how long
the stages typically take. It only ever approaches the end of a stage, never claims it."""

from __future__ import annotations

import math
from dataclasses import dataclass

from pixverse_desktop.jobs.models import Job, JobState


@dataclass(frozen=True)
class TypicalDurations:
    queue_s: float = 20.0
    generate_s: float = 90.0


# The share of the bar each stage covers.
_SEND_END, _QUEUE_END, _GENERATE_END = 0.05, 0.2, 0.97


def _approach(start: float, end: float, elapsed: float, typical: float) -> float:
    """From ``start`` towards ``end``: about 63 % of the way after ``typical`` seconds, never reaching it."""
    if typical <= 0:
        return start
    return start + (end - start) * (1.0 - math.exp(-max(0.0, elapsed) / typical))


def estimate_progress(job: Job, now: float, typical: TypicalDurations = TypicalDurations()) -> float | None:
    """0..1, or None when a bar makes no sense: failed, needs attention, or not sent (waiting to send or
    for a free slot: a bar at 0 or 2 % read as work under way; new-user pass)."""
    state = job.state
    if state is JobState.COMPLETED:
        return 1.0
    if state in (JobState.FAILED, JobState.NEEDS_ATTENTION, JobState.PENDING, JobState.WAITING_SLOT):
        return None
    if state is JobState.SUBMITTING:
        return 0.02
    since = job.accepted_at or job.submitted_at or job.created_at
    if state is JobState.QUEUED:
        return _approach(_SEND_END, _QUEUE_END, now - since, typical.queue_s)
    # GENERATING: the queue stage is assumed to have taken its typical time
    return _approach(_QUEUE_END, _GENERATE_END, now - since - typical.queue_s * 0.5, typical.generate_s)
