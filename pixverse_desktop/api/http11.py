"""HTTP/1.1 for the app's httpx client: asyncio's own sockets below, messages as http_wire.py has them.

Why not httpx's default transport (httpcore): on asyncio it runs through anyio, and loading the two
was ~40 ms of every start, a tenth of the app's time to its first frame (bench_startup); and a large
body read through h11 was copied in and out of its buffer on every read (bench_download). This
transport does what the app asks of HTTP and no more: a keep-alive pool per origin, TLS, httpx's
timeouts and exceptions, request and response bodies streamed. HTTP/2 and SOCKS are not spoken;
a proxy from the environment is httpx's own transport's to go through (transport.proxy_mounts).

A body with a Content-Length is handed over as the socket read it: the chunks asyncio received, with
no copy between them and the caller."""

from __future__ import annotations

import asyncio
import socket
import ssl
import time
from typing import AsyncIterator, Callable, Sequence

import httpx

from . import http_wire as wire
from .socket_stream import READ_BYTES, SocketStream

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})   # sent again after a stale keep-alive, never a POST
SocketOption = tuple[int, int, int]


class _Stale(Exception):
    """A reused connection closed before any byte of the answer: the server had let it go."""


class Http11Transport(httpx.AsyncBaseTransport):
    """At most ``max_connections`` requests at once; at most ``max_keepalive`` connections kept open
    between them, each for ``keepalive_expiry`` seconds (httpx's own defaults: 5 s)."""

    def __init__(self, ssl_context: ssl.SSLContext | Callable[[], ssl.SSLContext], *, max_connections: int = 16,
                 max_keepalive: int = 8, keepalive_expiry: float = 5.0,
                 socket_options: Sequence[SocketOption] = ()) -> None:
        self._ssl = ssl_context   # or what makes it, at the first https request (see ssl_context)
        self._max_connections = max_connections
        self._max_keepalive = max_keepalive
        self._expiry = keepalive_expiry
        self._socket_options = tuple(socket_options)
        self._slots: asyncio.Semaphore | None = None   # made in the loop that uses it
        self._idle: list[tuple[tuple[str, str, int], SocketStream, float]] = []
        self._busy: set[SocketStream] = set()

    @property
    def ssl_context(self) -> ssl.SSLContext:
        """Made where first needed when given as a function: the demo speaks plain http only, and
        OpenSSL's first context costs ~2.5 ms of its start."""
        if not isinstance(self._ssl, ssl.SSLContext):
            self._ssl = self._ssl()
        return self._ssl

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        timeouts = request.extensions.get("timeout", {})
        url = request.url
        if url.scheme not in ("http", "https"):
            raise httpx.UnsupportedProtocol(f"Request URL has an unsupported protocol '{url.scheme}://'.")
        origin = _origin(url)
        await self._take_slot(timeouts.get("pool"), request)
        try:
            stream = self._reuse(origin)
            if stream is not None:
                try:
                    return await self._exchange(stream, request, origin, timeouts, reused=True)
                except _Stale:
                    if request.method not in SAFE_METHODS:
                        raise httpx.RemoteProtocolError("Server disconnected without sending a response.",
                                                        request=request) from None
            stream = await self._connect(origin, timeouts.get("connect"), request)
            return await self._exchange(stream, request, origin, timeouts, reused=False)   # never _Stale
        except BaseException:
            self._slots.release()
            raise

    # the pool
    async def _take_slot(self, timeout: float | None, request: httpx.Request) -> None:
        if self._slots is None:
            self._slots = asyncio.Semaphore(self._max_connections)
        if not self._slots.locked():
            await self._slots.acquire()   # at once
            return
        try:
            await asyncio.wait_for(self._slots.acquire(), timeout)
        except TimeoutError:
            raise httpx.PoolTimeout("Timed out waiting for a free connection.", request=request) from None

    def _reuse(self, origin: tuple[str, str, int]) -> SocketStream | None:
        now = time.monotonic()
        found = None
        for entry in list(self._idle):
            key, stream, since = entry
            if now - since > self._expiry or not stream.idle_and_open():
                self._idle.remove(entry)
                stream.close()
            elif found is None and key == origin:
                self._idle.remove(entry)
                found = stream
        if found is not None:
            self._busy.add(found)
        return found

    def _done_with(self, origin: tuple[str, str, int], stream: SocketStream, reusable: bool) -> None:
        """The response is over (read to its end, or closed before): keep the connection or close it."""
        self._busy.discard(stream)
        if reusable and stream.idle_and_open():
            self._idle.append((origin, stream, time.monotonic()))
            while len(self._idle) > self._max_keepalive:
                self._idle.pop(0)[1].close()
        else:
            stream.close()
        self._slots.release()

    async def _connect(self, origin: tuple[str, str, int], timeout: float | None,
                       request: httpx.Request) -> SocketStream:
        scheme, host, port = origin
        loop = asyncio.get_running_loop()
        tls = scheme == "https"
        try:
            async with asyncio.timeout(timeout):
                sock = await self._open_socket(loop, host, port)
                # From here asyncio owns the socket, and closes it with its transport on any failure
                # or cancellation; closing it here as well freed its number while a TLS transport
                # still watched it, and a later connection given that number failed (verification pass).
                _, stream = await loop.create_connection(
                    SocketStream, sock=sock, ssl=self.ssl_context if tls else None,
                    server_hostname=host if tls else None)
        except TimeoutError:
            raise httpx.ConnectTimeout(f"Timed out connecting to {host}:{port}.", request=request) from None
        except (OSError, ssl.SSLError) as exc:   # refused, unreachable, unknown host, certificate
            raise httpx.ConnectError(str(exc) or type(exc).__name__, request=request) from exc
        self._busy.add(stream)
        return stream

    async def _open_socket(self, loop: asyncio.AbstractEventLoop, host: str, port: int) -> socket.socket:
        """Options set before connecting (a receive buffer only counts then); every address tried."""
        addresses = _numeric(host, port) or await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        error: OSError = OSError(f"no address for {host}")
        for family, kind, proto, _, address in addresses:
            sock = socket.socket(family, kind, proto)
            try:
                sock.setblocking(False)
                for option in self._socket_options:
                    sock.setsockopt(*option)
                if family in (socket.AF_INET, socket.AF_INET6):
                    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
                await loop.sock_connect(sock, address)
                return sock
            except OSError as exc:
                sock.close()
                error = exc
            except BaseException:
                sock.close()
                raise
        raise error

    # one request and its answer
    async def _exchange(self, stream: SocketStream, request: httpx.Request, origin: tuple[str, str, int],
                        timeouts: dict, reused: bool) -> httpx.Response:
        read_timeout = timeouts.get("read")
        try:
            sent = await _send(stream, request, timeouts.get("write"), reused)
            head, early = await _read_head(stream, read_timeout, reused and sent)
            framing = wire.body_length(request.method, head)
        except (_Stale, httpx.HTTPError):
            self._abandon(stream)
            raise
        except _BodyFailed as failed:   # reading the request's own body (a file, say) failed: as it is
            self._abandon(stream)
            raise failed.error from None
        except Exception as exc:  # noqa: BLE001 - OSError, TimeoutError, protocol errors
            self._abandon(stream)
            raise _mapped(exc, request) from exc
        except BaseException:   # cancelled: a half-told exchange is never reused
            self._abandon(stream)
            raise
        body = _Body(self, origin, stream, head, framing, early, request, read_timeout)
        body.keep = body.keep and sent
        return httpx.Response(
            head.status, headers=head.headers, stream=body,
            extensions={"http_version": b"HTTP/" + head.version, "reason_phrase": head.reason,
                        "network_stream": stream})

    def _abandon(self, stream: SocketStream) -> None:
        self._busy.discard(stream)
        stream.close()

    async def aclose(self) -> None:
        for _, stream, _ in self._idle:
            stream.close()
        self._idle.clear()
        for stream in list(self._busy):
            stream.close()
        self._busy.clear()


