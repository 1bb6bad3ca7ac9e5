"""A phone's web access at runtime: one client, availability, errors for users.

Every request goes through `WebAccess.async_run`: translated errors, the
reauthentication, and availability (shown by the Web access sensor; a probe
retries). Rules: docs/web-access.md.
"""

import asyncio
from collections.abc import Awaitable, Callable
import contextlib
from datetime import datetime, timedelta
from typing import Any, Final

from homeassistant.config_entries import SOURCE_REAUTH, ConfigEntry
from homeassistant.core import CALLBACK_TYPE, HomeAssistant, callback
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers.dispatcher import (
    async_dispatcher_send,
)
from homeassistant.helpers.event import async_track_time_interval
from homeassistant.util import dt as dt_util
from homeassistant.util.signal_type import SignalType

from ..const import DOMAIN, LOGGER
from ..models import PhoneUpdate
from ..phone import SangomaPhone
from .client import (
    BasicRefused,
    CannotConnect,
    CertificateNotTrusted,
    Forbidden,
    HttpsExpected,
    InvalidAuth,
    PhoneRefused,
    TlsError,
    WebAccessClient,
    WebAccessError,
)
from .settings import (
    async_ask_to_follow,
    async_remember_scheme,
    async_track_phone_ip,
    client_settings,
    stored_settings,
)

RETRY_INTERVAL: Final = timedelta(seconds=60)

type ClientAction = Callable[[WebAccessClient], Awaitable[None]]


def error_key(err: WebAccessError) -> str:
    """Return the translation key (flow error and exception) of a client error."""
    if isinstance(err, CannotConnect):
        return "cannot_connect"
    if isinstance(err, InvalidAuth):
        return "invalid_auth"
    if isinstance(err, PhoneRefused):
        return "phone_refused"
    if isinstance(err, BasicRefused):
        return "basic_refused"
    if isinstance(err, Forbidden):
        return "forbidden"
    if isinstance(err, HttpsExpected):
        return "https_expected"
    if isinstance(err, CertificateNotTrusted):
        return "certificate_not_trusted"
    if isinstance(err, TlsError):
        return "tls_error"
    return "unexpected_answer"


class WebAccess:
    """Sends Action URI requests to one phone for its entities and actions."""

    def __init__(self, hass: HomeAssistant, entry: ConfigEntry) -> None:
        """Prepare; nothing is sent until asked."""
        self.hass = hass
        self.entry = entry
        self.available = True
        self.last_result: str | None = None
        self.last_result_at: datetime | None = None
        self.signal: SignalType[()] = SignalType(
            f"{DOMAIN}_web_access_{entry.entry_id}"
        )
        self._client: WebAccessClient | None = None
        self._retry: CALLBACK_TYPE | None = None
        self._stopped = False  # unloaded: a late answer changes nothing
        self._probe: asyncio.Task[None] | None = None  # at most one at a time

    def client(self) -> WebAccessClient:
        """Return the client for the current settings (a new one when they change)."""
        data = stored_settings(self.entry)
        assert data is not None
        settings = client_settings(data)
        if self._client is None or self._client.settings != settings:
            self._client = WebAccessClient(self.hass, settings)
        return self._client

    @callback
    def async_start(self, phone: SangomaPhone) -> CALLBACK_TYPE:
        """Follow the phone's requests (its IP, a sign of life); return the stop."""
        unsubscribe = phone.async_subscribe(
            None, lambda update: self._async_phone_update(phone, update)
        )

        @callback
        def _stop() -> None:
            self._stopped = True
            unsubscribe()
            self._stop_retry()

        return _stop

    @callback
    def _async_phone_update(self, phone: SangomaPhone, update: PhoneUpdate) -> None:
        if update.request is None:
            return
        if ip := update.request.variables.ip:
            self._follow(ip, update)
        if not self.available:
            self._async_start_probe()

    @callback
    def _follow(self, ip: str, update: PhoneUpdate) -> None:
        """Follow the phone's address only where this very request proved it.

        Proof: the pinned MAC, sent from that address (an address proved
        earlier proves nothing now: the phone may have moved since). Anything
        else asks the user first: the host receives the phone's password.
        """
        if update.proven:
            async_track_phone_ip(self.hass, self.entry, ip)
        else:
            async_ask_to_follow(self.hass, self.entry, ip, update.source)

    @callback
    def _async_start_probe(self, now: datetime | None = None) -> None:
        """Probe in the entry's name (an unload ends it); one at a time."""
        if self._probe is not None and not self._probe.done():
            return
        self._probe = self.entry.async_create_background_task(
            self.hass,
            self._async_retry(),
            f"{DOMAIN} web access probe {self.entry.entry_id}",
            eager_start=False,
        )

    async def _async_retry(self) -> None:
        with contextlib.suppress(HomeAssistantError):  # logged by availability
            await self.async_run(lambda client: client.async_probe())

    async def async_run(self, action: ClientAction) -> None:
        """Run one request; raise a translated HomeAssistantError if it failed."""
        client = self.client()
        try:
            await action(client)
        except WebAccessError as err:
            if not self._stopped:  # unloaded meanwhile: no timer, no reauth
                self._record(error_key(err))
                self._set_available(not isinstance(err, CannotConnect))
                if isinstance(err, InvalidAuth):
                    self.entry.async_start_reauth(self.hass)
            raise HomeAssistantError(
                translation_domain=DOMAIN,
                translation_key=error_key(err),
                translation_placeholders=self._placeholders(err),
            ) from err
        if self._stopped:
            return
        if self.last_result == "invalid_auth":  # the credentials work again
            for flow in self.entry.async_get_active_flows(self.hass, {SOURCE_REAUTH}):
                self.hass.config_entries.flow.async_abort(flow["flow_id"])
        self._record("ok")
        self._set_available(True)
        async_remember_scheme(self.hass, self.entry, client.auth_scheme)

    def _placeholders(self, err: WebAccessError) -> dict[str, str]:
        settings = self.client().settings
        placeholders = {
            "name": self.entry.title,
            "host": f"{settings.host}:{settings.effective_port}",
        }
        if isinstance(err, PhoneRefused):
            placeholders["status"] = str(err.status)
        return placeholders

    def _record(self, result: str) -> None:
        self.last_result = result
        self.last_result_at = dt_util.utcnow()

    def _set_available(self, available: bool) -> None:
        if available == self.available:
            return
        self.available = available
        if available:
            LOGGER.info("%s: the phone's web access answers again", self.entry.title)
            self._stop_retry()
        else:
            LOGGER.warning(
                "%s: the phone's web page cannot be reached; controls from Home "
                "Assistant fail until it answers (events from the phone still work)",
                self.entry.title,
            )
            self._retry = async_track_time_interval(
                self.hass, self._async_start_probe, RETRY_INTERVAL
            )
        async_dispatcher_send(self.hass, self.signal)

    def _stop_retry(self) -> None:
        if self._retry is not None:
            self._retry()
            self._retry = None

    def diagnostics(self) -> dict[str, Any]:
        """Return whether the phone answers, and the last result (no secrets)."""
        return {
            "available": self.available,
            "last_result": self.last_result,
            "last_result_at": (
                self.last_result_at.isoformat() if self.last_result_at else None
            ),
        }
