"""A stand-in for sangoma_phone with the same device and entities, no logic.

Benchmark only (scripts/bench --ha --scale): Home Assistant's own cost per
phone (setup time, memory), to compare the integration with. Never shipped.
"""

from __future__ import annotations

from typing import Any

import voluptuous as vol

from custom_components.sangoma_phone.binary_sensor import BINARY_SENSORS, DND
from custom_components.sangoma_phone.button import RESET_MISSED_CALLS
from custom_components.sangoma_phone.event import PHONE_EVENT
from custom_components.sangoma_phone.sensor import SENSORS
from homeassistant.components.binary_sensor import BinarySensorEntity
from homeassistant.components.button import ButtonEntity
from homeassistant.components.event import EventEntity
from homeassistant.components.sensor import SensorEntity
from homeassistant.components.switch import SwitchEntity
from homeassistant.config_entries import ConfigEntry, ConfigFlow, ConfigFlowResult
from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers.entity import Entity
from homeassistant.helpers.entity_platform import async_get_current_platform

DOMAIN = "sangoma_standin"
# Per platform: the entity class, and a phone's entities as the integration
# describes them (device classes, categories, disabled by default) for a phone
# without web access, as the benchmark adds them: DND is a binary sensor.
ENTITIES: dict[str, tuple[type[Entity], tuple[Any, ...]]] = {
    "binary_sensor": (BinarySensorEntity, (*BINARY_SENSORS, DND)),
    "button": (ButtonEntity, (RESET_MISSED_CALLS,)),
    "event": (EventEntity, (PHONE_EVENT,)),
    "sensor": (SensorEntity, SENSORS),
    "switch": (SwitchEntity, ()),
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
    await hass.config_entries.async_forward_entry_setups(entry, list(ENTITIES))
    return True


class StandInEntity(Entity):
    """An entity of the stand-in phone: a name, a device, no state logic."""

    _attr_has_entity_name = True
    _attr_should_poll = False

    def __init__(self, entry: ConfigEntry, description: Any) -> None:
        """Attach to the entry's device (a plain name: no translations)."""
        self.entity_description = description
        self._attr_unique_id = f"{entry.entry_id}_{description.key}"
        self._attr_name = description.key.replace("_", " ").capitalize()
        self._attr_device_info = {"identifiers": {(DOMAIN, entry.entry_id)}}


CLASSES = {
    platform: type(f"StandIn{base.__name__}", (StandInEntity, base), {})
    for platform, (base, _) in ENTITIES.items()
}


async def async_setup_platform_entry(
    hass: HomeAssistant, entry: ConfigEntry, add: Any
) -> None:
    """Add the entities of the platform being set up (see its module)."""
    platform = async_get_current_platform().domain
    add([CLASSES[platform](entry, d) for d in ENTITIES[platform][1]])


class StandInFlow(ConfigFlow, domain=DOMAIN):
    """Add a stand-in phone: a name and a MAC, nothing checked."""

    async def async_step_user(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Create the entry at once."""
        if user_input is None:
            schema = vol.Schema({vol.Required("name"): str, vol.Required("mac"): str})
            return self.async_show_form(step_id="user", data_schema=schema)
        await self.async_set_unique_id(user_input["mac"])
        self._abort_if_unique_id_configured()
        return self.async_create_entry(
            title=user_input["name"], data={"mac": user_input["mac"]}
        )
