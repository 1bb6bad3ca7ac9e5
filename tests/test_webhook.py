"""Tests for the phone's webhook: every event end to end, what each one changes."""

from datetime import timedelta
from http import HTTPStatus

from freezegun.api import FrozenDateTimeFactory
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_capture_events,
)
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

from custom_components.sangoma_phone.const import (
    EVENT_PHONE,
)
from custom_components.sangoma_phone.logbook import phone_event_message
from custom_components.sangoma_phone.protocol import EVENTS
from homeassistant.const import STATE_OFF, STATE_ON, STATE_UNKNOWN
from homeassistant.core import Event, HomeAssistant
from homeassistant.helpers import device_registry as dr

from .conftest import ENTRY_ID, MAC, WEBHOOK_ID, SendRequest, en_texts, phone_device

EVENT_ENTITY = "event.desk_phone_phone_event"
LAST_EVENT = "sensor.desk_phone_last_event"
CALL_STATE = "sensor.desk_phone_call_state"

pytestmark = pytest.mark.usefixtures("enable_all_entities", "init_integration")


@pytest.mark.parametrize("spec", EVENTS, ids=lambda spec: spec.key)
async def test_every_event_end_to_end(
    hass: HomeAssistant,
    send: SendRequest,
    device_registry: dr.DeviceRegistry,
    spec: object,
) -> None:
    """Each of the 34 events is accepted, fires the bus event and the entity."""
    assert spec in EVENTS
    key = spec.key  # type: ignore[attr-defined]
    bus_events = async_capture_events(hass, EVENT_PHONE)
    response = await send(
        key, {"ip": "192.168.1.50", "remote": "sip:1002@pbx.example", "dr": "Bob"}
    )
    assert response.status == HTTPStatus.OK
    await hass.async_block_till_done()

    device = phone_device(device_registry, ENTRY_ID)
    assert device is not None
    assert len(bus_events) == 1
    data = bus_events[0].data
    assert data["event"] == key
    assert data["p_code"] == spec.p_code  # type: ignore[attr-defined]
    assert data["device_id"] == device.id
    assert data["entry_id"] == ENTRY_ID
    assert data["mac"] == MAC
    assert data["ip"] == "192.168.1.50"
    assert set(data) >= {
        "model",
        "firmware",
        "local",
        "remote",
        "remote_number",
        "display_local",
        "display_remote",
        "call_id",
        "active_user",
        "active_host",
        "active_url",
    }
    state = hass.states.get(EVENT_ENTITY)
    assert state is not None
    assert state.attributes["event_type"] == key
    assert state.attributes["mac"] == MAC
    last_event = hass.states.get(LAST_EVENT)
    assert last_event is not None
    assert last_event.state == key


async def test_incoming_call_flow(
    hass: HomeAssistant, send: SendRequest, freezer: FrozenDateTimeFactory
) -> None:
    """Ringing, answered, hung up: the entities follow the call."""
    assert hass.states.get(CALL_STATE).state == STATE_UNKNOWN
    assert hass.states.get("binary_sensor.desk_phone_ringing").state == STATE_UNKNOWN

    caller = {"cid": "c1", "remote": "sip:+15551234@pbx.example", "dr": "Smith & Sons"}
    await send("incoming_call", caller)
    assert hass.states.get(CALL_STATE).state == "ringing"
    assert hass.states.get("binary_sensor.desk_phone_ringing").state == STATE_ON
    assert hass.states.get("binary_sensor.desk_phone_in_call").state == STATE_OFF
    assert hass.states.get("sensor.desk_phone_remote_number").state == "+15551234"
    assert hass.states.get("sensor.desk_phone_remote_name").state == "Smith & Sons"

    await send("established", caller)
    assert hass.states.get(CALL_STATE).state == "connected"
    assert hass.states.get("binary_sensor.desk_phone_ringing").state == STATE_OFF
    assert hass.states.get("binary_sensor.desk_phone_in_call").state == STATE_ON

    await send("hold", caller)
    assert hass.states.get("binary_sensor.desk_phone_on_hold").state == STATE_ON
    assert hass.states.get(CALL_STATE).state == "on_hold"
    assert hass.states.get("binary_sensor.desk_phone_in_call").state == STATE_ON
    await send("unhold", caller)
    assert hass.states.get("binary_sensor.desk_phone_on_hold").state == STATE_OFF

    await send("mute", caller)
    assert hass.states.get("binary_sensor.desk_phone_muted").state == STATE_ON
    await send("unmute", caller)
    assert hass.states.get("binary_sensor.desk_phone_muted").state == STATE_OFF

    freezer.tick(timedelta(seconds=65))
    await send("terminated", caller)
    assert hass.states.get(CALL_STATE).state == "idle"
    assert hass.states.get("binary_sensor.desk_phone_in_call").state == STATE_OFF
    duration = hass.states.get("sensor.desk_phone_last_call_duration")
    assert float(duration.state) == 65


