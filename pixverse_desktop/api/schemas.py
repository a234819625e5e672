"""Typed payloads of the useapi.net PixVerse v2 API.

Every ``from_dict`` tolerates unknown fields (the service adds fields over time) and missing optional
ones; nothing here imports Qt or httpx, so the simulator and the journal share these types.
"""

from __future__ import annotations

import enum
import re
from dataclasses import asdict, dataclass, field, fields
from datetime import datetime, timezone
from typing import Any, Mapping

# -- enumerations of request fields -------------------------------------------------------------


class Quality(str, enum.Enum):
    P360 = "360p"
    P540 = "540p"


class MotionMode(str, enum.Enum):
    NORMAL = "normal"
    FAST = "fast"


class Style(str, enum.Enum):
    ANIME = "anime"
    ANIMATION_3D = "3d_animation"
    CLAY = "clay"


DURATIONS = (5, 8)
PROMPT_MAX = 2048
REPLY_MAX = 1024
SEED_MIN, SEED_MAX = 1, 2147483647
MAX_JOBS_MIN, MAX_JOBS_MAX = 1, 8

# Output sizes for a 16:9 source; the simulator renders these and the picker shows them.
RESOLUTIONS = {"360p": (640, 360), "540p": (960, 540)}


class VideoStatus(enum.Enum):
    """``video_status`` codes. useapi documents 1/5/10; PixVerse documents 7 and 8.

    useapi's docs call QUEUED (5) final; that is a slip: a queued video is not done, so only
    COMPLETED, MODERATED and FAILED are final here, whatever ``video_status_final`` says.
    """

    COMPLETED = 1
    QUEUED = 5
    MODERATED = 7
    FAILED = 8
    GENERATING = 10
    UNKNOWN = -1

    @classmethod
    def from_code(cls, code: int | None) -> "VideoStatus":
        try:
            return cls(int(code)) if code is not None else cls.UNKNOWN
        except (ValueError, TypeError):
            return cls.UNKNOWN

    @property
    def is_final(self) -> bool:
        return self in (VideoStatus.COMPLETED, VideoStatus.MODERATED, VideoStatus.FAILED)

    @property
    def is_failure(self) -> bool:
        return self in (VideoStatus.MODERATED, VideoStatus.FAILED)


STATUS_NAMES = {
    VideoStatus.COMPLETED: "COMPLETED",
    VideoStatus.QUEUED: "QUEUED",
    VideoStatus.MODERATED: "FAILED_MODERATION",
    VideoStatus.FAILED: "FAILED",
    VideoStatus.GENERATING: "GENERATING",
}

# -- helpers ------------------------------------------------------------------------------------

_VIDEO_ID = re.compile(r"^user:(?P<user>[^-]+)-pixverse:(?P<email>.+)-video:(?P<number>\d+)$")


def parse_video_id(video_id: str) -> tuple[str, str, int] | None:
    """Split ``user:<id>-pixverse:<email>-video:<n>`` into (user, email, n); None if not of that form."""
    match = _VIDEO_ID.match(video_id or "")
    if not match:
        return None
    return match["user"], match["email"], int(match["number"])


def parse_time(value: Any) -> datetime | None:
    if not value or not isinstance(value, str):
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)


def _int(value: Any, default: int = 0) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


def _str(value: Any) -> str:
    return value if isinstance(value, str) else ("" if value is None else str(value))


def _opt_int(value: Any) -> int | None:
    if value in (None, "", 0, "0"):
        return None
    return _int(value, 0) or None


# -- request ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ExtendRequest:
    """The body of ``POST /videos/extend-v3``. Field names follow Python; ``to_payload`` gives the wire names."""

    prompt: str
    video_id: str | None = None
    video_path: str | None = None
    email: str | None = None
    negative_prompt: str | None = None
    template_id: int | None = None
    duration: int = 5
    quality: str = Quality.P540.value
    motion_mode: str = MotionMode.NORMAL.value
    style: str | None = None
    seed: int | None = None
    remove_watermark: bool | None = None
    reply_url: str | None = None
    reply_ref: str | None = None
    max_jobs: int | None = None

    _WIRE = {"reply_url": "replyUrl", "reply_ref": "replyRef", "max_jobs": "maxJobs"}

    def to_payload(self) -> dict[str, Any]:
        """JSON body: unset (None / empty) optional fields are left out so the service applies its defaults."""
        payload: dict[str, Any] = {}
        for f in fields(self):
            value = getattr(self, f.name)
            if value is None or (isinstance(value, str) and value == "" and f.name != "prompt"):
                continue
            payload[self._WIRE.get(f.name, f.name)] = value
        return payload

    def to_dict(self) -> dict[str, Any]:
        """Python-named dict for the journal (round-trips through :meth:`from_dict`)."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> "ExtendRequest":
        """Accepts both journal (python) names and wire names; ignores unknown keys."""
        reverse = {wire: name for name, wire in cls._WIRE.items()}
        known = {f.name for f in fields(cls)}
        values = {}
        for key, value in data.items():
            name = reverse.get(key, key)
            if name in known:
                values[name] = value
        values.setdefault("prompt", "")
        return cls(**values)

    @property
    def source(self) -> str:
        return self.video_id or self.video_path or ""

    @property
    def account_hint(self) -> str | None:
        """The account this job runs on: the chosen one, else the source video's own account."""
        if self.email:
            return self.email
        parsed = parse_video_id(self.video_id or "")
        return parsed[1] if parsed else None


