"""Real media for the simulator: H.264 mp4 clips, jpg thumbnails, png effect thumbnails, blobs.

Pure blocking functions (PyAV + Pillow); :mod:`media` runs them in worker threads so the server loop
never waits on an encoder. Every writer goes through a temporary name and ``os.replace`` so a file that
exists on disk is always complete: existence is the cache check.
"""

from __future__ import annotations

import os
import random
import textwrap
import threading
from fractions import Fraction
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import Callable, Iterator

import av
from PIL import Image, ImageDraw, ImageFont

Color = tuple[int, int, int]


@lru_cache(maxsize=32)
def _font(size: int, bold: bool = False) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    name = "DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf"
    for candidate in (name, f"/usr/share/fonts/truetype/dejavu/{name}"):
        try:
            return ImageFont.truetype(candidate, size)
        except OSError:
            continue
    try:  # Pillow >= 10.1 ships a scalable default font
        return ImageFont.load_default(size=size)
    except TypeError:
        return ImageFont.load_default()


def _tmp(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    return path.with_name(f".{path.name}.{os.getpid()}.{random.randrange(1 << 30)}.tmp")


class Painter:
    """Draws the frames of one synthetic clip: a static card (colour, title, prompt) drawn once,
    then per frame a moving dot and a time code, so the clip visibly plays."""

    def __init__(self, width: int, height: int, color: Color, title: str, text: str) -> None:
        self.width, self.height, self.color = width, height, color
        top = tuple(min(255, c + 40) for c in color)
        bottom = tuple(max(0, c - 40) for c in color)
        gradient = Image.linear_gradient("L").resize((width, height))
        card = Image.composite(Image.new("RGB", (width, height), bottom),
                               Image.new("RGB", (width, height), top), gradient)
        draw = ImageDraw.Draw(card)
        title_font = _font(max(10, height // 22), bold=True)
        text_font = _font(max(10, height // 15))
        # Centred at the top: an app's thumbnail tile puts its badges in the top corners.
        draw.text(((width - draw.textlength(title, font=title_font)) // 2, height // 20), title,
                  fill=(255, 255, 255), font=title_font)
        chars = max(10, int(width / (text_font.size * 0.58))) if hasattr(text_font, "size") else 40
        lines = textwrap.wrap(text, chars)[:5] or [""]
        line_h = int(getattr(text_font, "size", 12) * 1.3)
        y = (height - line_h * len(lines)) // 2
        for line in lines:
            w = draw.textlength(line, font=text_font)
            draw.text(((width - w) // 2 + 2, y + 2), line, fill=(0, 0, 0), font=text_font)
            draw.text(((width - w) // 2, y), line, fill=(255, 255, 255), font=text_font)
            y += line_h
        self.card = card
        self._time_font = _font(max(9, height // 26))

    def frame(self, t: float, total: float, label: str = "") -> Image.Image:
        image = self.card.copy()
        draw = ImageDraw.Draw(image)
        r = max(4, self.height // 24)
        progress = (t / total) if total else 0.0
        margin = r + self.width // 20   # clear of the edges a 16:9 picture loses when cropped to a tile
        x = int(margin + progress * (self.width - 2 * margin))
        y = int(self.height * 0.82)
        draw.ellipse((x - r, y - r, x + r, y + r), fill=(255, 255, 255), outline=(0, 0, 0))
        stamp = f"{label}  {t:5.2f}s".strip()
        draw.text((self.width // 24, self.height - self.height // 12), stamp, fill=(255, 255, 255),
                  font=self._time_font)
        return image


@contextmanager
def _encoding(path: Path, width: int, height: int, fps: int) -> Iterator[Callable[[av.VideoFrame, int], None]]:
    """Yields ``encode(frame, index)`` for an H.264 mp4 that appears at ``path`` only once the block
    ends without error (the media cache trusts any file that exists); an error or a stop removes the
    partial file instead."""
    tmp = _tmp(path)
    container = av.open(str(tmp), mode="w", format="mp4", options={"movflags": "+faststart"})
    stream = container.add_stream("libx264", rate=fps)
    stream.width, stream.height, stream.pix_fmt = width, height, "yuv420p"
    stream.time_base = Fraction(1, fps)
    stream.codec_context.gop_size = fps  # a key frame every second keeps seeking cheap
    stream.options = {"preset": "ultrafast", "crf": "30"}

    def encode(frame: av.VideoFrame, index: int) -> None:
        frame.pts = index
        frame.time_base = Fraction(1, fps)
        for packet in stream.encode(frame):
            container.mux(packet)

    try:
        yield encode
        for packet in stream.encode(None):
            container.mux(packet)
        container.close()
    except BaseException:
        container.close()
        tmp.unlink(missing_ok=True)
        raise
    os.replace(tmp, path)


def _save_jpg(image: Image.Image, path: Path | None) -> None:
    if path is None:
        return
    tmp = _tmp(path)
    image.convert("RGB").save(tmp, "JPEG", quality=85)
    os.replace(tmp, path)


class Stopped(Exception):
    """The simulator is stopping: an unfinished render is abandoned (its temporary file removed)."""


def _check(stop: threading.Event | None) -> None:
    if stop is not None and stop.is_set():
        raise Stopped()


def render_clip(path: Path, *, width: int, height: int, seconds: int, fps: int, color: Color, title: str,
                text: str, first_jpg: Path | None = None, last_jpg: Path | None = None,
                stop: threading.Event | None = None) -> Path:
    """A ``seconds``-long H.264 clip showing ``title`` and ``text`` on ``color``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    painter = Painter(width, height, color, title, text)
    total = seconds * fps
    with _encoding(path, width, height, fps) as encode:
        for i in range(total):
            _check(stop)
            image = painter.frame(i / fps, seconds)
            if i == 0:
                _save_jpg(image, first_jpg)
            if i == total - 1:
                _save_jpg(image, last_jpg)
            encode(av.VideoFrame.from_image(image), i)
    return path


def _source_frames(source: Path, count: int, fps: int, width: int, height: int) -> Iterator[av.VideoFrame]:
    """``count`` frames sampled at ``fps`` from ``source`` (any codec/rate/size), scaled to width×height.

    Streams the decoder (constant memory); holds the last frame when the source is shorter.
    """
    last: av.VideoFrame | None = None
    with av.open(str(source)) as container:
        stream = container.streams.video[0]
        stream.thread_type = "AUTO"
        decoded = container.decode(stream)
        origin: float | None = None
        rate = float(stream.average_rate or stream.guessed_rate or fps)
        seen = 0

        def pull() -> av.VideoFrame | None:
            try:
                return next(decoded)
            except (StopIteration, av.error.FFmpegError):
                return None

        pending = pull()
        for i in range(count):
            t = i / fps
            while pending is not None:
                when = pending.time
                if when is not None and origin is None:
                    origin = when
                rel = (when - origin) if (when is not None and origin is not None) else seen / rate
                if rel > t + 1e-6 and last is not None:
                    break
                last, pending = pending, pull()
                seen += 1
            if last is None:
                yield av.VideoFrame.from_image(Image.new("RGB", (width, height)))
            else:
                yield last.reformat(width=width, height=height, format="yuv420p")


def render_extension(path: Path, *, source: Path, source_seconds: int, width: int, height: int,
                     seconds: int, fps: int, color: Color, title: str, text: str,
                     first_jpg: Path | None = None, last_jpg: Path | None = None,
                     stop: threading.Event | None = None) -> Path:
    """The source's first ``source_seconds`` followed by ``seconds`` of new frames showing ``text``:
    an extension that visibly continues its source."""
    path.parent.mkdir(parents=True, exist_ok=True)
    painter = Painter(width, height, color, title, text)
    index = 0
    with _encoding(path, width, height, fps) as encode:
        for frame in _source_frames(source, source_seconds * fps, fps, width, height):
            _check(stop)
            if index == 0 and first_jpg is not None:
                _save_jpg(frame.to_image(), first_jpg)
            encode(frame, index)
            index += 1
        new_total = seconds * fps
        for i in range(new_total):
            _check(stop)
            image = painter.frame(source_seconds + i / fps, source_seconds + seconds, label="extended")
            if index == 0:
                _save_jpg(image, first_jpg)
            if i == new_total - 1:
                _save_jpg(image, last_jpg)
            encode(av.VideoFrame.from_image(image), index)
            index += 1
    return path


def render_still(path: Path, *, width: int, height: int, color: Color, title: str, text: str,
                 t: float = 0.0, total: float = 1.0, fmt: str = "JPEG") -> Path:
    """One frame as jpg/png: thumbnails of sample clips (cheap, no video needed) and effect images."""
    path.parent.mkdir(parents=True, exist_ok=True)
    image = Painter(width, height, color, title, text).frame(t, total)
    tmp = _tmp(path)
    if fmt == "JPEG":
        image.save(tmp, "JPEG", quality=85)
    else:
        image.save(tmp, fmt)
    os.replace(tmp, path)
    return path


def probe_video(path: Path) -> tuple[float, int, int] | None:
    """(duration seconds, width, height) of a readable video, else None."""
    try:
        with av.open(str(path)) as container:
            if not container.streams.video:
                return None
            stream = container.streams.video[0]
            duration = None
            if stream.duration is not None and stream.time_base is not None:
                duration = float(stream.duration * stream.time_base)
            elif container.duration is not None:
                duration = container.duration / 1_000_000
            width, height = stream.codec_context.width, stream.codec_context.height
            frame = next(container.decode(stream), None)  # proves it decodes
            if frame is None:
                return None
            if duration is None:
                duration = 0.0
            return duration, width or frame.width, height or frame.height
    except (av.error.FFmpegError, OSError, StopIteration, ValueError):
        return None


BLOB_CHUNK = 1 << 20


def make_blob(path: Path, megabytes: int) -> Path:
    """An ``megabytes`` MiB file of deterministic pseudo-random bytes (download benchmarks)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = _tmp(path)
    with tmp.open("wb") as handle:
        for i in range(megabytes):
            handle.write(random.Random(i).randbytes(BLOB_CHUNK))
    os.replace(tmp, path)
    return path
