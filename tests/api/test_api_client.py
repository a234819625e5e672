"""Every client endpoint against the simulator over real loopback HTTP."""

from __future__ import annotations

import pytest

from pixverse_desktop.api import ExtendRequest, NotFound, Unauthorized, VideoStatus
from pixverse_desktop.simulator import AccountConfig, render
from pixverse_desktop.simulator.testing import TEST_EMAIL, TEST_TOKEN, fast_config, poll, run
from tests.api.conftest import sim_and_client


async def wait_listed(client, video_id, statuses, email=None, timeout=10.0):
    async def check():
        for video in await client.list_videos(email):
            if video.video_id == video_id and video.status in statuses:
                return video
        return None
    return await poll(check, timeout)


def test_list_videos_and_get_video():
    async def main():
        async with sim_and_client() as (sim, client):
            videos = await client.list_videos()
            assert len(videos) == 3
            assert all(v.status is VideoStatus.COMPLETED and v.status_label == "COMPLETED" for v in videos)
            assert [v.created_at for v in videos] == sorted((v.created_at for v in videos), reverse=True)
            first = videos[0]
            assert first.email == TEST_EMAIL and first.url.endswith(".mp4") and first.thumbnail_url.endswith(".jpg")
            assert first.resolution in ("640×360", "960×540")
            same = await client.get_video(first.video_id)
            assert same == first
            assert client.request_count == 2
    run(main())


def test_unknown_extra_fields_are_tolerated():
    async def main():
        async with sim_and_client() as (sim, client):
            video = (await client.list_videos())[0]
            # the simulator sends fields the client does not model (as the real service does)
            assert {"account_id", "upscaled", "lip_sync", "camera_movement"} <= set(video.extra)
    run(main())


@pytest.mark.parametrize("total, page", [(10, 4), (8, 4), (3, 40), (0, 5)])
def test_iter_videos_walks_every_page(total, page):
    async def main():
        async with sim_and_client(fast_config(seed_videos=total)) as (sim, client):
            pages = [p async for p in client.iter_videos(page_size=page)]
            assert all(len(p) == page for p in pages[:-1])
            ids = [v.video_id for p in pages for v in p]
            assert len(ids) == total and len(set(ids)) == total
            expected = [v.video_id for v in reversed(sim.state.accounts[TEST_EMAIL].videos)]
            assert ids == expected
            offsets = [r.query for r in sim.api_requests("/videos", "GET")]
            assert len(offsets) == total // page + 1
            assert (await client.all_videos(page_size=page)) == [v for p in pages for v in p]
    run(main())


def test_iter_videos_with_email_and_max_pages():
    async def main():
        config = fast_config(seed_videos=9, accounts=[AccountConfig("a@example.com"), AccountConfig("b@example.com")])
        async with sim_and_client(config) as (sim, client):
            pages = [p async for p in client.iter_videos("b@example.com", page_size=2, max_pages=2)]
            assert [len(p) for p in pages] == [2, 2]
            assert all(v.email == "b@example.com" for p in pages for v in p)
    run(main())


def test_extend_by_video_id_until_completed():
    async def main():
        async with sim_and_client(fast_config(queue_seconds=30, generate_seconds=30)) as (sim, client):
            source = (await client.list_videos())[0]
            video_id = await client.extend(ExtendRequest(prompt="a lantern rises", video_id=source.video_id,
                                                         quality="360p", duration=8, seed=42, style="clay"))
            queued = await wait_listed(client, video_id, {VideoStatus.QUEUED})
            assert queued.prompt == "a lantern rises" and queued.url == "" and queued.output_width == 0
            with pytest.raises(NotFound):  # documented: 404 while processing
                await client.get_video(video_id)
            sim.advance(30.5)
            await wait_listed(client, video_id, {VideoStatus.GENERATING})
            sim.advance(30.5)
            done = await wait_listed(client, video_id, {VideoStatus.COMPLETED})
            assert (done.seed, done.style, done.quality, done.duration) == (42, "clay", "360p", 8)
            assert done.video_duration == source.video_duration + 8 and done.output_width == 640
            assert done.status_final and done.extended
            assert (await client.get_video(video_id)).video_id == video_id
    run(main())


