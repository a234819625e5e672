"""One connection's bytes for the HTTP/1.1 transport (http11.py), as an asyncio protocol: received
chunks queued as asyncio made them, without copies; writes under asyncio's flow control; timeouts
as timers on the awaited future, so a timeout never cancels the task that waits."""

from __future__ import annotations

import asyncio
from collections import deque

READ_BYTES = 2 * 1024 * 1024          # the most one read hands over (as asyncio's socket reads)
PAUSE_ABOVE = 8 * 1024 * 1024         # received but unread: the socket is not read beyond this
RESUME_BELOW = 2 * 1024 * 1024


def _expire(waiter: asyncio.Future) -> None:
    if not waiter.done():
        waiter.set_exception(TimeoutError())


async def _wait(waiter: asyncio.Future, timeout: float | None) -> None:
    """A timer on the future itself rather than a cancellation of the task: nothing to undo after."""
    timer = None if timeout is None else asyncio.get_running_loop().call_later(timeout, _expire, waiter)
    try:
        await waiter
    finally:
        if timer is not None:
            timer.cancel()


class SocketStream(asyncio.Protocol):
    """One connection's bytes: received chunks queued as asyncio made them (no copies), writes with
    asyncio's flow control. Also what ``network_stream`` in a response's extensions is."""

    def __init__(self) -> None:
        self.transport: asyncio.Transport | None = None
        self._chunks: deque[bytes] = deque()
        self._queued = 0
        self._eof = False
        self._error: BaseException | None = None
        self._reading_paused = False
        self._writing_paused = False
        self._waiter: asyncio.Future | None = None
        self._drained: asyncio.Future | None = None

    # asyncio's side
    def connection_made(self, transport) -> None:   # type: ignore[override]
        self.transport = transport

    def data_received(self, data: bytes) -> None:
        self._chunks.append(data)
        self._queued += len(data)
        if self._queued > PAUSE_ABOVE and not self._reading_paused:
            self._reading_paused = True
            self.transport.pause_reading()
        self._wake()

    def eof_received(self) -> bool:
        self._eof = True
        self._wake()
        return False

    def connection_lost(self, exc: Exception | None) -> None:
        self._eof = True
        self._error = exc
        self._wake()
        self._writing_paused = False
        if self._drained is not None and not self._drained.done():
            self._drained.set_result(None)

    def pause_writing(self) -> None:
        self._writing_paused = True

    def resume_writing(self) -> None:
        self._writing_paused = False
        if self._drained is not None and not self._drained.done():
            self._drained.set_result(None)

    def _wake(self) -> None:
        if self._waiter is not None and not self._waiter.done():
            self._waiter.set_result(None)

    # the transport's side
    async def read(self, max_bytes: int, timeout: float | None) -> bytes:
        """Up to ``max_bytes`` as received; b"" once the peer has closed."""
        if not self._chunks and not self._eof:
            self._waiter = asyncio.get_running_loop().create_future()
            try:
                await _wait(self._waiter, timeout)
            finally:
                self._waiter = None
        if not self._chunks:
            if self._error is not None:
                raise self._error
            return b""
        chunk = self._chunks.popleft()
        if len(chunk) > max_bytes:
            self._chunks.appendleft(chunk[max_bytes:])
            chunk = chunk[:max_bytes]
        self._queued -= len(chunk)
        if self._reading_paused and self._queued < RESUME_BELOW:
            self._reading_paused = False
            self.transport.resume_reading()
        return chunk

    async def write(self, data: bytes, timeout: float | None) -> None:
        if self._eof or self.transport.is_closing():
            raise self._error or ConnectionResetError("the server closed the connection")
        self.transport.write(data)
        if self._writing_paused:
            self._drained = asyncio.get_running_loop().create_future()
            try:
                await _wait(self._drained, timeout)
            finally:
                self._drained = None
            if self._error is not None:
                raise self._error

    def idle_and_open(self) -> bool:
        """Nothing arrived while idle, and not closed: a keep-alive connection worth reusing."""
        return not (self._eof or self._chunks or self.transport.is_closing())

    def get_extra_info(self, name: str, default=None):
        return self.transport.get_extra_info(name, default)

    def close(self) -> None:
        if self.transport is not None:
            self.transport.close()
