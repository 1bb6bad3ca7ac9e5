"""Stand-in event entities (no logic)."""

from homeassistant.components.event import EventEntity
from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from . import StandInEntity, entities


async def async_setup_entry(
    hass: HomeAssistant,
    entry: ConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the stand-in entities."""
    async_add_entities(entities(entry, "event", StandIn))


class StandIn(StandInEntity, EventEntity):
    """A stand-in entity (its event types come with its description)."""
