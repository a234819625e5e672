"""Media store and /media routes: lazily rendered, disk-cached, served with HTTP Range support.

Nothing is rendered at start-up (10,000 sample videos must start instantly). A file is rendered the
first time it is asked for, or when a job starts generating, in a small thread pool; concurrent askers
share one render. File names carry a hash of what the file shows, so a persistent media dir never
serves a stale clip after the configuration changed. These URLs stand in for media.pixverse.ai, so
they need no API token (the client must not send it there either).
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import re
import shutil
import tempfile
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable

from aiohttp import web

from .config import DURATIONS, RESOLUTIONS, SimulatorConfig
from .records import VideoRecord
from .state import SimState

if TYPE_CHECKING:  # pragma: no cover
    from .runner import Simulator

log = logging.getLogger(__name__)

THUMB_SIZE = (480, 270)
EFFECT_SIZE = (320, 180)
BLOB_MAX_MB = 4096
SHARED_SEED_COLOR = (64, 78, 104)


def _render():
    """The drawing and encoding module, imported on first use: PyAV and Pillow cost a tenth of a second
    at start-up, and the demo window should not wait for them before it lists any video."""
    from . import render

    return render


def _digest(*parts: Any) -> str:
    return hashlib.sha1(repr(parts).encode()).hexdigest()[:10]


class MediaStore:
    def __init__(self, config: SimulatorConfig, state: SimState) -> None:
        self.config, self.state = config, state
        if config.media_dir:
            self.dir = Path(config.media_dir)
            self.dir.mkdir(parents=True, exist_ok=True)
            self._owned = False
        else:
            self.dir = Path(tempfile.mkdtemp(prefix="pixverse-sim-"))
            self._owned = True
        self.uploads_dir = self.dir / "uploads"
        self.uploads_dir.mkdir(exist_ok=True)
        self.executor = ThreadPoolExecutor(max(1, config.render_workers), thread_name_prefix="sim-render")
        self._pending: dict[Path, asyncio.Future] = {}
        # Set at close so renders in flight stop at their next frame instead of holding up shutdown.
        self._stop = threading.Event()
        self.renders = 0  # files actually rendered (tests check caching with it)

    def close(self) -> None:
        self._stop.set()
        self.executor.shutdown(wait=True, cancel_futures=True)
        if self._owned:
            shutil.rmtree(self.dir, ignore_errors=True)

    async def run(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        """Blocking work in the pool, never on the server loop."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self.executor, lambda: fn(*args, **kwargs))

    async def _ensure(self, path: Path, fn: Callable[..., Any], **kwargs: Any) -> Path:
        if path.exists():
            return path
        future = self._pending.get(path)
        if future is None:
            loop = asyncio.get_running_loop()
            self.renders += 1
            if fn in (_render().render_clip, _render().render_extension):
                kwargs["stop"] = self._stop
            future = loop.run_in_executor(self.executor, lambda: fn(path, **kwargs))
            self._pending[path] = future
            future.add_done_callback(lambda _f, p=path: self._pending.pop(p, None))
        # shield: a client that hangs up must not cancel a render other requests are waiting for
        await asyncio.shield(future)
        return path

    # -- videos and thumbnails ------------------------------------------------------------------

    def _job_paths(self, video: VideoRecord) -> tuple[Path, Path, Path]:
        key = _digest(video.number, video.prompt, video.color, video.quality, video.duration,
                      video.source_number, video.source_upload, video.source_seconds, video.template_id,
                      self.config.fps)
        stem = f"v{video.number}-{key}"
        return (self.dir / "videos" / f"{stem}.mp4", self.dir / "thumbs" / f"{stem}-first.jpg",
                self.dir / "thumbs" / f"{stem}-last.jpg")

    def _seed_card(self, video: VideoRecord) -> tuple[str, str, tuple[int, int, int]]:
        return f"Sample #{video.seed_index + 1}", video.prompt, video.color

    async def video_file(self, video: VideoRecord) -> Path:
        width, height = RESOLUTIONS[video.quality]
        fps = self.config.fps
        if video.is_seed:
            if video.shared_media:
                return await self.shared_seed_file(video.duration, video.quality)
            title, text, color = self._seed_card(video)
            key = _digest(title, text, color, video.duration, video.quality, fps)
            return await self._ensure(self.dir / "videos" / f"{video.media_name}-{key}.mp4", _render().render_clip,
                                      width=width, height=height, seconds=video.duration, fps=fps,
                                      color=color, title=title, text=text)
        if video.source_number:
            source = await self.video_file(self.state.videos[video.source_number])
        else:
            source = Path(self.state.uploads[video.source_upload].file)
        mp4, first, last = self._job_paths(video)
        effect = self.state.effects.get(video.template_id)
        text = video.prompt + (f"  [{effect['display_name']}]" if effect else "")
        return await self._ensure(mp4, _render().render_extension, source=source,
                                  source_seconds=video.source_seconds, width=width, height=height,
                                  seconds=video.duration, fps=fps, color=video.color,
                                  title=f"Extended +{video.duration}s · {video.quality}", text=text,
                                  first_jpg=first, last_jpg=last)

    async def shared_seed_file(self, duration: int, quality: str) -> Path:
        """The one clip all sample videos beyond ``distinct_seed_media`` of this duration and quality share."""
        width, height = RESOLUTIONS[quality]
        title, text = "Sample clip", f"Sample {duration} s · {quality}"
        key = _digest(title, text, SHARED_SEED_COLOR, duration, quality, self.config.fps)
        return await self._ensure(self.dir / "videos" / f"seed-{duration}s-{quality}-{key}.mp4",
                                  _render().render_clip, width=width, height=height, seconds=duration,
                                  fps=self.config.fps, color=SHARED_SEED_COLOR, title=title, text=text)

    async def thumb_file(self, video: VideoRecord, which: str) -> Path:
        if not video.is_seed:
            await self.video_file(video)  # the render writes both thumbnails before the mp4
            _, first, last = self._job_paths(video)
            return first if which == "first" else last
        title, text, color = self._seed_card(video)
        key = _digest(title, text, color, which, THUMB_SIZE)
        t = 0.0 if which == "first" else float(video.duration)
        return await self._ensure(self.dir / "thumbs" / f"s{video.number}-{which}-{key}.jpg", _render().render_still,
                                  width=THUMB_SIZE[0], height=THUMB_SIZE[1], color=color, title=title,
                                  text=text, t=t, total=float(video.duration))

    async def effect_file(self, template_id: int, ext: str) -> Path | None:
        effect = self.state.effects.get(template_id)
        if effect is None:
            return None
        color, name, prompt = tuple(effect["color"]), effect["display_name"], effect["display_prompt"]
        key = _digest(name, prompt, color, ext)
        if ext == "png":
            return await self._ensure(self.dir / "effects" / f"{template_id}-{key}.png", _render().render_still,
                                      width=EFFECT_SIZE[0], height=EFFECT_SIZE[1], color=color, title=name,
                                      text=prompt, fmt="PNG")
        width, height = RESOLUTIONS["360p"]
        return await self._ensure(self.dir / "effects" / f"{template_id}-{key}.mp4", _render().render_clip,
                                  width=width, height=height, seconds=3, fps=self.config.fps, color=color,
                                  title=name, text=prompt)

    async def blob_file(self, megabytes: int) -> Path:
        return await self._ensure(self.dir / "blob" / f"{megabytes}mb.bin", _render().make_blob,
                                  megabytes=megabytes)


