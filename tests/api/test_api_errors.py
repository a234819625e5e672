"""Every HTTP answer and transport failure maps to the right typed error, with words a person understands
and never the token."""

from __future__ import annotations

import pytest

from pixverse_desktop.api import (
    AccountPendingError, ApiError, BadRequest, Busy, BusyKind, ErrorKind, ExtendRequest, InsufficientCredits,
    InvalidResponse, Moderated, NotFound, PixverseClient, Transient, Unauthorized, make_http_client,
)
from pixverse_desktop.simulator import AccountConfig
from pixverse_desktop.simulator.testing import TEST_EMAIL, TEST_TOKEN, fast_config, run
from tests.api.conftest import sim_and_client

SLOW = dict(queue_seconds=60, generate_seconds=60)


def assert_clean(error: ApiError, *secrets: str) -> None:
    for secret in (TEST_TOKEN, *secrets):
        for text in (str(error), repr(error), error.user_message, error.server_message, str(error.args)):
            assert secret not in text, text


def source_of(sim, email=TEST_EMAIL) -> str:
    return sim.state.accounts[email].videos[0].video_id


def extend_req(sim, **kw) -> ExtendRequest:
    kw.setdefault("prompt", "the kite climbs higher")
    kw.setdefault("quality", "360p")
    if "video_path" not in kw:
        kw.setdefault("video_id", source_of(sim))
    return ExtendRequest(**kw)


def test_400_bad_request_keeps_the_server_reason():
    async def main():
        async with sim_and_client() as (sim, client):
            with pytest.raises(BadRequest) as caught:
                await client.extend(extend_req(sim, video_id=f"user:1-pixverse:{TEST_EMAIL}-video:7"))
            error = caught.value
            assert error.status == 400 and error.kind is ErrorKind.INPUT and not error.retryable
            assert error.user_message.startswith("The service did not accept these settings: ")
            assert "video_id" in error.user_message
            assert_clean(error)
    run(main())


def test_400_email_required_with_several_accounts():
    async def main():
        config = fast_config(accounts=[AccountConfig("a@example.com"), AccountConfig("b@example.com")])
        async with sim_and_client(config) as (sim, client):
            with pytest.raises(BadRequest) as caught:
                await client.list_videos()
            assert "email" in caught.value.user_message
    run(main())


@pytest.mark.parametrize("token", ["wrong-token-0123456789", "Bearer-ish-9876543210"])
def test_401_wrong_token(token):
    async def main():
        async with sim_and_client(token=token) as (sim, client):
            for call in (client.list_videos(), client.accounts(), client.extend(extend_req(sim))):
                with pytest.raises(Unauthorized) as caught:
                    await call
                error = caught.value
                assert error.status == 401 and error.kind is ErrorKind.ACCOUNT
                assert "API token was not accepted" in error.user_message and "Settings" in error.user_message
                assert_clean(error, token)
            assert [r.status for r in sim.state.requests] == [401, 401, 401]
    run(main())


def test_missing_token_sends_nothing():
    async def main():
        async with sim_and_client(token=None) as (sim, client):
            with pytest.raises(Unauthorized):
                await client.list_videos()
            with pytest.raises(Unauthorized):
                await client.extend(extend_req(sim))
            assert sim.state.requests == []
    run(main())


def test_404_not_found():
    async def main():
        async with sim_and_client() as (sim, client):
            with pytest.raises(NotFound) as caught:
                await client.get_video(f"user:1-pixverse:{TEST_EMAIL}-video:5")
            assert caught.value.status == 404 and "Not found" in caught.value.user_message
            with pytest.raises(NotFound):
                await client.account("nobody@example.com")
            assert_clean(caught.value)
    run(main())


def test_412_no_credits():
    async def main():
        config = fast_config(accounts=[AccountConfig(TEST_EMAIL, credits=0)])
        async with sim_and_client(config) as (sim, client):
            with pytest.raises(InsufficientCredits) as caught:
                await client.extend(extend_req(sim))
            error = caught.value
            assert error.status == 412 and error.kind is ErrorKind.ACCOUNT and not error.retryable
            assert "no credits left" in error.user_message and "Top up" in error.user_message
            assert_clean(error)
            assert sim.state.charges == []
    run(main())


@pytest.mark.parametrize("field", ["prompt", "negative_prompt"])
def test_422_moderated(field):
    async def main():
        async with sim_and_client() as (sim, client):
            with pytest.raises(Moderated) as caught:
                await client.extend(extend_req(sim, **{field: "something forbidden here"}))
            error = caught.value
            assert error.status == 422 and "moderator" in error.user_message and "Reword" in error.user_message
            assert_clean(error)
    run(main())


def test_429_account_busy():
    async def main():
        config = fast_config(accounts=[AccountConfig(TEST_EMAIL, max_jobs=1)], **SLOW)
        async with sim_and_client(config) as (sim, client):
            await client.extend(extend_req(sim))
            with pytest.raises(Busy) as caught:
                await client.extend(extend_req(sim))
            error = caught.value
            assert error.status == 429 and error.retryable and error.busy_kind is BusyKind.ACCOUNT_AT_MAX_JOBS
            assert f"Account {TEST_EMAIL} is busy executing 1 tasks." == error.server_message
            assert "Waiting for a free slot" in error.user_message and "as many jobs" in error.user_message
            assert_clean(error)
    run(main())


