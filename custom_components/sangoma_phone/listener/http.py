"""Tolerant reading of one HTTP/1.x request, as bytes, and the fixed answers.

The target may hold raw spaces and any bytes; the query is everything after
the first ``?``, a ``#`` included. Answers never echo input. Rules:
docs/listener.md.
"""

import asyncio
from dataclasses import dataclass
from http import HTTPStatus
import re
from typing import Final

from ..protocol.query import MAX_BODY

MAX_REQUEST_LINE: Final = 8192  # bytes, also the limit of one header line
MAX_HEADER_BLOCK: Final = 16384  # bytes
MAX_HEADERS: Final = 100

_METHOD = re.compile(rb"[A-Z]{1,16}")
_VERSION = re.compile(rb"HTTP/1\.[0-9]")


@dataclass(frozen=True, slots=True)
class RawRequest:
    """One request as read from the socket, undecoded."""

    method: bytes
    path: bytes
    query: bytes
    body: bytes

    @property
    def head_only(self) -> bool:
        """Return whether the answer has no body (HEAD)."""
        return self.method == b"HEAD"

    @property
    def parameters(self) -> bytes:
        """Return the raw parameters: the query, else a POST's body."""
        if self.method == b"POST" and not self.query:
            return self.body
        return self.query


class RequestRefused(Exception):
    """A request answered with an error status, without reaching a phone."""

    def __init__(self, status: HTTPStatus, reason: str) -> None:
        """Keep the status to answer and a stable reason for the log."""
        super().__init__(reason)
        self.status = status
        self.reason = reason


def split_request_line(line: bytes) -> tuple[bytes, bytes, bytes]:
    """Split a request line into method, target (all between) and HTTP version."""
    method, _, rest = line.partition(b" ")
    target, sep, version = rest.rpartition(b" ")
    if not sep or not _METHOD.fullmatch(method) or not _VERSION.fullmatch(version):
        raise RequestRefused(HTTPStatus.BAD_REQUEST, "malformed_request_line")
    if not target.startswith(b"/"):
        raise RequestRefused(HTTPStatus.BAD_REQUEST, "malformed_target")
    return method, target, version


async def _read_line(reader: asyncio.StreamReader) -> bytes:
    """Read one line (the stream's limit caps its length), without its CRLF."""
    try:
        line = await reader.readuntil(b"\n")
    except asyncio.LimitOverrunError as err:
        raise RequestRefused(HTTPStatus.BAD_REQUEST, "line_too_long") from err
    return line.removesuffix(b"\n").removesuffix(b"\r")


async def read_request(reader: asyncio.StreamReader) -> RawRequest:
    """Read a request line, the headers and a Content-Length body.

    RequestRefused if malformed or too long; IncompleteReadError if cut short.
    """
    method, target, _ = split_request_line(await _read_line(reader))
    count = size = 0
    length: int | None = None
    while header := await _read_line(reader):
        count += 1
        size += len(header) + 2
        if count > MAX_HEADERS or size > MAX_HEADER_BLOCK:
            raise RequestRefused(HTTPStatus.BAD_REQUEST, "headers_too_large")
        name, colon, value = header.partition(b":")
        if not colon:
            continue  # tolerated: nothing here needs it
        name = name.strip().lower()
        if name == b"transfer-encoding":
            raise RequestRefused(HTTPStatus.BAD_REQUEST, "transfer_encoding")
        if name == b"content-length":
            value = value.strip()
            # At most 9 digits: int() refuses numbers of thousands of digits.
            if (
                not value.isdigit()
                or len(value) > 9
                or length not in (None, int(value))
            ):
                raise RequestRefused(HTTPStatus.BAD_REQUEST, "bad_content_length")
            length = int(value)
    if length is not None and length > MAX_BODY:
        raise RequestRefused(HTTPStatus.BAD_REQUEST, "body_too_large")
    body = await reader.readexactly(length) if length else b""
    path, _, query = target.partition(b"?")
    return RawRequest(method=method, path=path, query=query, body=body)


def _response(status: HTTPStatus) -> tuple[bytes, bytes]:
    """Return the fixed head and body answered with a status."""
    body = f"{status.phrase}\n".encode()
    head = (
        f"HTTP/1.1 {status.value} {status.phrase}\r\n"
        "Content-Type: text/plain; charset=utf-8\r\n"
        f"Content-Length: {len(body)}\r\n"
        "Connection: close\r\n"
        "\r\n"
    ).encode()
    return head, body


_RESPONSES: Final = {
    status: _response(status)
    for status in (
        HTTPStatus.OK,
        HTTPStatus.BAD_REQUEST,
        HTTPStatus.FORBIDDEN,
        HTTPStatus.NOT_FOUND,
        HTTPStatus.METHOD_NOT_ALLOWED,
    )
}


def response(status: HTTPStatus, *, head_only: bool = False) -> bytes:
    """Return the fixed answer of a status: its phrase, or the head alone."""
    head, body = _RESPONSES.get(status) or _response(status)
    return head if head_only else head + body
