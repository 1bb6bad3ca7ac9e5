"""When the listener runs: its settings, phones loaded, ports taken, removal."""

import asyncio
from typing import Any

import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.components.diagnostics import (
    get_diagnostics_for_config_entry,
)
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

from custom_components.sangoma_phone.const import DOMAIN, LISTENER_STORAGE_KEY
from custom_components.sangoma_phone.listener import (
    DATA_LISTENER,
    LISTENER_ISSUE,
    ListenerSettings,
    port_is_free,
)
from custom_components.sangoma_phone.urls import phone_event_urls
from homeassistant.config_entries import (
    SOURCE_IGNORE,
    ConfigEntryDisabler,
    ConfigEntryState,
)
from homeassistant.const import EVENT_HOMEASSISTANT_STOP, STATE_ON
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.helpers import issue_registry as ir

from ..conftest import WEBHOOK_ID
from ..flow_helpers import open_options_step
from .conftest import (
    DND,
    PATH,
    add_phone,
    exchange,
    free_port,
    get,
    served,
    status_of,
    storage,
)


async def test_off_by_default(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    hass_storage: dict[str, Any],
    hass_client: ClientSessionGenerator,
) -> None:
    """Without settings nothing listens, and the URLs are Home Assistant's."""
    assert hass.data[DATA_LISTENER].settings == ListenerSettings()
    assert hass.data[DATA_LISTENER].port is None
    assert LISTENER_STORAGE_KEY not in hass_storage
    assert phone_event_urls(hass, init_integration)["dnd_on"].startswith(
        f"http://homeassistant.local:8123/api/webhook/{WEBHOOK_ID}?"
    )
    diagnostics = await get_diagnostics_for_config_entry(
        hass, hass_client, init_integration
    )
    assert diagnostics["listener"] == {
        "enabled": False,
        "port": 8124,
        "running_on_port": None,
        "rate_limited_requests": 0,
    }


async def test_runs_while_a_phone_is_loaded(
    hass: HomeAssistant, listener: int, init_integration: MockConfigEntry
) -> None:
    """It stops with the last phone (port free again) and restarts with one."""
    other = await add_phone(hass, "c" * 32, "001fc1000004")
    assert await hass.config_entries.async_unload(init_integration.entry_id)
    assert hass.data[DATA_LISTENER].port == listener
    response = await exchange(listener, get(PATH + b"?event=dnd_on"))
    assert status_of(response) == 200  # unloaded: unknown id now

    assert await hass.config_entries.async_unload(other.entry_id)
    await hass.async_block_till_done()
    assert hass.data[DATA_LISTENER].port is None
    assert port_is_free(listener)
    with pytest.raises(ConnectionRefusedError):
        await asyncio.open_connection("127.0.0.1", listener)

    assert await hass.config_entries.async_setup(init_integration.entry_id)
    await hass.async_block_till_done()
    assert init_integration.state is ConfigEntryState.LOADED
    response = await exchange(listener, get(PATH + b"?event=dnd_on"))
    assert status_of(response) == 200
    assert hass.states.get(DND).state == STATE_ON


async def test_stops_with_home_assistant(hass: HomeAssistant, listener: int) -> None:
    """Home Assistant stopping closes the listener."""
    hass.bus.async_fire(EVENT_HOMEASSISTANT_STOP)
    await hass.async_block_till_done()
    assert hass.data[DATA_LISTENER].port is None
    assert port_is_free(listener)


async def test_settings_change_restarts(
    hass: HomeAssistant, listener: int, hass_storage: dict[str, Any]
) -> None:
    """A new port moves the listener; disabling stops it; both are stored."""
    phone = hass.data[DATA_LISTENER]
    new_port = free_port()
    await phone.async_set_settings(ListenerSettings(enabled=True, port=new_port))
    assert phone.port == new_port
    assert port_is_free(listener)
    assert hass_storage[LISTENER_STORAGE_KEY]["data"] == {
        "enabled": True,
        "port": new_port,
    }
    response = await exchange(new_port, get(PATH + b"?event=dnd_on"))
    assert status_of(response) == 200

    await phone.async_set_settings(ListenerSettings(enabled=False, port=new_port))
    assert phone.port is None
    assert port_is_free(new_port)
    assert hass_storage[LISTENER_STORAGE_KEY]["data"]["enabled"] is False


async def test_same_settings_keep_running(hass: HomeAssistant, listener: int) -> None:
    """Saving unchanged settings leaves the listener serving on its port."""
    phone = hass.data[DATA_LISTENER]
    await phone.async_set_settings(ListenerSettings(enabled=True, port=listener))
    assert phone.port == listener
    assert phone.port_available(listener)
    assert await served(listener)


