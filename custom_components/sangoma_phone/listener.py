"""The phone listener: a small, tolerant HTTP/1.x receiver for the phones' requests.

Home Assistant's web server answers 400 to a request whose target holds a raw
space or a raw non-ASCII byte, before any integration code runs, and ends the
query at a raw ``#``. A phone that puts a caller's name into its Action URL as
is ("John Doe", "Smith & Sons", "José") so loses the whole event, silently.

This listener reads the request line as bytes: method = first token, HTTP
version = last token, target = everything between (raw spaces and any bytes
allowed). It routes by the webhook id in the path to a loaded phone and hands
the query bytes (everything after the first ``?``, a ``#`` included) to
`SangomaPhone.async_handle_request`, the webhook's own code path. It answers
one request per connection with a fixed short body and closes; it never
echoes input.

There is one listener per Home Assistant instance, off by default. Its
settings (enabled, port) live in one Store, ``sangoma_phone.listener``; it
runs while it is enabled and at least one phone is loaded.
"""

import asyncio
from collections.abc import Mapping
from dataclasses import asdict, dataclass
import errno
import hmac
from http import HTTPStatus
import ipaddress
import re
import socket
from typing import Any, Final

from yarl import URL

from homeassistant.core import HomeAssistant
from homeassistant.helpers import issue_registry as ir
from homeassistant.helpers.storage import Store
from homeassistant.util.hass_dict import HassKey
from homeassistant.util.network import is_local

from .const import (
    CONF_WEBHOOK_ID,
    DEFAULT_LISTENER_PORT,
    DOMAIN,
    LISTENER_STORAGE_KEY,
    LISTENER_STORAGE_VERSION,
    LOGGER,
)
from .phone import MAX_BODY, ProblemLog, SangomaPhoneConfigEntry, local_only

# Every address, as Home Assistant's own server binds by default: the phones are
# on the LAN. When Home Assistant's server is bound to some addresses only, the
# listener binds the same ones (listen_hosts).
LISTEN_HOSTS: Final = ("0.0.0.0", "::") if socket.has_ipv6 else ("0.0.0.0",)  # noqa: S104
READ_TIMEOUT = 5.0  # seconds to receive a whole request
LINGER_TIMEOUT = 2.0  # seconds to send the answer and let the client close
MAX_REQUEST_LINE = 8192  # bytes, also the limit of one header line
MAX_HEADER_BLOCK = 16384  # bytes
MAX_HEADERS = 100
MAX_CONNECTIONS = 64  # concurrent; more are closed at once
LINGER_DRAIN = 65536  # bytes read and dropped after answering, at most

WEBHOOK_PREFIX: Final = b"/api/webhook/"
LISTENER_ISSUE: Final = "listener_unavailable"

_METHOD = re.compile(rb"[A-Z]{1,16}")
_VERSION = re.compile(rb"HTTP/1\.[0-9]")


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


@dataclass(frozen=True, slots=True, kw_only=True)
class ListenerSettings:
    """The instance-wide settings of the phone listener."""

    enabled: bool = False
    port: int = DEFAULT_LISTENER_PORT

    @classmethod
    def from_dict(cls, data: Any) -> ListenerSettings:
        """Read stored settings; anything unusable falls back to the default."""
        if not isinstance(data, Mapping):
            return cls()
        port = data.get("port")
        if not isinstance(port, int) or isinstance(port, bool) or not 0 < port < 65536:
            port = DEFAULT_LISTENER_PORT
        return cls(enabled=data.get("enabled") is True, port=port)

    def as_dict(self) -> dict[str, Any]:
        """Return the settings to store."""
        return asdict(self)


@dataclass(frozen=True, slots=True)
class RawRequest:
    """One request as read from the socket, undecoded."""

    method: bytes
    path: bytes
    query: bytes
    body: bytes


class RequestRefused(Exception):
    """A request answered with an error status, without reaching a phone."""

    def __init__(self, status: HTTPStatus, reason: str) -> None:
        """Keep the status to answer and a stable reason for the log."""
        super().__init__(reason)
        self.status = status
        self.reason = reason


def split_request_line(line: bytes) -> tuple[bytes, bytes, bytes]:
    """Split a request line into method, target and HTTP version.

    The method is the first token and the version the last; the target is
    everything between, raw spaces and any other bytes included.
    """
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

    Raises RequestRefused on a malformed or over-long request, and
    asyncio.IncompleteReadError if the client closes before the end.
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


def listen_hosts(hass: HomeAssistant) -> tuple[str, ...]:
    """Return the addresses to listen on: those of Home Assistant's own server."""
    server = getattr(hass, "http", None)
    hosts: list[str] | None = getattr(server, "server_host", None)
    return tuple(hosts) if hosts else LISTEN_HOSTS