async def _send(stream: SocketStream, request: httpx.Request, timeout: float | None, reused: bool) -> bool:
    """Writes the request; False when the server closed while the body was going out (it may have
    answered early, as with a refused token: that answer is still read)."""
    headers = request.headers.raw
    body = wire.RequestBody(headers)
    try:
        await stream.write(wire.request_head(request.method, request.url.raw_path, headers), timeout)
    except TimeoutError:
        raise httpx.WriteTimeout("Timed out sending the request.", request=request) from None
    except OSError as exc:
        if reused:
            raise _Stale() from None
        raise httpx.WriteError(str(exc) or type(exc).__name__, request=request) from exc
    parts = request.stream.__aiter__()   # type: ignore[union-attr]
    while True:
        try:
            part = await parts.__anext__()
        except StopAsyncIteration:
            break
        except Exception as exc:  # noqa: BLE001 - the body's own failure, never the server's
            raise _BodyFailed(exc) from exc
        if not await _write(stream, body.part(part), timeout, request):
            return False
    return await _write(stream, body.end(), timeout, request)


async def _write(stream: SocketStream, data: bytes, timeout: float | None, request: httpx.Request) -> bool:
    if not data:
        return True
    try:
        await stream.write(data, timeout)
    except TimeoutError:
        raise httpx.WriteTimeout("Timed out sending the request.", request=request) from None
    except OSError:
        return False
    return True


class _BodyFailed(Exception):
    def __init__(self, error: Exception) -> None:
        super().__init__(str(error))
        self.error = error


