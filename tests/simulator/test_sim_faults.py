"""Fault injection (in-process and over /_sim admin endpoints) and the request log."""

from __future__ import annotations

import time

import httpx
import pytest

from pixverse_desktop.simulator.testing import TEST_EMAIL, fast_config, run, sim_and_http


async def admin(sim, method: str, path: str, body=None) -> httpx.Response:
    async with httpx.AsyncClient(verify=False) as plain:  # admin endpoints take no token
        return await plain.request(method, f"{sim.root_url}/_sim/{path}", json=body)


def test_drop_closes_the_connection_without_an_answer():
    async def main():
        async with sim_and_http() as (sim, http):
            sim.state.faults.add("drop", count=2)
            for _ in range(2):
                with pytest.raises(httpx.RemoteProtocolError):
                    await http.get("videos")
            assert (await http.get("videos")).status_code == 200
            assert [(r.status, r.fault) for r in sim.state.requests] == [(0, "drop"), (0, "drop"), (200, "")]
    run(main())


@pytest.mark.parametrize("status", [500, 502, 503])
def test_error_fault_answers_5xx_then_recovers(status):
    async def main():
        async with sim_and_http() as (sim, http):
            sim.state.faults.add("error", count=1, status=status)
            response = await http.get("videos")
            assert response.status_code == status and response.json()["code"] == status
            assert (await http.get("videos")).status_code == 200
    run(main())


def test_malformed_answers_200_with_garbage():
    async def main():
        async with sim_and_http() as (sim, http):
            sim.state.faults.add("malformed", count=1)
            response = await http.get("videos")
            assert response.status_code == 200
            with pytest.raises(ValueError):
                response.json()
            assert (await http.get("videos")).json()["data"]
    run(main())


def test_latency_and_restriction_by_method_and_path():
    async def main():
        async with sim_and_http() as (sim, http):
            sim.state.faults.add("latency", seconds=0.6, path="/accounts")
            t0 = time.monotonic()
            await http.get("videos")
            fast = time.monotonic() - t0
            t0 = time.monotonic()
            await http.get("accounts")
            assert time.monotonic() - t0 >= 0.6 and fast < 0.6
            sim.state.faults.reset()
            sim.state.faults.add("error", status=500, method="POST", path="/videos/extend-v3")
            assert (await http.get("videos")).status_code == 200
            source = sim.state.accounts[TEST_EMAIL].videos[0].video_id
            response = await http.post("videos/extend-v3", json={"prompt": "x", "video_id": source})
            assert response.status_code == 500
            # a fault on /media needs an explicit path; API faults do not touch media
            url = (await http.get("videos")).json()["data"][0]["first_frame"]
            sim.state.faults.add("error", status=503)
            async with httpx.AsyncClient(verify=False) as plain:
                assert (await plain.get(url)).status_code == 200
                assert (await http.get("videos")).status_code == 503
                sim.state.faults.add("drop", path="/media/")
                with pytest.raises(httpx.RemoteProtocolError):
                    await plain.get(url)
    run(main())


@pytest.mark.parametrize("busy, text", [(False, "Reached the limit for concurrent generations."),
                                        (True, f"Account {TEST_EMAIL} is busy executing 2 tasks.")])
def test_storm429_on_extend_only(busy, text):
    async def main():
        async with sim_and_http() as (sim, http):
            sim.state.faults.add("storm429", count=2, busy=busy)
            source = sim.state.accounts[TEST_EMAIL].videos[0].video_id
            assert (await http.get("videos")).status_code == 200  # not an extend call: untouched
            for _ in range(2):
                response = await http.post("videos/extend-v3", json={"prompt": "x", "video_id": source})
                assert response.status_code == 429 and response.json()["error"] == text
            assert (await http.post("videos/extend-v3", json={"prompt": "x", "video_id": source})).status_code == 200
            assert sim.state.faults.fired["storm429"] == 2 and len(sim.state.charges) == 1
    run(main())


def test_admin_endpoints_control_faults_clock_accounts_and_report_state():
    async def main():
        async with sim_and_http(fast_config(queue_seconds=60, generate_seconds=60)) as (sim, http):
            assert (await admin(sim, "GET", "health")).json()["base_url"] == sim.base_url
            added = await admin(sim, "POST", "faults", {"faults": [{"kind": "error", "count": 1, "status": 502},
                                                                    {"kind": "malformed", "count": 1}]})
            assert added.status_code == 200 and len(added.json()["active"]) == 2
            assert (await http.get("videos")).status_code == 502
            assert (await http.get("videos")).status_code == 200  # malformed body
            assert (await admin(sim, "POST", "faults", {"kind": "nonsense"})).status_code == 400
            await admin(sim, "POST", "faults", {"kind": "drop", "count": 5})
            assert (await admin(sim, "POST", "reset-faults")).json()["active"] == []
            assert (await http.get("videos")).status_code == 200

            source = sim.state.accounts[TEST_EMAIL].videos[0].video_id
            new_id = (await http.post("videos/extend-v3", json={"prompt": "x", "video_id": source})).json()["video_id"]
            await admin(sim, "POST", "clock/advance", {"seconds": 121})
            state = (await admin(sim, "GET", "state")).json()
            assert state["jobs"][0]["video_id"] == new_id and state["jobs"][0]["video_status"] == 1
            assert state["charges"][0]["video_id"] == new_id
            assert state["accounts"][TEST_EMAIL]["credits"] == 99
            assert state["requests"]["count"] == 4
            assert state["requests"]["by_path"]["GET /v2/pixverse/videos"] == 3
            assert [r["status"] for r in state["requests"]["recent"]] == [502, 200, 200, 200]
            assert state["faults"]["fired"]["error"] == 1

            await admin(sim, "POST", f"accounts/{TEST_EMAIL}", {"credits": 0})
            assert (await http.post("videos/extend-v3", json={"prompt": "x", "video_id": source})).status_code == 412
            await admin(sim, "POST", f"accounts/{TEST_EMAIL}", {"credits": 5, "pending_error": True})
            assert (await http.post("videos/extend-v3", json={"prompt": "x", "video_id": source})).status_code == 596
            await admin(sim, "POST", "reset-requests")
            assert sim.state.requests == []
    run(main())


def test_request_log_records_every_api_request_but_not_admin_or_media():
    async def main():
        async with sim_and_http() as (sim, http):
            await http.get("videos", params={"limit": 2})
            await http.get("videos/effects")
            await admin(sim, "GET", "state")
            records = sim.state.requests
            assert [(r.method, r.path, r.query, r.status) for r in records] == [
                ("GET", "/v2/pixverse/videos", "limit=2", 200), ("GET", "/v2/pixverse/videos/effects", "", 200)]
            assert sim.api_requests("/videos/effects") == records[1:]
    run(main())
