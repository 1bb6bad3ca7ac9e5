"""One configured phone at runtime: requests in, state, device and events out.

The webhook handler (and any other transport) hands the raw query string to
`SangomaPhone.async_handle_request`; everything after that is one code path:
parse, check the sender, apply to the state machine, persist, notify entities,
fire the bus event.
"""

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from http import HTTPStatus
import ipaddress
from typing import Any

from aiohttp import hdrs, web

from homeassistant.config_entries import SOURCE_IGNORE, ConfigEntry, ConfigEntryState
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import device_registry as dr, issue_registry as ir
from homeassistant.helpers.dispatcher import async_dispatcher_send
from homeassistant.helpers.storage import Store
from homeassistant.util import dt as dt_util
from homeassistant.util.signal_type import SignalType

from .const import (
    CONF_ALLOWED_NETWORKS,
    CONF_LOCAL_ONLY,
    CONF_MAC,
    CONF_WEBHOOK_ID,
    DEFAULT_LOCAL_ONLY,
    DOMAIN,
    EVENT_PHONE,
    LOGGER,
    MANUFACTURER,
    STORAGE_SAVE_DELAY,
    STORAGE_VERSION,
)
from .protocol import (
    ParsedRequest,
    PhoneState,
    PhoneStateMachine,
    QueryError,
    configuration_url,
    format_mac,
    parse_query,
)

type SangomaPhoneConfigEntry = ConfigEntry[SangomaPhone]

MAX_BODY = 8192
MAC_MISMATCH_REPAIR_AFTER = 3
MAX_FOREIGN_MACS = 16  # other phones' MACs counted for that repair
MAX_LOGGED_PROBLEMS = 64  # distinct problems logged as warnings


@dataclass(frozen=True, slots=True)
class PhoneUpdate:
    """A change of the phone's state: the fields changed and, if the phone
    sent it, the request (None for a change made in Home Assistant)."""

    request: ParsedRequest | None
    changed: frozenset[str]


def phone_store(hass: HomeAssistant, entry_id: str) -> Store[dict[str, Any]]:
    """Return the store that keeps a phone's state across restarts."""
    return Store(hass, STORAGE_VERSION, f"{DOMAIN}.{entry_id}")


def mac_mismatch_issue_id(entry_id: str) -> str:
    """Return the repair issue id for requests from another phone."""
    return f"mac_mismatch_{entry_id}"


@callback
def async_mac_owner(hass: HomeAssistant, mac: str, entry_id: str) -> ConfigEntry | None:
    """Return the other phone that has this MAC; an ignored discovery is none."""
    other = hass.config_entries.async_entry_for_domain_unique_id(DOMAIN, mac)
    if other is None or other.entry_id == entry_id or other.source == SOURCE_IGNORE:
        return None
    return other


@callback
def async_pin_mac(
    hass: HomeAssistant, entry: SangomaPhoneConfigEntry, mac: str | None
) -> None:
    """Pin a phone to a MAC, or (None) let it learn it: entry, device, repairs.

    An ignored discovery of the same phone is removed first, then the MAC
    becomes the entry's unique id.
    """
    ignored = hass.config_entries.async_entry_for_domain_unique_id(DOMAIN, mac or "")
    ignored = (
        ignored if ignored is not None and ignored.source == SOURCE_IGNORE else None
    )
    hass.config_entries.async_update_entry(
        entry,
        data={**entry.data, CONF_MAC: mac},
        unique_id=entry.unique_id if ignored else mac,
    )
    if ignored is not None:

        async def _async_adopt() -> None:
            await hass.config_entries.async_remove(ignored.entry_id)
            if entry.data.get(CONF_MAC) == mac:
                hass.config_entries.async_update_entry(entry, unique_id=mac)

        hass.async_create_task(_async_adopt(), eager_start=False)
    registry = dr.async_get(hass)
    if device := registry.async_get_device_by_identifier(
        (DOMAIN, entry.entry_id), entry.entry_id
    ):
        registry.async_update_device(device.id, new_connections=_mac_connections(mac))
    ir.async_delete_issue(hass, DOMAIN, mac_mismatch_issue_id(entry.entry_id))
    if entry.state is ConfigEntryState.LOADED:
        entry.runtime_data.foreign_macs.clear()


def _mac_connections(mac: str | None) -> set[tuple[str, str]]:
    return {(dr.CONNECTION_NETWORK_MAC, format_mac(mac))} if mac else set()


