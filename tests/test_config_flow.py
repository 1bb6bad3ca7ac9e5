"""Tests for the config, discovery, reconfigure and options flows."""

import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.sangoma_phone.const import (
    CONF_ALLOWED_NETWORKS,
    CONF_LOCAL_ONLY,
    CONF_MAC,
    CONF_WEBHOOK_ID,
    DOMAIN,
)
from homeassistant.config_entries import SOURCE_DHCP, SOURCE_USER
from homeassistant.const import CONF_NAME
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.helpers.service_info.dhcp import DhcpServiceInfo

from .conftest import LOCAL_URL, MAC, WEBHOOK_ID

DHCP = DhcpServiceInfo(ip="192.168.1.50", hostname="s505", macaddress="001fc1123456")


@pytest.mark.usefixtures("local_url")
async def test_user_flow(hass: HomeAssistant) -> None:
    """A phone is added with a name and a MAC; the last screen shows the URLs."""
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": SOURCE_USER}
    )
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "user"

    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_NAME: " Desk ", CONF_MAC: "00:1F:C1:AA:BB:CC"}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["title"] == "Desk"
    assert result["result"].unique_id == MAC
    data = result["data"]
    assert data[CONF_MAC] == MAC
    assert len(data[CONF_WEBHOOK_ID]) == 32
    assert result["options"] == {CONF_LOCAL_ONLY: True}
    placeholders = result["description_placeholders"]
    assert (
        placeholders["base_url"] == f"{LOCAL_URL}/api/webhook/{data[CONF_WEBHOOK_ID]}"
    )
    assert "event=incoming_call" in placeholders["urls"]


@pytest.mark.usefixtures("local_url")
async def test_user_flow_without_mac(hass: HomeAssistant) -> None:
    """Without a MAC the entry has no unique id until the phone's first request."""
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": SOURCE_USER}
    )
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_NAME: "Desk"}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["result"].unique_id is None
    assert result["data"][CONF_MAC] is None


@pytest.mark.usefixtures("local_url")
async def test_user_flow_invalid_mac(hass: HomeAssistant) -> None:
    """An invalid MAC is flagged on its field and can be corrected."""
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": SOURCE_USER}
    )
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_NAME: "Desk", CONF_MAC: "not-a-mac"}
    )
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {CONF_MAC: "invalid_mac"}
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_NAME: "Desk", CONF_MAC: "001fc1aabbcc"}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY


async def test_user_flow_without_local_url(hass: HomeAssistant) -> None:
    """Without a local URL the last screen says how to set one."""
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": SOURCE_USER}
    )
    hass.config.internal_url = None
    hass.config.api = None
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_NAME: "Desk"}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert "no local URL" in result["description_placeholders"]["base_url"]


async def test_user_flow_already_configured(
    hass: HomeAssistant, mock_config_entry: MockConfigEntry
) -> None:
    """The same phone cannot be added twice."""
    mock_config_entry.add_to_hass(hass)
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": SOURCE_USER}
    )
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_NAME: "Again", CONF_MAC: "00-1f-c1-aa-bb-cc"}
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "already_configured"


@pytest.mark.usefixtures("local_url")
async def test_dhcp_discovery(hass: HomeAssistant) -> None:
    """A discovered phone is offered with its MAC pinned."""
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": SOURCE_DHCP}, data=DHCP
    )
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "discovery_confirm"
    assert result["description_placeholders"] == {
        "ip": "192.168.1.50",
        "mac": "00:1f:c1:12:34:56",
    }
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_NAME: "Hall"}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["result"].unique_id == "001fc1123456"
    assert result["data"][CONF_MAC] == "001fc1123456"


async def test_dhcp_discovery_already_configured(hass: HomeAssistant) -> None:
    """A phone already set up is not offered again."""
    MockConfigEntry(domain=DOMAIN, unique_id="001fc1123456").add_to_hass(hass)
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": SOURCE_DHCP}, data=DHCP
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "already_configured"


