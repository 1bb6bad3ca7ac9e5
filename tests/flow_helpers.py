"""Helpers for the flow tests: open an options step, read a form, find a port."""

import socket
from typing import Any

from homeassistant.config_entries import ConfigFlowResult
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType


async def open_options_step(
    hass: HomeAssistant, entry_id: str, step: str
) -> ConfigFlowResult:
    """Open a phone's options and pick a step from the menu."""
    result = await hass.config_entries.options.async_init(entry_id)
    assert result["type"] is FlowResultType.MENU
    return await hass.config_entries.options.async_configure(
        result["flow_id"], {"next_step_id": step}
    )


def suggested(result: ConfigFlowResult) -> dict[str, Any]:
    """Return the values a form suggests, by field."""
    return {
        str(key): (key.description or {}).get("suggested_value")
        for key in result["data_schema"].schema
    }


def free_port() -> int:
    """Return a TCP port free right now (for the phone listener)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("0.0.0.0", 0))
        port: int = sock.getsockname()[1]
    return port