def port_is_free(port: int, hosts: tuple[str, ...] = LISTEN_HOSTS) -> bool:
    """Return whether the listener could listen on a TCP port (a bind test).

    Binds as asyncio's server does: on every address of ``hosts``, with
    SO_REUSEADDR (a port held only by closed connections is free), IPv6 only
    on the IPv6 socket, skipping an address family the system does not have.
    """
    for host in hosts:
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        try:
            sock = socket.socket(family, socket.SOCK_STREAM)
        except OSError:
            continue
        with sock:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            if family == socket.AF_INET6:
                sock.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
            try:
                sock.bind((host, port))
            except OSError as err:
                if err.errno != errno.EADDRNOTAVAIL:
                    return False
    return True


def _is_local(source: str | None) -> bool:
    try:
        return is_local(ipaddress.ip_address(source or ""))
    except ValueError:
        return False


def listener_store(hass: HomeAssistant) -> Store[dict[str, Any]]:
    """Return the store of the listener's settings."""
    return Store(hass, LISTENER_STORAGE_VERSION, LISTENER_STORAGE_KEY)


class PhoneListener:
    """The instance's phone listener: its settings, its phones and its server."""

    def __init__(
        self,
        hass: HomeAssistant,
        store: Store[dict[str, Any]],
        settings: ListenerSettings,
    ) -> None:
        """Hold the settings; nothing listens until a phone is added."""
        self.hass = hass
        self._store = store
        self._settings = settings
        self._phones: dict[str, SangomaPhoneConfigEntry] = {}
        self._server: asyncio.Server | None = None
        self._port: int | None = None
        self._tasks: set[asyncio.Task[Any]] = set()
        self._lock = asyncio.Lock()
        self._stopped = False
        self._problems = ProblemLog()

    @classmethod
    async def async_load(cls, hass: HomeAssistant) -> PhoneListener:
        """Return the listener with its stored settings."""
        store = listener_store(hass)
        return cls(hass, store, ListenerSettings.from_dict(await store.async_load()))

    @property
    def settings(self) -> ListenerSettings:
        """Return the current settings."""
        return self._settings

    @property
    def port(self) -> int | None:
        """Return the port it listens on; None when it does not run."""
        return self._port

    def base_url(self, local_url: str) -> str:
        """Return the base URL of the listener: the local URL's host, its port."""
        host = URL(local_url).host or "localhost"
        return str(URL.build(scheme="http", host=host, port=self._settings.port))

    def port_available(self, port: int) -> bool:
        """Return whether the listener can use a port (its own current one is)."""
        return port == self._port or port_is_free(port, listen_hosts(self.hass))

    async def async_set_settings(self, settings: ListenerSettings) -> None:
        """Store new settings and apply them (start, stop or change port)."""
        self._settings = settings
        await self._store.async_save(settings.as_dict())
        await self._async_apply()

    async def async_reset(self) -> None:
        """Forget the settings (the last phone was removed)."""
        self._settings = ListenerSettings()
        await self._store.async_remove()
        await self._async_apply()

    async def async_add_phone(self, entry: SangomaPhoneConfigEntry) -> None:
        """Route requests to a loaded phone; start listening if enabled."""
        self._phones[entry.entry_id] = entry
        await self._async_apply()

    async def async_remove_phone(self, entry: SangomaPhoneConfigEntry) -> None:
        """Stop routing to an unloaded phone; stop listening after the last."""
        self._phones.pop(entry.entry_id, None)
        await self._async_apply()

    async def async_stop(self) -> None:
        """Stop for good (Home Assistant stops)."""
        self._stopped = True
        await self._async_apply()

    async def _async_apply(self) -> None:
        """Make the server match the settings and the loaded phones."""
        async with self._lock:
            wanted = self._settings.enabled and bool(self._phones) and not self._stopped
            port = self._settings.port if wanted else None
            if self._server is not None and self._port != port:
                await self._async_close_server(self._server)
            if port is None:
                ir.async_delete_issue(self.hass, DOMAIN, LISTENER_ISSUE)
            elif self._server is None:
                await self._async_start_server(port)

    async def _async_start_server(self, port: int) -> None:
        try:
            server = await asyncio.start_server(
                self._async_handle_connection,
                host=list(listen_hosts(self.hass)),
                port=port,
                limit=MAX_REQUEST_LINE,
                backlog=MAX_CONNECTIONS,
                reuse_address=True,
            )
        except OSError as err:
            LOGGER.error(
                "The phone listener cannot listen on port %s: %s; phones set to "
                "use it cannot send events. Choose another port in a phone's "
                "options (Phone listener)",
                port,
                err.strerror or err,
            )
            ir.async_create_issue(
                self.hass,
                DOMAIN,
                LISTENER_ISSUE,
                is_fixable=False,
                severity=ir.IssueSeverity.ERROR,
                translation_key=LISTENER_ISSUE,
                translation_placeholders={
                    "port": str(port),
                    "error": str(err.strerror or err),
                },
            )
            return
        self._server = server
        self._port = port
        ir.async_delete_issue(self.hass, DOMAIN, LISTENER_ISSUE)
        LOGGER.info("The phone listener listens on port %s", port)

    async def _async_close_server(self, server: asyncio.Server) -> None:
        """Close the socket and every open connection, and wait for them."""
        port = self._port
        self._server = None
        self._port = None
        server.close()
        server.abort_clients()
        tasks = list(self._tasks)
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        await server.wait_closed()
        LOGGER.info("The phone listener on port %s stopped", port)

    async def _async_handle_connection(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        """Serve one connection: one request, one answer, close."""
        if len(self._tasks) >= MAX_CONNECTIONS:
            writer.transport.abort()
            self._log_once("connections", "too many connections at once")
            return
        task = asyncio.current_task()
        assert task is not None
        self._tasks.add(task)
        try:
            await self._async_serve(reader, writer)
        finally:
            self._tasks.discard(task)
            writer.transport.abort()  # no-op once closed cleanly

    async def _async_serve(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        peer = writer.get_extra_info("peername")
        source = str(peer[0]) if isinstance(peer, tuple) and peer else None
        try:
            async with asyncio.timeout(READ_TIMEOUT):
                status, head_only = await self._async_process(reader, source)
        except RequestRefused as err:
            LOGGER.debug("Phone listener: %s from %s: %s", err.status, source, err)
            status, head_only = err.status, False
        except TimeoutError, EOFError, ConnectionError:
            return  # the client was too slow or went away: nothing to answer
        head, body = _RESPONSES.get(status) or _response(status)
        try:
            async with asyncio.timeout(LINGER_TIMEOUT):
                writer.write(head if head_only else head + body)
                await writer.drain()
                writer.write_eof()
                # Read what the client still sends, so closing does not reset
                # the connection before it has read the answer.
                drained = 0
                while drained < LINGER_DRAIN and (data := await reader.read(4096)):
                    drained += len(data)
                writer.close()
                await writer.wait_closed()
        except TimeoutError, ConnectionError:
            pass

    async def _async_process(
        self, reader: asyncio.StreamReader, source: str | None
    ) -> tuple[HTTPStatus, bool]:
        """Read, route and handle one request; return the status and HEAD."""
        local = _is_local(source)
        if not local and all(local_only(e) for e in self._phones.values()):
            self._log_once("non_local", f"refused a request from {source}")
            raise RequestRefused(HTTPStatus.FORBIDDEN, "not_local")
        request = await read_request(reader)
        if not request.path.startswith(WEBHOOK_PREFIX):
            raise RequestRefused(HTTPStatus.NOT_FOUND, "not_a_webhook")
        webhook_id = request.path.removeprefix(WEBHOOK_PREFIX)
        entry = next(
            (
                entry
                for entry in self._phones.values()
                if hmac.compare_digest(entry.data[CONF_WEBHOOK_ID].encode(), webhook_id)
            ),
            None,
        )
        head_only = request.method == b"HEAD"
        if entry is None or head_only:
            # Like Home Assistant's webhooks: ids cannot be probed, HEAD is 200.
            return HTTPStatus.OK, head_only
        if request.method not in (b"GET", b"POST"):
            return HTTPStatus.METHOD_NOT_ALLOWED, False
        if not local and local_only(entry):
            self._log_once(
                "non_local", f"refused a request for {entry.title} from {source}"
            )
            return HTTPStatus.FORBIDDEN, False
        raw = request.query
        if request.method == b"POST" and not raw:
            raw = request.body
        try:
            return entry.runtime_data.async_handle_request(raw, source), False
        except Exception:
            LOGGER.exception("Phone listener: error handling a request from %s", source)
            return HTTPStatus.OK, False

    def _log_once(self, key: str, message: str) -> None:
        self._problems(key, "Phone listener: %s", message)


DATA_LISTENER: HassKey[PhoneListener] = HassKey(f"{DOMAIN}_listener")


async def async_remove_listener_settings(hass: HomeAssistant) -> None:
    """Delete the listener's settings and stop it (the last phone is removed)."""
    if (listener := hass.data.get(DATA_LISTENER)) is not None:
        await listener.async_reset()
    else:
        await listener_store(hass).async_remove()
