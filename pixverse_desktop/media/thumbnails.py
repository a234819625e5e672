"""Thumbnails on demand: one fetch per URL however many rows ask, a bounded memory LRU, a disk cache.

``get(url)`` answers from memory, else from the disk cache, else from the network (through the app's
shared ``httpx.AsyncClient``, without the API token: thumbnails live on media hosts). Reading, decoding
and scaling happen in the cache's worker thread so scrolling never waits on them. The
result is a ``QImage`` (safe to build off the GUI thread, unlike ``QPixmap``); no widgets here.
"""

from __future__ import annotations

import asyncio
import hashlib
import io
import logging
import os
from collections import OrderedDict, deque
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
from platformdirs import user_cache_dir
from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QImage

from pixverse_desktop import APP_NAME

from .tiles import FORMAT, PACKING, TileShape, shape_tile

log = logging.getLogger(__name__)

DEFAULT_SIZE = QSize(320, 180)


def default_cache_dir() -> Path:
    return Path(user_cache_dir(APP_NAME)) / "thumbnails"


def _decode(data: bytes, size: QSize, tile: TileShape | None = None) -> tuple[QImage | None, QImage | None]:
    """Decoded and scaled to fit ``size``, plus, with ``tile``, the same picture shaped for a picker
    tile (``media.tiles``). Runs in a worker thread, so it must let go of the GIL while it works:
    Pillow does (decoding and resampling release it), while PySide's ``QImage.fromData`` and
    ``QImage.scaled`` hold it throughout, and the GUI thread stood waiting for every thumbnail
    decoded "in the background" (measured: 2-25 ms pauses per image, bench_stall). Qt decodes what
    Pillow cannot read (without a tile shape: the picker then shapes it itself)."""
    from PIL import Image  # here, not at the top: off the start-up path (bench_startup)

    try:
        with Image.open(io.BytesIO(data)) as source:
            source.thumbnail((size.width(), size.height()), Image.Resampling.BICUBIC)  # JPEG: draft first
            picture = source.convert("RGBA")
            pixels = picture.tobytes("raw", PACKING)
            shaped = shape_tile(picture, tile) if tile is not None else None
    except Exception:  # noqa: BLE001 - not an image Pillow reads (or not an image at all)
        return _decode_qt(data, size), None
    image = QImage(pixels, picture.width, picture.height, picture.width * 4, FORMAT)
    return image.copy(), shaped   # a copy owns its pixels (the QImage above only borrows ``pixels``)


def _decode_qt(data: bytes, size: QSize) -> QImage | None:
    image = QImage.fromData(data)
    if image.isNull():
        return None
    if image.width() > size.width() or image.height() > size.height():
        image = image.scaled(size, Qt.AspectRatioMode.KeepAspectRatio,
                             Qt.TransformationMode.SmoothTransformation)
    return image


