"""Tests of the tolerant HTTP/1.x request reader and its fixed answers."""

import asyncio
from http import HTTPStatus

import pytest

from custom_components.sangoma_phone.listener.http import (
    MAX_BODY,
    MAX_HEADER_BLOCK,
    MAX_HEADERS,
    MAX_REQUEST_LINE,
    RawRequest,
    RequestRefused,
    read_request,
    response,
    split_request_line,
)
from custom_components.sangoma_phone.protocol.query import MAX_QUERY_LENGTH


def reader_of(data: bytes, *, eof: bool = True) -> asyncio.StreamReader:
    """Return a stream reader holding some bytes, limited as the listener's."""
    reader = asyncio.StreamReader(limit=MAX_REQUEST_LINE)
    reader.feed_data(data)
    if eof:
        reader.feed_eof()
    return reader


async def read(data: bytes) -> RawRequest:
    """Read one request from some bytes."""
    return await read_request(reader_of(data))


async def refused(data: bytes) -> str:
    """Return the reason a request is refused with 400."""
    with pytest.raises(RequestRefused) as err:
        await read(data)
    assert err.value.status is HTTPStatus.BAD_REQUEST
    assert str(err.value) == err.value.reason
    return err.value.reason


@pytest.mark.parametrize(
    ("line", "target"),
    [
        (b"GET /a?dr=John Doe HTTP/1.1", b"/a?dr=John Doe"),
        (b"GET /a?dr=Jos\xe9 #5 HTTP/1.0", b"/a?dr=Jos\xe9 #5"),
        (b"POST / HTTP/1.1", b"/"),
        (b"GET /a  b  HTTP/1.1", b"/a  b "),
    ],
)
def test_split_request_line(line: bytes, target: bytes) -> None:
    """The target is everything between the first and the last token."""
    method, got, version = split_request_line(line)
    assert (method, got) == (line.split(b" ", 1)[0], target)
    assert version.startswith(b"HTTP/1.")


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        (b"GARBAGE", "malformed_request_line"),
        (b"GET /a", "malformed_request_line"),
        (b"GET /a HTTP/2.0", "malformed_request_line"),
        (b"get /a HTTP/1.1", "malformed_request_line"),
        (b"GETTINGTOOLONGMETHOD /a HTTP/1.1", "malformed_request_line"),
        (b"GET api/webhook HTTP/1.1", "malformed_target"),
        (b"GET  HTTP/1.1", "malformed_target"),
    ],
)
def test_split_request_line_refused(line: bytes, reason: str) -> None:
    """A malformed request line is refused with 400 and a stable reason."""
    with pytest.raises(RequestRefused) as err:
        split_request_line(line)
    assert err.value.status is HTTPStatus.BAD_REQUEST
    assert err.value.reason == reason


async def test_read_get() -> None:
    """Path and query split at the first `?`; the query keeps `#` and `?`."""
    request = await read(
        b"GET /api/webhook/x?dr=a#b?c&x=Jos\xe9 HTTP/1.1\r\nHost: h\r\n\r\n"
    )
    assert request == RawRequest(
        method=b"GET", path=b"/api/webhook/x", query=b"dr=a#b?c&x=Jos\xe9", body=b""
    )
    assert request.parameters == b"dr=a#b?c&x=Jos\xe9"
    assert not request.head_only


async def test_read_post_body() -> None:
    """A POST body is read to its Content-Length; it holds the parameters."""
    request = await read(b"POST /p HTTP/1.1\r\nContent-length:  5 \r\n\r\nevent=dnd_on")
    assert request.body == b"event"
    assert request.parameters == b"event"


async def test_read_post_query_first() -> None:
    """A POST with a query: the query is the parameters."""
    request = await read(b"POST /p?q=1 HTTP/1.1\r\nContent-Length: 3\r\n\r\nb=2")
    assert request.parameters == b"q=1"


async def test_read_get_ignores_body() -> None:
    """A GET's parameters are its query, even with a body."""
    request = await read(b"GET /p HTTP/1.1\r\nContent-Length: 3\r\n\r\nb=2")
    assert request.body == b"b=2"
    assert request.parameters == b""


async def test_read_head() -> None:
    """A HEAD request is answered with the head only."""
    assert (await read(b"HEAD /p HTTP/1.1\r\n\r\n")).head_only


async def test_tolerated_headers() -> None:
    """Bare LF line ends, lines without a colon, non-ASCII values: tolerated."""
    request = await read(
        b"GET /p?event=dnd_on HTTP/1.0\nno colon here\nX-Name: Jos\xe9\n"
        b"Content-Length: 0\nContent-Length: 0\n\n"
    )
    assert request.query == b"event=dnd_on"
    assert request.body == b""


async def test_within_limits() -> None:
    """MAX_HEADERS headers in MAX_HEADER_BLOCK bytes and a MAX_BODY body pass."""
    headers = b"".join(b"X-%d: 1\r\n" % i for i in range(MAX_HEADERS - 1))
    body = b"x" * MAX_BODY
    request = await read(
        b"POST /p HTTP/1.1\r\n"
        + headers
        + b"Content-Length: %d\r\n\r\n" % MAX_BODY
        + body
    )
    assert request.body == body
    assert len(headers) < MAX_HEADER_BLOCK