# -- routes -----------------------------------------------------------------------------------------

def _video_by_stem(state: SimState, stem: str) -> VideoRecord | None:
    if not stem.startswith("v") or not stem[1:].isdigit():
        return None
    return state.videos.get(int(stem[1:]))


def add_media_routes(app: web.Application, sim: "Simulator") -> None:
    state, store = sim.state, sim.media

    async def video(request: web.Request) -> web.StreamResponse:
        name = request.match_info["name"]
        shared = re.fullmatch(r"seed-(\d+)s-(\d+p)", name)
        if shared:
            duration, quality = int(shared[1]), shared[2]
            if duration not in DURATIONS or quality not in RESOLUTIONS:
                raise web.HTTPNotFound(text="no such video")
            return web.FileResponse(await store.shared_seed_file(duration, quality))
        state.sync()
        record = _video_by_stem(state, name)
        if record is None or record.status != 1:
            raise web.HTTPNotFound(text="no such video")
        return web.FileResponse(await store.video_file(record))

    async def thumb(request: web.Request) -> web.StreamResponse:
        state.sync()
        record = _video_by_stem(state, request.match_info["stem"])
        if record is None or record.status != 1:
            raise web.HTTPNotFound(text="no such thumbnail")
        return web.FileResponse(await store.thumb_file(record, request.match_info["which"]))

    async def effect(request: web.Request) -> web.StreamResponse:
        path = await store.effect_file(int(request.match_info["id"]), request.match_info["ext"])
        if path is None:
            raise web.HTTPNotFound(text="no such effect")
        return web.FileResponse(path)

    async def upload(request: web.Request) -> web.StreamResponse:
        path = store.uploads_dir / request.match_info["name"]
        if not path.is_file():
            raise web.HTTPNotFound(text="no such upload")
        return web.FileResponse(path)

    async def blob(request: web.Request) -> web.StreamResponse:
        megabytes = int(request.match_info["mb"])
        if not 1 <= megabytes <= BLOB_MAX_MB:
            raise web.HTTPNotFound(text=f"blob size must be 1..{BLOB_MAX_MB} MB")
        return web.FileResponse(await store.blob_file(megabytes), headers={"Content-Type": "video/mp4"})

    app.router.add_get(r"/media/video/{name:[A-Za-z0-9-]+}.mp4", video)
    app.router.add_get(r"/media/thumb/{stem:v\d+}-{which:first|last}.jpg", thumb)
    app.router.add_get(r"/media/effects/{id:\d+}.{ext:png|mp4}", effect)
    app.router.add_get(r"/media/uploads/{name:[A-Za-z0-9_.-]+}", upload)
    app.router.add_get(r"/media/blob/{mb:\d+}mb.mp4", blob)
