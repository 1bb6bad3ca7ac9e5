"""Event entity of a Sangoma phone: one event type per Action URL event."""

from collections.abc import Mapping
from types import MappingProxyType
from typing import Final, override

from homeassistant.components.event import EventEntity, EventEntityDescription
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .entity import SangomaPhoneEntity
from .models import PhoneUpdate, SangomaPhoneConfigEntry
from .protocol import EVENT_KEYS, EventKey

PARALLEL_UPDATES = 0

# What users read for each event: logbook lines, trigger descriptions (the
# translations name the event types alike; a test ties them together).
EVENT_LABELS: Final[Mapping[EventKey, str]] = MappingProxyType({
    EventKey.SETUP_COMPLETED: "Phone started",
    EventKey.REGISTERED: "Registered",
    EventKey.UNREGISTERED: "Unregistered",
    EventKey.REGISTER_FAILED: "Registration failed",
    EventKey.OFF_HOOK: "Picked up",
    EventKey.ON_HOOK: "Hung up",
    EventKey.INCOMING_CALL: "Incoming call",
    EventKey.OUTGOING_CALL: "Outgoing call",
    EventKey.ESTABLISHED: "Call answered",
    EventKey.TERMINATED: "Call ended",
    EventKey.DND_ON: "DND turned on",
    EventKey.DND_OFF: "DND turned off",
    EventKey.ALWAYS_FORWARD_ON: "Forward all calls turned on",
    EventKey.ALWAYS_FORWARD_OFF: "Forward all calls turned off",
    EventKey.BUSY_FORWARD_ON: "Forward when busy turned on",
    EventKey.BUSY_FORWARD_OFF: "Forward when busy turned off",
    EventKey.NO_ANSWER_FORWARD_ON: "Forward when unanswered turned on",
    EventKey.NO_ANSWER_FORWARD_OFF: "Forward when unanswered turned off",
    EventKey.TRANSFER_CALL: "Call transferred",
    EventKey.BLIND_TRANSFER: "Call transferred without asking",
    EventKey.ATTENDED_TRANSFER: "Call transferred after asking",
    EventKey.HOLD: "Call on hold",
    EventKey.UNHOLD: "Call resumed",
    EventKey.MUTE: "Microphone muted",
    EventKey.UNMUTE: "Microphone unmuted",
    EventKey.MISSED_CALL: "Missed call",
    EventKey.IDLE_TO_BUSY: "Phone busy",
    EventKey.BUSY_TO_IDLE: "Phone free",
    EventKey.FORWARD_INCOMING_CALL: "Incoming call forwarded",
    EventKey.REJECT_INCOMING_CALL: "Incoming call rejected",
    EventKey.ANSWER_NEW_INCALL: "Second call answered",
    EventKey.TRANSFER_FINISHED: "Transfer finished",
    EventKey.TRANSFER_FAILED: "Transfer failed",
    EventKey.IP_CHANGED: "IP address changed",
})  # fmt: skip

PHONE_EVENT = EventEntityDescription(
    key="phone_event",
    translation_key="phone_event",
    event_types=list(EVENT_KEYS),
)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: SangomaPhoneConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the phone's event entity."""
    async_add_entities([SangomaPhoneEventEntity(entry.runtime_data.phone, PHONE_EVENT)])


class SangomaPhoneEventEntity(SangomaPhoneEntity, EventEntity):
    """Fires for every request the phone sends, with the call's variables."""

    # What differs on every call (the call id, the other party) would make a
    # new attribute set in the recorder for nearly every request: the entity
    # still shows it, and the recorder keeps it in the bus event's data
    # (sangoma_phone_event) anyway.
    _unrecorded_attributes = frozenset(
        {"call_id", "remote", "remote_number", "display_remote"}
    )

    @override
    @callback
    def _async_update(self, update: PhoneUpdate) -> None:
        if (request := update.request) is not None:
            self._trigger_event(request.event.key, request.variables.as_dict())
            self.async_write_ha_state()
