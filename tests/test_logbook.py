"""Tests for the logbook descriptions of the phone's bus events."""

from collections.abc import Callable

import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_capture_events,
)

from custom_components.sangoma_phone.const import DOMAIN, EVENT_PHONE
from custom_components.sangoma_phone.logbook import (
    ICONS,
    async_describe_events,
    phone_event_message,
)
from custom_components.sangoma_phone.protocol import EventKey
from homeassistant.core import Event, HomeAssistant
from homeassistant.helpers import device_registry as dr

from .conftest import ENTRY_ID, SendRequest, en_texts, phone_device

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
    await send("missed_call", {"remote": "sip:1003@pbx.example"})
    await send("outgoing_call", {"remote": "sip:1004@pbx.example", "dr": "1004"})
    await send("terminated", {"remote": "sip:1004@pbx.example"})
    await send("unhold")
    await hass.async_block_till_done()

    entity = "event.desk_phone_phone_event"
    assert [describe(event) for event in events] == [
        {
            "name": "Desk phone",
            "message": "Incoming call from Bob (1002)",
            "icon": "mdi:phone-incoming",
            "entity_id": entity,
        },
        {
            "name": "Desk phone",
            "message": "DND turned on",
            "icon": "mdi:minus-circle",
            "entity_id": entity,
        },
        {
            "name": "Desk phone",
            "message": "IP address changed: 192.0.2.51",
            "icon": "mdi:ip-network",
            "entity_id": entity,
        },
        {
            "name": "Desk phone",
            "message": "Missed call from 1003",
            "icon": "mdi:phone-missed",
            "entity_id": entity,
        },
        {
            "name": "Desk phone",
            "message": "Outgoing call to 1004",
            "icon": "mdi:phone-outgoing",
            "entity_id": entity,
        },
        {
            "name": "Desk phone",
            "message": "Call ended with 1004",
            "icon": "mdi:phone-hangup",
            "entity_id": entity,
        },
        {
            "name": "Desk phone",
            "message": "Call resumed",
            "icon": "mdi:phone-in-talk",
            "entity_id": entity,
        },
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
        ({"event": "registered"}, "Registered"),
        (
            {"event": "established", "display_remote": "Bob", "remote_number": "1002"},
            "Call answered with Bob (1002)",
        ),
        (
            {"event": "terminated", "display_remote": "1002", "remote_number": "1002"},
            "Call ended with 1002",
        ),
        ({"event": "hold", "display_remote": "Bob"}, "Call on hold with Bob"),
        ({"event": "dnd_on", "display_remote": "Bob"}, "DND turned on"),
        ({"event": "ip_changed"}, "IP address changed"),
        ({"event": "no_such_event"}, "Unknown event no_such_event"),
    ],
)
def test_message(data: dict[str, str], message: str) -> None:
    """Every event reads as its plain label, naming the other party if known."""
    assert phone_event_message(data, en_texts()) == message


def test_every_event_has_an_icon() -> None:
    """Each event's logbook line has an icon of its own."""
    assert set(ICONS) == set(EventKey)
    assert all(icon.startswith("mdi:") for icon in ICONS.values())
