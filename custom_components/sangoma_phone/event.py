"""Event entity of a Sangoma phone: one event type per Action URL event."""

from typing import override

from homeassistant.components.event import EventEntity, EventEntityDescription
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .entity import SangomaPhoneEntity
from .models import PhoneUpdate, SangomaPhoneConfigEntry
from .protocol import EVENT_KEYS

PARALLEL_UPDATES = 0

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
