"""The phone listener: a small, tolerant HTTP/1.x receiver for the phones' requests.

Home Assistant's web server refuses a request with a raw space or non-ASCII
byte, and ends the query at a raw ``#``. The listener reads such requests
(http.py, server.py), routes them by webhook id to a loaded phone and hands the
query to `SangomaPhone.async_handle_request`, as the webhook does. One per
instance, off by default (settings.py). Rules: docs/listener.md.
"""

import asyncio
import hmac
from http import HTTPStatus
from time import monotonic
from typing import Final

from yarl import URL

from homeassistant.core import HomeAssistant
from homeassistant.helpers import issue_registry as ir
from homeassistant.util.hass_dict import HassKey

from ..const import DOMAIN, LOGGER
from ..models import SangomaPhoneConfigEntry
from ..phone import ProblemLog
from ..protocol.ratelimit import SourceLimiter, Verdict
from ..protocol.urls import webhook_path
from .http import RequestRefused, read_request
from .server import OneRequestServer, listen_hosts, port_is_free
from .settings import ListenerSettings, ListenerSettingsStore

__all__ = [
    "DATA_LISTENER",
    "LISTENER_ISSUE",
    "ListenerSettings",
    "PhoneListener",
    "async_remove_listener_settings",
    "port_is_free",
]

WEBHOOK_PREFIX: Final = webhook_path("").encode()
LISTENER_ISSUE: Final = "listener_unavailable"


class PhoneListener:
    """The instance's phone listener: its settings, its phones and its server."""

    def __init__(
        self,
        hass: HomeAssistant,
        store: ListenerSettingsStore,
        settings: ListenerSettings,
    ) -> None:
        """Hold the settings; nothing listens until a phone is added."""
        self.hass = hass
        self._store = store
        self._settings = settings
        self._phones: dict[str, SangomaPhoneConfigEntry] = {}
        self._problems = ProblemLog()
        self._server = OneRequestServer(self._async_process, self._log_once)
        self._port: int | None = None
        self._lock = asyncio.Lock()
        self._stopped = False
        # Requests that match no phone, limited by sender (a phone's own
        # requests are limited by the phone's gate).
        self._unmatched = SourceLimiter()
        self.rate_limited = 0  # such requests answered 429, for the diagnostics

    @classmethod
    async def async_load(cls, hass: HomeAssistant) -> PhoneListener:
        """Return the listener with its stored settings."""
        store = ListenerSettingsStore(hass)
        return cls(hass, store, await store.async_load())

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
        await self._store.async_save(settings)
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
            if self._port is not None and self._port != port:
                await self._async_close_server()
            if port is None:
                ir.async_delete_issue(self.hass, DOMAIN, LISTENER_ISSUE)
            elif self._port is None:
                await self._async_start_server(port)

    async def _async_start_server(self, port: int) -> None:
        try:
            await self._server.async_start(listen_hosts(self.hass), port)
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
        self._port = port
        ir.async_delete_issue(self.hass, DOMAIN, LISTENER_ISSUE)
        LOGGER.info("The phone listener listens on port %s", port)

    async def _async_close_server(self) -> None:
        port, self._port = self._port, None
        await self._server.async_close()
        LOGGER.info("The phone listener on port %s stopped", port)

    # Routing

    async def _async_process(
        self, reader: asyncio.StreamReader, source: str | None
    ) -> tuple[HTTPStatus, bool]:
        """Read, route and deliver one request; return the status and HEAD."""
        request = await read_request(reader)
        entry = None
        if request.path.startswith(WEBHOOK_PREFIX):
            webhook_id = request.path.removeprefix(WEBHOOK_PREFIX)
            entry = next(
                (
                    entry
                    for entry in self._phones.values()
                    if hmac.compare_digest(
                        entry.runtime_data.phone.webhook_id.encode(), webhook_id
                    )
                ),
                None,
            )
        if entry is None and not self._take_unmatched(source):
            return HTTPStatus.TOO_MANY_REQUESTS, False
        if not request.path.startswith(WEBHOOK_PREFIX):
            raise RequestRefused(HTTPStatus.NOT_FOUND, "not_a_webhook")
        if entry is None or request.head_only:
            # Like Home Assistant's webhooks: ids cannot be probed, HEAD is 200.
            return HTTPStatus.OK, request.head_only
        if request.method not in (b"GET", b"POST"):
            return HTTPStatus.METHOD_NOT_ALLOWED, False
        return self._deliver(entry, request.parameters, source), False

    def _take_unmatched(self, source: str | None) -> bool:
        """Return whether a request that matches no phone may be answered."""
        verdict, _ = self._unmatched.take(source or "?", monotonic())
        if verdict is Verdict.REFUSE_FLOOD_START:
            self._log_once(
                f"flood:{source}",
                f"more than {self._unmatched.rate:g} requests a second for no "
                f"phone from {source}; answering 429 until they slow down",
            )
        if verdict.accepted:
            return True
        self.rate_limited += 1
        return False

    def _deliver(
        self, entry: SangomaPhoneConfigEntry, raw: bytes, source: str | None
    ) -> HTTPStatus:
        """Hand a request to its phone; an unexpected error is logged, 200."""
        try:
            return entry.runtime_data.phone.async_handle_request(raw, source)
        except Exception:
            LOGGER.exception("Phone listener: error handling a request from %s", source)
            return HTTPStatus.OK

    def _log_once(self, key: str, message: str) -> None:
        self._problems(key, "Phone listener: %s", message)


DATA_LISTENER: HassKey[PhoneListener] = HassKey(f"{DOMAIN}_listener")


async def async_remove_listener_settings(hass: HomeAssistant) -> None:
    """Delete the listener's settings and stop it (the last phone is removed)."""
    if (listener := hass.data.get(DATA_LISTENER)) is not None:
        await listener.async_reset()
    else:
        await ListenerSettingsStore(hass).async_remove()
