"""HTTP/1.1 messages as bytes, for the transport (http11.py): a request's head written out, an
answer's head parsed, how its body is framed (RFC 9112 §6.3), chunked bodies encoded and decoded.

Only what a client needs, and strictly: bytes that are not HTTP/1.1 as RFC 9112 writes it are a
protocol error, never a guess. (h11 did this before; loading it was ~10 ms of every start, more than
the app's two first requests cost, bench_startup.)"""

from __future__ import annotations

MAX_HEAD_BYTES = 64 * 1024      # an answer's status line and headers; more is refused
MAX_CHUNK_LINE = 4 * 1024       # a chunk's size line, extensions included
MAX_LENGTH_DIGITS = 18          # a Content-Length up to an exabyte; longer is refused, not waited for
MAX_SIZE_DIGITS = 15            # a chunk's size in hex
_HEX = frozenset(b"0123456789abcdefABCDEF")
_TOKEN = frozenset(b"!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")


class RemoteProtocolError(Exception):
    """The server's bytes break HTTP/1.1."""


class LocalProtocolError(Exception):
    """A request that cannot be written as HTTP/1.1 (a line break in a header, say)."""


Headers = list[tuple[bytes, bytes]]


def header_values(headers: Headers, name: bytes) -> list[bytes]:
    """The values of the header ``name`` (lower-case), whatever case it was sent in."""
    return [value for key, value in headers if key.lower() == name]


def says_close(headers: Headers) -> bool:
    """``Connection: close``: no further message on this connection (a request's or an answer's)."""
    return any(b"close" in value.lower() for value in header_values(headers, b"connection"))


class Head:
    """An answer's status line and its headers as sent."""

    __slots__ = ("version", "status", "reason", "headers")

    def __init__(self, version: bytes, status: int, reason: bytes, headers: Headers) -> None:
        self.version, self.status, self.reason, self.headers = version, status, reason, headers

    def values(self, name: bytes) -> list[bytes]:
        return header_values(self.headers, name)

    def says_close(self) -> bool:
        return says_close(self.headers)


def request_head(method: str, target: bytes, headers: Headers) -> bytes:
    if not method or not set(method.encode()) <= _TOKEN:
        raise LocalProtocolError(f"not a method: {method!r}")
    if not target or any(c in target for c in b" \r\n\0"):
        raise LocalProtocolError("a request target with a space or line break")
    lines = [b"%s %s HTTP/1.1" % (method.encode(), target)]
    for name, value in headers:
        if not name or not set(name) <= _TOKEN or any(c in value for c in b"\r\n\0"):
            raise LocalProtocolError(f"a header that cannot be sent: {name!r}")
        lines.append(name + b": " + value)
    return b"\r\n".join(lines) + b"\r\n\r\n"


def head_end(buffer: bytes, start: int = 0) -> tuple[int, int]:
    """Where the head in ``buffer`` ends and its body starts, or (-1, -1). A line may end in a bare LF
    as well as CRLF (RFC 9112 §2.2 lets a recipient accept that; some servers send it)."""
    at = buffer.find(b"\n", start)
    while at >= 0:
        following = buffer[at + 1:at + 3]
        if following[:1] == b"\n":
            return at, at + 2
        if following == b"\r\n":
            return at, at + 3
        at = buffer.find(b"\n", at + 1)
    return -1, -1


def parse_head(raw: bytes) -> Head:
    """``raw``: the bytes before the blank line that ends the head."""
    lines = [line[:-1] if line.endswith(b"\r") else line for line in raw.split(b"\n")]
    parts = lines[0].split(b" ", 2)
    if len(parts) < 2 or parts[0] not in (b"HTTP/1.1", b"HTTP/1.0") or len(parts[1]) != 3 \
            or not parts[1].isdigit() or not b"100" <= parts[1] <= b"599":
        raise RemoteProtocolError(f"not an HTTP/1.1 status line: {lines[0][:80]!r}")
    if parts[1] == b"101":   # nothing here asks to switch protocols
        raise RemoteProtocolError("the server switched protocols unasked (101)")
    headers = []
    for line in lines[1:]:
        name, colon, value = line.partition(b":")
        if not colon or not name or not set(name) <= _TOKEN:   # obsolete folding, spaces before ":"
            raise RemoteProtocolError(f"not a header line: {line[:80]!r}")
        value = value.strip(b" \t")
        if b"\r" in value or b"\0" in value:
            raise RemoteProtocolError(f"a control character in the header {name[:40]!r}")
        headers.append((name, value))
    return Head(parts[0][5:], int(parts[1]), parts[2] if len(parts) > 2 else b"", headers)


