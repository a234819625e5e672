"""Local video files: is it a video, how long is it, and a first-frame thumbnail (PyAV, off the GUI thread)."""

from __future__ import annotations

import asyncio
import hashlib
import logging
from dataclasses import dataclass
from pathlib import Path

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ProbeResult:
    duration: float = 0.0
    width: int = 0
    height: int = 0
    thumbnail: str = ""   # path of a JPEG of the first frame, "" if none could be made

    @property
    def is_video(self) -> bool:
        """The file opened as media with a video stream (whether or not a frame decoded)."""
        return self.width > 0 and self.height > 0


def _probe(path: Path, thumb_dir: Path) -> ProbeResult:
    import av

    try:
        with av.open(str(path)) as container:
            stream = next((s for s in container.streams if s.type == "video"), None)
            if stream is None:
                return ProbeResult()
            duration = float(container.duration / 1_000_000) if container.duration else 0.0
            width, height = stream.codec_context.width, stream.codec_context.height
            thumbnail = ""
            for frame in container.decode(stream):
                image = frame.to_image()
                image.thumbnail((320, 180))
                thumb_dir.mkdir(parents=True, exist_ok=True)
                key = hashlib.sha256(f"{path.resolve()}:{path.stat().st_mtime_ns}".encode()).hexdigest()
                target = thumb_dir / f"local-{key}.jpg"
                image.save(target, "JPEG", quality=85)
                thumbnail = str(target)
                break
            return ProbeResult(duration, width, height, thumbnail)
    except Exception as exc:  # noqa: BLE001 - any decoding problem just means "no preview"
        log.info("could not probe %s: %s", path.name, type(exc).__name__)
        return ProbeResult()


async def probe_video(path: str | Path, thumb_dir: str | Path) -> ProbeResult:
    return await asyncio.to_thread(_probe, Path(path), Path(thumb_dir))
