"""The simulator's HTTP surface: auth, listing and paging, validation answers, uploads, accounts."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from pixverse_desktop.simulator import AccountConfig, render
from pixverse_desktop.simulator.testing import TEST_EMAIL, TEST_TOKEN, fast_config, run, sim_and_http

TWO = [AccountConfig("a@example.com"), AccountConfig("b@example.com")]
ROUTES = [("GET", "videos"), ("GET", "videos/"), ("GET", "videos/effects"), ("POST", "videos/extend-v3"),
          ("GET", "videos/user:1-pixverse:a@example.com-video:1"), ("POST", "files"), ("GET", "accounts"),
          ("GET", f"accounts/{TEST_EMAIL}"), ("GET", "no/such/route")]


@pytest.mark.parametrize("token", [None, "wrong-token"])
def test_every_api_route_needs_the_bearer_token(token):
    async def main():
        async with sim_and_http(token=token) as (sim, http):
            for method, path in ROUTES:
                response = await http.request(method, path, json={"prompt": "x"} if method == "POST" else None)
                assert response.status_code == 401, (method, path)
                assert response.json() == {"error": "Unauthorized", "code": 401}
            assert [r.status for r in sim.state.requests] == [401] * len(ROUTES)
            assert sim.state.charges == []
    run(main())


def test_lowercase_bearer_scheme_is_accepted():
    async def main():
        async with sim_and_http(token=None) as (sim, http):
            response = await http.get("videos", headers={"Authorization": f"bearer {TEST_TOKEN}"})
            assert response.status_code == 200
    run(main())


def test_paging_default_limit_offset_and_trailing_slash():
    async def main():
        async with sim_and_http(fast_config(seed_videos=45)) as (sim, http):
            data = (await http.get("videos")).json()["data"]
            assert len(data) == 40  # documented default limit
            numbers = [int(v["video_id"].rsplit(":", 1)[1]) for v in data]
            assert numbers == sorted(numbers, reverse=True)
            rest = (await http.get("videos/", params={"offset": 40})).json()["data"]
            assert len(rest) == 5 and {v["video_id"] for v in rest}.isdisjoint({v["video_id"] for v in data})
            assert (await http.get("videos", params={"offset": 45})).json() == {"data": []}
            small = (await http.get("videos", params={"limit": 3, "offset": 1})).json()["data"]
            assert [v["video_id"] for v in small] == [v["video_id"] for v in data[1:4]]
            for bad in ({"limit": "0"}, {"limit": "x"}, {"offset": "-1"}):
                response = await http.get("videos", params=bad)
                assert response.status_code == 400 and next(iter(bad)) in response.json()["error"]
    run(main())


def test_email_is_required_with_several_accounts():
    async def main():
        async with sim_and_http(fast_config(accounts=TWO)) as (sim, http):
            response = await http.get("videos")
            assert response.status_code == 400 and "email" in response.json()["error"]
            assert response.json()["code"] == 400
            a = (await http.get("videos", params={"email": "a@example.com"})).json()["data"]
            b = (await http.get("videos", params={"email": "b@example.com"})).json()["data"]
            assert all("-pixverse:a@example.com-" in v["video_id"] for v in a)
            assert all("-pixverse:b@example.com-" in v["video_id"] for v in b)
            unknown = await http.get("videos", params={"email": "c@example.com"})
            assert unknown.status_code == 400
            assert (await http.get("videos/effects")).status_code == 400
            upload = await http.post("files", content=b"\x89PNG", headers={"Content-Type": "image/png"})
            assert upload.status_code == 400 and "email" in upload.json()["error"]
    run(main())


INVALID = [
    ({"prompt": ""}, "prompt"),
    ({"prompt": "   "}, "prompt"),
    ({"prompt": None}, "prompt"),
    ({"prompt": 5}, "prompt"),
    ({"prompt": "x" * 2049}, "prompt"),
    ({"negative_prompt": "x" * 2049}, "negative_prompt"),
    ({"duration": 6}, "duration"),
    ({"duration": "5"}, "duration"),
    ({"duration": True}, "duration"),
    ({"quality": "720p"}, "quality"),
    ({"motion_mode": "slow"}, "motion_mode"),
    ({"motion_mode": "fast", "duration": 8}, "motion_mode"),
    ({"style": "pixel"}, "style"),
    ({"seed": 0}, "seed"),
    ({"seed": 2147483648}, "seed"),
    ({"seed": 1.5}, "seed"),
    ({"replyUrl": "ftp://example.com/x"}, "replyUrl"),
    ({"replyUrl": "not a url"}, "replyUrl"),
    ({"replyUrl": "https://example.com/" + "x" * 1010}, "replyUrl"),
    ({"replyRef": "r" * 1025}, "replyRef"),
    ({"maxJobs": 0}, "maxJobs"),
    ({"maxJobs": 9}, "maxJobs"),
    ({"template_id": "abc"}, "template_id"),
    ({"template_id": 0}, "template_id"),
    ({"remove_watermark": "yes"}, "remove_watermark"),
    ({"video_id": None}, "video_id"),
    ({"video_path": "upload/x.mp4"}, "video_path"),  # together with video_id: only one source
    ({"video_id": "user:1-pixverse:a@example.com-video:999"}, "video_id"),
    ({"video_id": "garbage"}, "video_id"),
    ({"video_id": None, "video_path": "upload/unknown.mp4"}, "video_path"),
    ({"email": "nobody@example.com"}, "nobody@example.com"),
]


def test_every_documented_rule_answers_400_naming_the_field():
    async def main():
        async with sim_and_http() as (sim, http):
            source = sim.state.accounts[TEST_EMAIL].videos[0].video_id
            for change, field in INVALID:
                body = {"prompt": "ok", "video_id": source}
                body.update(change)
                body = {k: v for k, v in body.items() if v is not None}
                response = await http.post("videos/extend-v3", json=body)
                assert response.status_code == 400, (change, response.text)
                assert field in response.json()["error"], (change, response.json())
                assert response.json()["code"] == 400
            for raw in (b"{not json", b"[1, 2]", b""):
                response = await http.post("videos/extend-v3", content=raw,
                                           headers={"Content-Type": "application/json"})
                assert response.status_code == 400
            # edges that are valid
            for change in ({"prompt": "x" * 2048, "negative_prompt": "y" * 2048}, {"seed": 1},
                           {"seed": 2147483647}, {"motion_mode": "fast", "duration": 5}, {"maxJobs": 8},
                           {"replyRef": "r" * 1024}, {"style": "3d_animation", "quality": "360p"},
                           {"remove_watermark": False}):
                sim.state.active.clear()  # keep capacity free: this test is about validation only
                response = await http.post("videos/extend-v3", json={"prompt": "ok", "video_id": source, **change})
                assert response.status_code == 200, (change, response.text)
            assert len(sim.state.charges) == 8
    run(main())


def test_source_must_be_a_completed_video():
    async def main():
        async with sim_and_http(fast_config(queue_seconds=30)) as (sim, http):
            source = sim.state.accounts[TEST_EMAIL].videos[0].video_id
            queued = (await http.post("videos/extend-v3", json={"prompt": "a", "video_id": source})).json()
            response = await http.post("videos/extend-v3", json={"prompt": "b", "video_id": queued["video_id"]})
            assert response.status_code == 400 and "video_id" in response.json()["error"]
    run(main())


def test_uploads_video_image_and_refusals(tmp_path):
    async def main():
        async with sim_and_http() as (sim, http):
            png = io.BytesIO()
            Image.new("RGB", (8, 8), (255, 0, 0)).save(png, "PNG")
            image = await http.post("files", content=png.getvalue(), headers={"Content-Type": "image/png"})
            assert image.status_code == 200
            result = image.json()["result"]
            assert len(result) == 1
            assert set(result[0]) == {"id", "url", "path", "size", "name", "category", "err_msg"}
            assert result[0]["size"] == len(png.getvalue()) and result[0]["category"] == 0
            assert result[0]["err_msg"] == ""
            source = sim.state.accounts[TEST_EMAIL].videos[0].video_id
            as_video = await http.post("videos/extend-v3", json={"prompt": "x", "video_path": result[0]["path"]})
            assert as_video.status_code == 400 and "video_path" in as_video.json()["error"]
            for content_type in ("text/plain", "video/x-unknown", ""):
                refused = await http.post("files", content=b"data", headers={"Content-Type": content_type})
                assert refused.status_code == 400 and "Content-Type" in refused.json()["error"]
            empty = await http.post("files", content=b"", headers={"Content-Type": "video/mp4"})
            assert empty.status_code == 400
            garbage = await http.post("files", content=b"\x00" * 5000, headers={"Content-Type": "video/mp4"})
            assert garbage.status_code == 400 and "video" in garbage.json()["error"]
            wav = await http.post("files", content=b"RIFF....WAVE", headers={"Content-Type": "audio/wav"})
            assert wav.status_code == 200 and set(wav.json()) == {"path", "url"}
            # media types are case-insensitive in HTTP (the doc itself writes video/MP2T)
            clip = render.render_clip(tmp_path / "c.mp4", width=160, height=90, seconds=1, fps=10,
                                      color=(1, 2, 3), title="t", text="x")
            mixed = await http.post("files", content=clip.read_bytes(), headers={"Content-Type": "Video/MP4"})
            assert mixed.status_code == 200 and mixed.json()["path"].endswith(".mp4")
            assert (await http.post("videos/extend-v3", json={"prompt": "x", "video_id": source})).status_code == 200
    run(main())


def test_accounts_endpoints():
    async def main():
        async with sim_and_http(fast_config(accounts=TWO)) as (sim, http):
            accounts = (await http.get("accounts")).json()
            assert set(accounts) == {"a@example.com", "b@example.com"}
            one = accounts["a@example.com"]
            assert one["email"] == "a@example.com" and one["password"] == "…secured…" and one["maxJobs"] == 3
            assert set(one["jwt"]) == {"AccountId", "ExpireTime", "ExpireTimeUTC", "Username", "token"}
            assert "secured" in one["jwt"]["token"] and one["jwt"]["ExpireTimeUTC"].endswith("Z")
            assert (await http.get("accounts/b@example.com")).json()["email"] == "b@example.com"
            missing = await http.get("accounts/c@example.com")
            assert missing.status_code == 404 and "POST /accounts/" in missing.json()["error"]
            created = await http.post("accounts/c@example.com", json={"email": "c@example.com", "password": "p",
                                                                      "maxJobs": 4})
            assert created.status_code == 200 and created.json()["maxJobs"] == 4
            assert (await http.get("accounts/c@example.com")).status_code == 200
            assert (await http.post("accounts/c@example.com", json={"maxJobs": 4})).status_code == 400
            assert (await http.post("accounts/c@example.com", json={"password": "p", "maxJobs": 9})).status_code == 400
        async with sim_and_http(fast_config(accounts=[])) as (sim, http):
            none = await http.get("accounts")
            assert none.status_code == 404 and none.json()["code"] == 404
    run(main())
