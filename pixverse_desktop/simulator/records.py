"""The simulator's records (accounts, videos, uploads, charges, requests) and the video JSON shape.

Records are slotted dataclasses: 10,000 sample videos per account must stay cheap, so a record holds
only what varies and :func:`video_json` builds the documented object on demand.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

from .config import RESOLUTIONS

COMPLETED, QUEUED, MODERATED, FAILED, GENERATING = 1, 5, 7, 8, 10

# What useapi computes from video_status. Its docs call QUEUED (5) final; the simulator reproduces
# that documented slip on purpose so clients learn not to trust video_status_final alone.
_STATUS_NAMES = {COMPLETED: "COMPLETED", QUEUED: "QUEUED", GENERATING: "GENERATING",
                 MODERATED: "MODERATION_FAILED", FAILED: "FAILED"}
_FINAL_AS_USEAPI_SAYS = {COMPLETED: True, QUEUED: True, GENERATING: False, MODERATED: True, FAILED: True}
# What is really finished: no more transitions will happen.
TERMINAL = frozenset({COMPLETED, MODERATED, FAILED})


def iso(dt: datetime) -> str:
    return dt.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def user_id_for(email: str) -> str:
    """A stable numeric PixVerse user id per account (digits only: the id format splits on '-')."""
    return str(10_000_000 + zlib.crc32(email.encode()) % 89_999_999)


@dataclass(slots=True)
class AccountState:
    email: str
    user_id: str
    max_jobs: int
    credits: int
    pending_error: bool = False
    plan_limit: int | None = None
    password_set: bool = True
    videos: list["VideoRecord"] = field(default_factory=list)  # creation order (oldest first)


@dataclass(slots=True)
class VideoRecord:
    number: int
    email: str
    user_id: str
    prompt: str
    created: datetime
    duration: int
    video_duration: int
    quality: str
    color: tuple[int, int, int]
    seed: int
    status: int = COMPLETED
    negative_prompt: str = ""
    motion_mode: str = "normal"
    style: str = ""
    template_id: int = 0
    remove_watermark: bool = True
    is_seed: bool = False
    seed_index: int = 0
    shared_media: bool = False  # seeds beyond distinct_seed_media share one mp4 per (duration, quality)
    # Job-only fields.
    source_number: int = 0  # the extended video's number (0 for uploads and seeds)
    source_upload: str = ""  # the upload's path when extending an uploaded file
    source_seconds: int = 0
    outcome: int = COMPLETED  # the final status this job is heading for
    phases: tuple[float, float, float] = (0.0, 0.0, 0.0)  # clock time when queued/unknown/generating end
    reply_url: str = ""
    reply_ref: str = ""

    @property
    def video_id(self) -> str:
        return f"user:{self.user_id}-pixverse:{self.email}-video:{self.number}"

    @property
    def size(self) -> tuple[int, int]:
        return RESOLUTIONS.get(self.quality, RESOLUTIONS["540p"])

    @property
    def media_name(self) -> str:
        """File stem under /media/video/ (shared seeds point at one file per duration and quality)."""
        if self.shared_media:
            return f"seed-{self.duration}s-{self.quality}"
        return f"v{self.number}"


@dataclass(slots=True)
class Upload:
    path: str  # what POST /files answered; usable as video_path
    file: str  # where it is on disk
    content_type: str
    size: int
    kind: str  # video | image | audio
    duration: float = 0.0


@dataclass(slots=True)
class Charge:
    email: str
    prompt: str
    video_id: str
    credits: int
    time: str


@dataclass(slots=True)
class RequestRecord:
    method: str
    path: str
    query: str
    status: int  # 0 when the connection was dropped without an answer
    fault: str = ""


def status_name(code: int) -> str:
    return _STATUS_NAMES.get(code, "UNKNOWN")


def status_final(code: int) -> bool:
    return _FINAL_AS_USEAPI_SAYS.get(code, False)


def video_json(video: VideoRecord, media_root: str, *, effects: dict[int, dict] | None = None,
               queue_time: int = 0, queue_count: int = 0) -> dict[str, Any]:
    """The documented video object (plus a few extra fields real answers carry, which clients ignore)."""
    done = video.status == COMPLETED
    width, height = video.size if done else (0, 0)
    thumbs = f"{media_root}/media/thumb/v{video.number}"
    effect = (effects or {}).get(video.template_id) if video.template_id else None
    data: dict[str, Any] = {
        "video_id": video.video_id,
        "video_status": video.status,
        "video_status_name": status_name(video.status),
        "video_status_final": status_final(video.status),
        "account_id": int(video.user_id),
        "created_at": iso(video.created),
        "prompt": video.prompt,
        "negative_prompt": video.negative_prompt,
        "model": "v3",
        "model_name": "",
        "quality": video.quality,
        "motion_mode": video.motion_mode,
        "style": video.style,
        "seed": video.seed,
        "aspect_ratio": "16:9",
        "camera_movement": "default",
        "duration": video.duration,
        "video_duration": video.video_duration,
        "output_width": width,
        "output_height": height,
        "url": f"{media_root}/media/video/{video.media_name}.mp4" if done else "",
        "first_frame": f"{thumbs}-first.jpg" if done else "",
        "last_frame": f"{thumbs}-last.jpg" if done else "",
        "img_url": f"{thumbs}-first.jpg" if done else "",
        "img_id": 0,
        "original_video_id": video.source_number,
        "extended": 1 if (video.source_number or video.source_upload) else 0,
        "upscaled": 0,
        "lip_sync": {},
        "likes": 0,
        "asset_id": 0,
        "queue_data": {"queue_time": queue_time, "queue_count": queue_count},
        "remove_watermark": 1 if video.remove_watermark else 0,
        "template_id": video.template_id,
        "template_name": effect["display_name"] if effect else "",
        "template_thumbnail_url": f"{media_root}/media/effects/{video.template_id}.png" if effect else "",
        "workflow_tag": effect["workflow_tag"] if effect else "",
        "relation_type": 0,
    }
    return data