class ThumbnailCache:
    def __init__(self, http: httpx.AsyncClient | None, cache_dir: str | Path | None = None, *,
                 memory_items: int = 150, disk_max_bytes: int = 200 * 1024 * 1024,
                 size: QSize = DEFAULT_SIZE, max_loading: int = 4, max_waiting: int = 120,
                 tile: TileShape | None = None, full_items: int = 48) -> None:
        """``tile``: also make each thumbnail shaped for a picker tile (``cached_tile``); the picker
        then uses those, and only ``full_items`` full-size pictures (the form, the job table and the
        effects list use them) stay in memory beside ``memory_items`` tiles."""
        self.http = http
        self.tile = tile
        self.full_items = full_items if tile is not None else memory_items
        self._tiles: OrderedDict[str, QImage] = OrderedDict()
        self.cache_dir = Path(cache_dir) if cache_dir else default_cache_dir()
        self.memory_items = memory_items
        self.disk_max_bytes = disk_max_bytes
        self.size = size
        self._memory: OrderedDict[str, QImage] = OrderedDict()
        self._in_flight: dict[str, asyncio.Future[QImage | None]] = {}
        # Loads run at most ``max_loading`` at a time, newest request first: the rows asked for last are
        # the ones on screen now. A fast scroll asks for hundreds of thumbnails; without the bound every
        # one became a request at once (connection churn, the loop busy with HTTP while the view
        # scrolls), and those scrolled past long ago are dropped from the queue (answered None, not
        # remembered as failed: a row painted again asks again).
        self.max_loading = max_loading
        self.max_waiting = max_waiting
        self._waiting: deque[str] = deque()
        self._loading: set[asyncio.Task] = set()
        self._failed: set[str] = set()
        self._writes = 0
        self._disk_bytes: int | None = None   # estimate of the disk cache's size (None: not scanned yet)
        self._closed = False
        self.network_fetches = 0  # for tests and benchmarks
        # Reading, decoding and shaping run in the cache's own worker threads, one fewer than the
        # cores (at most two), not in asyncio's default pool: up to four loads decoding at once there
        # were four threads taking turns at the GIL with the GUI thread, and on two cores the window
        # waited for them (bench_stall: gaps over 16 ms 22-32 -> 10-16, p99 15-16 -> 13-14 ms).
        self._worker = ThreadPoolExecutor(max(1, min(2, (os.cpu_count() or 2) - 1)),
                                          thread_name_prefix="thumbnails")

    def _in_worker(self, fn, *args) -> asyncio.Future:
        return asyncio.get_running_loop().run_in_executor(self._worker, fn, *args)

    def _path(self, url: str) -> Path:
        return self.cache_dir / (hashlib.sha256(url.encode()).hexdigest() + ".img")

    # -- memory ---------------------------------------------------------------------------------

    def cached(self, url: str) -> QImage | None:
        """The image if it is in memory (marks it recently used); never blocks, never fetches."""
        image = self._memory.get(url)
        if image is not None:
            self._memory.move_to_end(url)
        return image

    def cached_tile(self, url: str) -> QImage | None:
        """The tile-shaped picture, if a tile shape was given and it is in memory."""
        image = self._tiles.get(url)
        if image is not None:
            self._tiles.move_to_end(url)
        return image

    def _remember(self, url: str, image: QImage, shaped: QImage | None = None) -> None:
        for memory, value, bound in ((self._memory, image, self.full_items),
                                     (self._tiles, shaped, self.memory_items)):
            if value is None:
                continue
            memory[url] = value
            memory.move_to_end(url)
            while len(memory) > bound:
                memory.popitem(last=False)

    def has_failed(self, url: str) -> bool:
        return url in self._failed

    # -- fetch ----------------------------------------------------------------------------------

    async def get(self, url: str) -> QImage | None:
        """The thumbnail for ``url`` (None if it cannot be had). Concurrent calls share one fetch."""
        if not url or self._closed:
            return None
        image = self.cached(url)
        if image is not None:
            return image
        future = self._in_flight.get(url)
        if future is None:
            future = asyncio.get_running_loop().create_future()
            self._in_flight[url] = future
            future.add_done_callback(lambda _f, u=url: self._in_flight.pop(u, None))
            self._waiting.append(url)
            self._pump()
        return await asyncio.shield(future)

    def _pump(self) -> None:
        while len(self._loading) < self.max_loading and self._waiting:
            url = self._waiting.pop()   # newest first
            task = asyncio.ensure_future(self._load(url))
            self._loading.add(task)
            task.add_done_callback(lambda t, u=url: self._loaded(u, t))
        while len(self._waiting) > self.max_waiting:
            self._answer(self._waiting.popleft(), None)   # asked for long ago: scrolled past

    def _answer(self, url: str, image: QImage | None) -> None:
        future = self._in_flight.get(url)
        if future is not None and not future.done():
            future.set_result(image)

    def _loaded(self, url: str, task: asyncio.Task) -> None:
        self._loading.discard(task)
        future = self._in_flight.get(url)
        if future is not None and not future.done():
            if task.cancelled():
                future.cancel()
            elif task.exception() is not None:
                future.set_exception(task.exception())
            else:
                future.set_result(task.result())
        if not self._closed:
            self._pump()

    async def aclose(self) -> None:
        """Cancels the fetches in flight (before the shared HTTP client closes); later gets answer None."""
        self._closed = True
        self._waiting.clear()
        loading = list(self._loading)
        for task in loading:
            task.cancel()
        for future in list(self._in_flight.values()):
            future.cancel()
        await asyncio.gather(*loading, return_exceptions=True)
        self._worker.shutdown(wait=False, cancel_futures=True)

    async def _load(self, url: str) -> QImage | None:
        path = self._path(url)
        image, shaped = await self._in_worker(self._read_disk, path)
        if image is None:
            data = await self._download(url)
            if data is None:
                self._failed.add(url)
                return None
            image, shaped = await self._in_worker(self._store_disk, path, data)
        if image is None:
            self._failed.add(url)
            return None
        self._failed.discard(url)
        self._remember(url, image, shaped)
        return image

    async def _download(self, url: str) -> bytes | None:
        if url.startswith("file://") or os.path.isabs(url):
            local = url[len("file://"):] if url.startswith("file://") else url
            try:
                return await self._in_worker(Path(local).read_bytes)
            except OSError:
                return None
        if self.http is None:
            return None
        self.network_fetches += 1
        try:
            response = await self.http.get(url, timeout=20.0)
        except httpx.HTTPError as exc:
            log.info("thumbnail fetch failed: %s", type(exc).__name__)
            return None
        if response.status_code != 200:
            log.info("thumbnail fetch answered %s", response.status_code)
            return None
        return response.content

    def _read_disk(self, path: Path) -> tuple[QImage | None, QImage | None]:
        try:
            data = path.read_bytes()
        except OSError:
            return None, None
        try:
            os.utime(path)  # recently used: the pruning keeps it
        except OSError:
            pass
        return _decode(data, self.size, self.tile)

    def _store_disk(self, path: Path, data: bytes) -> tuple[QImage | None, QImage | None]:
        image, shaped = _decode(data, self.size, self.tile)
        if image is None:
            return None, None
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(".tmp")
            tmp.write_bytes(data)
            tmp.replace(path)
        except OSError as exc:
            log.warning("could not write the thumbnail cache: %s", exc)
            return image, shaped
        # Listing and stat-ing the whole directory is the costly part of pruning (thousands of files,
        # in Python, holding the GIL the GUI thread needs; it ran every 50 writes): the size is counted
        # once, then kept up to date, and the directory is listed only when it is over the bound.
        self._writes += 1
        if self._disk_bytes is None:
            self._disk_bytes = self._scan_total()
        else:
            self._disk_bytes += len(data)
        if self._writes % 50 == 0 and self._disk_bytes > self.disk_max_bytes:
            self.prune()
        return image, shaped

    def _scan_total(self) -> int:
        total = 0
        try:
            with os.scandir(self.cache_dir) as entries:
                for entry in entries:
                    if entry.name.endswith(".img"):
                        try:
                            total += entry.stat().st_size
                        except OSError:
                            pass
        except OSError:
            pass
        return total

    def prune(self) -> int:
        """Deletes the least recently used files beyond ``disk_max_bytes``; returns how many. Blocking."""
        try:
            entries = [(p.stat(), p) for p in self.cache_dir.glob("*.img")]
        except OSError:
            return 0
        total = sum(st.st_size for st, _ in entries)
        removed = 0
        for st, path in sorted(entries, key=lambda e: e[0].st_mtime):
            if total <= self.disk_max_bytes:
                break
            try:
                path.unlink()
            except OSError:
                continue
            total -= st.st_size
            removed += 1
        self._disk_bytes = total
        return removed
