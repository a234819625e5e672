"""The app's HTTP client: its certificate store, loaded by a thread and awaited by the first request."""

from __future__ import annotations

import asyncio
import logging
import ssl
import threading

import httpx
import pytest

from pixverse_desktop.api import PixverseClient, make_http_client
from pixverse_desktop.api.errors import CertificateStoreUnusable
from pixverse_desktop.api.http11 import Http11Transport
from pixverse_desktop.api.transport import TLSWhenNeeded
from pixverse_desktop.simulator.testing import TEST_TOKEN, fast_config, run, running


def test_demo_client_loads_no_certificates_and_trusts_none():
    """Demo mode skips the certificate store (start-up time); it must fail closed, never open."""
    demo = make_http_client(plain_http_only=True)
    demo_tls = demo._transport.ssl_context
    assert demo_tls.verify_mode == ssl.CERT_REQUIRED and demo_tls.check_hostname
    assert demo_tls.cert_store_stats()["x509_ca"] == 0


def test_real_client_verifies_against_a_loaded_store():
    real = make_http_client()
    assert isinstance(real._transport, TLSWhenNeeded)
    tls = real._transport.context(timeout=30)
    assert tls.verify_mode == ssl.CERT_REQUIRED and tls.check_hostname
    assert tls.cert_store_stats()["x509_ca"] > 0


def test_store_loads_beside_the_caller_and_the_first_requests_wait_for_it():
    """The client is made without waiting for the store; requests made before it is loaded wait for it
    and then go out on one transport (made once, with the loaded context)."""
    release = threading.Event()
    loaded_on: list[str] = []
    made: list[ssl.SSLContext] = []

    def load() -> ssl.SSLContext:
        loaded_on.append(threading.current_thread().name)
        assert release.wait(30), "the test never let the store load"
        return ssl.create_default_context()

    def make(context: ssl.SSLContext) -> httpx.AsyncBaseTransport:
        made.append(context)
        return Http11Transport(context)

    async def main():
        transport = TLSWhenNeeded(make, load)   # returns while load() is still blocked
        assert not transport._context.done()
        async with running(fast_config()) as sim, httpx.AsyncClient(transport=transport) as http:
            client = PixverseClient(sim.base_url, lambda: TEST_TOKEN, http)
            first = asyncio.ensure_future(client.list_videos())
            second = asyncio.ensure_future(client.accounts())
            await asyncio.sleep(0.05)
            assert not first.done() and not second.done() and made == []
            release.set()
            videos, accounts = await asyncio.gather(first, second)
            assert len(videos) == 3 and accounts
            assert len(made) == 1 and made[0] is transport.context()
            assert [r.status for r in sim.state.requests] == [200, 200]

    run(main())
    assert loaded_on and loaded_on[0] != threading.main_thread().name


@pytest.mark.parametrize("error", [FileNotFoundError(2, "No such file or directory"), ssl.SSLError("bad bundle")])
def test_a_store_that_cannot_load_stops_https_only_and_says_which_file(error, caplog, monkeypatch):
    """SSL_CERT_FILE naming a missing or broken bundle: the app starts; plain http (a local simulator)
    works; an https request fails at once, unsent and not retried, naming the file."""
    monkeypatch.setenv("SSL_CERT_FILE", "/missing/ca.pem")

    def load() -> ssl.SSLContext:
        raise error

    async def main():
        transport = TLSWhenNeeded(Http11Transport, load)
        async with running(fast_config()) as sim, httpx.AsyncClient(transport=transport) as http:
            assert len(await PixverseClient(sim.base_url, lambda: TEST_TOKEN, http).list_videos()) == 3
            secure = PixverseClient(sim.base_url.replace("http://", "https://"), lambda: TEST_TOKEN, http)
            with pytest.raises(CertificateStoreUnusable) as caught:
                await secure.list_videos()
            assert not caught.value.retryable and "SSL_CERT_FILE /missing/ca.pem" in caught.value.user_message
            assert len(sim.state.requests) == 1   # the https one was never sent

    with caplog.at_level(logging.ERROR, logger="pixverse_desktop.api.transport"):
        run(main())
    assert "certificate store could not be loaded (SSL_CERT_FILE /missing/ca.pem:" in caplog.text


def test_closing_waits_for_a_load_still_running_in_openssl():
    """A command that ends before its first request must not finalise Python under the loading thread
    (it crashed on exit, 3 runs in 10); the thread is not a daemon either."""
    release = threading.Event()

    def load() -> ssl.SSLContext:
        assert release.wait(30), "the test never let the store load"
        return ssl.create_default_context()

    async def main():
        transport = TLSWhenNeeded(Http11Transport, load)
        assert not transport._thread.daemon
        closing = asyncio.ensure_future(transport.aclose())
        await asyncio.sleep(0.05)
        assert not closing.done()
        release.set()
        await closing
        transport._thread.join(5)
        assert transport._context.done() and not transport._thread.is_alive()

    run(main())


