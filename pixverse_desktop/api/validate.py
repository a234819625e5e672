"""Every documented rule of extend-v3 and POST /files, checked before anything is sent.

The form calls :func:`extend_errors` as the user types; the client calls :func:`check_extend` before
every POST. Messages name the field as the form labels it.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlparse

from .errors import FieldError, InvalidInput
from .schemas import (
    DURATIONS, MAX_JOBS_MAX, MAX_JOBS_MIN, PROMPT_MAX, REPLY_MAX, SEED_MAX, SEED_MIN, ExtendRequest,
    MotionMode, Quality, Style,
)

# Documented POST /files content types, by file extension.
UPLOAD_TYPES: dict[str, str] = {
    ".mp4": "video/mp4", ".mov": "video/quicktime", ".3gp": "video/3gpp", ".mkv": "video/x-matroska",
    ".flv": "video/x-flv", ".mpeg": "video/mpeg", ".mpg": "video/mpeg", ".ts": "video/MP2T",
    ".avi": "video/x-msvideo", ".mjpeg": "video/x-motion-jpeg", ".webm": "video/webm", ".ogv": "video/ogg",
    ".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".gif": "image/gif",
    ".webp": "image/webp", ".wav": "audio/wav", ".mp3": "audio/mpeg",
}
ALLOWED_UPLOAD_TYPES = frozenset(UPLOAD_TYPES.values()) | {"audio/wave"}
VIDEO_UPLOAD_TYPES = frozenset(t for t in ALLOWED_UPLOAD_TYPES if t.startswith("video/"))
UPLOAD_MAX_BYTES = 5 * 1024**3

FAST_MOTION_RULE = "Fast motion is only available with a 5-second extension"


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def extend_errors(req: ExtendRequest) -> list[FieldError]:
    errors: list[FieldError] = []

    def add(name: str, template: str, **params: object) -> None:
        errors.append(FieldError.of(name, template, **params))

    if not isinstance(req.prompt, str) or not req.prompt.strip():
        add("prompt", "Describe what should happen next (the prompt is required)")
    elif len(req.prompt) > PROMPT_MAX:
        add("prompt", "At most {limit} characters ({count} now)", limit=PROMPT_MAX, count=len(req.prompt))
    if req.negative_prompt is not None and len(req.negative_prompt) > PROMPT_MAX:
        add("negative_prompt", "At most {limit} characters ({count} now)", limit=PROMPT_MAX,
            count=len(req.negative_prompt))

    has_id, has_path = bool(req.video_id), bool(req.video_path)
    if has_id == has_path:
        add("source", "Choose exactly one source: a video from your list or an uploaded file"
            if has_id else "Choose a video to extend")

    if not _is_int(req.duration) or req.duration not in DURATIONS:
        add("duration", "Duration must be 5 or 8 seconds")
    if req.quality not in {q.value for q in Quality}:
        add("quality", "Quality must be 360p or 540p")
    if req.motion_mode not in {m.value for m in MotionMode}:
        add("motion_mode", "Motion must be normal or fast")
    elif req.motion_mode == MotionMode.FAST.value and req.duration != 5:
        add("motion_mode", FAST_MOTION_RULE)
    if req.style is not None and req.style not in {s.value for s in Style}:
        add("style", "Style must be anime, 3d_animation, clay or none")
    if req.seed is not None and (not _is_int(req.seed) or not SEED_MIN <= req.seed <= SEED_MAX):
        add("seed", "Seed must be a whole number from {low} to {high}", low=SEED_MIN, high=SEED_MAX)
    if req.template_id is not None and (not _is_int(req.template_id) or req.template_id <= 0):
        add("template_id", "Effect template must be one from the effects list")
    if req.max_jobs is not None and (not _is_int(req.max_jobs)
                                     or not MAX_JOBS_MIN <= req.max_jobs <= MAX_JOBS_MAX):
        add("max_jobs", "Max jobs must be from {low} to {high}", low=MAX_JOBS_MIN, high=MAX_JOBS_MAX)
    if req.remove_watermark is not None and not isinstance(req.remove_watermark, bool):
        add("remove_watermark", "Remove watermark must be on or off")
    if req.reply_url:
        parsed = urlparse(req.reply_url)
        if parsed.scheme not in ("http", "https") or not parsed.netloc:
            add("reply_url", "Reply URL must be an http:// or https:// address")
        elif len(req.reply_url) > REPLY_MAX:
            add("reply_url", "Reply URL: at most {limit} characters", limit=REPLY_MAX)
    if req.reply_ref is not None and len(req.reply_ref) > REPLY_MAX:
        add("reply_ref", "Reply reference: at most {limit} characters", limit=REPLY_MAX)
    if req.email is not None and req.email != "" and "@" not in req.email:
        add("email", "Account must be an email address")
    return errors


def check_extend(req: ExtendRequest) -> None:
    errors = extend_errors(req)
    if errors:
        raise InvalidInput(errors)


def upload_content_type(path: str | Path, *, video_only: bool = False) -> str:
    """The documented Content-Type for ``path``; InvalidInput for anything else."""
    suffix = Path(path).suffix.lower()
    content_type = UPLOAD_TYPES.get(suffix)
    if content_type is None or (video_only and content_type not in VIDEO_UPLOAD_TYPES):
        kinds = ", ".join(sorted({s for s, t in UPLOAD_TYPES.items() if t in VIDEO_UPLOAD_TYPES}))
        raise InvalidInput([FieldError.of("file", "“{name}” is not a supported video ({kinds})",
                                          name=Path(path).name, kinds=kinds)])
    return content_type
