"""A tiny raw HTTP/1.1 client that sends the request target byte for byte.

With a raw target, values go out exactly as a sloppy firmware might send them
(Home Assistant's server answers 400 to a raw space or non-ASCII byte before
the integration sees the request). By default only loopback addresses may be
targeted.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
import contextlib
from dataclasses import dataclass
import ipaddress
import ssl
from urllib.parse import urlsplit

from .errors import SimulatorError

DEFAULT_TIMEOUT = 10.0  # seconds for one request, connection included


@dataclass(frozen=True, kw_only=True)
class Response:
    """What the server answered."""

    status: int
    body: bytes


def check_host(host: str, *, loopback_only: bool) -> None:
    """Refuse ``host`` unless it is a loopback address (or loopback is not required)."""
    if not loopback_only or host == "localhost":
        return
    try:
        address = ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        address = None
    if address is None or not address.is_loopback:
        raise SimulatorError(
            f"refusing to send to {host!r}: only loopback addresses are allowed "
            "(pass --allow-remote to send elsewhere)"
        )


async def http_get(
    url: str,
    target: bytes | None = None,
    *,
    headers: Mapping[str, str] | None = None,
    time_limit: float = DEFAULT_TIMEOUT,
    loopback_only: bool = True,
) -> Response:
    """Send one GET request to ``url``, with ``target`` as the exact request target.

    ``target`` defaults to the path and query of ``url``. The connection is
    closed after the response.
    """
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise SimulatorError(f"not an http(s) URL: {url!r}")
    host = parts.hostname
    check_host(host, loopback_only=loopback_only)
    port = parts.port or (443 if parts.scheme == "https" else 80)
    if target is None:
        target = (parts.path or "/").encode() + (
            b"?" + parts.query.encode() if parts.query else b""
        )
    host_header = parts.netloc.rpartition("@")[2]
    lines = [
        b"GET " + target + b" HTTP/1.1",
        b"Host: " + host_header.encode("idna"),
        b"User-Agent: Sangoma-phone-simulator",
        b"Accept: */*",
        b"Connection: close",
        *(f"{name}: {value}".encode() for name, value in (headers or {}).items()),
    ]
    context = ssl.create_default_context() if parts.scheme == "https" else None
    async with asyncio.timeout(time_limit):
        reader, writer = await asyncio.open_connection(host, port, ssl=context)
        try:
            writer.write(b"\r\n".join(lines) + b"\r\n\r\n")
            await writer.drain()
            data = await reader.read()
        finally:
            writer.close()
            with contextlib.suppress(OSError, ssl.SSLError):
                await writer.wait_closed()
    head, _, body = data.partition(b"\r\n\r\n")
    status_line = head.split(b"\r\n", 1)[0].split()
    if len(status_line) < 2 or not status_line[1].isdigit():
        raise SimulatorError(f"no HTTP response from {url!r}")
    if b"transfer-encoding: chunked" in head.lower():
        body = unchunk(body)
    return Response(status=int(status_line[1]), body=body)


def unchunk(data: bytes) -> bytes:
    """Return the body of a chunked transfer encoding."""
    out = bytearray()
    while data:
        size_line, _, data = data.partition(b"\r\n")
        size = int(size_line.split(b";")[0] or b"0", 16)
        if size == 0:
            break
        out += data[:size]
        data = data[size + 2 :]
    return bytes(out)