async def test_dhcp_discovery_invalid_mac(hass: HomeAssistant) -> None:
    """A discovery without a usable MAC is dropped."""
    result = await hass.config_entries.flow.async_init(
        DOMAIN,
        context={"source": SOURCE_DHCP},
        data=DhcpServiceInfo(ip="192.168.1.50", hostname="x", macaddress="zz"),
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "invalid_mac"


async def test_reconfigure_rename(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> None:
    """Renaming keeps the webhook."""
    result = await init_integration.start_reconfigure_flow(hass)
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "reconfigure"
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_NAME: "Office"}
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reconfigure_successful"
    assert init_integration.title == "Office"
    assert init_integration.data[CONF_WEBHOOK_ID] == WEBHOOK_ID


async def test_reconfigure_regenerate_webhook(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> None:
    """A new webhook id is shown first, then replaces the old one."""
    result = await init_integration.start_reconfigure_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_NAME: "Desk phone", "regenerate_webhook": True}
    )
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "reconfigure_confirm"
    new_base = result["description_placeholders"]["base_url"]
    assert WEBHOOK_ID not in new_base
    # Nothing changes until the user confirms.
    assert init_integration.data[CONF_WEBHOOK_ID] == WEBHOOK_ID
    result = await hass.config_entries.flow.async_configure(result["flow_id"], {})
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "webhook_regenerated"
    new_id = init_integration.data[CONF_WEBHOOK_ID]
    assert new_id != WEBHOOK_ID
    assert new_base.endswith(new_id)


async def test_options_show_urls(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> None:
    """The options show the phone's URLs and a signed provisioning link."""
    result = await hass.config_entries.options.async_init(init_integration.entry_id)
    assert result["type"] is FlowResultType.MENU
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {"next_step_id": "urls"}
    )
    assert result["type"] is FlowResultType.FORM
    placeholders = result["description_placeholders"]
    assert placeholders["base_url"] == f"{LOCAL_URL}/api/webhook/{WEBHOOK_ID}"
    assert placeholders["provisioning_link"].startswith(
        f"/api/sangoma_phone/{init_integration.entry_id}/provisioning.xml?authSig="
    )
    result = await hass.config_entries.options.async_configure(result["flow_id"], {})
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert init_integration.options == {CONF_LOCAL_ONLY: True}


async def test_options_settings(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> None:
    """Settings are validated, normalised, and applied."""
    result = await hass.config_entries.options.async_init(init_integration.entry_id)
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {"next_step_id": "settings"}
    )
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "settings"

    result = await hass.config_entries.options.async_configure(
        result["flow_id"],
        {
            CONF_LOCAL_ONLY: False,
            CONF_MAC: "bad",
            CONF_ALLOWED_NETWORKS: ["192.168.1.0/24", "nonsense"],
        },
    )
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {
        CONF_MAC: "invalid_mac",
        CONF_ALLOWED_NETWORKS: "invalid_network",
    }

    result = await hass.config_entries.options.async_configure(
        result["flow_id"],
        {
            CONF_LOCAL_ONLY: False,
            CONF_MAC: "00:1F:C1:00:00:09",
            CONF_ALLOWED_NETWORKS: ["192.168.1.7/24", " ", "10.0.0.5"],
        },
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert init_integration.options == {
        CONF_LOCAL_ONLY: False,
        CONF_ALLOWED_NETWORKS: ["192.168.1.0/24", "10.0.0.5/32"],
    }
    assert init_integration.data[CONF_MAC] == "001fc1000009"
    assert init_integration.unique_id == "001fc1000009"


async def test_options_mac_in_use_and_cleared(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> None:
    """Another phone's MAC is refused; an empty MAC unpins the phone."""
    MockConfigEntry(domain=DOMAIN, unique_id="001fc1000002").add_to_hass(hass)
    result = await hass.config_entries.options.async_init(init_integration.entry_id)
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {"next_step_id": "settings"}
    )
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {CONF_LOCAL_ONLY: True, CONF_MAC: "001fc1000002"}
    )
    assert result["errors"] == {CONF_MAC: "mac_in_use"}
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {CONF_LOCAL_ONLY: True, CONF_MAC: ""}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert init_integration.data[CONF_MAC] is None
    assert init_integration.unique_id is None
