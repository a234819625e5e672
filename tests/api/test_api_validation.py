"""Client-side validation: every documented rule is enforced before sending, and nothing invalid reaches
the simulator (its request log stays empty)."""

from __future__ import annotations

import pytest

from pixverse_desktop.api import ExtendRequest, InvalidInput
from pixverse_desktop.simulator.testing import TEST_EMAIL, run
from tests.api.conftest import sim_and_client

SOURCE = f"user:1-pixverse:{TEST_EMAIL}-video:1"

INVALID = [
    (dict(prompt=""), "prompt"),
    (dict(prompt="   \n"), "prompt"),
    (dict(prompt="x" * 2049), "prompt"),
    (dict(negative_prompt="x" * 2049), "negative_prompt"),
    (dict(video_id=None), "source"),
    (dict(video_path="upload/a.mp4"), "source"),  # together with video_id
    (dict(duration=6), "duration"),
    (dict(duration="5"), "duration"),
    (dict(duration=True), "duration"),
    (dict(quality="720p"), "quality"),
    (dict(quality=""), "quality"),
    (dict(motion_mode="slow"), "motion_mode"),
    (dict(motion_mode="fast", duration=8), "motion_mode"),
    (dict(style="pixel"), "style"),
    (dict(seed=0), "seed"),
    (dict(seed=-5), "seed"),
    (dict(seed=2147483648), "seed"),
    (dict(seed="7"), "seed"),
    (dict(seed=True), "seed"),
    (dict(template_id=0), "template_id"),
    (dict(template_id=-3), "template_id"),
    (dict(template_id="303624537709312"), "template_id"),
    (dict(max_jobs=0), "max_jobs"),
    (dict(max_jobs=9), "max_jobs"),
    (dict(max_jobs=2.0), "max_jobs"),
    (dict(remove_watermark="yes"), "remove_watermark"),
    (dict(remove_watermark=1), "remove_watermark"),
    (dict(reply_url="ftp://example.com/hook"), "reply_url"),
    (dict(reply_url="example.com/hook"), "reply_url"),
    (dict(reply_url="https://example.com/" + "x" * 1005), "reply_url"),
    (dict(reply_ref="r" * 1025), "reply_ref"),
    (dict(email="not-an-email"), "email"),
]


@pytest.mark.parametrize("change, field", INVALID, ids=[f"{f}-{i}" for i, (_, f) in enumerate(INVALID)])
def test_invalid_extend_is_refused_before_sending(change, field):
    async def main():
        async with sim_and_client() as (sim, client):
            values = {"prompt": "a valid prompt", "video_id": SOURCE, **change}
            with pytest.raises(InvalidInput) as caught:
                await client.extend(ExtendRequest(**values))
            fields = [e.field for e in caught.value.errors]
            assert field in fields, fields
            assert caught.value.user_message.startswith("Please correct the form")
            assert sim.state.requests == [] and client.request_count == 0
    run(main())


def test_all_errors_are_reported_at_once():
    async def main():
        async with sim_and_client() as (sim, client):
            with pytest.raises(InvalidInput) as caught:
                await client.extend(ExtendRequest(prompt="", duration=7, seed=0, quality="4k"))
            assert {e.field for e in caught.value.errors} >= {"prompt", "source", "duration", "seed", "quality"}
            assert sim.state.requests == []
    run(main())


@pytest.mark.parametrize("name", ["notes.txt", "clip.gif", "photo.png", "noext"])
def test_upload_of_a_non_video_is_refused_before_sending(tmp_path, name):
    async def main():
        path = tmp_path / name
        path.write_bytes(b"not a video")
        async with sim_and_client() as (sim, client):
            with pytest.raises(InvalidInput) as caught:
                await client.upload_file(path)
            assert caught.value.errors[0].field == "file" and name in caught.value.user_message
            assert sim.state.requests == []
    run(main())


def test_valid_edges_pass_both_client_and_simulator():
    async def main():
        async with sim_and_client() as (sim, client):
            source = sim.state.accounts[TEST_EMAIL].videos[0].video_id
            edges = [dict(prompt="x" * 2048, negative_prompt="n" * 2048), dict(seed=1), dict(seed=2147483647),
                     dict(motion_mode="fast", duration=5), dict(max_jobs=8), dict(max_jobs=1),
                     dict(reply_ref="r" * 1024), dict(style="anime"), dict(remove_watermark=False),
                     dict(reply_url="http://127.0.0.1:9/" + "x" * (1024 - 19))]
            for change in edges:
                sim.state.active.clear()  # capacity is not what this test is about
                await client.extend(ExtendRequest(**{"prompt": "ok", "video_id": source, "quality": "360p",
                                                     **change}))
            assert [r.status for r in sim.state.requests] == [200] * len(edges)
    run(main())
