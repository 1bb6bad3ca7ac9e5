"""Tests for adding a phone: the user and the discovery flows."""

import re

import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
)

from custom_components.sangoma_phone.const import (
    CONF_LOCAL_ONLY,
    CONF_MAC,
    CONF_URL_BASE,
    CONF_WEBHOOK_ID,
    DOMAIN,
)
from homeassistant.config_entries import (
    SOURCE_DHCP,
    SOURCE_USER,
)
from homeassistant.const import CONF_NAME
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.helpers.service_info.dhcp import DhcpServiceInfo

from .conftest import LOCAL_URL, MAC

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
    # A step of its own shows every URL before the phone is added.
    assert result["type"] is FlowResultType.MENU
    assert result["step_id"] == "urls"
    assert result["menu_options"] == ["test", "finish"]
    assert hass.config_entries.async_entries(DOMAIN) == []
    placeholders = result["description_placeholders"]
    webhook_id = placeholders["base_url"].rpartition("/")[2]
    assert placeholders["base_url"] == f"{LOCAL_URL}/api/webhook/{webhook_id}"
    assert placeholders["count"] == "33"  # P3734 is opt-in
    blocks = re.findall(r"```\n(.*?)\n```", placeholders["urls"])
    assert len(blocks) == 33
    assert all(b.startswith(placeholders["base_url"] + "?event=") for b in blocks)
    # The 9 essential URLs first, each under its field's name.
    assert placeholders["urls"].startswith("### The 9 essential URLs ★")
    assert "**Incoming Call** ★ (P3707)" in placeholders["urls"]
    essential, _, others = placeholders["urls"].partition("### The other 24 URLs")
    assert len(re.findall(r"```\n", essential)) == 2 * 9
    assert "#### Handset and mute" in others
    assert "P3734" not in placeholders["urls"]

    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"next_step_id": "finish"}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["title"] == "Desk"
    assert result["result"].unique_id == MAC
    data = result["data"]
    assert data[CONF_MAC] == MAC
    assert data[CONF_WEBHOOK_ID] == webhook_id
    assert data[CONF_URL_BASE] == LOCAL_URL
    assert result["options"] == {CONF_LOCAL_ONLY: True}


@pytest.mark.usefixtures("local_url")
async def test_user_flow_without_mac(hass: HomeAssistant) -> None:
    """Without a MAC the entry has no unique id until the phone's first request."""
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": SOURCE_USER}
    )
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_NAME: "Desk"}
    )
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"next_step_id": "finish"}
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
    assert result["step_id"] == "urls"


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
    assert result["description"] == "no_local_url"
    entry = result["result"]
    assert CONF_URL_BASE not in entry.data
    await hass.async_block_till_done()

    # A new webhook id is given without showing URLs.
    old_id = entry.data[CONF_WEBHOOK_ID]
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": "reconfigure", "entry_id": entry.entry_id}
    )
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_NAME: "Desk", "regenerate_webhook": True}
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "webhook_regenerated_no_url"
    assert entry.data[CONF_WEBHOOK_ID] != old_id


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
        "mac": "00:1F:C1:12:34:56",
    }
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_NAME: "Hall"}
    )
    assert result["step_id"] == "urls"
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"next_step_id": "finish"}
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
