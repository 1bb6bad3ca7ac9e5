"""A stand-in for sangoma_phone with the same device and entities, no logic.

Benchmark only (scripts/bench --ha --scale): Home Assistant's own cost per
phone (setup time, memory), to compare the integration with. Never shipped.
"""

from __future__ import annotations

from typing import Any

from custom_components.sangoma_phone.binary_sensor import BINARY_SENSORS, DND
from custom_components.sangoma_phone.button import RESET_MISSED_CALLS
from custom_components.sangoma_phone.event import PHONE_EVENT
from custom_components.sangoma_phone.sensor import SENSORS
from homeassistant.config_entries import ConfigEntry
from homeassistant.const import Platform
from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers.device_registry import DeviceInfo
from homeassistant.helpers.entity import Entity, EntityDescription

DOMAIN = "sangoma_standin"
PLATFORMS = [
    Platform.BINARY_SENSOR,
    Platform.BUTTON,
    Platform.EVENT,
    Platform.SENSOR,
    Platform.SWITCH,
]
# A phone's entities as the integration describes them (a phone without web
# access, as the benchmark adds them: DND is a binary sensor, no switch), with
# their device classes, categories and what is disabled by default.
ENTITIES: dict[str, tuple[EntityDescription, ...]] = {
    "binary_sensor": (*BINARY_SENSORS, DND),
    "button": (RESET_MISSED_CALLS,),
    "event": (PHONE_EVENT,),
    "sensor": SENSORS,
    "switch": (),
}


async def async_setup_entry(hass: HomeAssistant, entry: ConfigEntry) -> bool:
    """Create the device and the entities."""
    dr.async_get(hass).async_get_or_create(
        config_entry_id=entry.entry_id,
        identifiers={(DOMAIN, entry.entry_id)},
        connections={(dr.CONNECTION_NETWORK_MAC, entry.data["mac"])},
        manufacturer="Sangoma",
        name=entry.title,
    )
    await hass.config_entries.async_forward_entry_setups(entry, PLATFORMS)
    return True


async def async_unload_entry(hass: HomeAssistant, entry: ConfigEntry) -> bool:
    """Unload the entities."""
    return await hass.config_entries.async_unload_platforms(entry, PLATFORMS)


class StandInEntity(Entity):
    """An entity of the stand-in phone: a name, a device, no state logic."""

    _attr_has_entity_name = True
    _attr_should_poll = False

    def __init__(self, entry: ConfigEntry, description: EntityDescription) -> None:
        """Attach to the entry's device."""
        self.entity_description = description
        self._attr_unique_id = f"{entry.entry_id}_{description.key}"
        # The stand-in has no translations: a plain name.
        self._attr_name = description.key.replace("_", " ").capitalize()
        self._attr_device_info = DeviceInfo(identifiers={(DOMAIN, entry.entry_id)})


def entities(entry: ConfigEntry, platform: str, cls: type[Entity]) -> list[Any]:
    """Return the platform's stand-in entities."""
    return [
        cls(entry, description)  # type: ignore[call-arg]
        for description in ENTITIES[platform]
    ]
