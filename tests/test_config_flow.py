"""Tests for the config, discovery, reconfigure and options flows."""

import socket
from typing import Any

import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_capture_events,
)

from custom_components.sangoma_phone.const import (
    CONF_ALLOWED_NETWORKS,
    CONF_LISTENER_ENABLED,
    CONF_LISTENER_PORT,
    CONF_LOCAL_ONLY,
    CONF_MAC,
    CONF_USE_LISTENER,
    CONF_WEBHOOK_ID,
    DEFAULT_LISTENER_PORT,
    DOMAIN,
    EVENT_PHONE,
    LISTENER_STORAGE_KEY,
)
from custom_components.sangoma_phone.listener import (
    DATA_LISTENER,
    ListenerSettings,
    port_is_free,
)
from homeassistant.config_entries import SOURCE_DHCP, SOURCE_USER, ConfigFlowResult
from homeassistant.const import CONF_NAME
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.helpers.service_info.dhcp import DhcpServiceInfo

from .conftest import LOCAL_URL, MAC, WEBHOOK_ID, SendRequest

DHCP = DhcpServiceInfo(ip="192.168.1.50", hostname="s505", macaddress="001fc1123456")


async def open_options_step(
    hass: HomeAssistant, entry_id: str, step: str
) -> ConfigFlowResult:
    """Open a phone's options and pick a step from the menu."""
    result = await hass.config_entries.options.async_init(entry_id)
    assert result["type"] is FlowResultType.MENU
    return await hass.config_entries.options.async_configure(
        result["flow_id"], {"next_step_id": step}
    )


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
    assert result["description"] == "no_local_url"
    entry = result["result"]
    await hass.async_block_till_done()

    # Neither the URL page nor a new webhook can show URLs: they say why.
    result = await open_options_step(hass, entry.entry_id, "urls")
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "no_local_url"
    old_id = entry.data[CONF_WEBHOOK_ID]
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": "reconfigure", "entry_id": entry.entry_id}
    )
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_NAME: "Desk", "regenerate_webhook": True}
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "webhook_regenerated"
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
    hass: HomeAssistant, init_integration: MockConfigEntry, send: SendRequest
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
    await hass.async_block_till_done()

    # The old URLs stop working at once; the new ones work.
    bus_events = async_capture_events(hass, EVENT_PHONE)
    await send("dnd_on")
    await hass.async_block_till_done()
    assert bus_events == []
    assert hass.states.get("switch.desk_phone_do_not_disturb").state == "unknown"
    await send("dnd_on", webhook_id=new_id)
    assert hass.states.get("switch.desk_phone_do_not_disturb").state == "on"


async def test_options_show_urls(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> None:
    """The options show the phone's URLs and a signed provisioning link."""
    result = await open_options_step(hass, init_integration.entry_id, "urls")
    assert result["type"] is FlowResultType.FORM
    placeholders = result["description_placeholders"]
    assert placeholders["base_url"] == f"{LOCAL_URL}/api/webhook/{WEBHOOK_ID}"
    assert placeholders["provisioning_link"].startswith(
        f'<a href="/api/sangoma_phone/{init_integration.entry_id}/provisioning.xml?authSig='
    )
    assert placeholders["provisioning_link"].endswith(
        f'" target="_blank">cfg{MAC}.xml</a>'
    )
    result = await hass.config_entries.options.async_configure(result["flow_id"], {})
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert init_integration.options == {CONF_LOCAL_ONLY: True}


async def test_options_settings(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> None:
    """Settings are validated, normalised, and applied."""
    result = await open_options_step(hass, init_integration.entry_id, "settings")
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
    result = await open_options_step(hass, init_integration.entry_id, "settings")
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


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("0.0.0.0", 0))
        port: int = sock.getsockname()[1]
    return port


async def _listener_form(
    hass: HomeAssistant, entry: MockConfigEntry
) -> ConfigFlowResult:
    result = await open_options_step(hass, entry.entry_id, "listener")
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "listener"
    return result


def _suggested(result: ConfigFlowResult) -> dict[str, Any]:
    return {
        str(key): key.description["suggested_value"]
        for key in result["data_schema"].schema
    }


@pytest.mark.usefixtures("socket_enabled")
async def test_options_listener(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    hass_storage: dict[str, Any],
) -> None:
    """The listener is off by default; enabling it moves this phone's URLs."""
    result = await _listener_form(hass, init_integration)
    assert _suggested(result) == {
        CONF_LISTENER_ENABLED: False,
        CONF_LISTENER_PORT: DEFAULT_LISTENER_PORT,
        CONF_USE_LISTENER: False,
    }

    # Using it needs it enabled.
    port = _free_port()
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
    assert _suggested(result)[CONF_USE_LISTENER] is True

    result = await hass.config_entries.options.async_configure(
        result["flow_id"],
        {
            CONF_LISTENER_ENABLED: True,
            CONF_LISTENER_PORT: float(port),
            CONF_USE_LISTENER: True,
        },
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done()
    assert init_integration.options == {CONF_LOCAL_ONLY: True, CONF_USE_LISTENER: True}
    assert hass_storage[LISTENER_STORAGE_KEY]["data"] == {"enabled": True, "port": port}
    assert hass.data[DATA_LISTENER].port == port

    # The URL page and the settings keep and show it.
    result = await open_options_step(hass, init_integration.entry_id, "urls")
    base = f"http://homeassistant.local:{port}/api/webhook/{WEBHOOK_ID}"
    assert result["description_placeholders"]["base_url"] == base
    assert f"`{base}?event=incoming_call&" in result["description_placeholders"]["urls"]
    result = await open_options_step(hass, init_integration.entry_id, "settings")
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {CONF_LOCAL_ONLY: False, CONF_MAC: MAC}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert init_integration.options[CONF_USE_LISTENER] is True

    # Saving again on its own running port is no conflict.
    result = await _listener_form(hass, init_integration)
    assert _suggested(result) == {
        CONF_LISTENER_ENABLED: True,
        CONF_LISTENER_PORT: port,
        CONF_USE_LISTENER: True,
    }
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
    port = _free_port()
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
    assert result["description_placeholders"] == {"phones": "Reception"}
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
async def test_reconfigure_confirm_shows_listener_urls(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> None:
    """A new webhook id of a phone on the listener is shown with its base URL."""
    port = _free_port()
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


@pytest.mark.usefixtures("socket_enabled")
async def test_options_listener_port_change(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> None:
    """A new port in the options moves the running listener at once."""
    old_port = _free_port()
    new_port = next(port for port in iter(_free_port, 0) if port != old_port)
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


async def test_options_settings_of_unloaded_phone(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> None:
    """The MAC of a phone that is not loaded can be changed too."""
    assert await hass.config_entries.async_unload(init_integration.entry_id)
    result = await open_options_step(hass, init_integration.entry_id, "settings")
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {CONF_LOCAL_ONLY: True, CONF_MAC: "001fc1000007"}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert init_integration.unique_id == "001fc1000007"
