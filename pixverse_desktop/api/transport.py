"""The app's one httpx.AsyncClient and what it is made of: the transport, socket options, read sizes.

Kept apart from the API calls (client.py): how bytes move, not what is asked."""

from __future__ import annotations

import asyncio
import concurrent.futures
import logging
import os
import ssl
import threading
from pathlib import Path
from typing import Callable

import httpx

from pixverse_desktop import __version__

from .http11 import Http11Transport
from .socket_stream import READ_BYTES

log = logging.getLogger(__name__)


def _widen_reads() -> None:
    """asyncio's socket transport hands over at most 256 KiB per read: on loopback a 500 MB download
    was ~2,000 reads, each a loop turn and a chunk to pass on. 2 MiB reads measured steadiest
    (bench_download: 256 KiB ~0.45x curl, 1 MiB ~0.8x, 2 MiB ~0.95x, 4 MiB erratic: a buffer that
    large is allocated per read). Only what is waiting is read, so small answers are unaffected."""
    try:
        from asyncio.selector_events import _SelectorSocketTransport
    except ImportError:  # another asyncio layout: keep its default
        return
    if getattr(_SelectorSocketTransport, "max_size", 0) < READ_BYTES:
        _SelectorSocketTransport.max_size = READ_BYTES


_RECEIVE_BUFFER_BYTES = 4 * 1024 * 1024


def socket_options(rmem_max: int | None = None) -> list[tuple[int, int, int]]:
    """A 4 MiB receive buffer for every connection, where the system allows one that large (Linux:
    ``net.core.rmem_max``). Left to the kernel's auto-tuning, a large download sometimes never got
    its window open: the two sides then traded ~256 KiB at a time, each a wake-up of the event loop,
    and a 500 MB result came in 1.6-1.9 s instead of ~0.35 s (3 rounds in 8; bench_download). A fixed
    buffer turns auto-tuning off, so where the system caps it lower, auto-tuning is kept instead.
    Memory is only used while received data waits to be read; API answers are small."""
    import socket
    import sys

    if not sys.platform.startswith("linux"):
        return []
    if rmem_max is None:
        try:
            rmem_max = int(Path("/proc/sys/net/core/rmem_max").read_text().strip())
        except (OSError, ValueError):
            return []
    if rmem_max < _RECEIVE_BUFFER_BYTES:
        return []
    return [(socket.SOL_SOCKET, socket.SO_RCVBUF, _RECEIVE_BUFFER_BYTES)]


def make_http_client(timeout: float = 30.0, plain_http_only: bool = False) -> httpx.AsyncClient:
    """The app's single AsyncClient (shared by API calls, thumbnails and downloads).

    ``plain_http_only`` (demo mode, whose simulator is plain HTTP on loopback) skips loading the
    certificate store: the TLS context then trusts no certificate at all, so an https URL fails
    verification rather than going unchecked. Otherwise the store loads beside the start-up, not in
    its way (see TLSWhenNeeded)."""
    _widen_reads()

    def transport(verify: ssl.SSLContext | Callable[[], ssl.SSLContext]) -> Http11Transport:
        # Direct connections; proxied ones are httpx's own transport's (see proxy_mounts).
        return Http11Transport(verify, max_connections=16, max_keepalive=8, socket_options=socket_options())

    if plain_http_only:
        direct: httpx.AsyncBaseTransport = transport(lambda: ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT))
        mounts = {}   # the demo's simulator is on loopback: no proxy stands between
    else:
        direct = TLSWhenNeeded(transport)
        mounts = proxy_mounts(direct)
    return httpx.AsyncClient(
        transport=direct, mounts=mounts,
        timeout=httpx.Timeout(timeout, connect=10.0),
        headers={"User-Agent": f"PixVerseDesktop/{__version__}"},
        follow_redirects=False,
    )


def proxy_mounts(direct: TLSWhenNeeded) -> dict[str, httpx.AsyncBaseTransport | None]:
    """The proxies of the environment (HTTP_PROXY, HTTPS_PROXY, ALL_PROXY, NO_PROXY; the system's
    settings on Windows and macOS), as httpx reads them for a client it makes its own transport for.
    A client given a transport, as ours is, reads none: behind a proxy the app connected directly
    and failed (verification pass). Proxied requests go through httpx's own transport (it tunnels
    https with CONNECT), with the certificate store the direct transport loads; ``None`` marks the
    hosts NO_PROXY exempts, which the direct transport serves, and loopback, as browsers do."""
    from httpx._utils import get_environment_proxies   # httpx's own reading of them (not public)

    def through(url: str) -> TLSWhenNeeded:
        return TLSWhenNeeded(lambda context: httpx.AsyncHTTPTransport(proxy=url, verify=context), share=direct)

    mounts: dict[str, httpx.AsyncBaseTransport | None] = {}
    for pattern, url in get_environment_proxies().items():
        problem = None if url is None else _proxy_problem(url)
        if problem:
            # Made at the first request, its transport would have raised out of every request through
            # it (verification pass); said once here instead, and those requests go direct.
            log.warning("the proxy for %s from the environment cannot be used (%s): connecting directly",
                        pattern, problem)
            continue
        mounts[pattern] = None if url is None else through(url)
    if any(mounts.values()):   # this machine's own services (a local simulator) are never proxied
        mounts.update({"all://127.0.0.1": None, "all://localhost": None, "all://*.localhost": None,
                       "all://[::1]": None})
    return mounts