def local_only(entry: ConfigEntry) -> bool:
    """Return whether the phone accepts requests from the local network only."""
    return bool(entry.options.get(CONF_LOCAL_ONLY, DEFAULT_LOCAL_ONLY))


class ProblemLog:
    """Log each distinct problem as a warning once, then at debug level.

    Past MAX_LOGGED_PROBLEMS distinct problems (say, a flood of requests with
    ever new MACs) everything goes to the debug level.
    """

    def __init__(self) -> None:
        """Start with nothing logged."""
        self._seen: set[str] = set()

    def __call__(self, key: str, msg: str, *args: Any) -> None:
        """Log the problem `key`."""
        if key in self._seen or len(self._seen) >= MAX_LOGGED_PROBLEMS:
            LOGGER.debug(msg, *args)
            return
        self._seen.add(key)
        LOGGER.warning(msg, *args)


class SangomaPhone:
    """The runtime data of one phone's config entry."""

    def __init__(
        self,
        hass: HomeAssistant,
        entry: SangomaPhoneConfigEntry,
        store: Store[dict[str, Any]],
        stored: Mapping[str, Any] | None,
    ) -> None:
        """Set the phone up from its stored state (or from nothing)."""
        self.hass = hass
        self.entry = entry
        # The id the webhook is registered under; entry data may change first
        # (a new webhook id is stored before the entry reloads).
        self.webhook_id: str = entry.data[CONF_WEBHOOK_ID]
        self._store = store
        state, dropped = PhoneState.restore(
            stored.get("state") if isinstance(stored, Mapping) else stored
        )
        if dropped:
            LOGGER.warning(
                "%s: dropped unusable stored values: %s",
                entry.title,
                ", ".join(dropped),
            )
        self.machine = PhoneStateMachine(state)
        # Calls that may have ended while Home Assistant was not running.
        self.machine.forget_unfinished_calls(dt_util.utcnow())
        self.signal: SignalType[PhoneUpdate] = SignalType(
            f"{DOMAIN}_update_{entry.entry_id}"
        )
        self.event_counts: Counter[str] = Counter()
        self.rejected_counts: Counter[str] = Counter()
        self.last_rejected: dict[str, Any] | None = None
        self._log_once = ProblemLog()
        self.foreign_macs: Counter[str] = Counter()
        self.device_id = self._async_setup_device()

    @property
    def state(self) -> PhoneState:
        """Return the phone's current state."""
        return self.machine.state

    @callback
    def _async_setup_device(self) -> str:
        """Create or refresh the phone's device; return its id."""
        state = self.state
        device = dr.async_get(self.hass).async_get_or_create(
            config_entry_id=self.entry.entry_id,
            identifiers={(DOMAIN, self.entry.entry_id)},
            connections=_mac_connections(
                self.entry.data.get(CONF_MAC) or self.state.mac
            ),
            manufacturer=MANUFACTURER,
            name=self.entry.title,
            model=state.model,
            sw_version=state.firmware,
            configuration_url=configuration_url(state.ip),
        )
        return device.id

    async def async_handle_webhook(
        self, hass: HomeAssistant, webhook_id: str, request: web.Request
    ) -> web.Response:
        """Handle a request from the phone on the webhook. Never raises."""
        rel_url = getattr(request, "rel_url", None)
        raw: str | bytes = (
            rel_url.raw_query_string if rel_url is not None else request.query_string
        )
        if request.method == hdrs.METH_POST and not raw:
            # Read at most one byte past the limit: parse_query refuses that.
            body = b""
            while len(body) <= MAX_BODY and (
                chunk := await request.content.read(MAX_BODY + 1 - len(body))
            ):
                body += chunk
            raw = body
        status = self.async_handle_request(raw, request.remote)
        return web.Response(status=status, text=f"{status.phrase}\n")

    @callback
    def async_handle_request(
        self, raw_query: str | bytes, source: str | None
    ) -> HTTPStatus:
        """Parse and apply one phone request; return the HTTP status to answer."""
        if not self._source_allowed(source):
            return self._reject("source_not_allowed", source)
        try:
            request = parse_query(raw_query)
        except QueryError as err:
            return self._reject(err.reason, source, HTTPStatus.BAD_REQUEST)
        for problem in request.problems:
            self._log_once(
                f"problem:{problem}",
                "%s: request from %s: %s (the event was accepted)",
                self.entry.title,
                source,
                problem,
            )
        if (status := self._check_mac(request, source)) is not None:
            return status
        self._accept(request)
        return HTTPStatus.OK

    def _source_allowed(self, source: str | None) -> bool:
        networks = self.entry.options.get(CONF_ALLOWED_NETWORKS)
        if not networks:
            return True
        try:
            address = ipaddress.ip_address(source or "")
        except ValueError:
            return False
        return any(
            address in ipaddress.ip_network(network, strict=False)
            for network in networks
        )

    def _check_mac(
        self, request: ParsedRequest, source: str | None
    ) -> HTTPStatus | None:
        """Return a rejection status if the request comes from another phone."""
        mac = request.variables.mac
        if mac is None:
            return None
        pinned: str | None = self.entry.data.get(CONF_MAC)
        if pinned is None:
            if async_mac_owner(self.hass, mac, self.entry.entry_id) is not None:
                return self._reject("mac_in_use", source, detail=format_mac(mac))
            LOGGER.info(
                "%s: learned the phone's MAC address %s",
                self.entry.title,
                format_mac(mac),
            )
            async_pin_mac(self.hass, self.entry, mac)
            return None
        if mac == pinned:
            return None
        if mac in self.foreign_macs or len(self.foreign_macs) < MAX_FOREIGN_MACS:
            self.foreign_macs[mac] += 1
        if self.foreign_macs[mac] >= MAC_MISMATCH_REPAIR_AFTER:
            ir.async_create_issue(
                self.hass,
                DOMAIN,
                mac_mismatch_issue_id(self.entry.entry_id),
                is_fixable=True,
                severity=ir.IssueSeverity.WARNING,
                translation_key="mac_mismatch",
                translation_placeholders={
                    "name": self.entry.title,
                    "mac": format_mac(mac),
                    "pinned_mac": format_mac(pinned),
                    "ip": request.variables.ip or source or "?",
                },
                data={
                    "entry_id": self.entry.entry_id,
                    "mac": mac,
                    "ip": request.variables.ip or source or "?",
                },
            )
        return self._reject("mac_mismatch", source, detail=format_mac(mac))

    def _reject(
        self,
        reason: str,
        source: str | None,
        status: HTTPStatus = HTTPStatus.FORBIDDEN,
        detail: str = "",
    ) -> HTTPStatus:
        self.rejected_counts[reason] += 1
        self.last_rejected = {
            "reason": reason,
            "detail": detail,
            "time": dt_util.utcnow().isoformat(),
        }
        self._log_once(
            f"reject:{reason}:{detail}",
            "%s: rejected a request from %s: %s%s (nothing was changed)",
            self.entry.title,
            source,
            reason,
            f" ({detail})" if detail else "",
        )
        return status

    def _accept(self, request: ParsedRequest) -> None:
        before = self.state
        identity = (before.model, before.firmware, before.ip)
        changed = self.machine.apply(request, dt_util.utcnow())
        self.event_counts[request.event.key] += 1
        if identity != (
            self.state.model,
            self.state.firmware,
            self.state.ip,
        ):
            dr.async_get(self.hass).async_update_device(
                self.device_id,
                model=self.state.model,
                sw_version=self.state.firmware,
                configuration_url=configuration_url(self.state.ip),
            )
        self._store.async_delay_save(self._data_to_store, STORAGE_SAVE_DELAY)
        async_dispatcher_send(self.hass, self.signal, PhoneUpdate(request, changed))
        self.hass.bus.async_fire(
            EVENT_PHONE,
            {
                "device_id": self.device_id,
                "entry_id": self.entry.entry_id,
                "event": request.event.key,
                "p_code": request.event.p_code,
                **request.variables.as_dict(),
            },
        )

    @callback
    def _data_to_store(self) -> dict[str, Any]:
        return {"state": self.state.as_dict()}

    @callback
    def async_clear_missed_calls(self) -> None:
        """Reset the missed call counter."""
        changed = self.machine.clear_missed_calls()
        self._store.async_delay_save(self._data_to_store, STORAGE_SAVE_DELAY)
        async_dispatcher_send(self.hass, self.signal, PhoneUpdate(None, changed))

    async def async_save(self) -> None:
        """Write the state now (on unload)."""
        await self._store.async_save(self._data_to_store())
