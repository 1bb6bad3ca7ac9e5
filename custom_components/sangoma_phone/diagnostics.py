"""Diagnostics of a Sangoma phone: settings, state and request counters."""

from typing import Any

from homeassistant.components.diagnostics import async_redact_data
from homeassistant.core import HomeAssistant
from homeassistant.helpers.device_registry import DeviceEntry

from .const import CONF_WEBHOOK_ID
from .listener import DATA_LISTENER
from .phone import SangomaPhoneConfigEntry

TO_REDACT = {CONF_WEBHOOK_ID, "password", "username", "url", "urls"}


async def async_get_config_entry_diagnostics(
    hass: HomeAssistant, entry: SangomaPhoneConfigEntry
) -> dict[str, Any]:
    """Return what helps to find out why a phone does not show what it should."""
    phone = entry.runtime_data
    return async_redact_data(
        {
            "entry": {
                "title": entry.title,
                "data": dict(entry.data),
                "options": dict(entry.options),
            },
            "state": phone.state.as_dict(),
            **phone.counters.as_dict(),
            "listener": _listener(hass),
            "web_access": {
                "configured": phone.remote is not None,
                **(phone.remote.diagnostics() if phone.remote else {}),
            },
        },
        TO_REDACT,
    )


def _listener(hass: HomeAssistant) -> dict[str, Any]:
    """Return the phone listener's settings and whether it is running."""
    listener = hass.data[DATA_LISTENER]
    return {**listener.settings.as_dict(), "running_on_port": listener.port}


async def async_get_device_diagnostics(
    hass: HomeAssistant, entry: SangomaPhoneConfigEntry, device: DeviceEntry
) -> dict[str, Any]:
    """Return the diagnostics of the phone's device (one device per entry)."""
    return await async_get_config_entry_diagnostics(hass, entry)