# -- responses ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Video:
    video_id: str
    status_code: int = -1
    status_name: str = ""
    status_final: bool = False
    created_at: datetime | None = None
    prompt: str = ""
    negative_prompt: str = ""
    model: str = ""
    quality: str = ""
    motion_mode: str = ""
    style: str = ""
    seed: int = 0
    aspect_ratio: str = ""
    duration: int = 0
    video_duration: int = 0
    output_width: int = 0
    output_height: int = 0
    url: str = ""
    first_frame: str = ""
    last_frame: str = ""
    img_url: str = ""
    original_video_id: int | None = None
    extended: int | None = None
    queue_time: int = 0
    queue_count: int = 0
    template_id: int | None = None
    template_name: str = ""
    remove_watermark: bool = False
    extra: Mapping[str, Any] = field(default_factory=dict, compare=False, repr=False)

    @property
    def status(self) -> VideoStatus:
        return VideoStatus.from_code(self.status_code)

    @property
    def status_label(self) -> str:
        status = self.status
        if status is VideoStatus.UNKNOWN:
            return f"unknown ({self.status_code})"
        return STATUS_NAMES[status]

    @property
    def email(self) -> str | None:
        parsed = parse_video_id(self.video_id)
        return parsed[1] if parsed else None

    @property
    def thumbnail_url(self) -> str:
        return self.first_frame or self.img_url or self.last_frame

    @property
    def resolution(self) -> str:
        if self.output_width and self.output_height:
            return f"{self.output_width}×{self.output_height}"
        return self.quality or ""

    _KNOWN = {
        "video_id", "video_status", "video_status_name", "video_status_final", "created_at", "prompt",
        "negative_prompt", "model", "quality", "motion_mode", "style", "seed", "aspect_ratio", "duration",
        "video_duration", "output_width", "output_height", "url", "first_frame", "last_frame", "img_url",
        "original_video_id", "extended", "queue_data", "template_id", "template_name", "remove_watermark",
    }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> "Video":
        queue = data.get("queue_data") if isinstance(data.get("queue_data"), Mapping) else {}
        return cls(
            video_id=_str(data.get("video_id")),
            status_code=_int(data.get("video_status"), -1),
            status_name=_str(data.get("video_status_name")),
            status_final=bool(data.get("video_status_final", False)),
            created_at=parse_time(data.get("created_at")),
            prompt=_str(data.get("prompt")),
            negative_prompt=_str(data.get("negative_prompt")),
            model=_str(data.get("model")),
            quality=_str(data.get("quality")),
            motion_mode=_str(data.get("motion_mode")),
            style=_str(data.get("style")),
            seed=_int(data.get("seed")),
            aspect_ratio=_str(data.get("aspect_ratio")),
            duration=_int(data.get("duration")),
            video_duration=_int(data.get("video_duration")),
            output_width=_int(data.get("output_width")),
            output_height=_int(data.get("output_height")),
            url=_str(data.get("url")),
            first_frame=_str(data.get("first_frame")),
            last_frame=_str(data.get("last_frame")),
            img_url=_str(data.get("img_url")),
            original_video_id=_opt_int(data.get("original_video_id")),
            extended=_opt_int(data.get("extended")),
            queue_time=_int(queue.get("queue_time")),
            queue_count=_int(queue.get("queue_count")),
            template_id=_opt_int(data.get("template_id")),
            template_name=_str(data.get("template_name")),
            remove_watermark=bool(_int(data.get("remove_watermark"))),
            extra={k: v for k, v in data.items() if k not in cls._KNOWN},
        )


@dataclass(frozen=True)
class Effect:
    template_id: int
    display_name: str = ""
    display_prompt: str = ""
    workflow_tag: str = ""
    thumbnail_path: str = ""
    thumbnail_video_path: str = ""
    marker: str = ""

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> "Effect":
        return cls(
            template_id=_int(data.get("template_id")),
            display_name=_str(data.get("display_name")),
            display_prompt=_str(data.get("display_prompt")),
            workflow_tag=_str(data.get("workflow_tag")),
            thumbnail_path=_str(data.get("thumbnail_path")),
            thumbnail_video_path=_str(data.get("thumbnail_video_path")),
            marker=_str(data.get("marker")),
        )


@dataclass(frozen=True)
class Account:
    email: str
    max_jobs: int = 1
    username: str = ""
    expires: datetime | None = None

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], email: str | None = None) -> "Account":
        jwt = data.get("jwt") if isinstance(data.get("jwt"), Mapping) else {}
        return cls(
            email=_str(data.get("email") or email),
            max_jobs=max(MAX_JOBS_MIN, min(MAX_JOBS_MAX, _int(data.get("maxJobs"), 1))),
            username=_str(jwt.get("Username")),
            expires=parse_time(jwt.get("ExpireTimeUTC")),
        )


@dataclass(frozen=True)
class UploadResult:
    path: str
    url: str = ""

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> "UploadResult":
        # A video upload answers {path, url}; an image upload answers {result: [{path, url, ...}]}.
        if isinstance(data.get("result"), list) and data["result"]:
            first = data["result"][0]
            return cls(path=_str(first.get("path")), url=_str(first.get("url")))
        return cls(path=_str(data.get("path")), url=_str(data.get("url")))
