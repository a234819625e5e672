"""The simulator's job life cycle and the extend-v3 business rules, over real HTTP (httpx)."""

from __future__ import annotations

import pytest
from pixverse_desktop.simulator import AccountConfig
from pixverse_desktop.simulator.testing import TEST_EMAIL, fast_config, poll, run, sim_and_http

SLOW = dict(queue_seconds=30.0, generate_seconds=30.0, unknown_status_seconds=30.0)


async def first_video_id(http, email=None):
    response = await http.get("videos", params={"email": email} if email else None)
    assert response.status_code == 200
    return response.json()["data"][0]["video_id"]


async def listed(http, video_id, email=None):
    response = await http.get("videos", params={"email": email} if email else None)
    return next(v for v in response.json()["data"] if v["video_id"] == video_id)


async def extend(http, **body):
    body.setdefault("prompt", "the camera pans to the sea")
    body.setdefault("quality", "360p")
    return await http.post("videos/extend-v3", json=body)


def test_list_is_newest_first_and_includes_jobs_in_progress():
    async def main():
        async with sim_and_http(fast_config(**SLOW)) as (sim, http):
            source = await first_video_id(http)
            response = await extend(http, video_id=source)
            assert response.status_code == 200
            new_id = response.json()["video_id"]
            assert new_id.startswith("user:") and f"-pixverse:{TEST_EMAIL}-video:" in new_id
            data = (await http.get("videos")).json()["data"]
            assert [v["video_id"] for v in data][0] == new_id
            assert data[0]["video_status"] == 5 and data[0]["video_status_name"] == "QUEUED"
            created = [v["created_at"] for v in data]
            assert created == sorted(created, reverse=True)
            assert all(c.endswith("Z") for c in created)
            # useapi's documented slip: QUEUED is reported as final
            assert data[0]["video_status_final"] is True
            assert data[0]["url"] == "" and data[0]["output_width"] == 0 and data[0]["output_height"] == 0
            assert data[0]["queue_data"]["queue_time"] > 0
    run(main())


def test_status_transitions_follow_the_clock_and_404_while_processing():
    async def main():
        async with sim_and_http(fast_config(**SLOW)) as (sim, http):
            source = await first_video_id(http)
            new_id = (await extend(http, video_id=source, duration=8)).json()["video_id"]
            assert (await http.get(f"videos/{new_id}")).status_code == 404  # documented: 404 while processing
            sim.advance(30.5)
            video = await listed(http, new_id)
            assert (video["video_status"], video["video_status_name"], video["video_status_final"]) == \
                (10, "GENERATING", False)
            missing = await http.get(f"videos/{new_id}")
            assert missing.status_code == 404 and missing.json()["code"] == 404
            sim.advance(30.5)
            video = await listed(http, new_id)
            assert (video["video_status"], video["video_status_name"], video["video_status_final"]) == \
                (1, "COMPLETED", True)
            got = await http.get(f"videos/{new_id}")
            assert got.status_code == 200
            body = got.json()
            assert body["output_width"] == 640 and body["output_height"] == 360
            assert body["url"].endswith(".mp4") and body["first_frame"].endswith(".jpg")
            assert body["duration"] == 8
            source_video = await listed(http, source)
            assert body["video_duration"] == source_video["video_duration"] + 8
            assert body["model"] == "v3" and body["extended"] == 1
            assert body["original_video_id"] == int(source.rsplit(":", 1)[1])
    run(main())


def test_video_object_has_the_documented_fields():
    async def main():
        async with sim_and_http() as (sim, http):
            video = (await http.get("videos")).json()["data"][0]
            for name in ("video_id", "video_status", "video_status_name", "video_status_final", "created_at",
                         "prompt", "negative_prompt", "model", "quality", "motion_mode", "style", "seed",
                         "aspect_ratio", "duration", "video_duration", "output_width", "output_height", "url",
                         "first_frame", "last_frame", "img_url", "original_video_id", "extended", "upscaled",
                         "queue_data", "template_id", "remove_watermark"):
                assert name in video, name
            assert set(video["queue_data"]) == {"queue_time", "queue_count"}
            assert video["remove_watermark"] in (0, 1)
    run(main())


def test_unknown_get_video_is_404():
    async def main():
        async with sim_and_http() as (sim, http):
            response = await http.get("videos/user:1-pixverse:a@example.com-video:42")
            assert response.status_code == 404
            assert response.json() == {"error": response.json()["error"], "code": 404}
    run(main())