async def _read_head(stream: SocketStream, timeout: float | None, may_be_stale: bool) -> tuple[wire.Head, bytes]:
    """The answer's status line and headers, and what came after them (an informational answer such
    as 100 Continue is passed over)."""
    buffer, searched = b"", 0
    while True:
        end, body_at = wire.head_end(buffer, max(searched - 2, 0))
        if end > wire.MAX_HEAD_BYTES or (end < 0 and len(buffer) > wire.MAX_HEAD_BYTES):
            raise wire.RemoteProtocolError("an answer's head larger than 64 KiB")
        if end >= 0:
            head, buffer, searched = wire.parse_head(buffer[:end]), buffer[body_at:], 0
            if head.status >= 200:
                return head, buffer
            continue
        searched = len(buffer)
        try:
            data = await stream.read(READ_BYTES, timeout)
        except ConnectionError:
            if may_be_stale:
                raise _Stale() from None
            raise
        if not data:
            if may_be_stale:
                raise _Stale()
            raise wire.RemoteProtocolError("Server disconnected without sending a response.")
        may_be_stale = False   # the server did answer on it
        buffer += data


class _Body(httpx.AsyncByteStream):
    def __init__(self, transport: Http11Transport, origin: tuple[str, str, int], stream: SocketStream,
                 head: wire.Head, framing: int | None | str, early: bytes, request: httpx.Request,
                 timeout: float | None) -> None:
        self._transport, self._origin, self._stream = transport, origin, stream
        self._early, self._request, self._timeout = early, request, timeout
        self._length = framing
        self.keep = head.version == b"1.1" and not head.says_close() and not wire.says_close(request.headers.raw)
        self._complete = False
        self._closed = False

    async def __aiter__(self) -> AsyncIterator[bytes]:
        try:
            if self._length == "chunked":
                parts = self._chunked()
            elif self._length is None:
                parts = self._until_closed()
            else:
                parts = self._counted(self._length)
            async for part in parts:
                yield part
            self._complete = True
        except httpx.HTTPError:
            raise
        except Exception as exc:  # noqa: BLE001 - OSError, TimeoutError, protocol errors
            raise _mapped(exc, self._request) from exc
        self._finish()   # read to its end: the connection is free before the caller closes

    async def _counted(self, length: int) -> AsyncIterator[bytes]:
        early = self._early
        if len(early) > length:
            self.keep = False   # more than announced: never reused
            early = early[:length]
        left = length - len(early)
        if early:
            yield early
        while left > 0:
            part = await self._stream.read(min(READ_BYTES, left), self._timeout)
            if not part:
                raise wire.RemoteProtocolError(
                    f"peer closed connection without sending complete message body: "
                    f"received {length - left} bytes, expected {length}")
            left -= len(part)
            yield part

    async def _chunked(self) -> AsyncIterator[bytes]:
        decoder = wire.ChunkedDecoder()
        data = self._early
        while True:
            for part in decoder.feed(data):
                yield part
            if decoder.done:
                self.keep = self.keep and not decoder.excess
                return
            data = await self._stream.read(READ_BYTES, self._timeout)
            if not data:
                raise wire.RemoteProtocolError("peer closed connection without sending complete message body")

    async def _until_closed(self) -> AsyncIterator[bytes]:
        self.keep = False
        if self._early:
            yield self._early
        while part := await self._stream.read(READ_BYTES, self._timeout):
            yield part

    def _finish(self) -> None:
        if not self._closed:
            self._closed = True
            self._transport._done_with(self._origin, self._stream, self._complete and self.keep)

    async def aclose(self) -> None:
        self._finish()


def _origin(url: httpx.URL) -> tuple[str, str, int]:
    return url.scheme, url.raw_host.decode("ascii"), url.port or (443 if url.scheme == "https" else 80)


def _numeric(host: str, port: int) -> list | None:
    """An IP address needs no resolver (which runs in a thread): the simulator's 127.0.0.1."""
    for family in (socket.AF_INET, socket.AF_INET6):
        try:
            socket.inet_pton(family, host)
        except OSError:
            continue
        address = (host, port) if family == socket.AF_INET else (host, port, 0, 0)
        return [(family, socket.SOCK_STREAM, socket.IPPROTO_TCP, "", address)]
    return None


def _mapped(exc: BaseException, request: httpx.Request) -> httpx.HTTPError:
    """httpx's own exception for what went wrong, as its default transport would raise it."""
    if isinstance(exc, wire.RemoteProtocolError):
        return httpx.RemoteProtocolError(str(exc), request=request)
    if isinstance(exc, wire.LocalProtocolError):
        return httpx.LocalProtocolError(str(exc), request=request)
    if isinstance(exc, TimeoutError):
        return httpx.ReadTimeout("Timed out reading the answer.", request=request)
    return httpx.ReadError(str(exc) or type(exc).__name__, request=request)
