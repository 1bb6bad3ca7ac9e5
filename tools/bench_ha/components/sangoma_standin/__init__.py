"""A stand-in for sangoma_phone with the same device and entities, no logic.

Benchmark only (scripts/bench --ha --scale): Home Assistant's own cost per
phone (setup time, memory), to compare the integration with. Never shipped.
"""

from __future__ import annotations

from typing import Any

from homeassistant.config_entries import ConfigEntry
from homeassistant.const import Platform
from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers.device_registry import DeviceInfo
from homeassistant.helpers.entity import Entity

DOMAIN = "sangoma_standin"
PLATFORMS = [
    Platform.BINARY_SENSOR,
    Platform.BUTTON,
    Platform.EVENT,
    Platform.SENSOR,
    Platform.SWITCH,
]
# The same entity set as a phone (keys, per platform); ip_address is disabled
# by default there too.
ENTITIES: dict[str, tuple[str, ...]] = {
    "binary_sensor": (
        "in_call", "ringing", "off_hook", "registered", "on_hold", "muted",
        "always_forward", "busy_forward", "no_answer_forward",
    ),
    "event": ("phone_event",),
    "sensor": (
        "call_state", "remote_number", "remote_name", "last_event",
        "missed_calls", "last_call_duration", "ip_address",
    ),
    "switch": ("dnd",),
    "button": ("reset_missed_calls",),
}  # fmt: skip
DISABLED = frozenset({"ip_address"})


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

    def __init__(self, entry: ConfigEntry, key: str) -> None:
        """Attach to the entry's device."""
        self._attr_unique_id = f"{entry.entry_id}_{key}"
        self._attr_name = key.replace("_", " ").capitalize()
        self._attr_device_info = DeviceInfo(identifiers={(DOMAIN, entry.entry_id)})
        self._attr_entity_registry_enabled_default = key not in DISABLED


def entities(entry: ConfigEntry, platform: str, cls: type[Entity]) -> list[Any]:
    """Return the platform's stand-in entities."""
    return [cls(entry, key) for key in ENTITIES[platform]]  # type: ignore[call-arg]
