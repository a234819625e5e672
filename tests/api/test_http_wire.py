"""HTTP/1.1 as bytes (api/http_wire.py): heads parsed strictly, bodies framed as RFC 9112 §6.3 says,
chunked bodies decoded however the bytes are split across reads."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pixverse_desktop.api import http_wire as wire


def head(text: bytes) -> wire.Head:
    return wire.parse_head(text)


def test_a_head_keeps_names_as_sent_and_compares_them_without_case():
    h = head(b"HTTP/1.1 206 Partial Content\r\nContent-Range: bytes 0-1/2\r\nX-A:  spaced \t\r\nx-a: b")
    assert (h.version, h.status, h.reason) == (b"1.1", 206, b"Partial Content")
    assert h.headers == [(b"Content-Range", b"bytes 0-1/2"), (b"X-A", b"spaced"), (b"x-a", b"b")]
    assert h.values(b"x-a") == [b"spaced", b"b"] and not h.says_close()
    assert head(b"HTTP/1.0 200\r\nConnection: Close").says_close()


@pytest.mark.parametrize("raw", [
    b"HTTP/2 200 OK", b"ICY 200 OK", b"HTTP/1.1 20 OK", b"HTTP/1.1 abc OK", b"",
    b"HTTP/1.1 200 OK\r\n folded: value", b"HTTP/1.1 200 OK\r\nName : value", b"HTTP/1.1 200 OK\r\nno colon",
    b"HTTP/1.1 200 OK\r\n: no name",
])
def test_what_is_not_http_1_1_is_refused(raw):
    with pytest.raises(wire.RemoteProtocolError):
        head(raw)


@pytest.mark.parametrize("method, raw, framing", [
    ("GET", b"HTTP/1.1 200 OK\r\nContent-Length: 12", 12),
    ("GET", b"HTTP/1.1 200 OK\r\nContent-Length: 12\r\nContent-Length: 12", 12),   # the same twice
    ("GET", b"HTTP/1.1 200 OK\r\nContent-Length: 12, 12", 12),
    ("HEAD", b"HTTP/1.1 200 OK\r\nContent-Length: 12", 0),
    ("GET", b"HTTP/1.1 304 Not Modified\r\nContent-Length: 12", 0),
    ("GET", b"HTTP/1.1 204 No Content", 0),
    ("GET", b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Length: 12", "chunked"),   # chunked wins
    ("GET", b"HTTP/1.1 200 OK\r\nTransfer-Encoding: Chunked", "chunked"),
    ("GET", b"HTTP/1.0 200 OK", None),
])
def test_bodies_are_framed_as_rfc_9112_says(method, raw, framing):
    assert wire.body_length(method, head(raw)) == framing


@pytest.mark.parametrize("lengths", [b"Content-Length: 12\r\nContent-Length: 13", b"Content-Length: -1",
                                     b"Content-Length: 1e3", b"Content-Length: 12, 13", b"Content-Length: +2",
                                     b"Content-Length: ", b"Content-Length: 9999999999999999999",
                                     "Content-Length: \u0663".encode()])
def test_a_length_that_cannot_be_trusted_is_refused(lengths):
    with pytest.raises(wire.RemoteProtocolError, match="Content-Length"):
        wire.body_length("GET", head(b"HTTP/1.1 200 OK\r\n" + lengths))


@pytest.mark.parametrize("codings", [b"gzip", b"gzip, chunked", b"chunked\r\nTransfer-Encoding: chunked"])
def test_transfer_codings_other_than_chunked_are_refused_as_nothing_could_undo_them(codings):
    with pytest.raises(wire.RemoteProtocolError, match="Transfer-Encoding"):
        wire.body_length("GET", head(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: " + codings))


@pytest.mark.parametrize("buffer, ends", [
    (b"HTTP/1.1 200 OK\r\nA: b\r\n\r\nbody", (22, 25)), (b"HTTP/1.1 200 OK\nA: b\n\nbody", (20, 22)),
    (b"HTTP/1.1 200 OK\nA: b\n\r\nbody", (20, 23))])
def test_a_head_ends_at_its_blank_line_with_or_without_carriage_returns(buffer, ends):
    end, body_at = wire.head_end(buffer)
    assert (end, body_at) == ends and buffer[body_at:] == b"body"
    assert wire.parse_head(buffer[:end]).headers == [(b"A", b"b")]
    assert wire.head_end(b"HTTP/1.1 200 OK\r\nA: b\r\n") == (-1, -1)


@pytest.mark.parametrize("raw", [b"HTTP/1.1 099 Odd", b"HTTP/1.1 600 Beyond", b"HTTP/1.1 101 Switching",
                                 b"HTTP/1.1 200 OK\r\nX-A: a\rb", b"HTTP/1.1 200 OK\r\nX-A: a\0b"])
def test_statuses_outside_http_and_control_characters_in_values_are_refused(raw):
    with pytest.raises(wire.RemoteProtocolError):
        head(raw)


def test_a_request_head_is_written_out_and_a_line_break_in_it_refused():
    raw = wire.request_head("POST", b"/v2/pixverse/videos/extend-v3?x=1",
                            [(b"Host", b"api.useapi.net"), (b"Content-Length", b"2")])
    assert raw == (b"POST /v2/pixverse/videos/extend-v3?x=1 HTTP/1.1\r\nHost: api.useapi.net\r\n"
                   b"Content-Length: 2\r\n\r\n")
    for bad in ([(b"X-Prompt", b"a\r\nInjected: yes")], [(b"Bad Name", b"v")]):
        with pytest.raises(wire.LocalProtocolError):
            wire.request_head("GET", b"/", bad)
    with pytest.raises(wire.LocalProtocolError):
        wire.request_head("GET", b"/a b", [])


def test_a_request_body_is_framed_as_announced_and_held_to_its_length():
    chunked = wire.RequestBody([(b"Transfer-Encoding", b"chunked")])
    assert chunked.part(b"abc") == b"3\r\nabc\r\n" and chunked.part(b"") == b"" and chunked.end() == b"0\r\n\r\n"
    counted = wire.RequestBody([(b"Content-Length", b"5")])
    assert counted.part(b"abc") == b"abc"
    with pytest.raises(wire.LocalProtocolError, match="Too little"):
        counted.end()
    with pytest.raises(wire.LocalProtocolError, match="Too much"):
        counted.part(b"def")
    assert wire.RequestBody([]).part(b"") == b"" and wire.RequestBody([]).end() == b""


@given(parts=st.lists(st.binary(min_size=1, max_size=300), max_size=8),
       cuts=st.lists(st.integers(min_value=0, max_value=4000), max_size=12),
       extension=st.sampled_from([b"", b";name=value", b" ; x"]),
       trailers=st.sampled_from([b"", b"Expires: never\r\n"]))
def test_a_chunked_body_decodes_the_same_however_the_reads_split_it(parts, cuts, extension, trailers):
    encoded = b"".join(b"%x%s\r\n%s\r\n" % (len(p), extension, p) for p in parts) + b"0\r\n" + trailers + b"\r\n"
    wire_bytes = encoded + b"NEXT"
    decoder, out, at = wire.ChunkedDecoder(), [], 0
    for cut in sorted({c % (len(wire_bytes) + 1) for c in cuts}) + [len(wire_bytes)]:
        out += decoder.feed(wire_bytes[at:cut])
        at = cut
    assert decoder.done and b"".join(out) == b"".join(parts) and decoder.excess == b"NEXT"


@pytest.mark.parametrize("encoded", [b"zz\r\nab\r\n", b"2\r\nabc\r\n", b"-2\r\nab\r\n", b"+2\r\nab\r\n",
                                     b"0x2\r\nab\r\n", b"\r\n", b"1" * 5000])
def test_a_chunk_size_that_is_not_one_is_refused(encoded):
    with pytest.raises(wire.RemoteProtocolError):
        wire.ChunkedDecoder().feed(encoded)


def test_a_large_chunk_comes_out_as_read_without_copies():
    decoder = wire.ChunkedDecoder()
    assert decoder.feed(b"%x\r\n" % (1 << 20)) == []
    read = b"x" * (1 << 19)
    assert decoder.feed(read)[0] is read   # the same object: nothing copied
