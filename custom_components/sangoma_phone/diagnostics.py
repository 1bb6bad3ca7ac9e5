"""Diagnostics of a Sangoma phone: settings, state and request counters."""

from typing import Any

from homeassistant.components.diagnostics import async_redact_data
from homeassistant.core import HomeAssistant
from homeassistant.helpers.device_registry import DeviceEntry

from .const import CONF_MAC, CONF_WEBHOOK_ID
from .listener import DATA_LISTENER
from .models import SangomaPhoneConfigEntry

# Secrets, and what identifies the phone, its user or the people it talks to:
# addresses, SIP accounts, callers' numbers and names. Counts and states stay.
TO_REDACT = {
    CONF_WEBHOOK_ID,
    CONF_MAC,
    "password",
    "username",
    "url",
    "urls",
    "url_base",
    "host",
    "ip",
    "mac",
    "detail",
    "local_identity",
    "active_user",
    "active_host",
    "account",
    "accounts",
    "call_id",
    "remote",
    "remote_name",
    "remote_number",
    "display_remote",
    "last_missed_name",
    "last_missed_number",
}


async def async_get_config_entry_diagnostics(
    hass: HomeAssistant, entry: SangomaPhoneConfigEntry
) -> dict[str, Any]:
    """Return what helps to find out why a phone does not show what it should."""
    phone, web_access = entry.runtime_data.phone, entry.runtime_data.web_access
    return async_redact_data(
        {
            "entry": {
                "title": entry.title,
                "data": dict(entry.data),
                "options": dict(entry.options),
            },
            "state": _state(phone.state.as_dict()),
            **phone.counters.as_dict(),
            "listener": _listener(hass),
            "web_access": {
                "configured": web_access is not None,
                **(web_access.diagnostics() if web_access else {}),
            },
        },
        TO_REDACT,
    )


def _state(state: dict[str, Any]) -> dict[str, Any]:
    """Return the stored state with the calls as a list: their keys are call ids."""
    calls = state.get("calls")
    if isinstance(calls, dict):
        state = {**state, "calls": list(calls.values())}
    return state


def _listener(hass: HomeAssistant) -> dict[str, Any]:
    """Return the phone listener's settings and whether it is running."""
    listener = hass.data[DATA_LISTENER]
    return {
        **listener.settings.as_dict(),
        "running_on_port": listener.port,
        "rate_limited_requests": listener.rate_limited,
    }


async def async_get_device_diagnostics(
    hass: HomeAssistant, entry: SangomaPhoneConfigEntry, device: DeviceEntry
) -> dict[str, Any]:
    """Return the diagnostics of the phone's device (one device per entry)."""
    return await async_get_config_entry_diagnostics(hass, entry)
