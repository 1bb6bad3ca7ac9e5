"""Which phones an automation's target (devices, entities, areas, labels) names.

Shared by the target triggers (trigger.py) and conditions (condition.py). The
target is resolved each time it is used, so a phone added to a targeted area
or label later is included.
"""

from typing import Any

from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import device_registry as dr, entity_registry as er
from homeassistant.helpers.target import (
    TargetSelection,
    async_extract_referenced_entity_ids,
)

from .const import DOMAIN
from .phone import SangomaPhone


@callback
def async_target_device_ids(hass: HomeAssistant, target: dict[str, Any]) -> set[str]:
    """Return the ids of the phone devices the target names."""
    selected = async_extract_referenced_entity_ids(
        hass, TargetSelection(target), expand_group=False
    )
    ent_reg = er.async_get(hass)
    device_ids = set(selected.referenced_devices)
    for entity_id in selected.referenced | selected.indirectly_referenced:
        entry = ent_reg.async_get(entity_id)
        if entry and entry.platform == DOMAIN and entry.device_id:
            device_ids.add(entry.device_id)
    dev_reg = dr.async_get(hass)
    return {
        device_id
        for device_id in device_ids
        if (device := dev_reg.async_get(device_id))
        and any(domain == DOMAIN for domain, _ in device.identifiers)
    }


@callback
def async_target_phones(
    hass: HomeAssistant, target: dict[str, Any]
) -> list[SangomaPhone]:
    """Return the loaded phones the target names."""
    device_ids = async_target_device_ids(hass, target)
    return [
        entry.runtime_data
        for entry in hass.config_entries.async_loaded_entries(DOMAIN)
        if isinstance(entry.runtime_data, SangomaPhone)
        and entry.runtime_data.device_id in device_ids
    ]
