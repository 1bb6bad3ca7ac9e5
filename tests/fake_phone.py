"""A fake Sangoma phone web server for tests: Action URI with Basic or Digest auth.

Listens on 127.0.0.1 (a free port) and records every request line byte for
byte, before aiohttp parses it, so a test asserts exactly what a phone sees.
Implements the server side of Digest (RFC 7616, ``qop=auth``, MD5)::

    async with FakePhone(auth="digest", password="222222") as phone:
        assert phone.actions == [b"GET /Phone_ActionURL&key=DNDOn HTTP/1.1"]
"""

import asyncio
import base64
from dataclasses import dataclass
from enum import StrEnum
import hashlib
import hmac
import re
import secrets
from types import TracebackType
from typing import Any, Literal, Self

import aiohttp
from aiohttp import hdrs, web
from aiohttp.web_protocol import RequestHandler
from multidict import CIMultiDict

HOST = "127.0.0.1"
REALM = "Sangoma Phone"
_DIGEST_PARAM = re.compile(r'(\w+)=(?:"((?:[^"\\]|\\.)*)"|([^\s,]+))')


class Answer(StrEnum):
    """How the phone answers requests."""

    OK = "ok"  # authenticate, then 200
    UNAUTHORIZED = "unauthorized"  # always 401 with a challenge
    ERROR = "error"  # authenticate, then FakePhone.error_status (500)
    HANG = "hang"  # never answer (until the phone is closed)
    GARBAGE = "garbage"  # authenticate, then bytes that are not HTTP


@dataclass(frozen=True, kw_only=True)
class Received:
    """One request as the phone received it."""

    line: bytes  # the request line, byte for byte, without CRLF
    authorization: str | None  # the Authorization header's scheme word
    authenticated: bool


def _md5(text: str) -> str:
    return hashlib.md5(text.encode(), usedforsecurity=False).hexdigest()


class _RecordingHandler(RequestHandler):
    """Collects the raw request lines of one connection as bytes arrive."""

    def __init__(self, manager: web.Server, **kwargs: Any) -> None:
        super().__init__(manager, **kwargs)
        self.raw_buffer = b""
        self.raw_lines: list[bytes] = []

    def data_received(self, data: bytes) -> None:
        # The phone's requests are GETs without a body: every head ends at CRLFCRLF.
        self.raw_buffer += data
        while (end := self.raw_buffer.find(b"\r\n\r\n")) != -1:
            head, self.raw_buffer = self.raw_buffer[:end], self.raw_buffer[end + 4 :]
            self.raw_lines.append(head.split(b"\r\n", 1)[0])
        super().data_received(data)


class _RecordingServer(web.Server):
    def __call__(self) -> RequestHandler:
        return _RecordingHandler(self, loop=self._loop, **self._kwargs)


