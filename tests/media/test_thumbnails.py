"""ThumbnailCache: one fetch per URL, memory LRU bound, disk cache across instances, failures remembered."""

from __future__ import annotations

import asyncio
import io
import os

import httpx
import pytest
from PIL import Image

from pixverse_desktop.media.thumbnails import ThumbnailCache


def _jpeg(color=(200, 40, 90), size=(640, 360)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, "JPEG")
    return buffer.getvalue()


class Server:
    """An httpx transport standing in for the media host, counting requests per URL."""

    def __init__(self) -> None:
        self.hits: dict[str, int] = {}

    async def handler(self, request: httpx.Request) -> httpx.Response:
        url = str(request.url)
        self.hits[url] = self.hits.get(url, 0) + 1
        await asyncio.sleep(0.01)
        if "missing" in url:
            return httpx.Response(404)
        if "garbage" in url:
            return httpx.Response(200, content=b"not an image")
        assert "authorization" not in request.headers   # never the API token on a media host
        return httpx.Response(200, content=_jpeg())


@pytest.fixture
def server():
    return Server()


def _cache(server, tmp_path, **kw) -> ThumbnailCache:
    http = httpx.AsyncClient(transport=httpx.MockTransport(server.handler))
    return ThumbnailCache(http, tmp_path / "thumbs", **kw)


def test_concurrent_requests_share_one_fetch_and_decode_scaled(qapp, server, tmp_path):
    async def main():
        cache = _cache(server, tmp_path)
        images = await asyncio.gather(*[cache.get("http://media/a.jpg") for _ in range(5)])
        assert all(img is images[0] for img in images)
        assert images[0].width() <= 320 and images[0].height() <= 180 and not images[0].isNull()
        assert server.hits == {"http://media/a.jpg": 1} and cache.network_fetches == 1
        assert cache.cached("http://media/a.jpg") is images[0]
        await cache.http.aclose()

    asyncio.run(main())


def test_disk_cache_survives_a_new_instance(qapp, server, tmp_path):
    async def main():
        first = _cache(server, tmp_path)
        await first.get("http://media/b.jpg")
        second = _cache(server, tmp_path)
        assert second.cached("http://media/b.jpg") is None
        assert (await second.get("http://media/b.jpg")) is not None
        assert server.hits["http://media/b.jpg"] == 1 and second.network_fetches == 0

    asyncio.run(main())


def test_memory_is_bounded_lru(qapp, server, tmp_path):
    async def main():
        cache = _cache(server, tmp_path, memory_items=2)
        for name in "abc":
            await cache.get(f"http://media/{name}.jpg")
        assert cache.cached("http://media/a.jpg") is None
        assert cache.cached("http://media/c.jpg") is not None

    asyncio.run(main())


def test_failures_answer_none_and_are_remembered(qapp, server, tmp_path):
    async def main():
        cache = _cache(server, tmp_path)
        assert await cache.get("http://media/missing.jpg") is None
        assert await cache.get("http://media/garbage.jpg") is None
        assert cache.has_failed("http://media/missing.jpg")
        assert await cache.get("") is None

    asyncio.run(main())


def test_local_files_and_close(qapp, server, tmp_path):
    path = tmp_path / "local.jpg"
    path.write_bytes(_jpeg((10, 200, 10)))

    async def main():
        cache = _cache(server, tmp_path)
        assert (await cache.get(str(path))) is not None
        assert cache.network_fetches == 0
        await cache.aclose()
        assert await cache.get("http://media/late.jpg") is None

    asyncio.run(main())


def test_prune_keeps_the_disk_cache_bounded(qapp, server, tmp_path):
    async def main():
        cache = _cache(server, tmp_path, disk_max_bytes=1)
        for name in "abcd":
            await cache.get(f"http://media/{name}.jpg")
        assert len(list(cache.cache_dir.glob("*.img"))) == 4
        assert cache.prune() >= 3

    asyncio.run(main())


def test_a_tile_shape_makes_a_cropped_rounded_copy_in_the_worker(qapp, server, tmp_path):
    from pixverse_desktop.media.tiles import SHAPED, TileShape

    shape = TileShape(194, 112, radius=9, inset=1)

    async def main():
        cache = _cache(server, tmp_path, tile=shape)
        plain = await cache.get("http://media/t.jpg")
        shaped = cache.cached_tile("http://media/t.jpg")
        await cache.http.aclose()
        again = _cache(server, tmp_path, tile=shape)   # from the disk cache, shaped as well
        await again.get("http://media/t.jpg")
        from_disk = again.cached_tile("http://media/t.jpg")
        await again.http.aclose()
        return plain, shaped, from_disk

    plain, shaped, from_disk = asyncio.run(main())
    assert plain.width() == 320 and plain.text(SHAPED) == ""            # the plain one is unchanged
    for image in (shaped, from_disk):
        assert (image.width(), image.height()) == (194, 112) and image.text(SHAPED) == "1"
        assert image.pixelColor(97, 56).alpha() == 255                 # inside: the picture
        assert image.pixelColor(0, 56).alpha() == 0                     # the inset edge
        assert image.pixelColor(2, 2).alpha() == 0                      # a rounded corner
        assert image.pixelColor(97, 56).red() > 150                     # the picture's colour
    assert _cache(server, tmp_path).cached_tile("http://media/t.jpg") is None   # no shape, no tile


def test_with_tiles_fewer_full_pictures_stay_in_memory(qapp, server, tmp_path):
    from pixverse_desktop.media.tiles import TileShape

    async def main():
        cache = _cache(server, tmp_path, tile=TileShape(50, 30, radius=4), memory_items=3, full_items=2)
        for name in "abcd":
            await cache.get(f"http://media/{name}.jpg")
        await cache.http.aclose()
        return cache

    cache = asyncio.run(main())
    assert [cache.cached_tile(f"http://media/{n}.jpg") is not None for n in "abcd"] == [False, True, True, True]
    assert [cache.cached(f"http://media/{n}.jpg") is not None for n in "abcd"] == [False, False, True, True]


def test_decoding_runs_in_the_caches_own_bounded_worker(qapp, server, tmp_path, monkeypatch):
    """Off the GUI thread, and in few threads: each one takes turns at the GIL with the window."""
    import threading
    import time

    from pixverse_desktop.media import thumbnails

    seen: list[str] = []
    running, most = [0], [0]
    lock = threading.Lock()
    real = thumbnails._decode

    def decode(*args, **kwargs):
        with lock:
            running[0] += 1
            most[0] = max(most[0], running[0])
            seen.append(threading.current_thread().name)
        time.sleep(0.02)   # long enough for loads to overlap
        try:
            return real(*args, **kwargs)
        finally:
            with lock:
                running[0] -= 1

    monkeypatch.setattr(thumbnails, "_decode", decode)

    async def main():
        cache = _cache(server, tmp_path)
        images = await asyncio.gather(*[cache.get(f"http://media/{i}.jpg") for i in range(12)])
        assert all(image is not None for image in images)
        await cache.aclose()
        await cache.http.aclose()

    asyncio.run(main())
    assert len(seen) == 12 and all(name.startswith("thumbnails") for name in seen)
    assert most[0] <= max(1, min(2, (os.cpu_count() or 2) - 1))