@pytest.mark.parametrize("word, status, name", [("fail-generation", 8, "FAILED"),
                                                 ("moderate-after", 7, "MODERATION_FAILED")])
def test_failure_words_end_in_failure_codes(word, status, name):
    async def main():
        async with sim_and_http() as (sim, http):
            source = await first_video_id(http)
            new_id = (await extend(http, video_id=source, prompt=f"please {word} now")).json()["video_id"]
            await sim.wait_final(new_id)
            video = await listed(http, new_id)
            assert video["video_status"] == status and video["video_status_name"] == name
            assert video["video_status_final"] is True and video["url"] == ""
            assert (await http.get(f"videos/{new_id}")).status_code == 200  # final, so no longer 404
    run(main())


def test_unknown_status_word_shows_code_3_then_completes():
    async def main():
        async with sim_and_http(fast_config(queue_seconds=30, generate_seconds=30,
                                            unknown_status_seconds=30)) as (sim, http):
            source = await first_video_id(http)
            new_id = (await extend(http, video_id=source, prompt="unknown-status please")).json()["video_id"]
            sim.advance(30.5)
            video = await listed(http, new_id)
            assert video["video_status"] == 3 and video["video_status_final"] is False
            assert video["video_status_name"] == "UNKNOWN"
            sim.advance(30.5)
            assert (await listed(http, new_id))["video_status"] == 10
            sim.advance(30.5)
            assert (await listed(http, new_id))["video_status"] == 1
    run(main())


def test_max_jobs_429_and_request_override():
    async def main():
        async with sim_and_http(fast_config(**SLOW)) as (sim, http):
            source = await first_video_id(http)
            assert (await extend(http, video_id=source)).status_code == 200
            refused = await extend(http, video_id=source, maxJobs=1)
            assert refused.status_code == 429
            assert refused.json()["error"] == f"Account {TEST_EMAIL} is busy executing 1 tasks."
            assert (await extend(http, video_id=source)).status_code == 200
            refused = await extend(http, video_id=source)
            assert refused.status_code == 429
            assert refused.json() == {"error": f"Account {TEST_EMAIL} is busy executing 2 tasks.", "code": 429}
            assert (await extend(http, video_id=source, maxJobs=3)).status_code == 200
            assert len(sim.state.charges) == 3
            sim.advance(61)  # all done: capacity is back
            assert (await extend(http, video_id=source)).status_code == 200
    run(main())


def test_plan_limit_429():
    async def main():
        config = fast_config(accounts=[AccountConfig(TEST_EMAIL, max_jobs=5, plan_limit=1)], **SLOW)
        async with sim_and_http(config) as (sim, http):
            source = await first_video_id(http)
            assert (await extend(http, video_id=source)).status_code == 200
            refused = await extend(http, video_id=source)
            assert refused.status_code == 429
            assert refused.json()["error"] == "Reached the limit for concurrent generations."
    run(main())


def test_account_selection_prefers_the_owner_then_any_free_account():
    async def main():
        config = fast_config(accounts=[AccountConfig("a@example.com", max_jobs=1),
                                       AccountConfig("b@example.com", max_jobs=1)], **SLOW)
        async with sim_and_http(config) as (sim, http):
            source_b = await first_video_id(http, "b@example.com")
            first = (await extend(http, video_id=source_b)).json()["video_id"]
            assert "-pixverse:b@example.com-" in first  # the owner of the source
            second = (await extend(http, video_id=source_b)).json()["video_id"]
            assert "-pixverse:a@example.com-" in second  # owner full: any account with capacity
            refused = await extend(http, video_id=source_b)
            assert refused.status_code == 429 and "b@example.com" in refused.json()["error"]
            unknown = await extend(http, video_id=source_b, email="nobody@example.com")
            assert unknown.status_code == 400 and "nobody@example.com" in unknown.json()["error"]
            explicit = await extend(http, video_id=source_b, email="a@example.com")
            assert explicit.status_code == 429 and "a@example.com" in explicit.json()["error"]
    run(main())