def body_length(method: str, head: Head) -> int | None | str:
    """How the answer's body is framed: a byte count (0: no body), ``"chunked"``, or ``None`` for
    "until the server closes the connection" (RFC 9112 §6.3, in its order). Transfer codings other
    than chunked are refused, as h11 refused them: nothing here could undo them."""
    if method == "HEAD" or head.status < 200 or head.status in (204, 304):
        return 0
    codings = head.values(b"transfer-encoding")
    if codings:
        if len(codings) != 1 or codings[0].strip().lower() != b"chunked":
            raise RemoteProtocolError(f"an unsupported Transfer-Encoding: {b', '.join(codings)[:80]!r}")
        return "chunked"
    lengths = {v.strip() for value in head.values(b"content-length") for v in value.split(b",")}
    if not lengths:
        return None
    length = next(iter(lengths))
    if len(lengths) != 1 or not length.isdigit() or not length.isascii() or len(length) > MAX_LENGTH_DIGITS:
        raise RemoteProtocolError(f"a bad Content-Length: {sorted(lengths)!r}"[:120])
    return int(length)


class RequestBody:
    """Frames a request's body as its headers announce it (httpx sets them: a Content-Length, or
    chunked for a body of unknown length) and refuses a body that does not match its Content-Length:
    the surplus would be read by the server as the next request on the connection."""

    def __init__(self, headers: Headers) -> None:
        self.chunked = any(v.strip().lower() == b"chunked" for v in header_values(headers, b"transfer-encoding"))
        lengths = header_values(headers, b"content-length")
        self.left = int(lengths[0]) if lengths and not self.chunked and lengths[0].strip().isdigit() else None

    def part(self, data: bytes) -> bytes:
        if self.chunked:
            return b"%x\r\n%s\r\n" % (len(data), data) if data else b""
        if self.left is not None:
            if len(data) > self.left:
                raise LocalProtocolError("Too much data for declared Content-Length")
            self.left -= len(data)
        return data

    def end(self) -> bytes:
        if self.left:
            raise LocalProtocolError("Too little data for declared Content-Length")
        return b"0\r\n\r\n" if self.chunked else b""


class ChunkedDecoder:
    """Bytes of a chunked body in, its data out; ``done`` once the last chunk and any trailers came.
    ``excess`` is what came after the body (nothing, from a well-behaved server)."""

    def __init__(self) -> None:
        self._buffer = b""
        self._left = 0          # data bytes still to come in the current chunk
        self._state = "size"    # size, data, data_end, trailers
        self.done = False
        self.excess = b""

    def feed(self, data: bytes) -> list[bytes]:
        out: list[bytes] = []
        buffer = self._buffer + data if self._buffer else data
        at, size = 0, len(buffer)
        while at < size and not self.done:
            if self._state == "data":
                take = min(self._left, size - at)
                out.append(buffer[at:at + take])   # the whole read, uncopied, when it is all data
                at += take
                self._left -= take
                if not self._left:
                    self._state = "data_end"
                continue
            end = buffer.find(b"\n", at)
            if end < 0:
                if size - at > MAX_CHUNK_LINE:
                    raise RemoteProtocolError("a chunk's size line is too long")
                break
            line, at = buffer[at:end], end + 1
            if line.endswith(b"\r"):   # CRLF, or a bare LF (see head_end)
                line = line[:-1]
            if self._state == "data_end":
                if line:
                    raise RemoteProtocolError("a chunk longer than its size")
                self._state = "size"
            elif self._state == "size":
                digits = line.split(b";", 1)[0].strip()
                if not digits or not set(digits) <= _HEX or len(digits) > MAX_SIZE_DIGITS:
                    raise RemoteProtocolError(f"not a chunk size: {line[:40]!r}")
                self._left = int(digits, 16)
                self._state = "data" if self._left else "trailers"
            elif not line:   # the blank line after the trailers (which are not used)
                self.done = True
        rest = buffer[at:]
        if self.done:
            self.excess, rest = self.excess + rest, b""
        self._buffer = rest
        return out
