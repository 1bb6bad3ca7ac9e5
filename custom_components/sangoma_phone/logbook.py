"""Describe the phone's bus events (sangoma_phone_event) in the logbook.

One readable line per request, e.g. "Incoming call from Alice (1002)", with an
icon, under the phone's name and tied to its event entity, so a logbook card of
that entity reads as the phone's call history.
"""

from collections.abc import Callable, Mapping
from typing import Any, Final

from homeassistant.components.logbook.const import (
    LOGBOOK_ENTRY_ENTITY_ID,
    LOGBOOK_ENTRY_ICON,
    LOGBOOK_ENTRY_MESSAGE,
    LOGBOOK_ENTRY_NAME,
)
from homeassistant.core import Event, HomeAssistant, callback
from homeassistant.helpers import device_registry as dr, entity_registry as er

from .const import DEFAULT_NAME, DOMAIN, EVENT_PHONE
from .event import PHONE_EVENT
from .protocol import EVENTS_BY_KEY, EventKey
from .texts import Texts, ui_texts

_K = EventKey
# How the other party is named after the event's label.
_FROM = frozenset({_K.INCOMING_CALL, _K.MISSED_CALL, _K.FORWARD_INCOMING_CALL,
                   _K.REJECT_INCOMING_CALL, _K.ANSWER_NEW_INCALL})  # fmt: skip
_TO = frozenset({_K.OUTGOING_CALL})

ICONS: Final[Mapping[str, str]] = {
    _K.SETUP_COMPLETED: "mdi:power",
    _K.REGISTERED: "mdi:phone-check",
    _K.UNREGISTERED: "mdi:phone-remove",
    _K.REGISTER_FAILED: "mdi:phone-alert",
    _K.OFF_HOOK: "mdi:phone",
    _K.ON_HOOK: "mdi:phone-hangup",
    _K.INCOMING_CALL: "mdi:phone-incoming",
    _K.OUTGOING_CALL: "mdi:phone-outgoing",
    _K.ESTABLISHED: "mdi:phone-in-talk",
    _K.TERMINATED: "mdi:phone-hangup",
    _K.DND_ON: "mdi:minus-circle",
    _K.DND_OFF: "mdi:minus-circle-off",
    _K.ALWAYS_FORWARD_ON: "mdi:phone-forward",
    _K.ALWAYS_FORWARD_OFF: "mdi:phone-forward-outline",
    _K.BUSY_FORWARD_ON: "mdi:phone-forward",
    _K.BUSY_FORWARD_OFF: "mdi:phone-forward-outline",
    _K.NO_ANSWER_FORWARD_ON: "mdi:phone-forward",
    _K.NO_ANSWER_FORWARD_OFF: "mdi:phone-forward-outline",
    _K.TRANSFER_CALL: "mdi:phone-forward",
    _K.BLIND_TRANSFER: "mdi:phone-forward",
    _K.ATTENDED_TRANSFER: "mdi:phone-forward",
    _K.HOLD: "mdi:phone-paused",
    _K.UNHOLD: "mdi:phone-in-talk",
    _K.MUTE: "mdi:microphone-off",
    _K.UNMUTE: "mdi:microphone",
    _K.MISSED_CALL: "mdi:phone-missed",
    _K.IDLE_TO_BUSY: "mdi:phone-in-talk",
    _K.BUSY_TO_IDLE: "mdi:phone",
    _K.FORWARD_INCOMING_CALL: "mdi:phone-forward",
    _K.REJECT_INCOMING_CALL: "mdi:phone-cancel",
    _K.ANSWER_NEW_INCALL: "mdi:phone-plus",
    _K.TRANSFER_FINISHED: "mdi:phone-check",
    _K.TRANSFER_FAILED: "mdi:phone-alert",
    _K.IP_CHANGED: "mdi:ip-network",
}
DEFAULT_ICON: Final = "mdi:phone"
REGISTRATION_EVENTS = frozenset({_K.REGISTERED, _K.UNREGISTERED, _K.REGISTER_FAILED})


def phone_event_message(data: Mapping[str, Any], texts: Texts) -> str:
    """Return the logbook line of an event, e.g. ``Incoming call from Alice (1002)``."""
    key = str(data.get("event"))
    spec = EVENTS_BY_KEY.get(key)
    if spec is None:
        return texts.phrase("unknown_event", key=key)
    label = texts.event_label(spec.key)
    name = str(data.get("display_remote") or "")
    number = str(data.get("remote_number") or "")
    party = f"{name} ({number})" if name and number and name != number else ""
    party = party or name or number
    if key == _K.IP_CHANGED and data.get("ip"):
        return texts.phrase("event_value", event=label, value=str(data["ip"]))
    if key in REGISTRATION_EVENTS and data.get("account"):
        return texts.phrase("event_value", event=label, value=str(data["account"]))
    if not party or not spec.params or "remote" not in spec.params:
        return label
    word = "event_from" if key in _FROM else "event_to" if key in _TO else "event_with"
    return texts.phrase(word, event=label, party=party)


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
        entry_id = data.get("entry_id")
        if name is None and entry_id:
            entry = hass.config_entries.async_get_entry(entry_id)
            name = entry.title if entry else None
        description = {
            LOGBOOK_ENTRY_NAME: name or DEFAULT_NAME,
            LOGBOOK_ENTRY_MESSAGE: phone_event_message(data, ui_texts(hass)),
            LOGBOOK_ENTRY_ICON: ICONS.get(str(data.get("event")), DEFAULT_ICON),
        }
        if entry_id and (
            entity_id := er.async_get(hass).async_get_entity_id(
                "event", DOMAIN, f"{entry_id}_{PHONE_EVENT.key}"
            )
        ):
            description[LOGBOOK_ENTRY_ENTITY_ID] = entity_id
        return description

    async_describe_event(DOMAIN, EVENT_PHONE, async_describe_phone_event)