async def test_port_taken_at_start(
    hass: HomeAssistant,
    mock_config_entry: MockConfigEntry,
    busy_port: int,
    started_on_busy_port: None,
    issue_registry: ir.IssueRegistry,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A taken port is an error and a repair; the phone still loads."""
    assert mock_config_entry.state is ConfigEntryState.LOADED
    listener = hass.data[DATA_LISTENER]
    assert listener.port is None
    assert not listener.port_available(busy_port)
    issue = issue_registry.async_get_issue(DOMAIN, LISTENER_ISSUE)
    assert issue is not None
    assert issue.translation_placeholders["port"] == str(busy_port)
    # Logged while the phone was set up (the fixture).
    assert any(
        f"cannot listen on port {busy_port}" in record.getMessage()
        for record in caplog.get_records("setup")
    )

    port = free_port()
    await listener.async_set_settings(ListenerSettings(enabled=True, port=port))
    assert listener.port == port
    assert issue_registry.async_get_issue(DOMAIN, LISTENER_ISSUE) is None


async def test_port_taken_issue_cleared_when_disabled(
    hass: HomeAssistant,
    mock_config_entry: MockConfigEntry,
    busy_port: int,
    started_on_busy_port: None,
    issue_registry: ir.IssueRegistry,
) -> None:
    """Disabling the listener clears the repair about its port."""
    assert issue_registry.async_get_issue(DOMAIN, LISTENER_ISSUE) is not None
    await hass.data[DATA_LISTENER].async_set_settings(
        ListenerSettings(enabled=False, port=busy_port)
    )
    assert issue_registry.async_get_issue(DOMAIN, LISTENER_ISSUE) is None


async def test_restart_safe(
    hass: HomeAssistant,
    hass_storage: dict[str, Any],
    mock_config_entry: MockConfigEntry,
    local_url: str,
) -> None:
    """Stored settings (as after a restart) start the listener with the phone."""
    port = free_port()
    hass_storage[LISTENER_STORAGE_KEY] = storage(True, port)
    mock_config_entry.add_to_hass(hass)
    assert hass.data.get(DATA_LISTENER) is None
    assert await hass.config_entries.async_setup(mock_config_entry.entry_id)
    await hass.async_block_till_done()
    assert hass.data[DATA_LISTENER].port == port
    assert await served(port)


async def test_last_phone_removed_deletes_settings(
    hass: HomeAssistant,
    listener: int,
    init_integration: MockConfigEntry,
    hass_storage: dict[str, Any],
) -> None:
    """Removing the last phone stops the listener and deletes its settings."""
    other = await add_phone(hass, "d" * 32, "001fc1000005")
    await hass.config_entries.async_remove(other.entry_id)
    await hass.async_block_till_done()
    assert LISTENER_STORAGE_KEY in hass_storage
    await hass.config_entries.async_remove(init_integration.entry_id)
    await hass.async_block_till_done()
    assert LISTENER_STORAGE_KEY not in hass_storage
    assert hass.data[DATA_LISTENER].settings == ListenerSettings()
    assert port_is_free(listener)


async def test_removed_without_setup_deletes_settings(
    hass: HomeAssistant,
    mock_config_entry: MockConfigEntry,
    hass_storage: dict[str, Any],
) -> None:
    """A phone removed without ever being set up still cleans the settings."""
    hass_storage[LISTENER_STORAGE_KEY] = storage(True, 8124)
    mock_config_entry.add_to_hass(hass)
    await hass.config_entries.async_remove(mock_config_entry.entry_id)
    await hass.async_block_till_done()
    assert LISTENER_STORAGE_KEY not in hass_storage


async def test_an_ignored_discovery_keeps_no_settings(
    hass: HomeAssistant,
    mock_config_entry: MockConfigEntry,
    hass_storage: dict[str, Any],
) -> None:
    """An ignored discovery is no phone: removing the last real phone still
    deletes the listener's settings (the next phone starts closed)."""
    hass_storage[LISTENER_STORAGE_KEY] = storage(True, 8124)
    ignored = MockConfigEntry(
        domain=DOMAIN, source=SOURCE_IGNORE, unique_id="001fc1000009"
    )
    ignored.add_to_hass(hass)
    mock_config_entry.add_to_hass(hass)
    await hass.config_entries.async_remove(mock_config_entry.entry_id)
    await hass.async_block_till_done()
    assert LISTENER_STORAGE_KEY not in hass_storage


async def test_listener_step_while_every_phone_is_disabled(
    hass: HomeAssistant, mock_config_entry: MockConfigEntry
) -> None:
    """With every phone disabled nothing is set up: the listener's step says
    so instead of failing."""
    mock_config_entry.disabled_by = ConfigEntryDisabler.USER
    mock_config_entry.add_to_hass(hass)
    result = await open_options_step(hass, mock_config_entry.entry_id, "listener")
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "listener_not_loaded"
