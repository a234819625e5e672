"""Request checks of the simulator, written from the API doc independently of pixverse_desktop.api.validate.

The client validates before sending; the simulator validates again on receipt, as the real service does.
Two separate implementations let tests catch a rule that one side got wrong. Messages name the wire
field (``replyUrl``, ``maxJobs``, ...) the way useapi's 400 answers do.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping
from urllib.parse import urlparse

from .config import (
    DURATIONS, MAX_JOBS_MAX, MAX_JOBS_MIN, MOTION_MODES, PROMPT_MAX, QUALITIES, REPLY_MAX, SEED_MAX,
    SEED_MIN, STYLES,
)


class ApiFailure(Exception):
    """An answer other than 2xx: ``{"error": message, "code": status}``."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def bad(message: str) -> ApiFailure:
    return ApiFailure(400, message)


@dataclass(frozen=True)
class ExtendParams:
    prompt: str
    negative_prompt: str = ""
    email: str | None = None
    video_id: str | None = None
    video_path: str | None = None
    template_id: int | None = None
    duration: int = 5
    quality: str = "540p"
    motion_mode: str = "normal"
    style: str = ""
    seed: int | None = None
    remove_watermark: bool = True
    reply_url: str = ""
    reply_ref: str = ""
    max_jobs: int | None = None


def _absent(value: Any) -> bool:
    return value is None or (isinstance(value, str) and value == "")


def _string(data: Mapping[str, Any], name: str, limit: int | None = None) -> str | None:
    value = data.get(name)
    if _absent(value):
        return None
    if not isinstance(value, str):
        raise bad(f"Parameter {name} must be a string")
    if limit is not None and len(value) > limit:
        raise bad(f"Parameter {name} must be at most {limit} characters long (got {len(value)})")
    return value


def _integer(data: Mapping[str, Any], name: str, from_form: bool) -> int | None:
    value = data.get(name)
    if _absent(value):
        return None
    if from_form and isinstance(value, str):
        # multipart/form-data carries every field as text
        try:
            return int(value.strip(), 10)
        except ValueError:
            raise bad(f"Parameter {name} must be an integer") from None
    if isinstance(value, bool) or not isinstance(value, int):
        raise bad(f"Parameter {name} must be an integer")
    return value


def _boolean(data: Mapping[str, Any], name: str, from_form: bool) -> bool | None:
    value = data.get(name)
    if _absent(value):
        return None
    if isinstance(value, bool):
        return value
    if from_form and isinstance(value, str) and value.strip().lower() in ("true", "false", "1", "0"):
        return value.strip().lower() in ("true", "1")
    raise bad(f"Parameter {name} must be true or false")


def parse_extend(data: Mapping[str, Any], *, from_form: bool = False) -> ExtendParams:
    """Check every documented rule of POST /videos/extend-v3; raise ApiFailure(400) naming the field."""
    if not isinstance(data, Mapping):
        raise bad("Request body must be a JSON object")

    prompt = _string(data, "prompt", PROMPT_MAX)
    if prompt is None or not prompt.strip():
        raise bad("Parameter prompt is required")
    negative = _string(data, "negative_prompt", PROMPT_MAX) or ""
    email = _string(data, "email")
    video_id = _string(data, "video_id")
    video_path = _string(data, "video_path")
    if video_id and video_path:
        raise bad("Provide only one of video_id or video_path, not both")
    if not video_id and not video_path:
        raise bad("Parameter video_id or video_path is required: the video to extend")

    template_id = _integer(data, "template_id", from_form)
    if template_id is not None and template_id <= 0:
        raise bad("Parameter template_id must be a template_id from GET /videos/effects")

    duration = _integer(data, "duration", from_form)
    duration = 5 if duration is None else duration
    if duration not in DURATIONS:
        raise bad(f"Parameter duration must be one of {', '.join(map(str, DURATIONS))} (got {duration})")

    quality = _string(data, "quality") or "540p"
    if quality not in QUALITIES:
        raise bad(f"Parameter quality must be one of {', '.join(QUALITIES)} (got {quality})")

    motion = _string(data, "motion_mode") or "normal"
    if motion not in MOTION_MODES:
        raise bad(f"Parameter motion_mode must be one of {', '.join(MOTION_MODES)} (got {motion})")
    if motion == "fast" and duration != 5:
        # A PixVerse rule the useapi page leaves out: fast motion only with 5-second clips.
        raise bad("Parameter motion_mode fast is only supported with duration 5")

    style = _string(data, "style") or ""
    if style and style not in STYLES:
        raise bad(f"Parameter style must be one of {', '.join(STYLES)} (got {style})")

    seed = _integer(data, "seed", from_form)
    if seed is not None and not SEED_MIN <= seed <= SEED_MAX:
        raise bad(f"Parameter seed must be in range {SEED_MIN}…{SEED_MAX} (got {seed})")

    remove_watermark = _boolean(data, "remove_watermark", from_form)

    reply_url = _string(data, "replyUrl", REPLY_MAX) or ""
    if reply_url:
        parsed = urlparse(reply_url)
        if parsed.scheme not in ("http", "https") or not parsed.netloc:
            raise bad("Parameter replyUrl must be an http:// or https:// URL")
    reply_ref = _string(data, "replyRef", REPLY_MAX) or ""

    max_jobs = _integer(data, "maxJobs", from_form)
    if max_jobs is not None and not MAX_JOBS_MIN <= max_jobs <= MAX_JOBS_MAX:
        raise bad(f"Parameter maxJobs must be in range {MAX_JOBS_MIN}…{MAX_JOBS_MAX} (got {max_jobs})")

    return ExtendParams(
        prompt=prompt, negative_prompt=negative, email=email, video_id=video_id, video_path=video_path,
        template_id=template_id, duration=duration, quality=quality, motion_mode=motion, style=style,
        seed=seed, remove_watermark=True if remove_watermark is None else remove_watermark,
        reply_url=reply_url, reply_ref=reply_ref, max_jobs=max_jobs,
    )


def parse_paging(query: Mapping[str, str], default_limit: int, max_limit: int = 1000) -> tuple[int, int]:
    """``limit`` and ``offset`` query parameters (400 when not whole numbers in range)."""
    def number(name: str, default: int, low: int, high: int) -> int:
        raw = query.get(name)
        if raw is None or raw == "":
            return default
        try:
            value = int(raw, 10)
        except ValueError:
            raise bad(f"Parameter {name} must be an integer") from None
        if not low <= value <= high:
            raise bad(f"Parameter {name} must be in range {low}…{high}")
        return value

    return number("limit", default_limit, 1, max_limit), number("offset", 0, 0, 10**9)
