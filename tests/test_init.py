"""Tests for setting up, unloading, reloading and removing a phone."""

from http import HTTPStatus
from typing import Any

import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.sangoma_phone.const import DOMAIN
from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import STATE_ON, STATE_UNKNOWN
from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr, entity_registry as er

from .conftest import ENTRY_ID, SendRequest, phone_device


async def test_ip_address_disabled_by_default(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    entity_registry: er.EntityRegistry,
) -> None:
    """The IP address sensor is there for diagnosis, off by default."""
    entry = entity_registry.async_get("sensor.desk_phone_ip_address")
    assert entry is not None
    assert entry.disabled_by is er.RegistryEntryDisabler.INTEGRATION


async def test_setup_creates_device(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    device_registry: dr.DeviceRegistry,
) -> None:
    """The phone gets a device with its MAC before any request."""
    assert init_integration.state is ConfigEntryState.LOADED
    device = phone_device(device_registry)
    assert device is not None
    assert device.name == "Desk phone"
    assert device.manufacturer == "Sangoma"
    assert (dr.CONNECTION_NETWORK_MAC, "00:1f:c1:aa:bb:cc") in device.connections


async def test_unload_closes_webhook(
    hass: HomeAssistant, init_integration: MockConfigEntry, send: SendRequest
) -> None:
    """After unloading, the webhook no longer reaches the phone."""
    assert await hass.config_entries.async_unload(init_integration.entry_id)
    await hass.async_block_till_done()
    assert init_integration.state is ConfigEntryState.NOT_LOADED
    response = await send("dnd_on")
    # Home Assistant answers 200 for unknown webhooks so ids cannot be probed.
    assert response.status == HTTPStatus.OK
    assert hass.states.get("switch.desk_phone_do_not_disturb").state == "unavailable"


@pytest.mark.usefixtures("enable_all_entities")
async def test_state_survives_reload(
    hass: HomeAssistant, init_integration: MockConfigEntry, send: SendRequest
) -> None:
    """A reload (as after a restart) brings back what the phone told us."""
    await send("dnd_on")
    await send("incoming_call", {"cid": "7", "remote": "1002", "dr": "Bob"})
    await send("missed_call", {"cid": "7", "remote": "1002", "dr": "Bob"})
    await send("registered", {"ip": "192.168.1.50"})

    assert await hass.config_entries.async_reload(init_integration.entry_id)
    await hass.async_block_till_done()

    assert hass.states.get("switch.desk_phone_do_not_disturb").state == STATE_ON
    assert hass.states.get("sensor.desk_phone_missed_calls").state == "1"
    assert hass.states.get("sensor.desk_phone_remote_name").state == "Bob"
    assert (
        hass.states.get("binary_sensor.desk_phone_sip_registration").state == STATE_ON
    )
    assert hass.states.get("sensor.desk_phone_ip_address").state == "192.168.1.50"
    # Never told: still unknown, not "off".
    assert (
        hass.states.get("binary_sensor.desk_phone_always_forward").state
        == STATE_UNKNOWN
    )
    # The count goes on from the restored value.
    await send("missed_call", {"cid": "8", "remote": "1003"})
    assert hass.states.get("sensor.desk_phone_missed_calls").state == "2"


async def start_with_stored(
    hass: HomeAssistant,
    hass_storage: dict[str, Any],
    entry: MockConfigEntry,
    data: Any,
) -> None:
    """Start the phone with `data` in its store, as after a restart."""
    key = f"{DOMAIN}.{entry.entry_id}"
    hass_storage[key] = {"version": 1, "minor_version": 1, "key": key, "data": data}
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()


async def test_restore_from_storage(
    hass: HomeAssistant,
    hass_storage: dict[str, Any],
    mock_config_entry: MockConfigEntry,
    local_url: str,
) -> None:
    """On start, the phone's state comes from what was stored before."""
    await start_with_stored(
        hass,
        hass_storage,
        mock_config_entry,
        {"state": {"dnd": True, "registration": "registered", "missed_calls": 4}},
    )
    assert hass.states.get("switch.desk_phone_do_not_disturb").state == STATE_ON
    assert (
        hass.states.get("binary_sensor.desk_phone_sip_registration").state == STATE_ON
    )
    assert hass.states.get("sensor.desk_phone_missed_calls").state == "4"


async def test_restart_forgets_ringing_calls(
    hass: HomeAssistant,
    hass_storage: dict[str, Any],
    mock_config_entry: MockConfigEntry,
    local_url: str,
) -> None:
    """A call that was ringing when Home Assistant stopped is over after it."""
    await start_with_stored(
        hass,
        hass_storage,
        mock_config_entry,
        {
            "state": {
                "call_state": "ringing",
                "last_event": "incoming_call",
                "last_event_time": "2026-11-26T05:00:00+00:00",
                "remote_name": "Bob",
                "calls": {"c1": {"state": "ringing", "remote_name": "Bob"}},
            }
        },
    )
    assert hass.states.get("binary_sensor.desk_phone_ringing").state == "off"
    assert hass.states.get("sensor.desk_phone_call_state").state == "idle"
    assert hass.states.get("sensor.desk_phone_remote_name").state == "Bob"


@pytest.mark.parametrize(
    "stored", [{"state": "garbage"}, {"state": {"dnd": "maybe"}}, None]
)
async def test_restore_garbage(
    hass: HomeAssistant,
    hass_storage: dict[str, Any],
    mock_config_entry: MockConfigEntry,
    local_url: str,
    stored: Any,
) -> None:
    """A damaged store never keeps the phone from starting."""
    await start_with_stored(hass, hass_storage, mock_config_entry, stored)
    assert mock_config_entry.state is ConfigEntryState.LOADED


async def test_remove_entry_deletes_store(
    hass: HomeAssistant,
    hass_storage: dict[str, Any],
    init_integration: MockConfigEntry,
    send: SendRequest,
) -> None:
    """Removing the phone deletes its stored state."""
    await send("dnd_on")
    assert await hass.config_entries.async_unload(init_integration.entry_id)
    assert f"{DOMAIN}.{ENTRY_ID}" in hass_storage
    await hass.config_entries.async_remove(init_integration.entry_id)
    await hass.async_block_till_done()
    assert f"{DOMAIN}.{ENTRY_ID}" not in hass_storage
