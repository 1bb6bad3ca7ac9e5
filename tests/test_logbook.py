"""Tests for the logbook descriptions of the phone's bus events."""

from collections.abc import Callable

import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_capture_events,
)

from custom_components.sangoma_phone.const import DOMAIN, EVENT_PHONE
from custom_components.sangoma_phone.logbook import (
    async_describe_events,
    phone_event_message,
)
from homeassistant.core import Event, HomeAssistant
from homeassistant.helpers import device_registry as dr

from .conftest import ENTRY_ID, SendRequest, phone_device

type Describe = Callable[[Event], dict[str, str]]


@pytest.fixture
def describe(hass: HomeAssistant) -> Describe:
    """Return the describe callback the integration registers for its event."""
    registered: dict[tuple[str, str], Describe] = {}

    def register(domain: str, event_type: str, callback: Describe) -> None:
        registered[(domain, event_type)] = callback

    async_describe_events(hass, register)
    assert set(registered) == {(DOMAIN, EVENT_PHONE)}
    return registered[(DOMAIN, EVENT_PHONE)]


@pytest.mark.usefixtures("init_integration")
async def test_described_from_real_requests(
    hass: HomeAssistant,
    send: SendRequest,
    describe: Describe,
    device_registry: dr.DeviceRegistry,
) -> None:
    """Events fired by webhook requests read well, under the device's name."""
    events = async_capture_events(hass, EVENT_PHONE)
    await send("incoming_call", {"remote": "sip:1002@pbx.example", "dr": "Bob"})
    await send("dnd_on")
    await send("ip_changed", {"ip": "192.0.2.51"})
    await send("missed_call", {"remote": "sip:1002@pbx.example"})
    await hass.async_block_till_done()

    assert [describe(event) for event in events] == [
        {"name": "Desk phone", "message": "reported Incoming Call (P3707): Bob (1002)"},
        {"name": "Desk phone", "message": "reported Open DND (P3711)"},
        {
            "name": "Desk phone",
            "message": "reported IP Changed (P3734): new IP address 192.0.2.51",
        },
        {"name": "Desk phone", "message": "reported Missed Call (P3726): 1002"},
    ]

    device = phone_device(device_registry)
    assert device is not None
    device_registry.async_update_device(device.id, name_by_user="Reception")
    assert describe(events[1])["name"] == "Reception"


async def test_name_without_device(
    hass: HomeAssistant, mock_config_entry: MockConfigEntry, describe: Describe
) -> None:
    """Without a known device the entry's title is used, then a default."""
    mock_config_entry.add_to_hass(hass)
    data = {"event": "dnd_off", "device_id": "gone", "entry_id": ENTRY_ID}
    assert describe(Event(EVENT_PHONE, data))["name"] == "Desk phone"
    data = {"event": "dnd_off", "device_id": None, "entry_id": "gone"}
    assert describe(Event(EVENT_PHONE, data))["name"] == "Sangoma phone"
    assert describe(Event(EVENT_PHONE, {"event": "dnd_off"}))["name"] == (
        "Sangoma phone"
    )


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"event": "registered"}, "reported Registered (P3702)"),
        (
            {"event": "established", "display_remote": "Bob", "remote_number": "1002"},
            "reported Established (P3709): Bob (1002)",
        ),
        (
            {"event": "terminated", "display_remote": "1002", "remote_number": "1002"},
            "reported Terminated (P3710): 1002",
        ),
        ({"event": "hold", "display_remote": "Bob"}, "reported Hold (P3722): Bob"),
        ({"event": "ip_changed"}, "reported IP Changed (P3734)"),
        ({"event": "no_such_event"}, "reported no_such_event"),
    ],
)
def test_message(data: dict[str, str], message: str) -> None:
    """Every event reads as 'reported <Sangoma's name> (<P-code>)[: party]'."""
    assert phone_event_message(data) == message