class FakePhone:
    """The phone's web server; switch ``answer`` to change its behaviour."""

    def __init__(
        self,
        *,
        auth: Literal["basic", "digest"] | None = "digest",
        username: str = "admin",
        password: str = "222222",  # noqa: S107 (Sangoma's documented default)
        offer_basic: bool = False,
        host: str = HOST,
        port: int = 0,
    ) -> None:
        """Set the scheme the phone enforces (None: no authentication);
        `offer_basic`: challenge with Basic first, then the enforced Digest."""
        self.auth = auth
        self.offer_basic = offer_basic
        self.host = host  # a loopback address
        self._port = port
        self.username = username
        self.password = password
        self.answer = Answer.OK
        self.error_status = 500
        self.stale = False  # call every Digest nonce stale, even a fresh one
        self.broken_challenges = 0  # this many Digest challenges without a nonce
        self.gate: asyncio.Event | None = None  # authenticated requests wait on it
        self.received: list[Received] = []
        self.in_flight = 0
        self.max_in_flight = 0
        self.port = 0
        self._nonces: dict[str, int] = {}  # nonce -> last nc seen
        self._opaque = secrets.token_hex(8)
        self._released = asyncio.Event()
        self._arrived = asyncio.Condition()
        self._runner: web.ServerRunner | None = None

    @property
    def request_lines(self) -> list[bytes]:
        """Every request line received, challenged ones included."""
        return [request.line for request in self.received]

    @property
    def actions(self) -> list[bytes]:
        """The request lines of authenticated requests (those the phone acts on)."""
        return [request.line for request in self.received if request.authenticated]

    def url(self, target: str = "") -> str:
        """Return the phone's base URL (plus a target)."""
        return f"http://{HOST}:{self.port}{target}"

    async def start(self) -> None:
        """Listen on a loopback port (a free one unless given)."""
        server = _RecordingServer(self._handle, access_log=None)
        self._runner = web.ServerRunner(server, shutdown_timeout=1)
        await self._runner.setup()
        await web.TCPSite(self._runner, self.host, self._port).start()
        self.port = self._runner.addresses[0][1]

    async def close(self) -> None:
        """Release hanging requests and stop listening."""
        self._released.set()
        if self.gate is not None:
            self.gate.set()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> Self:
        """Start the phone."""
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        """Stop the phone."""
        await self.close()

    async def wait_for_requests(self, count: int) -> None:
        """Wait until at least ``count`` requests have arrived."""
        async with self._arrived:
            await self._arrived.wait_for(lambda: len(self.received) >= count)

    def _challenge(self) -> str:
        if self.auth == "basic":
            return f'Basic realm="{REALM}"'
        nonce = secrets.token_hex(16)
        self._nonces[nonce] = 0
        return (
            f'Digest realm="{REALM}", qop="auth", nonce="{nonce}", '
            f'opaque="{self._opaque}", algorithm=MD5'
        )

    def _check_basic(self, credentials: str) -> bool:
        expected = base64.b64encode(f"{self.username}:{self.password}".encode())
        return hmac.compare_digest(credentials.encode(), expected)

    def _check_digest(self, credentials: str, method: str, target: str) -> bool:
        params = {
            match[1]: match[2] if match[2] is not None else match[3]
            for match in _DIGEST_PARAM.finditer(credentials)
        }
        nonce = params.get("nonce", "")
        try:
            nc = int(params.get("nc", ""), 16)
        except ValueError:
            return False
        if (
            params.get("username") != self.username
            or params.get("realm") != REALM
            or params.get("uri") != target  # signed target == the one on the wire
            or params.get("qop") != "auth"
            or params.get("opaque") != self._opaque
            or params.get("algorithm", "MD5") != "MD5"
            or nonce not in self._nonces
            or nc <= self._nonces[nonce]  # a replayed nonce count is refused
        ):
            return False
        self._nonces[nonce] = nc
        ha1 = _md5(f"{self.username}:{REALM}:{self.password}")
        ha2 = _md5(f"{method}:{target}")
        cnonce = params.get("cnonce", "")
        expected = _md5(f"{ha1}:{nonce}:{params['nc']}:{cnonce}:auth:{ha2}")
        return hmac.compare_digest(params.get("response", ""), expected)

    def _authenticated(self, header: str | None, method: str, target: str) -> bool:
        if self.auth is None:
            return True
        scheme, _, credentials = (header or "").partition(" ")
        if scheme.lower() != self.auth:
            return False
        if self.auth == "basic":
            return self._check_basic(credentials)
        return self._check_digest(credentials, method, target)

    async def _handle(self, request: web.BaseRequest) -> web.StreamResponse:
        protocol = request.protocol
        assert isinstance(protocol, _RecordingHandler)
        line = protocol.raw_lines.pop(0)
        target = line.split(b" ")[1].decode("ascii", "surrogateescape")
        header = request.headers.get(hdrs.AUTHORIZATION)
        authenticated = self.answer is not Answer.UNAUTHORIZED and (
            self._authenticated(header, request.method, target)
        )
        scheme = header.partition(" ")[0] if header else None
        async with self._arrived:
            self.received.append(
                Received(line=line, authorization=scheme, authenticated=authenticated)
            )
            self._arrived.notify_all()
        self.in_flight += 1
        self.max_in_flight = max(self.max_in_flight, self.in_flight)
        try:
            return await self._answer(request, authenticated)
        finally:
            self.in_flight -= 1

    async def _answer(
        self, request: web.BaseRequest, authenticated: bool
    ) -> web.StreamResponse:
        if self.answer is Answer.HANG:
            await self._released.wait()
            return web.Response(status=503)
        if self.stale and self.auth == "digest":
            authenticated = False
        if not authenticated:
            challenges = [self._challenge()]
            if self.broken_challenges and self.auth == "digest":
                self.broken_challenges -= 1
                challenges = [f'Digest realm="{REALM}", qop="auth"']
            if self.stale and self.auth == "digest":
                challenges = [f"{challenges[0]}, stale=true"]
            if self.offer_basic and self.auth == "digest":
                challenges.insert(0, f'Basic realm="{REALM}"')
            return web.Response(
                status=401,
                headers=CIMultiDict((hdrs.WWW_AUTHENTICATE, c) for c in challenges),
            )
        if self.gate is not None:
            await self.gate.wait()
        if self.answer is Answer.GARBAGE:
            assert request.transport is not None
            request.transport.write(b"this is not HTTP\r\n\r\n")
            request.transport.close()
            return web.Response()
        if self.answer is Answer.ERROR:
            return web.Response(status=self.error_status)
        return web.Response(text="OK")


# aiohttp before 3.14 signs the decoded path in a Digest answer (and has no
# encode_basic_auth): a known limitation on Home Assistant before 2026.10.
OLD_DIGEST = not hasattr(aiohttp, "encode_basic_auth")
