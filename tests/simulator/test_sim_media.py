"""Media served by the simulator is real: H.264 mp4 of the stated duration/size, jpg/png thumbnails."""

from __future__ import annotations

import asyncio
import io
import time

import av
import httpx
import numpy as np
from PIL import Image

from pixverse_desktop.simulator import render
from pixverse_desktop.simulator.testing import fast_config, poll, run, sim_and_http


def probe(data: bytes) -> dict:
    with av.open(io.BytesIO(data)) as container:
        stream = container.streams.video[0]
        frames = [f.to_ndarray(format="rgb24") for f in container.decode(stream)]
        return {"codec": stream.codec_context.name, "width": stream.codec_context.width,
                "height": stream.codec_context.height, "pix_fmt": stream.codec_context.pix_fmt,
                "duration": float(stream.duration * stream.time_base), "frames": frames}


def mean_color(frame: np.ndarray) -> np.ndarray:
    return frame.reshape(-1, 3).mean(axis=0)


async def get_media(url: str) -> httpx.Response:
    async with httpx.AsyncClient(timeout=30, verify=False) as plain:  # no token: media is on "another host"
        response = await plain.get(url)
        assert response.status_code == 200, (url, response.status_code)
        return response


def test_sample_videos_are_real_h264_of_the_stated_duration_and_size():
    async def main():
        async with sim_and_http(fast_config(seed_videos=3)) as (sim, http):
            videos = (await http.get("videos")).json()["data"]
            assert {v["duration"] for v in videos} == {5, 8} and {v["quality"] for v in videos} == {"360p", "540p"}
            for video in videos:
                info = probe((await get_media(video["url"])).content)
                assert info["codec"] == "h264" and info["pix_fmt"] == "yuv420p"
                assert (info["width"], info["height"]) == (video["output_width"], video["output_height"])
                assert abs(info["duration"] - video["video_duration"]) <= 0.2
                for key in ("first_frame", "last_frame", "img_url"):
                    thumb = await get_media(video[key])
                    assert thumb.headers["Content-Type"] == "image/jpeg"
                    Image.open(io.BytesIO(thumb.content)).verify()
    run(main())


def test_media_supports_range_requests_and_head():
    async def main():
        async with sim_and_http() as (sim, http):
            url = (await http.get("videos")).json()["data"][0]["url"]
            full = (await get_media(url)).content
            async with httpx.AsyncClient(verify=False) as plain:
                part = await plain.get(url, headers={"Range": "bytes=100-199"})
                assert part.status_code == 206 and part.content == full[100:200]
                assert part.headers["Content-Range"] == f"bytes 100-199/{len(full)}"
                head = await plain.head(url)
                assert head.status_code == 200 and int(head.headers["Content-Length"]) == len(full)
                assert head.headers.get("Accept-Ranges") == "bytes"
    run(main())


def test_extension_continues_its_source_visibly():
    async def main():
        async with sim_and_http(fast_config(seed_videos=1)) as (sim, http):
            source = (await http.get("videos")).json()["data"][0]
            assert source["duration"] == 5 and source["quality"] == "540p"
            response = await http.post("videos/extend-v3", json={"prompt": "a whale surfaces", "quality": "360p",
                                                                  "video_id": source["video_id"]})
            new_id = response.json()["video_id"]
            await sim.wait_final(new_id)
            result = (await http.get(f"videos/{new_id}")).json()
            assert result["video_duration"] == 10 and (result["output_width"], result["output_height"]) == (640, 360)
            out = probe((await get_media(result["url"])).content)
            src = probe((await get_media(source["url"])).content)
            assert out["codec"] == "h264" and (out["width"], out["height"]) == (640, 360)
            assert abs(out["duration"] - 10) <= 0.2
            # the first half is the source (scaled), the second half is new
            fps = len(out["frames"]) / out["duration"]
            first_src, first_out = mean_color(src["frames"][0]), mean_color(out["frames"][0])
            assert np.abs(first_src - first_out).max() < 12
            new_part = mean_color(out["frames"][int(7 * fps)])
            assert np.abs(new_part - first_src).max() > 12
            last = Image.open(io.BytesIO((await get_media(result["last_frame"])).content))
            assert last.size == (640, 360)
    run(main())


def test_extension_of_an_uploaded_video(tmp_path):
    async def main():
        clip = render.render_clip(tmp_path / "mine.mp4", width=320, height=240, seconds=3, fps=25,
                                  color=(10, 200, 10), title="mine", text="my own clip")
        async with sim_and_http() as (sim, http):
            uploaded = await http.post("files", content=clip.read_bytes(), headers={"Content-Type": "video/mp4"})
            assert uploaded.status_code == 200, uploaded.text
            body = uploaded.json()
            assert set(body) == {"path", "url"}
            assert (await get_media(body["url"])).content == clip.read_bytes()
            response = await http.post("videos/extend-v3", json={"prompt": "then it rains", "quality": "360p",
                                                                  "video_path": body["path"], "duration": 5})
            assert response.status_code == 200, response.text
            new_id = response.json()["video_id"]
            await sim.wait_final(new_id)
            result = (await http.get(f"videos/{new_id}")).json()
            assert result["video_duration"] == 8
            out = probe((await get_media(result["url"])).content)
            assert abs(out["duration"] - 8) <= 0.2
            assert mean_color(out["frames"][0])[1] > 150  # the upload's green comes first
    run(main())


