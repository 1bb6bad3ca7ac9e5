"""Tests for the reconfigure flow: name, pinned MAC, new webhook id."""

from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_capture_events,
)

from custom_components.sangoma_phone.const import (
    CONF_MAC,
    CONF_WEBHOOK_ID,
    DOMAIN,
    EVENT_PHONE,
)
from homeassistant.config_entries import (
    SOURCE_IGNORE,
)
from homeassistant.const import CONF_NAME
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.helpers import device_registry as dr

from .conftest import ENTRY_ID, MAC, WEBHOOK_ID, SendRequest, phone_device
from .flow_helpers import suggested


async def test_reconfigure_rename(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> None:
    """Renaming keeps the webhook."""
    result = await init_integration.start_reconfigure_flow(hass)
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "reconfigure"
    assert suggested(result) == {
        CONF_NAME: "Desk phone",
        CONF_MAC: "00:1F:C1:AA:BB:CC",
        "regenerate_webhook": None,
    }
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_NAME: "Office", CONF_MAC: "00:1f:c1:aa:bb:cc"}
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reconfigure_successful"
    assert init_integration.title == "Office"
    assert init_integration.data[CONF_WEBHOOK_ID] == WEBHOOK_ID
    assert init_integration.data[CONF_MAC] == MAC


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


async def test_reconfigure_mac(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    send: SendRequest,
    device_registry: dr.DeviceRegistry,
) -> None:
    """The pinned MAC is changed in the reconfigure flow, validated first."""
    MockConfigEntry(domain=DOMAIN, unique_id="001fc1000002").add_to_hass(hass)
    result = await init_integration.start_reconfigure_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_NAME: "Desk phone", CONF_MAC: "bad"}
    )
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {CONF_MAC: "invalid_mac"}
    assert suggested(result)[CONF_MAC] == "bad"
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_NAME: "Desk phone", CONF_MAC: "001fc1000002"}
    )
    assert result["errors"] == {CONF_MAC: "mac_in_use"}
    assert init_integration.data[CONF_MAC] == MAC

    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_NAME: "Desk phone", CONF_MAC: "00-1F-C1-00-00-09"}
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reconfigure_successful"
    await hass.async_block_till_done()
    assert init_integration.data[CONF_MAC] == "001fc1000009"
    assert init_integration.unique_id == "001fc1000009"
    device = phone_device(device_registry, ENTRY_ID)
    assert device is not None
    assert device.connections == {(dr.CONNECTION_NETWORK_MAC, "00:1f:c1:00:00:09")}
    # The phone now takes the new MAC's requests, and no longer the old one's.
    assert (await send("dnd_on", mac="001fc1000009")).status == 200
    assert (await send("dnd_off")).status == 403
    assert hass.states.get("switch.desk_phone_do_not_disturb").state == "on"


async def test_reconfigure_clears_mac(
    hass: HomeAssistant, init_integration: MockConfigEntry, send: SendRequest
) -> None:
    """An empty MAC unpins the phone: it learns the MAC of its next request."""
    result = await init_integration.start_reconfigure_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_NAME: "Desk phone", CONF_MAC: ""}
    )
    assert result["reason"] == "reconfigure_successful"
    await hass.async_block_till_done()
    assert init_integration.data[CONF_MAC] is None
    assert init_integration.unique_id is None
    assert (await send("dnd_on", mac="001fc1000007")).status == 200
    assert init_integration.unique_id == "001fc1000007"


async def test_reconfigure_mac_and_webhook(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> None:
    """A new MAC and a new webhook id are applied together, once confirmed."""
    ignored = MockConfigEntry(
        domain=DOMAIN, source=SOURCE_IGNORE, unique_id="001fc1000005"
    )
    ignored.add_to_hass(hass)
    result = await init_integration.start_reconfigure_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"],
        {CONF_NAME: "Hall", CONF_MAC: "001fc1000005", "regenerate_webhook": True},
    )
    assert result["step_id"] == "reconfigure_confirm"
    assert init_integration.data[CONF_MAC] == MAC
    result = await hass.config_entries.flow.async_configure(result["flow_id"], {})
    assert result["reason"] == "webhook_regenerated"
    await hass.async_block_till_done()
    assert init_integration.title == "Hall"
    assert init_integration.data[CONF_MAC] == "001fc1000005"
    assert init_integration.data[CONF_WEBHOOK_ID] != WEBHOOK_ID
    # The ignored discovery of the same phone gives way to it.
    assert hass.config_entries.async_get_entry(ignored.entry_id) is None
    assert init_integration.unique_id == "001fc1000005"


async def test_reconfigure_unloaded_phone(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> None:
    """The MAC of a phone that is not loaded can be changed too."""
    assert await hass.config_entries.async_unload(init_integration.entry_id)
    result = await init_integration.start_reconfigure_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_NAME: "Desk phone", CONF_MAC: "001fc1000007"}
    )
    assert result["reason"] == "reconfigure_successful"
    await hass.async_block_till_done()
    assert init_integration.unique_id == "001fc1000007"
