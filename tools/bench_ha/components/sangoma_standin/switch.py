"""Stand-in switch entities (no logic)."""

from typing import Any

from homeassistant.components.switch import SwitchEntity
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
    async_add_entities(entities(entry, "switch", StandIn))


class StandIn(StandInEntity, SwitchEntity):
    """A stand-in entity."""

    def turn_on(self, **kwargs: Any) -> None:
        """Do nothing."""

    def turn_off(self, **kwargs: Any) -> None:
        """Do nothing."""
