"""Tests for the phone listener's options step: shared settings, this phone's use."""

import socket
from typing import Any

import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.sangoma_phone.const import (
    CONF_LISTENER_ENABLED,
    CONF_LISTENER_PORT,
    CONF_LOCAL_ONLY,
    CONF_MAC,
    CONF_USE_LISTENER,
    CONF_WEBHOOK_ID,
    DEFAULT_LISTENER_PORT,
    DOMAIN,
    LISTENER_STORAGE_KEY,
)
from custom_components.sangoma_phone.listener import (
    DATA_LISTENER,
    ListenerSettings,
    port_is_free,
)
from homeassistant.config_entries import ConfigFlowResult
from homeassistant.const import CONF_NAME
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType

from .conftest import WEBHOOK_ID
from .flow_helpers import free_port, open_options_step, suggested


async def _listener_form(
    hass: HomeAssistant, entry: MockConfigEntry
) -> ConfigFlowResult:
    result = await open_options_step(hass, entry.entry_id, "listener")
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "listener"
    return result


@pytest.mark.usefixtures("socket_enabled")
async def test_options_listener(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    hass_storage: dict[str, Any],
) -> None:
    """The listener is off by default; enabling it moves this phone's URLs."""
    result = await _listener_form(hass, init_integration)
    assert suggested(result) == {
        CONF_LISTENER_ENABLED: False,
        CONF_LISTENER_PORT: DEFAULT_LISTENER_PORT,
        CONF_USE_LISTENER: False,
    }
    assert result["description_placeholders"]["used_by"] == "—"

    # Using it needs it enabled.
    port = free_port()
    result = await hass.config_entries.options.async_configure(
        result["flow_id"],
        {
            CONF_LISTENER_ENABLED: False,
            CONF_LISTENER_PORT: port,
            CONF_USE_LISTENER: True,
        },
    )
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {CONF_USE_LISTENER: "listener_off"}
    assert suggested(result)[CONF_USE_LISTENER] is True

    result = await hass.config_entries.options.async_configure(
        result["flow_id"],
        {
            CONF_LISTENER_ENABLED: True,
            CONF_LISTENER_PORT: float(port),
            CONF_USE_LISTENER: True,
        },
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    # The phone's URLs changed: the confirmation shows the new ones.
    assert result["description"] == "urls_changed"
    new_base = f"http://homeassistant.local:{port}/api/webhook/{WEBHOOK_ID}"
    assert result["description_placeholders"]["base_url"] == new_base
    assert (
        f"```\n{new_base}?event=incoming_call&"
        in (result["description_placeholders"]["urls"])
    )
    await hass.async_block_till_done()
    assert init_integration.options == {CONF_LOCAL_ONLY: True, CONF_USE_LISTENER: True}
    assert init_integration.data["url_base"] == f"http://homeassistant.local:{port}"
    assert hass_storage[LISTENER_STORAGE_KEY]["data"] == {"enabled": True, "port": port}
    assert hass.data[DATA_LISTENER].port == port

    # The URL page and the settings keep and show it.
    result = await open_options_step(hass, init_integration.entry_id, "urls")
    base = f"http://homeassistant.local:{port}/api/webhook/{WEBHOOK_ID}"
    assert result["description_placeholders"]["base_url"] == base
    assert (
        f"```\n{base}?event=incoming_call&"
        in (result["description_placeholders"]["urls"])
    )
    result = await open_options_step(hass, init_integration.entry_id, "settings")
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {CONF_LOCAL_ONLY: False}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert init_integration.options[CONF_USE_LISTENER] is True

    # Saving again on its own running port is no conflict; the form says
    # which phones use the listener.
    result = await _listener_form(hass, init_integration)
    assert suggested(result) == {
        CONF_LISTENER_ENABLED: True,
        CONF_LISTENER_PORT: port,
        CONF_USE_LISTENER: True,
    }
    assert result["description_placeholders"]["used_by"] == "Desk phone"
    result = await hass.config_entries.options.async_configure(
        result["flow_id"],
        {
            CONF_LISTENER_ENABLED: True,
            CONF_LISTENER_PORT: port,
            CONF_USE_LISTENER: False,
        },
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done()
    assert init_integration.options[CONF_USE_LISTENER] is False
    assert hass.data[DATA_LISTENER].port == port


@pytest.mark.usefixtures("socket_enabled")
async def test_options_listener_port_taken(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> None:
    """A port in use is refused on its field; nothing is saved."""
    result = await _listener_form(hass, init_integration)
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as busy:
        busy.bind(("0.0.0.0", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = await hass.config_entries.options.async_configure(
            result["flow_id"],
            {
                CONF_LISTENER_ENABLED: True,
                CONF_LISTENER_PORT: port,
                CONF_USE_LISTENER: True,
            },
        )
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {CONF_LISTENER_PORT: "port_unavailable"}
    assert hass.data[DATA_LISTENER].settings.enabled is False


@pytest.mark.usefixtures("socket_enabled")
async def test_options_listener_in_use_elsewhere(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    hass_storage: dict[str, Any],
) -> None:
    """The listener cannot be switched off from one phone while another uses it."""
    port = free_port()
    await hass.data[DATA_LISTENER].async_set_settings(
        ListenerSettings(enabled=True, port=port)
    )
    other = MockConfigEntry(
        domain=DOMAIN,
        title="Reception",
        unique_id="001fc1000002",
        data={CONF_WEBHOOK_ID: "f" * 32, CONF_MAC: "001fc1000002"},
        options={CONF_LOCAL_ONLY: True, CONF_USE_LISTENER: True},
    )
    other.add_to_hass(hass)
    result = await _listener_form(hass, init_integration)
    result = await hass.config_entries.options.async_configure(
        result["flow_id"],
        {
            CONF_LISTENER_ENABLED: False,
            CONF_LISTENER_PORT: port,
            CONF_USE_LISTENER: False,
        },
    )
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {CONF_LISTENER_ENABLED: "listener_in_use"}
    assert result["description_placeholders"] == {
        "docs_url": (
            "https://github.com/sangoma-phone-ha/ha-sangoma-phone/blob/main/docs/listener.md"
        ),
        "name": "Desk phone",
        "phones": "Reception",
        "used_by": "Reception",
    }
    assert hass.data[DATA_LISTENER].port == port

    hass.config_entries.async_update_entry(other, options={CONF_LOCAL_ONLY: True})
    result = await hass.config_entries.options.async_configure(
        result["flow_id"],
        {
            CONF_LISTENER_ENABLED: False,
            CONF_LISTENER_PORT: port,
            CONF_USE_LISTENER: False,
        },
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done()
    assert hass.data[DATA_LISTENER].port is None
    assert hass_storage[LISTENER_STORAGE_KEY]["data"] == {
        "enabled": False,
        "port": port,
    }


@pytest.mark.usefixtures("socket_enabled")
async def test_options_listener_port_change(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> None:
    """A new port in the options moves the running listener at once."""
    old_port = free_port()
    new_port = next(port for port in iter(free_port, 0) if port != old_port)
    listener = hass.data[DATA_LISTENER]
    await listener.async_set_settings(ListenerSettings(enabled=True, port=old_port))
    assert listener.port == old_port
    result = await _listener_form(hass, init_integration)
    result = await hass.config_entries.options.async_configure(
        result["flow_id"],
        {
            CONF_LISTENER_ENABLED: True,
            CONF_LISTENER_PORT: new_port,
            CONF_USE_LISTENER: False,
        },
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done()
    assert listener.port == new_port
    assert port_is_free(old_port)
    assert not port_is_free(new_port)


@pytest.mark.usefixtures("socket_enabled")
async def test_reconfigure_confirm_shows_listener_urls(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> None:
    """A new webhook id of a phone on the listener is shown with its base URL."""
    port = free_port()
    await hass.data[DATA_LISTENER].async_set_settings(
        ListenerSettings(enabled=True, port=port)
    )
    hass.config_entries.async_update_entry(
        init_integration, options={CONF_LOCAL_ONLY: True, CONF_USE_LISTENER: True}
    )
    result = await init_integration.start_reconfigure_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_NAME: "Desk phone", "regenerate_webhook": True}
    )
    assert result["step_id"] == "reconfigure_confirm"
    assert result["description_placeholders"]["base_url"].startswith(
        f"http://homeassistant.local:{port}/api/webhook/"
    )