def _proxy_problem(url: str) -> str:
    """Why httpx could not make a transport through ``url`` ("" when it can): a scheme it does not
    speak, a port that is no number, SOCKS without its library (a dependency: httpx[socks])."""
    try:
        proxy = httpx.Proxy(url)
    except (ValueError, TypeError, httpx.InvalidURL) as exc:
        return str(exc) or type(exc).__name__
    if proxy.url.scheme.startswith("socks"):
        import importlib.util

        if importlib.util.find_spec("socksio") is None:
            return "SOCKS needs the socksio package"
    return ""


class CertificateStoreError(httpx.TransportError):
    """An https request while the certificate store could not be loaded (api.errors maps it by name)."""


class TLSWhenNeeded(httpx.AsyncBaseTransport):
    """The HTTP transport, made at the first request, with a certificate store a thread loaded since.

    Loading the store (httpx.create_ssl_context: certifi's or SSL_CERT_FILE's bundle) takes 40-70 ms
    of CPU, most of it inside OpenSSL, which lets go of the GIL. Loaded where the client was made, it
    held up the window's first frame by that much in real mode; the demo never paid it (bench_startup,
    "real mode"). A thread now loads it from the moment the client is made while the window is built;
    the first request waits for it only if it is not loaded yet.

    A store that cannot be loaded (SSL_CERT_FILE naming a missing or broken file) stops https requests
    only, with an error naming the file; before, it stopped the app's start, and plain http (a local
    simulator) has no use for it."""

    def __init__(self, make: Callable[[ssl.SSLContext], httpx.AsyncBaseTransport],
                 load: Callable[[], ssl.SSLContext] = httpx.create_ssl_context, *,
                 share: TLSWhenNeeded | None = None) -> None:
        """``share``: another one whose store this one uses (a proxy's transport), loaded once."""
        self._make = make
        self._inner: httpx.AsyncBaseTransport | None = None
        self._broken = ""   # why the store could not be loaded
        self._refused = False   # an https request was refused for it (logged once)
        if share is not None:
            self._context = share._context
            self._thread = share._thread
            return
        self._context: concurrent.futures.Future[ssl.SSLContext] = concurrent.futures.Future()
        # Not a daemon: a command that ended before its first request finalised the interpreter while
        # the thread was inside OpenSSL, and crashed on exit (SIGSEGV, 3 runs in 10; CLI pass).
        self._thread = threading.Thread(target=self._load, args=(load,), name="tls-store")
        self._thread.start()

    def _load(self, load: Callable[[], ssl.SSLContext]) -> None:
        try:
            self._context.set_result(load())
        except BaseException as exc:  # noqa: BLE001 - handed to the request that needs it
            self._context.set_exception(exc)

    def context(self, timeout: float | None = None) -> ssl.SSLContext:
        """The loaded context (waits for the thread; tests)."""
        return self._context.result(timeout)

    async def _loaded_context(self) -> ssl.SSLContext:
        try:
            return await asyncio.wrap_future(self._context)
        except Exception as exc:  # noqa: BLE001 - OSError, ssl.SSLError, ValueError: whatever stops the load
            if not self._broken:   # said once, though the first requests all waited for it
                self._broken = _store_problem(exc)
                # An error only once an https request is refused: plain http (a simulator) works.
                log.warning("the certificate store could not be loaded (%s): https requests will be refused",
                            self._broken)
            return ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)   # trusts nothing; https is refused before it

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if self._inner is None:
            context = await self._loaded_context()
            if self._inner is None:   # a request that waited beside this one may have made it
                self._inner = self._make(context)
        if self._broken and request.url.scheme == "https":
            if not self._refused:
                self._refused = True
                log.error("secure (https) connections cannot be made: the certificate store could not be "
                          "loaded (%s)", self._broken)
            raise CertificateStoreError(self._broken, request=request)
        return await self._inner.handle_async_request(request)

    async def loaded(self) -> None:
        """Until the load has ended, however it ended (a failure is for the requests to say)."""
        if not self._context.done():
            try:
                await asyncio.wrap_future(self._context)
            except Exception:  # noqa: BLE001 - see above
                pass

    async def aclose(self) -> None:
        await self.loaded()   # not left inside OpenSSL as the process ends (see __init__)
        if self._inner is not None:
            await self._inner.aclose()


async def certificates_loaded(client: httpx.AsyncClient) -> None:
    """Until the certificate store of a make_http_client() client is loaded, however that ends. For
    measurements of a transfer alone: in the app the store is loaded during the start-up, long before
    a result is downloaded (bench_download)."""
    transport = getattr(client, "_transport", None)   # httpx has no public accessor for it
    if isinstance(transport, TLSWhenNeeded):
        await transport.loaded()


def _store_problem(exc: BaseException) -> str:
    """"SSL_CERT_FILE /etc/x.pem: No such file or directory": ssl's own error names no file."""
    source = next((f"{name} {os.environ[name]}" for name in ("SSL_CERT_FILE", "SSL_CERT_DIR")
                   if os.environ.get(name)), "the certifi bundle")
    if isinstance(exc, ssl.SSLError):   # "[X509: NO_CERTIFICATE_OR_CRL_FOUND] … (_ssl.c:4154)" (CLI pass)
        return f"{source}: no certificates could be read from it"
    reason = (exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)) or type(exc).__name__
    return f"{source}: {reason}"