async def test_missed_call(hass: HomeAssistant, send: SendRequest) -> None:
    """A missed call counts and remembers the caller."""
    caller = {"cid": "c9", "remote": "1002@pbx", "dr": "Alice"}
    await send("incoming_call", caller)
    await send("missed_call", caller)
    missed = hass.states.get("sensor.desk_phone_missed_calls")
    assert missed.state == "1"
    assert missed.attributes["last_missed_number"] == "1002"
    assert missed.attributes["last_missed_name"] == "Alice"
    assert hass.states.get(CALL_STATE).state == "idle"


@pytest.mark.parametrize(
    ("on_event", "off_event", "entity_id"),
    [
        ("dnd_on", "dnd_off", "binary_sensor.desk_phone_do_not_disturb"),
        (
            "always_forward_on",
            "always_forward_off",
            "binary_sensor.desk_phone_always_forward",
        ),
        (
            "busy_forward_on",
            "busy_forward_off",
            "binary_sensor.desk_phone_busy_forward",
        ),
        (
            "no_answer_forward_on",
            "no_answer_forward_off",
            "binary_sensor.desk_phone_no_answer_forward",
        ),
        ("off_hook", "on_hook", "binary_sensor.desk_phone_off_hook"),
        ("registered", "unregistered", "binary_sensor.desk_phone_sip_registration"),
    ],
)
async def test_on_off_events(
    hass: HomeAssistant,
    send: SendRequest,
    on_event: str,
    off_event: str,
    entity_id: str,
) -> None:
    """Paired events switch their entity on and off; unknown before."""
    assert hass.states.get(entity_id).state == STATE_UNKNOWN
    await send(on_event)
    assert hass.states.get(entity_id).state == STATE_ON
    await send(off_event)
    assert hass.states.get(entity_id).state == STATE_OFF


async def test_register_failed(hass: HomeAssistant, send: SendRequest) -> None:
    """A failed registration shows the phone as not registered."""
    await send("registered")
    await send("register_failed")
    assert (
        hass.states.get("binary_sensor.desk_phone_sip_registration").state == STATE_OFF
    )


async def test_accounts(
    hass: HomeAssistant, init_integration: MockConfigEntry, send: SendRequest
) -> None:
    """SIP registration: on only while every account is; account in events."""
    events = async_capture_events(hass, EVENT_PHONE)
    entity = "binary_sensor.desk_phone_sip_registration"
    await send("registered", {"au": "1001", "ah": "pbx.example"})
    state = hass.states.get(entity)
    assert state.state == "on"
    assert state.attributes["accounts"] == {"1001@pbx.example": "registered"}
    await send("register_failed", {"au": "2002", "ah": "sip.example"})
    state = hass.states.get(entity)
    assert state.state == "off"
    assert state.attributes["accounts"] == {
        "1001@pbx.example": "registered",
        "2002@sip.example": "register_failed",
    }
    await hass.async_block_till_done()
    assert [e.data["account"] for e in events] == [
        "1001@pbx.example",
        "2002@sip.example",
    ]
    assert phone_event_message(events[1].data, en_texts()) == (
        "Registration failed: 2002@sip.example"
    )
    assert state.name == "Desk phone SIP registration"


async def test_device_learns_identity(
    hass: HomeAssistant, send: SendRequest, device_registry: dr.DeviceRegistry
) -> None:
    """Model, firmware and IP reach the device and the IP sensor."""
    await send("registered", {"ip": "192.168.1.50", "model": "S505", "fw": "2.0.4.83"})
    device = phone_device(device_registry, ENTRY_ID)
    assert device.model == "S505"
    assert device.sw_version == "2.0.4.83"
    assert device.configuration_url == "http://192.168.1.50"
    assert (dr.CONNECTION_NETWORK_MAC, "00:1f:c1:aa:bb:cc") in device.connections
    assert hass.states.get("sensor.desk_phone_ip_address").state == "192.168.1.50"
    await send("ip_changed", {"ip": "fe80::1"})
    device = device_registry.async_get(device.id)
    assert device.configuration_url == "http://[fe80::1]"


async def test_only_changed_entities_are_written(
    hass: HomeAssistant, send: SendRequest, freezer: FrozenDateTimeFactory
) -> None:
    """A repeated event writes the event entity but no unchanged state."""
    await send("dnd_on")
    # The event entity's state is the event's time (to the millisecond on
    # older releases): a repeat in the same millisecond would change nothing.
    freezer.tick(1)
    written: list[str] = []

    def _record(event: Event) -> None:
        written.append(event.data["entity_id"])

    hass.bus.async_listen("state_changed", _record)
    await send("dnd_on")
    await hass.async_block_till_done()
    assert written == [EVENT_ENTITY]


async def test_post_body(
    hass: HomeAssistant, hass_client_no_auth: ClientSessionGenerator
) -> None:
    """A POST with the parameters in a form body works like a GET."""
    client = await hass_client_no_auth()
    response = await client.post(
        f"/api/webhook/{WEBHOOK_ID}", data=f"event=dnd_on&mac={MAC}"
    )
    assert response.status == HTTPStatus.OK
    assert hass.states.get("binary_sensor.desk_phone_do_not_disturb").state == STATE_ON
