"""Stand-in button entities (no logic)."""

from homeassistant.components.button import ButtonEntity
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
    async_add_entities(entities(entry, "button", StandIn))


class StandIn(StandInEntity, ButtonEntity):
    """A stand-in entity."""

    def press(self) -> None:
        """Do nothing."""