def test_certificates_loaded_waits_for_the_store_and_never_raises():
    from pixverse_desktop.api.transport import certificates_loaded

    release = threading.Event()

    def slow() -> ssl.SSLContext:
        assert release.wait(30)
        return ssl.create_default_context()

    def broken() -> ssl.SSLContext:
        raise ssl.SSLError("bad bundle")

    async def main():
        def make(context):
            return Http11Transport(context)

        async with httpx.AsyncClient(transport=TLSWhenNeeded(make, slow)) as http:
            waiting = asyncio.ensure_future(certificates_loaded(http))
            await asyncio.sleep(0.05)
            assert not waiting.done()
            release.set()
            await waiting
            assert http._transport._context.done()
        async with httpx.AsyncClient(transport=TLSWhenNeeded(make, broken)) as http:
            await certificates_loaded(http)          # the requests say what went wrong, not this
        await certificates_loaded(make_http_client(plain_http_only=True))   # no store to wait for

    run(main())


def test_proxies_of_the_environment_are_used_except_where_no_proxy_or_loopback_says(monkeypatch):
    """A client given its own transport reads no proxy from the environment (httpx): behind a proxy
    the app connected directly and failed (verification pass). Proxied requests go through the proxy
    (absolute-form target); NO_PROXY's hosts and this machine's own addresses are reached directly."""
    seen: list[bytes] = []

    async def proxy(reader, writer):
        head = await reader.readuntil(b"\r\n\r\n")
        seen.append(head.split(b"\r\n")[0])
        writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 7\r\nConnection: close\r\n\r\nproxied")
        await writer.drain()
        writer.close()

    async def main():
        server = await asyncio.start_server(proxy, "127.0.0.1", 0)
        url = f"http://127.0.0.1:{server.sockets[0].getsockname()[1]}"
        async with server:
            monkeypatch.setenv("HTTP_PROXY", url)
            monkeypatch.setenv("NO_PROXY", "direct.example")
            async with make_http_client() as http:
                answer = await http.get("http://media.example/v/1.mp4")
                assert answer.text == "proxied" and seen == [b"GET http://media.example/v/1.mp4 HTTP/1.1"]
                with pytest.raises(httpx.ConnectError):   # not sent to the proxy: no such host, directly
                    await http.get("http://direct.example/")
                assert (await http.get(url + "/local")).text == "proxied"   # loopback: the server itself
                assert seen[-1] == b"GET /local HTTP/1.1"
            async with make_http_client(plain_http_only=True) as demo:   # the demo's simulator is local
                assert demo._mounts == {}

    run(main())


def test_a_socks_proxy_is_used_and_one_that_cannot_be_is_said_once_and_skipped(monkeypatch, caplog):
    """ALL_PROXY=socks5://… (a common desktop set-up) crashed every request with an ImportError, and
    a proxy with an unknown scheme or a bad port with a ValueError (verification pass): SOCKS is
    spoken (httpx[socks]); an unusable proxy is logged once and its requests go direct."""
    asked: list[bytes] = []

    async def socks5(reader, writer):   # no authentication, CONNECT, then it answers itself
        await reader.readexactly(3)
        writer.write(b"\x05\x00")
        head = await reader.readexactly(5)
        asked.append(await reader.readexactly(head[4] + 2))
        writer.write(b"\x05\x00\x00\x01\x00\x00\x00\x00\x00\x00")
        await reader.readuntil(b"\r\n\r\n")
        writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\nConnection: close\r\n\r\nsocks")
        await writer.drain()
        writer.close()

    async def main():
        server = await asyncio.start_server(socks5, "127.0.0.1", 0)
        async with server:
            monkeypatch.setenv("ALL_PROXY", f"socks5://127.0.0.1:{server.sockets[0].getsockname()[1]}")
            async with make_http_client() as http:
                assert (await http.get("http://media.example/v.mp4")).text == "socks"
                assert asked == [b"media.example\x00\x50"]
        for bad in ("socks://127.0.0.1:1080/", "ftp://proxy.example", "http://proxy.example:abc"):
            monkeypatch.setenv("ALL_PROXY", bad)
            async with make_http_client() as http:
                assert not any(http._mounts.values())
                with pytest.raises(httpx.ConnectError):   # directly: no such host here
                    await http.get("http://media.example/v.mp4")

    with caplog.at_level(logging.WARNING, logger="pixverse_desktop.api.transport"):
        run(main())
    assert caplog.text.count("cannot be used") == 3 and "connecting directly" in caplog.text
