"""Stand-in sensor entities (no logic)."""

from homeassistant.components.sensor import SensorEntity
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
    async_add_entities(entities(entry, "sensor", StandIn))


class StandIn(StandInEntity, SensorEntity):
    """A stand-in entity."""
