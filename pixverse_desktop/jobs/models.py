"""Jobs as the engine and the journal know them, and the plain events the engine emits.

A job is one extension the user asked for. Its life:

    PENDING ──► SUBMITTING ──► QUEUED ──► GENERATING ──► COMPLETED
       ▲            │  │                      │
       └─ WAITING_SLOT◄┘ (429)                └──► FAILED (generation failed / moderated)
                    │
                    ├──► FAILED (400 / 401 / 412 / 422 / 596: never retried by itself)
                    └──► NEEDS_ATTENTION (outcome unknown and not found on GET /videos)

PENDING jobs were never sent, so they may be sent after a restart; a SUBMITTING job may have been
accepted, so after a crash it is reconciled against GET /videos and never simply re-sent.
"""

from __future__ import annotations

import enum
import time
import uuid
from dataclasses import dataclass, field, replace
from typing import Any, Mapping

from pixverse_desktop.api.errors import ErrorKind
from pixverse_desktop.api.schemas import ExtendRequest, VideoStatus


class JobState(str, enum.Enum):
    PENDING = "PENDING"
    SUBMITTING = "SUBMITTING"
    WAITING_SLOT = "WAITING_SLOT"
    QUEUED = "QUEUED"
    GENERATING = "GENERATING"
    COMPLETED = "COMPLETED"
    FAILED = "FAILED"
    NEEDS_ATTENTION = "NEEDS_ATTENTION"

    @property
    def is_final(self) -> bool:
        return self in (JobState.COMPLETED, JobState.FAILED, JobState.NEEDS_ATTENTION)

    @property
    def is_remote(self) -> bool:
        """Accepted by the service: polled, counts against the account's maxJobs."""
        return self in (JobState.QUEUED, JobState.GENERATING)

    @property
    def label(self) -> str:
        return {
            JobState.PENDING: "Waiting to send",
            JobState.SUBMITTING: "Sending…",
            JobState.WAITING_SLOT: "Waiting for a free slot",
            JobState.QUEUED: "Queued",
            JobState.GENERATING: "Generating",
            JobState.COMPLETED: "Completed",
            JobState.FAILED: "Failed",
            JobState.NEEDS_ATTENTION: "Needs attention",
        }[self]


def new_job_id() -> str:
    return uuid.uuid4().hex


@dataclass(frozen=True)
class Job:
    """An immutable snapshot; the engine replaces it on every change (``evolve``)."""

    id: str
    request: ExtendRequest
    state: JobState = JobState.PENDING
    created_at: float = field(default_factory=time.time)      # wall clock, seconds since epoch
    updated_at: float = field(default_factory=time.time)
    submitted_at: float | None = None    # when the POST was sent (reconciliation window starts here)
    accepted_at: float | None = None     # when the service answered with a video_id
    finished_at: float | None = None
    video_id: str | None = None
    account: str | None = None           # the account the job runs on, once known
    status_code: int | None = None       # last remote video_status
    status_label: str = ""               # e.g. "GENERATING" or "unknown (3)"
    message: str = ""                    # the sentence shown on the row
    error_kind: ErrorKind | None = None
    error_status: int | None = None      # HTTP status that stopped it, if any
    next_try_at: float | None = None     # WAITING_SLOT: wall-clock time of the next try
    attempts: int = 0                    # POSTs answered 429 so far
    result_url: str = ""
    thumbnail_url: str = ""
    width: int = 0
    height: int = 0
    video_duration: int = 0
    local_path: str = ""                 # downloaded result
    download_done: int = 0
    download_total: int = 0
    parent_id: str | None = None         # the job this one re-runs or chains from
    hidden: bool = False                 # removed from the list (kept in the journal)

    def evolve(self, **changes: Any) -> "Job":
        changes.setdefault("updated_at", time.time())
        return replace(self, **changes)

    @property
    def moderated(self) -> bool:
        """Stopped by PixVerse's moderator, the prompt at submit (422) or the generated video: the
        same request sent again meets the same refusal."""
        return self.error_status == 422 or self.status_code == VideoStatus.MODERATED.value

    @property
    def elapsed(self) -> float:
        end = self.finished_at or time.time()
        return max(0.0, end - self.created_at)

    def to_dict(self) -> dict[str, Any]:
        data = {name: getattr(self, name) for name in self.__dataclass_fields__}
        data["request"] = self.request.to_dict()
        data["state"] = self.state.value
        data["error_kind"] = self.error_kind.value if self.error_kind else None
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> "Job":
        """Tolerates old rows (missing keys take defaults) and unknown keys (ignored)."""
        known = cls.__dataclass_fields__
        values = {k: v for k, v in data.items() if k in known}
        values["request"] = ExtendRequest.from_dict(data.get("request") or {})
        try:
            values["state"] = JobState(data.get("state", "PENDING"))
        except ValueError:
            values["state"] = JobState.NEEDS_ATTENTION
        kind = data.get("error_kind")
        values["error_kind"] = ErrorKind(kind) if kind in {k.value for k in ErrorKind} else None
        values["hidden"] = bool(values.get("hidden", False))
        return cls(**values)


# -- events: plain values, no Qt ----------------------------------------------------------------


@dataclass(frozen=True)
class JobChanged:
    job: Job


@dataclass(frozen=True)
class JobRemoved:
    job_id: str


@dataclass(frozen=True)
class AccountProblem:
    """An error that concerns the whole account or token (401, 412, 596), for the banner."""

    email: str | None
    kind: str          # "unauthorized" | "credits" | "pending_error" | "certificates" (no https here)
    message: str


@dataclass(frozen=True)
class AccountCleared:
    email: str | None


EngineEvent = JobChanged | JobRemoved | AccountProblem | AccountCleared
