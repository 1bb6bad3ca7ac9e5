"""Tests for the phone's diagnostics."""

import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.components.diagnostics import (
    get_diagnostics_for_config_entry,
    get_diagnostics_for_device,
)
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator
from syrupy.assertion import SnapshotAssertion
from syrupy.filters import props

from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr
from homeassistant.setup import async_setup_component

from .conftest import WEBHOOK_ID, SendRequest, phone_device


@pytest.fixture(autouse=True)
async def setup_diagnostics(hass: HomeAssistant) -> None:
    """Set up diagnostics before any test client freezes the HTTP routes."""
    assert await async_setup_component(hass, "diagnostics", {})


async def test_diagnostics(
    hass: HomeAssistant,
    hass_client: ClientSessionGenerator,
    init_integration: MockConfigEntry,
    send: SendRequest,
    device_registry: dr.DeviceRegistry,
    snapshot: SnapshotAssertion,
) -> None:
    """Diagnostics show state and counters, never the webhook id."""
    await send("registered", {"ip": "192.168.1.50", "model": "S505", "fw": "2.0.4"})
    await send("incoming_call", {"cid": "1", "remote": "1002", "dr": "Bob"})
    await send("bogus")
    await send("dnd_on", mac="001fc1000001")

    diagnostics = await get_diagnostics_for_config_entry(
        hass, hass_client, init_integration
    )
    # No secret and nothing that identifies the phone or the people it talks to.
    text = str(diagnostics)
    for private in (WEBHOOK_ID, "1002", "Bob", "192.168.1.50", "1fc1", "1FC1"):
        assert private not in text, private
    # What helps to find a problem stays: states and counts.
    assert diagnostics["state"]["call_state"] == "ringing"
    assert diagnostics["rejected_counts"] == {"mac_mismatch": 1, "unknown_event": 1}
    assert diagnostics == snapshot(
        exclude=props("last_event_time", "time", "connected_at", "started_at")
    )
    device = phone_device(device_registry)
    assert device is not None
    device_diagnostics = await get_diagnostics_for_device(
        hass, hass_client, init_integration, device
    )
    assert device_diagnostics == diagnostics
