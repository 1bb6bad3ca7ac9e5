"""The web access client: Action URI requests to one phone, one at a time.

Digest, found out from the phone's challenges and never given up once known;
Basic only where the user allowed it. Values are validated by
protocol/action_uri.py first. Never logged: the password, Authorization
headers, credentials in a URL. Rules: docs/web-access.md.
"""

import asyncio
import contextlib
from dataclasses import dataclass, field
from enum import StrEnum
import logging
from typing import Any, Final

import aiohttp
from aiohttp import hdrs
from multidict import CIMultiDict
from yarl import URL

from homeassistant.core import HomeAssistant
from homeassistant.helpers.aiohttp_client import async_get_clientsession
from homeassistant.util.ssl import get_default_no_verify_context

from ..compat import basic_auth_header
from ..protocol.action_uri import dial_target, hang_up_target, key_target, probe_target

_LOGGER = logging.getLogger(__name__)

DEFAULT_USERNAME: Final = "admin"
DEFAULT_TIMEOUT: Final = 5.0  # seconds, for one whole exchange
_MAX_ATTEMPTS: Final = 2  # unknown scheme -> the scheme the phone asks for
_TLS_CHECK_TIMEOUT: Final = 2.0  # seconds: does a silent plain port speak HTTPS?


class AuthScheme(StrEnum):
    """HTTP authentication schemes a phone may ask for."""

    BASIC = "basic"
    DIGEST = "digest"


@dataclass(frozen=True, kw_only=True)
class ClientSettings:
    """How to reach a phone's web server (make a new client when they change)."""

    host: str
    port: int | None = None  # None: 80, or 443 with HTTPS
    https: bool = False
    verify_ssl: bool = True
    username: str = DEFAULT_USERNAME
    password: str = field(default="", repr=False)
    # Digest once it worked (never given up for Basic); Basic once the user
    # allowed it (sent only when the phone asks for nothing else); None: unknown.
    scheme: AuthScheme | None = None

    @property
    def effective_port(self) -> int:
        """Return the port, defaulting by scheme."""
        if self.port is not None:
            return self.port
        return 443 if self.https else 80


class WebAccessError(Exception):
    """The phone did not do what was asked."""


class CannotConnect(WebAccessError):
    """The phone could not be reached, or did not answer in time."""


class InvalidAuth(WebAccessError):
    """The phone rejected the credentials (401)."""


class Forbidden(WebAccessError):
    """The phone refused Home Assistant itself (403): its allow list, say."""


class TlsError(WebAccessError):
    """HTTPS did not work out with the phone (HTTPS against a plain port, ...)."""


class HttpsExpected(TlsError):
    """Plain HTTP went to a port that speaks HTTPS: Use HTTPS is off."""


class CertificateNotTrusted(TlsError):
    """The phone's HTTPS certificate is not trusted (usually self-signed)."""


class BasicRefused(WebAccessError):
    """The phone asked for Basic authentication, which was not sent.

    Basic sends the password readable (over plain HTTP, to anyone on the way):
    it goes out only where the user allowed it, and never once Digest worked.
    """


class PhoneRefused(WebAccessError):
    """The phone answered with an error status."""

    def __init__(self, status: int) -> None:
        """Keep the HTTP status."""
        super().__init__(f"the phone answered HTTP {status}")
        self.status = status


class UnexpectedAnswer(WebAccessError):
    """The phone answered something that is not a plain success or error."""


class StaleNonce(UnexpectedAnswer):
    """The phone keeps calling fresh Digest nonces stale: not the credentials."""


def _scheme_of(header: str | None) -> AuthScheme | None:
    """Return the scheme named by an Authorization or WWW-Authenticate value."""
    word = (header or "").partition(" ")[0].lower()
    return next((scheme for scheme in AuthScheme if scheme == word), None)