def test_429_plan_limit():
    async def main():
        config = fast_config(accounts=[AccountConfig(TEST_EMAIL, max_jobs=4, plan_limit=1)], **SLOW)
        async with sim_and_client(config) as (sim, client):
            await client.extend(extend_req(sim))
            with pytest.raises(Busy) as caught:
                await client.extend(extend_req(sim))
            error = caught.value
            assert error.busy_kind is BusyKind.UPSTREAM_LIMIT and error.retryable
            assert "concurrent generations" in error.user_message
    run(main())


def test_596_pending_error():
    async def main():
        config = fast_config(accounts=[AccountConfig(TEST_EMAIL, pending_error=True)])
        async with sim_and_client(config) as (sim, client):
            for call in (client.extend(extend_req(sim)), client.list_videos()):
                with pytest.raises(AccountPendingError) as caught:
                    await call
                error = caught.value
                assert error.status == 596 and error.kind is ErrorKind.ACCOUNT and not error.retryable
                assert "pending error" in error.user_message and "useapi.net" in error.user_message
                assert_clean(error)
    run(main())


@pytest.mark.parametrize("status", [500, 502, 503, 504])
def test_5xx_is_transient(status):
    async def main():
        async with sim_and_client() as (sim, client):
            sim.state.faults.add("error", status=status)
            with pytest.raises(Transient) as caught:
                await client.list_videos()
            error = caught.value
            assert type(error) is Transient and error.status == status and error.retryable
            assert f"HTTP {status}" in error.user_message and "try again" in error.user_message
            assert error.user_message.count(f"HTTP {status}") == 1 and "((" not in error.user_message
            assert_clean(error)
            assert len(await client.list_videos()) == 3  # and it was temporary
    run(main())


def test_timeout_is_transient():
    async def main():
        async with sim_and_client() as (sim, client):
            await client.http.aclose()
            client.http = make_http_client(timeout=0.2)
            try:
                sim.state.faults.add("latency", seconds=0.8, path="/videos")
                with pytest.raises(Transient) as caught:
                    await client.list_videos()
                assert "timed out" in caught.value.user_message and caught.value.retryable
                assert_clean(caught.value)
            finally:
                await client.http.aclose()
    run(main())


def test_dropped_connection_is_transient():
    async def main():
        async with sim_and_client() as (sim, client):
            sim.state.faults.add("drop", count=1)
            with pytest.raises(Transient) as caught:
                await client.list_videos()
            assert type(caught.value) is Transient and "connection broke off" in caught.value.user_message
            assert "Error" not in caught.value.user_message   # no exception names (new-user pass)
            assert_clean(caught.value)
            sim.state.faults.add("drop", count=1, method="POST")
            with pytest.raises(Transient):
                await client.extend(extend_req(sim))
            assert sim.state.charges == []  # dropped before the service took it
    run(main())


@pytest.mark.parametrize("call", ["list", "extend", "get", "effects", "accounts"])
def test_malformed_json_is_invalid_response(call):
    async def main():
        async with sim_and_client() as (sim, client):
            sim.state.faults.add("malformed", count=1)
            calls = {"list": lambda: client.list_videos(), "extend": lambda: client.extend(extend_req(sim)),
                     "get": lambda: client.get_video(source_of(sim)), "effects": lambda: client.effects(),
                     "accounts": lambda: client.accounts()}
            with pytest.raises(InvalidResponse) as caught:
                await calls[call]()
            assert "could not be read" in caught.value.user_message and caught.value.retryable
            assert "JSON" not in caught.value.user_message and "GET " not in caught.value.user_message
            assert_clean(caught.value)
    run(main())


def test_client_with_trailing_slash_base_url():
    async def main():
        async with sim_and_client() as (sim, _):
            http = make_http_client()
            try:
                client = PixverseClient(sim.base_url + "/", lambda: TEST_TOKEN, http)
                assert len(await client.list_videos()) == 3
            finally:
                await http.aclose()
    run(main())


def test_an_address_httpx_cannot_use_is_a_setting_to_fix_not_a_passing_fault():
    import httpx

    from pixverse_desktop.api import BadAddress, api_base_from_env
    from pixverse_desktop.api.errors import error_from_transport

    error = error_from_transport(httpx.UnsupportedProtocol("Request URL is missing an 'http://' or 'https://' protocol."))
    assert isinstance(error, BadAddress) and not error.retryable and "temporary" not in error.user_message
    for bad in ("not a url", "ftp://example.com/v2", "http://"):
        with pytest.raises(BadAddress):
            api_base_from_env(bad)
    assert api_base_from_env("http://127.0.0.1:8000/v2/pixverse/") == "http://127.0.0.1:8000/v2/pixverse"


def test_a_failed_connection_names_the_host_it_could_not_reach():
    """A mistyped --api-base, a dead proxy and an outage all read "could not connect" (network-failure
    pass): the host is named; where httpx set no request, the words stay as they were."""
    import httpx

    from pixverse_desktop.api.errors import error_from_transport

    request = httpx.Request("GET", "http://no-such-host.invalid/v2/pixverse/videos")
    error = error_from_transport(httpx.ConnectError("[Errno -2] Name or service not known", request=request))
    assert error.what_happened.endswith("could not connect to no-such-host.invalid.")
    assert not error.may_have_arrived and "Errno" not in error.user_message
    assert error_from_transport(httpx.ConnectError("refused")).what_happened.endswith("could not connect.")