def test_many_seeds_are_cheap_share_clips_and_have_distinct_thumbnails():
    async def main():
        started = time.monotonic()
        config = fast_config(seed_videos=10_000, distinct_seed_media=2)
        async with sim_and_http(config) as (sim, http):
            assert time.monotonic() - started < 5
            t0 = time.monotonic()
            page = (await http.get("videos", params={"limit": 40, "offset": 5000})).json()["data"]
            assert len(page) == 40 and time.monotonic() - t0 < 1
            last_page = (await http.get("videos", params={"limit": 40, "offset": 9990})).json()["data"]
            assert len(last_page) == 10
            same_kind = [v for v in page if (v["duration"], v["quality"]) == (5, "360p")]
            assert len({v["url"] for v in same_kind}) == 1  # one shared clip
            assert len({v["first_frame"] for v in page}) == 40  # distinct thumbnails
            t0 = time.monotonic()
            thumbs = [await get_media(v["first_frame"]) for v in page[:5]]
            assert time.monotonic() - t0 < 3
            assert len({t.content for t in thumbs}) == 5
            assert sim.media.renders == 5  # only what was asked for; nothing at start-up
    run(main())


def test_effects_list_and_real_thumbnails():
    async def main():
        async with sim_and_http() as (sim, http):
            items = (await http.get("videos/effects")).json()["items"]
            assert len(items) >= 3
            for item in items:
                for key in ("template_id", "display_name", "display_prompt", "workflow_tag", "thumbnail_path",
                            "thumbnail_video_path", "marker", "created_at", "updated_at", "i18n_json",
                            "example_list"):
                    assert key in item
                assert isinstance(item["i18n_json"], str) and isinstance(item["example_list"], str)
            png = await get_media(items[0]["thumbnail_path"])
            assert png.content[:8] == b"\x89PNG\r\n\x1a\n"
            Image.open(io.BytesIO(png.content)).verify()
            clip = probe((await get_media(items[0]["thumbnail_video_path"])).content)
            assert clip["codec"] == "h264"
            assert len((await http.get("videos/effects", params={"limit": 2, "offset": 1})).json()["items"]) == 2
            source = (await http.get("videos")).json()["data"][0]["video_id"]
            ok = await http.post("videos/extend-v3", json={"prompt": "glow", "video_id": source,
                                                            "template_id": items[1]["template_id"]})
            video = sim.state.video_json(sim.state.find_video(ok.json()["video_id"]))
            assert video["template_id"] == items[1]["template_id"]
            assert video["template_name"] == items[1]["display_name"]
            bad = await http.post("videos/extend-v3", json={"prompt": "glow", "video_id": source,
                                                             "template_id": 12345})
            assert bad.status_code == 400 and "template_id" in bad.json()["error"]
    run(main())


def test_blob_for_download_benchmarks():
    async def main():
        async with sim_and_http() as (sim, http):
            url = f"{sim.root_url}/media/blob/3mb.mp4"
            first = await get_media(url)
            assert len(first.content) == 3 * 1024 * 1024
            assert int(first.headers["Content-Length"]) == 3 * 1024 * 1024
            assert (await get_media(url)).content == first.content  # deterministic, created once
            async with httpx.AsyncClient(verify=False) as plain:
                tail = await plain.get(url, headers={"Range": f"bytes={3 * 1024 * 1024 - 10}-"})
                assert tail.status_code == 206 and tail.content == first.content[-10:]
            assert sim.media.renders == 1
    run(main())


def test_rendering_does_not_block_the_api():
    async def main():
        async with sim_and_http(fast_config(seed_videos=1, distinct_seed_media=0)) as (sim, http):
            source = (await http.get("videos")).json()["data"][0]["video_id"]
            new_id = (await http.post("videos/extend-v3", json={"prompt": "long render", "duration": 8,
                                                                 "quality": "360p", "video_id": source})).json()["video_id"]
            video = sim.state.find_video(new_id)
            render_task = asyncio.ensure_future(sim.media.video_file(video))
            slowest = 0.0
            while not render_task.done():
                t0 = time.monotonic()
                assert (await http.get("videos")).status_code == 200
                slowest = max(slowest, time.monotonic() - t0)
            await render_task
            print(f'slowest API answer during a render: {slowest:.3f}s')
            assert slowest < 1.0
    run(main())


def test_results_are_rendered_eagerly_when_configured():
    async def main():
        async with sim_and_http(fast_config(render_eagerly=True)) as (sim, http):
            source = (await http.get("videos")).json()["data"][0]["video_id"]
            new_id = (await http.post("videos/extend-v3", json={"prompt": "eager", "quality": "360p",
                                                                 "video_id": source})).json()["video_id"]
            video = sim.state.find_video(new_id)
            mp4, first, last = sim.media._job_paths(video)
            await poll(lambda: mp4.exists(), timeout=20)  # nobody asked for it
            assert first.exists() and last.exists()
            assert sim.state.media_requests == []
    run(main())
