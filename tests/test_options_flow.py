"""Tests for the options flow: the URL page and who may send."""

from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.sangoma_phone.const import (
    CONF_ALLOWED_NETWORKS,
    CONF_LOCAL_ONLY,
    CONF_MAC,
    CONF_RATE_LIMIT,
)
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType

from .conftest import LOCAL_URL, MAC, WEBHOOK_ID
from .flow_helpers import open_options_step, suggested


async def test_options_show_urls(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> None:
    """The URL page shows the URLs and a signed link; it closes, saving nothing."""
    result = await open_options_step(hass, init_integration.entry_id, "urls")
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "urls"
    placeholders = result["description_placeholders"]
    assert placeholders["base_url"] == f"{LOCAL_URL}/api/webhook/{WEBHOOK_ID}"
    assert placeholders["provisioning_link"].startswith(
        f'<a href="/api/sangoma_phone/{init_integration.entry_id}/provisioning.xml?webhook='
    )
    assert placeholders["provisioning_link"].endswith(
        f'" target="_blank">cfg{MAC}.xml</a>'
    )
    assert init_integration.options == {CONF_LOCAL_ONLY: True}
    assert hass.config_entries.options.async_progress() == []


async def test_options_urls_without_local_url(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> None:
    """Without a local URL the URL page says how to get one."""
    hass.config.internal_url = None
    hass.config.api = None
    result = await open_options_step(hass, init_integration.entry_id, "urls")
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "no_local_url"


async def test_options_settings(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> None:
    """Settings are validated, normalised, and applied; the MAC is not one."""
    result = await open_options_step(hass, init_integration.entry_id, "settings")
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "settings"
    assert CONF_MAC not in suggested(result)

    result = await hass.config_entries.options.async_configure(
        result["flow_id"],
        {
            CONF_LOCAL_ONLY: False,
            CONF_ALLOWED_NETWORKS: ["192.168.1.0/24", "nonsense"],
        },
    )
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {CONF_ALLOWED_NETWORKS: "invalid_network"}

    result = await hass.config_entries.options.async_configure(
        result["flow_id"],
        {
            CONF_LOCAL_ONLY: False,
            CONF_ALLOWED_NETWORKS: [f"10.0.{i}.0/24" for i in range(65)],
        },
    )
    assert result["errors"] == {CONF_ALLOWED_NETWORKS: "too_many_networks"}

    result = await hass.config_entries.options.async_configure(
        result["flow_id"],
        {
            CONF_LOCAL_ONLY: False,
            CONF_ALLOWED_NETWORKS: ["192.168.1.7/24", " ", "10.0.0.5"],
        },
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert init_integration.options == {
        CONF_LOCAL_ONLY: False,
        CONF_ALLOWED_NETWORKS: ["192.168.1.0/24", "10.0.0.5/32"],
        CONF_RATE_LIMIT: 5,  # the default, suggested,
        "include_ip_changed": False,
    }
    # Options change how requests are accepted, not who the phone is.
    assert init_integration.data[CONF_MAC] == MAC
    assert init_integration.unique_id == MAC
