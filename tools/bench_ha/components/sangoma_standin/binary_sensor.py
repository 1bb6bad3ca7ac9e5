"""Stand-in binary_sensor entities (no logic)."""

from homeassistant.components.binary_sensor import BinarySensorEntity
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
    async_add_entities(entities(entry, "binary_sensor", StandIn))


class StandIn(StandInEntity, BinarySensorEntity):
    """A stand-in entity."""
