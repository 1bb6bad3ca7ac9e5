"""Describe the phone's bus events (sangoma_phone_event) in the logbook."""

from collections.abc import Callable, Mapping
from typing import Any

from homeassistant.components.logbook.const import (
    LOGBOOK_ENTRY_MESSAGE,
    LOGBOOK_ENTRY_NAME,
)
from homeassistant.core import Event, HomeAssistant, callback
from homeassistant.helpers import device_registry as dr

from .const import DEFAULT_NAME, DOMAIN, EVENT_PHONE
from .protocol import EVENTS_BY_KEY, EventKey

REGISTRATION_EVENTS = frozenset(
    {EventKey.REGISTERED, EventKey.UNREGISTERED, EventKey.REGISTER_FAILED}
)


def phone_event_message(data: Mapping[str, Any]) -> str:
    """Return the logbook text of one phone event, e.g.

    ``reported Incoming Call (P3707): Bob (1002)``.
    """
    key = str(data.get("event"))
    spec = EVENTS_BY_KEY.get(key)
    message = f"reported {spec.name} ({spec.p_code})" if spec else f"reported {key}"
    name = str(data.get("display_remote") or "")
    number = str(data.get("remote_number") or "")
    party = f"{name} ({number})" if name and number and name != number else ""
    party = party or name or number
    if key == EventKey.IP_CHANGED and data.get("ip"):
        party = f"new IP address {data['ip']}"
    if key in REGISTRATION_EVENTS and data.get("account"):
        party = f"account {data['account']}"
    return f"{message}: {party}" if party else message


@callback
def async_describe_events(
    hass: HomeAssistant,
    async_describe_event: Callable[[str, str, Callable[[Event], dict[str, str]]], None],
) -> None:
    """Describe the phone events in the logbook."""

    @callback
    def async_describe_phone_event(event: Event) -> dict[str, str]:
        data = event.data
        name: str | None = None
        if (device_id := data.get("device_id")) and (
            device := dr.async_get(hass).async_get(device_id)
        ):
            name = device.name_by_user or device.name
        if name is None and (entry_id := data.get("entry_id")):
            entry = hass.config_entries.async_get_entry(entry_id)
            name = entry.title if entry else None
        return {
            LOGBOOK_ENTRY_NAME: name or DEFAULT_NAME,
            LOGBOOK_ENTRY_MESSAGE: phone_event_message(data),
        }

    async_describe_event(DOMAIN, EVENT_PHONE, async_describe_phone_event)