def test_credits_412_and_charges_log():
    async def main():
        config = fast_config(accounts=[AccountConfig(TEST_EMAIL, max_jobs=8, credits=3)], **SLOW)
        async with sim_and_http(config) as (sim, http):
            source = await first_video_id(http)
            assert (await extend(http, video_id=source, duration=8, prompt="eight")).status_code == 200
            assert (await extend(http, video_id=source, duration=5, prompt="five")).status_code == 200
            refused = await extend(http, video_id=source, duration=5)
            assert refused.status_code == 412
            assert refused.json()["error"].startswith("All Credits have been used up.")
            assert sim.state.accounts[TEST_EMAIL].credits == 0
            assert [(c.email, c.prompt, c.credits) for c in sim.state.charges] == \
                [(TEST_EMAIL, "eight", 2), (TEST_EMAIL, "five", 1)]
            assert all(c.video_id.startswith("user:") and c.time.endswith("Z") for c in sim.state.charges)
    run(main())


def test_pending_error_596_until_account_is_updated():
    async def main():
        config = fast_config(accounts=[AccountConfig(TEST_EMAIL, pending_error=True)])
        async with sim_and_http(config) as (sim, http):
            source = sim.state.accounts[TEST_EMAIL].videos[0].video_id
            refused = await extend(http, video_id=source)
            assert refused.status_code == 596
            assert refused.json()["error"].startswith("Your PixVerse account has pending error.")
            assert (await http.get("videos")).status_code == 596
            fixed = await http.post(f"accounts/{TEST_EMAIL}", json={"email": TEST_EMAIL, "password": "pw",
                                                                    "maxJobs": 2})
            assert fixed.status_code == 200 and fixed.json()["password"] == "…secured…"
            assert (await extend(http, video_id=source)).status_code == 200
    run(main())


@pytest.mark.parametrize("field", ["prompt", "negative_prompt"])
def test_moderation_422(field):
    async def main():
        async with sim_and_http(fast_config(moderated_words=("kraken",))) as (sim, http):
            source = await first_video_id(http)
            refused = await extend(http, video_id=source, **{field: "a KRAKEN attacks"})
            assert refused.status_code == 422
            assert refused.json()["error"].startswith("Your prompt has triggered our AI moderator")
            assert sim.state.charges == []
            assert (await extend(http, video_id=source, prompt="forbidden is fine here")).status_code == 200
    run(main())


def test_reply_url_callbacks_reach_a_receiver_in_order():
    from aiohttp import web

    async def main():
        received: list[dict] = []

        async def receive(request):
            received.append(await request.json())
            return web.json_response({"ok": True})

        app = web.Application()
        app.router.add_post("/hook", receive)
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        port = runner.addresses[0][1]
        try:
            async with sim_and_http() as (sim, http):
                source = await first_video_id(http)
                new_id = (await extend(http, video_id=source, replyUrl=f"http://127.0.0.1:{port}/hook",
                                       replyRef="job-77")).json()["video_id"]
                await poll(lambda: any(r["video_status"] == 1 for r in received), timeout=10)
                statuses = [r["video_status"] for r in received]
                assert statuses[0] == 5 and statuses[-1] == 1 and statuses == sorted(statuses, key=[5, 10, 1].index)
                assert all(r["replyRef"] == "job-77" and r["video_id"] == new_id for r in received)
                assert received[-1]["url"].endswith(".mp4")
                # a dead receiver is ignored: the job still completes
                dead = (await extend(http, video_id=source, replyUrl="http://127.0.0.1:9/none")).json()["video_id"]
                assert (await sim.wait_final(dead)).status == 1
                await poll(lambda: any(c["video_id"] == dead and c["error"] for c in sim.state.callbacks))
        finally:
            await runner.cleanup()
    run(main())


def test_multipart_form_data_extend():
    async def main():
        async with sim_and_http() as (sim, http):
            source = await first_video_id(http)
            fields = {"prompt": "waves", "video_id": source, "duration": "8", "quality": "360p",
                      "seed": "77", "remove_watermark": "false"}
            response = await http.post("videos/extend-v3", files={k: (None, v) for k, v in fields.items()})
            assert response.status_code == 200, response.text
            video = sim.state.find_video(response.json()["video_id"])
            assert (video.duration, video.seed, video.remove_watermark) == (8, 77, False)
            bad = await http.post("videos/extend-v3", files={"prompt": (None, "x"), "video_id": (None, source),
                                                             "duration": (None, "six")})
            assert bad.status_code == 400 and "duration" in bad.json()["error"]
    run(main())
