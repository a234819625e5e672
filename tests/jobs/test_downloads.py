"""Downloads: streamed to .part, resumed with Range after an interruption, byte-identical."""

from __future__ import annotations

import asyncio
import hashlib
from pathlib import Path

import pytest

from pixverse_desktop.api import ExtendRequest, make_http_client
from pixverse_desktop.jobs.downloads import DownloadError, Downloader
from pixverse_desktop.jobs.models import JobState


class Interrupted(Exception):
    pass


def sha256(path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def test_an_interrupted_download_resumes_byte_identical(sim_factory, tmp_path):
    th = sim_factory()
    url = th.sim.root_url + "/media/blob/24mb.mp4"
    blob = th.run(th.sim.media.blob_file(24))
    seen = []

    async def main():
        async with make_http_client() as http:
            downloader = Downloader(http, tmp_path / "lib")

            def stop_midway(done, total):
                seen.append(("first", done, total))
                if done > 8 * 1024 * 1024:
                    raise Interrupted()

            with pytest.raises(Interrupted):
                await downloader.fetch(url, "big.mp4", stop_midway)
            part = tmp_path / "lib" / "big.mp4.part"
            assert part.exists() and 0 < part.stat().st_size < 24 * 1024 * 1024
            resumed_from = part.stat().st_size
            path = await downloader.fetch(url, "big.mp4", lambda d, t: seen.append(("second", d, t)))
            return path, resumed_from

    path, resumed_from = asyncio.run(main())
    assert sha256(path) == sha256(blob)
    second = [s for s in seen if s[0] == "second"]
    assert second[0][1] > resumed_from  # continued, not restarted
    assert all(total == 24 * 1024 * 1024 for _, _, total in second)
    assert not (tmp_path / "lib" / "big.mp4.part").exists()


def test_only_http_urls_are_followed(tmp_path):
    async def main():
        async with make_http_client() as http:
            with pytest.raises(DownloadError):
                await Downloader(http, tmp_path).fetch("file:///etc/passwd", "x.mp4")
    asyncio.run(main())


def test_auto_download_saves_finished_results_into_the_library(sim_factory, harness, tmp_path):
    th = sim_factory()

    async def main():
        async with harness(th, auto_download=True) as h:
            source = await h.seed_video("a@example.com")
            job = h.engine.submit(ExtendRequest(prompt="../../escape attempt ✨", video_id=source))
            await h.engine.wait_final(job.id, timeout=15)
            for _ in range(500):
                current = h.engine.get(job.id)
                if current.local_path:
                    return current
                await asyncio.sleep(0.02)
            raise AssertionError("no download")

    job = asyncio.run(main())
    assert job.state is JobState.COMPLETED
    saved = Path(job.local_path)
    assert saved.parent == (tmp_path / "library").resolve()
    assert saved.name.startswith("escape-attempt-") and saved.suffix == ".mp4"
    record = th.call(lambda: th.sim.state.find_video(job.video_id))
    assert sha256(saved) == sha256(th.run(th.sim.media.video_file(record)))