def test_body_limit_is_the_query_limit() -> None:
    """A body holds a query: its limit is the query parser's."""
    assert MAX_BODY == MAX_QUERY_LENGTH


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"GET /p?" + b"x" * MAX_REQUEST_LINE + b" HTTP/1.1\r\n\r\n", "line_too_long"),
        (
            b"GET /p HTTP/1.1\r\nX: " + b"y" * MAX_REQUEST_LINE + b"\r\n\r\n",
            "line_too_long",
        ),
        (
            b"GET /p HTTP/1.1\r\n"
            + b"".join(b"X-%d: %s\r\n" % (i, b"z" * 7000) for i in range(3))
            + b"\r\n",
            "headers_too_large",
        ),
        (
            b"GET /p HTTP/1.1\r\n"
            + b"".join(b"X-%d: 1\r\n" % i for i in range(MAX_HEADERS + 1))
            + b"\r\n",
            "headers_too_large",
        ),
        (
            b"POST /p HTTP/1.1\r\nContent-Length: %d\r\n\r\n" % (MAX_BODY + 1),
            "body_too_large",
        ),
        (b"GET /p HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n", "transfer_encoding"),
        (b"GET /p HTTP/1.1\r\nContent-Length: -1\r\n\r\n", "bad_content_length"),
        (b"GET /p HTTP/1.1\r\nContent-Length: \r\n\r\n", "bad_content_length"),
        (
            b"GET /p HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n",
            "bad_content_length",
        ),
        (
            b"GET /p HTTP/1.1\r\nContent-Length: %s\r\n\r\n" % (b"9" * 5000),
            "bad_content_length",
        ),
        (
            b"GET /p HTTP/1.1\r\nContent-Length: 1234567890\r\n\r\n",
            "bad_content_length",
        ),
        (
            b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03\r\n\r\n",
            "malformed_request_line",
        ),
    ],
    ids=[
        "request_line",
        "header_line",
        "header_block",
        "header_count",
        "body",
        "chunked",
        "negative_length",
        "empty_length",
        "conflicting_lengths",
        "huge_length",
        "ten_digit_length",
        "tls_hello",
    ],
)
async def test_refused(data: bytes, reason: str) -> None:
    """Malformed and over-long requests are refused with a stable reason."""
    assert await refused(data) == reason


@pytest.mark.parametrize(
    "data",
    [b"", b"GET /p HTTP/1.1\r\n", b"POST /p HTTP/1.1\r\nContent-Length: 9\r\n\r\nab"],
    ids=["nothing", "no_blank_line", "short_body"],
)
async def test_incomplete(data: bytes) -> None:
    """A client that closes before the end of its request: IncompleteReadError."""
    with pytest.raises(asyncio.IncompleteReadError):
        await read(data)


async def test_waits_for_the_rest() -> None:
    """A request in pieces is read whole."""
    reader = reader_of(b"GET /p?a=", eof=False)
    task = asyncio.create_task(read_request(reader))
    await asyncio.sleep(0)
    assert not task.done()
    reader.feed_data(b"1 2 HTTP/1.1\r\n\r\n")
    assert (await task).query == b"a=1 2"


@pytest.mark.parametrize(
    "status",
    [
        HTTPStatus.OK,
        HTTPStatus.BAD_REQUEST,
        HTTPStatus.FORBIDDEN,
        HTTPStatus.NOT_FOUND,
        HTTPStatus.METHOD_NOT_ALLOWED,
        HTTPStatus.INTERNAL_SERVER_ERROR,
    ],
)
def test_response(status: HTTPStatus) -> None:
    """A fixed answer: status line, plain text phrase, close; HEAD: head only."""
    body = f"{status.phrase}\n".encode()
    head = (
        f"HTTP/1.1 {status.value} {status.phrase}\r\n"
        "Content-Type: text/plain; charset=utf-8\r\n"
        f"Content-Length: {len(body)}\r\n"
        "Connection: close\r\n\r\n"
    ).encode()
    assert response(status) == head + body
    assert response(status, head_only=True) == head


# Edges that mutation testing showed untested (docs/mutation.md).


async def test_header_block_limit_counts_each_line_with_its_crlf() -> None:
    head = b"GET / HTTP/1.1\r\n"
    header = b"X: " + b"y" * 1020  # 1023 bytes + CRLF = 1025
    lines = MAX_HEADER_BLOCK // 1025
    rest = MAX_HEADER_BLOCK - lines * 1025 - 2  # one more line, exactly at the limit
    exact = head + (header + b"\r\n") * lines + b"Z:" + b"z" * (rest - 2) + b"\r\n\r\n"
    assert (await read(exact)).path == b"/"
    over = head + (header + b"\r\n") * lines + b"Z:" + b"z" * (rest - 1) + b"\r\n\r\n"
    assert await refused(over) == "headers_too_large"


async def test_headers_after_a_line_without_colon_still_count() -> None:
    data = b"POST / HTTP/1.1\r\nbogus line\r\nContent-Length: 3\r\n\r\nabc"
    assert (await read(data)).body == b"abc"


async def test_header_value_may_hold_a_colon() -> None:
    data = b"POST / HTTP/1.1\r\nContent-Length: 2\r\nX-A: b:c\r\n\r\nab"
    assert (await read(data)).body == b"ab"
    te = b"GET / HTTP/1.1\r\nTransfer-Encoding: a:b\r\n\r\n"
    assert await refused(te) == "transfer_encoding"


async def test_content_length_of_nine_digits_is_read() -> None:
    data = b"POST / HTTP/1.1\r\nContent-Length: 000000003\r\n\r\nabc"
    assert (await read(data)).body == b"abc"
    too_long = b"POST / HTTP/1.1\r\nContent-Length: 0000000003\r\n\r\nabc"
    assert await refused(too_long) == "bad_content_length"
