"""The engine's scheduling rules: which waiting jobs may be sent now, lane by lane (an account, or
None when the service chooses one), within each account's maxJobs and the jobs' own ``max_jobs``.

Kept apart from engine.py, which it serves: it reads the engine's job table and starts its submission
tasks, and is called from the engine's scheduler loop.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .models import Job, JobState

if TYPE_CHECKING:
    from .engine import JobEngine

RUNNING = (JobState.SUBMITTING, JobState.QUEUED, JobState.GENERATING)


def capacity(engine: "JobEngine", lane: str | None, job: Job) -> int:
    if job.request.max_jobs:
        return job.request.max_jobs
    if lane is None:
        return sum(a.max_jobs for a in engine.accounts.values()) or engine.config.default_max_jobs
    account = engine.accounts.get(lane)
    return account.max_jobs if account else engine.config.default_max_jobs


def running(engine: "JobEngine", lane: str | None) -> int:
    return sum(1 for j in engine._jobs.values() if j.state in RUNNING and (lane is None or j.account == lane))


def sending(engine: "JobEngine", lane: str | None) -> int:
    # Tasks started but not yet marked SUBMITTING (the mark happens on the task's first step).
    return sum(1 for i in engine._sending
               if engine._jobs[i].state is not JobState.SUBMITTING and (lane is None or engine._jobs[i].account == lane))


def dispatch(engine: "JobEngine") -> float | None:
    """Start every submission allowed now, in order per lane; seconds until the next due retry."""
    now = engine.clock()
    next_due: float | None = None
    blocked: set[str | None] = set()
    waiting = sorted((j for j in engine._jobs.values()
                      if j.state in (JobState.PENDING, JobState.WAITING_SLOT) and j.id not in engine._sending),
                     key=lambda j: j.created_at)
    for job in waiting:
        lane = job.account
        if lane in blocked or engine.parked_reason(lane):
            continue
        if job.state is JobState.WAITING_SLOT and (job.next_try_at or 0) > now:
            due = (job.next_try_at or now) - now
            next_due = due if next_due is None else min(next_due, due)
            blocked.add(lane)
            continue
        if running(engine, lane) + sending(engine, lane) >= capacity(engine, lane, job):
            blocked.add(lane)
            continue
        engine._sending.add(job.id)
        engine._spawn(engine._submit(job.id), f"submit {job.id}")
    return next_due