def test_upload_with_progress_then_extend_with_video_path(tmp_path):
    async def main():
        clip = render.render_clip(tmp_path / "holiday.mp4", width=320, height=180, seconds=2, fps=24,
                                  color=(200, 30, 30), title="mine", text="holiday")
        progress: list[tuple[int, int]] = []
        async with sim_and_client() as (sim, client):
            uploaded = await client.upload_file(clip, progress=lambda sent, total: progress.append((sent, total)))
            assert uploaded.path.startswith("upload/") and uploaded.url.startswith("http://")
            size = clip.stat().st_size
            assert progress[0] == (0, size) and progress[-1] == (size, size)
            assert [p[0] for p in progress] == sorted(p[0] for p in progress)
            assert sim.state.uploads[uploaded.path].size == size
            video_id = await client.extend(ExtendRequest(prompt="then it snows", video_path=uploaded.path,
                                                         quality="360p"))
            done = await wait_listed(client, video_id, {VideoStatus.COMPLETED})
            assert done.video_duration == 2 + 5
    run(main())


def test_upload_with_email_when_several_accounts(tmp_path):
    async def main():
        clip = render.render_clip(tmp_path / "c.mp4", width=160, height=90, seconds=1, fps=10, color=(0, 0, 0),
                                  title="t", text="x")
        config = fast_config(accounts=[AccountConfig("a@example.com"), AccountConfig("b@example.com")])
        async with sim_and_client(config) as (sim, client):
            uploaded = await client.upload_file(clip, email="b@example.com")
            assert uploaded.path in sim.state.uploads
    run(main())


def test_effects_accounts_and_account():
    async def main():
        config = fast_config(accounts=[AccountConfig("a@example.com", max_jobs=4), AccountConfig("b@example.com")])
        async with sim_and_client(config) as (sim, client):
            effects = await client.effects("a@example.com")
            assert len(effects) >= 3 and all(e.template_id > 0 and e.display_name for e in effects)
            assert effects[0].thumbnail_path.endswith(".png")
            assert len(await client.effects("a@example.com", limit=1, offset=1)) == 1
            accounts = await client.accounts()
            assert {a.email for a in accounts} == {"a@example.com", "b@example.com"}
            one = await client.account("a@example.com")
            assert one.max_jobs == 4 and one.username == "a" and one.expires is not None
            video_id = await client.extend(ExtendRequest(prompt="glow", email="a@example.com", quality="360p",
                                                         video_id=sim.state.accounts["a@example.com"].videos[0].video_id,
                                                         template_id=effects[0].template_id))
            video = await wait_listed(client, video_id, {VideoStatus.QUEUED, VideoStatus.GENERATING,
                                                         VideoStatus.COMPLETED}, email="a@example.com")
            assert video.template_id == effects[0].template_id and video.template_name == effects[0].display_name
    run(main())


def test_unknown_status_code_is_shown_as_unknown():
    async def main():
        async with sim_and_client(fast_config(unknown_status_seconds=60)) as (sim, client):
            source = (await client.list_videos())[0].video_id
            video_id = await client.extend(ExtendRequest(prompt="unknown-status test", video_id=source,
                                                         quality="360p"))
            video = await wait_listed(client, video_id, {VideoStatus.UNKNOWN})
            assert video.status_code == 3 and video.status_label == "unknown (3)"
            assert not video.status.is_final  # keeps polling, whatever the service's flag says
    run(main())


def test_queued_is_not_final_for_the_client_despite_the_flag():
    async def main():
        async with sim_and_client(fast_config(queue_seconds=60)) as (sim, client):
            source = (await client.list_videos())[0].video_id
            video_id = await client.extend(ExtendRequest(prompt="wait", video_id=source))
            video = await wait_listed(client, video_id, {VideoStatus.QUEUED})
            assert video.status_final is True  # what useapi says ...
            assert not video.status.is_final  # ... and what the client believes
    run(main())


@pytest.mark.parametrize("word, status", [("fail-generation", VideoStatus.FAILED),
                                          ("moderate-after", VideoStatus.MODERATED)])
def test_failed_jobs_are_final_failures(word, status):
    async def main():
        async with sim_and_client() as (sim, client):
            source = (await client.list_videos())[0].video_id
            video_id = await client.extend(ExtendRequest(prompt=f"x {word}", video_id=source, quality="360p"))
            video = await wait_listed(client, video_id, {status})
            assert video.status.is_final and video.status.is_failure and video.url == ""
    run(main())


def test_token_is_read_at_send_time():
    async def main():
        tokens = iter(["wrong", TEST_TOKEN])
        async with sim_and_client() as (sim, client):
            client._token_provider = lambda: next(tokens)
            with pytest.raises(Unauthorized):
                await client.list_videos()
            assert len(await client.list_videos()) == 3
            assert [r.status for r in sim.state.requests] == [401, 200]
    run(main())
