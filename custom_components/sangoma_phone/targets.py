"""Which phones an automation's target (devices, entities, areas, labels) names.

Shared by the target triggers (trigger.py) and conditions (condition.py). The
target is resolved each time it is used, so a phone added to a targeted area
or label later is included.
"""

from collections.abc import Mapping
from typing import Any, Final, cast

import voluptuous as vol

from homeassistant.const import CONF_OPTIONS, CONF_TARGET
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import (
    config_validation as cv,
    device_registry as dr,
    entity_registry as er,
)
from homeassistant.helpers.target import (
    TargetSelection,
    async_extract_referenced_entity_ids,
)
from homeassistant.helpers.typing import ConfigType

from .const import DOMAIN
from .models import SangomaPhoneData
from .phone import SangomaPhone

# The forward option of the forward triggers and condition: which forwards.
CONF_FORWARD: Final = "forward"
FORWARD_KINDS: Final = ("always", "busy", "no_answer")
FORWARD_OPTIONS: Final = {
    vol.Optional(CONF_FORWARD, default=list): vol.All(
        cv.ensure_list, [vol.In(FORWARD_KINDS)]
    )
}


def validate_target_config(
    config: ConfigType, options: Mapping[Any, Any]
) -> ConfigType:
    """Validate a phone trigger's or condition's target and its options."""
    schema = vol.Schema(
        {
            vol.Required(CONF_TARGET): cv.TARGET_FIELDS,
            vol.Optional(CONF_OPTIONS, default=dict): dict(options),
        }
    )
    return cast(ConfigType, schema(config))


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
        entry.runtime_data.phone
        for entry in hass.config_entries.async_loaded_entries(DOMAIN)
        if isinstance(entry.runtime_data, SangomaPhoneData)
        and entry.runtime_data.phone.device_id in device_ids
    ]