def phone_url(settings: ClientSettings, target: str) -> URL:
    """Return the URL of a request target on the phone (no credentials in it)."""
    host = settings.host
    if host.startswith("[") and host.endswith("]"):
        host = host[1:-1]  # a bracketed IPv6 address
    try:
        base = URL.build(
            scheme="https" if settings.https else "http",
            host=host,
            port=settings.effective_port,
        )
    except (ValueError, TypeError) as err:
        raise CannotConnect("the phone's host or port is not valid") from err
    # encoded=True: the target (with "&" right after the path) goes out as is.
    return base.with_path(target, encoded=True)


class WebAccessClient:
    """Sends Action URI requests to one phone, one at a time."""

    # Seconds for one whole exchange, challenges included.
    timeout: float = DEFAULT_TIMEOUT

    def __init__(
        self,
        hass: HomeAssistant,
        settings: ClientSettings,
        *,
        timeout: float | None = None,
    ) -> None:
        """Prepare a client; nothing is sent until a request is made."""
        self._hass = hass
        self._settings = settings
        if timeout is not None:
            self.timeout = timeout
        self._lock = asyncio.Lock()
        # Digest known to work is kept; Basic waits for the phone to ask for it.
        self._scheme: AuthScheme | None = (
            settings.scheme if settings.scheme is AuthScheme.DIGEST else None
        )
        self._digest: aiohttp.DigestAuthMiddleware | None = None

    @property
    def settings(self) -> ClientSettings:
        """Return the settings this client uses."""
        return self._settings

    @property
    def auth_scheme(self) -> AuthScheme | None:
        """Return the scheme that worked, None until one did (or none is needed)."""
        return self._scheme

    async def async_probe(self) -> None:
        """Check reachability and credentials without making the phone act."""
        await self._async_request(probe_target())

    async def async_dial(self, number: str, account: int | None = None) -> None:
        """Dial a number (validated first; InvalidActionValue if refused)."""
        await self._async_request(dial_target(number, account))

    async def async_hang_up(self) -> None:
        """End the active call."""
        await self._async_request(hang_up_target())

    async def async_send_key(self, key: str) -> None:
        """Press one documented key (validated first)."""
        await self._async_request(key_target(key))

    def _auth(self, scheme: AuthScheme | None) -> dict[str, Any]:
        login, password = self._settings.username, self._settings.password
        try:
            if scheme is AuthScheme.BASIC:
                basic = basic_auth_header(login, password)
                return {"headers": {hdrs.AUTHORIZATION: basic}}
            if self._digest is None:
                self._digest = _DigestAuth(login, password)
        except ValueError as err:  # e.g. ":" in the user name
            raise InvalidAuth("the user name is not valid") from err
        return {"middlewares": (self._digest,)}

    async def _async_request(self, target: str) -> None:
        url = phone_url(self._settings, target)
        settings = self._settings
        session = async_get_clientsession(
            self._hass, verify_ssl=settings.verify_ssl or not settings.https
        )
        where = f"{url.host}:{settings.effective_port}"
        # The deadline covers the wait for the request before it, too.
        try:
            async with asyncio.timeout(self.timeout), self._lock:
                status = await self._async_exchange(session, url)
        except TimeoutError as err:
            _LOGGER.debug("Phone %s did not answer %s in time", where, target)
            raise CannotConnect(f"no answer within {self.timeout:g} s") from err
        except aiohttp.ClientConnectorCertificateError as err:
            _LOGGER.debug("Phone %s: certificate not trusted", where)
            raise CertificateNotTrusted(
                "the phone's certificate is not trusted"
            ) from err
        except aiohttp.ClientSSLError as err:
            _LOGGER.debug("Phone %s: HTTPS failed: %s", where, type(err).__name__)
            raise TlsError(f"HTTPS failed ({type(err).__name__})") from err
        except aiohttp.ClientConnectionError as err:
            _LOGGER.debug("Phone %s unreachable: %s", where, type(err).__name__)
            if isinstance(err, aiohttp.ServerDisconnectedError):
                await self._async_check_https(url)
            raise CannotConnect(
                f"cannot reach the phone ({type(err).__name__})"
            ) from err
        except aiohttp.ClientError as err:
            _LOGGER.debug("Phone %s answered oddly: %s", where, type(err).__name__)
            self._digest = None  # a challenge it cannot answer must not stick
            raise UnexpectedAnswer(f"unreadable answer ({type(err).__name__})") from err
        _LOGGER.debug("Phone %s answered %s to %s", where, status, target)
        if status == 401:
            raise InvalidAuth("the phone rejected the credentials (HTTP 401)")
        if status == 403:
            raise Forbidden("the phone refused Home Assistant (HTTP 403)")
        if 300 <= status < 400:
            raise UnexpectedAnswer(f"the phone redirected (HTTP {status})")
        if status == 400:
            await self._async_check_https(url)
        if not 200 <= status < 300:
            raise PhoneRefused(status)

    async def _async_check_https(self, url: URL) -> None:
        """Raise HttpsExpected if the port that refused plain HTTP speaks HTTPS.

        A TLS server answers plain HTTP with a hang-up or a 400: one handshake
        (no request, no credentials) to the same host and port tells.
        """
        if self._settings.https:
            return
        try:
            async with asyncio.timeout(_TLS_CHECK_TIMEOUT):
                _, writer = await asyncio.open_connection(
                    url.host, url.port, ssl=get_default_no_verify_context()
                )
        except OSError, TimeoutError:  # ssl.SSLError is an OSError
            return
        writer.close()
        with contextlib.suppress(OSError):
            await writer.wait_closed()
        raise HttpsExpected("the phone's web page speaks HTTPS on this port")

    async def _async_exchange(self, session: aiohttp.ClientSession, url: URL) -> int:
        """Send the request, switching scheme on a challenge; return the status."""
        timeout = aiohttp.ClientTimeout(total=self.timeout)
        status = 401
        for _ in range(_MAX_ATTEMPTS):
            async with session.get(
                url, allow_redirects=False, timeout=timeout, **self._auth(self._scheme)
            ) as response:
                status = response.status
                sent = _scheme_of(response.request_info.headers.get(hdrs.AUTHORIZATION))
                challenges = response.headers.getall(hdrs.WWW_AUTHENTICATE, ())
                offered = {_scheme_of(challenge) for challenge in challenges}
            if status != 401:
                self._scheme = sent or self._scheme
                return status
            if sent in offered:
                self._scheme = sent
                if sent is AuthScheme.DIGEST and any(
                    "stale=true" in challenge.replace(" ", "").replace('"', "").lower()
                    for challenge in challenges
                ):
                    self._digest = None  # start over with a fresh nonce next time
                    raise StaleNonce("the phone called a fresh nonce stale")
                return status  # credentials tried and rejected
            if AuthScheme.DIGEST in offered and sent is not AuthScheme.DIGEST:
                self._scheme = AuthScheme.DIGEST  # preferred whenever offered
                continue
            if AuthScheme.BASIC in offered and sent is not AuthScheme.BASIC:
                if (
                    self._scheme is AuthScheme.DIGEST
                    or self._settings.scheme is not AuthScheme.BASIC
                ):
                    _LOGGER.debug("Phone %s asked for Basic: not sent", url.host)
                    raise BasicRefused("the phone asked for Basic authentication")
                self._scheme = AuthScheme.BASIC
                continue
            return status
        return status


class _DigestAuth(aiohttp.DigestAuthMiddleware):
    """Digest that answers a Digest challenge wherever it is in the list.

    aiohttp's middleware reads only the first WWW-Authenticate header; a phone
    that offers Basic first and Digest second would otherwise get no Digest.
    """

    def _authenticate(self, response: aiohttp.ClientResponse) -> bool:
        challenges = response.headers.getall(hdrs.WWW_AUTHENTICATE, ())
        digest = next(
            (c for c in challenges if _scheme_of(c) is AuthScheme.DIGEST), None
        )
        if response.status != 401 or digest is None:
            return False
        return bool(super()._authenticate(_Challenge(response, digest)))  # type: ignore[arg-type]


class _Challenge:
    """The parts of a 401 answer the Digest middleware reads, one challenge only."""

    def __init__(self, response: aiohttp.ClientResponse, challenge: str) -> None:
        self.status = response.status
        self.url = response.url
        self.headers = CIMultiDict({hdrs.WWW_AUTHENTICATE: challenge})
