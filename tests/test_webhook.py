"""Tests for the phone's webhook: every event end to end, checks and bad input."""

from http import HTTPStatus
import logging
from unittest.mock import patch

import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_capture_events,
)
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

from custom_components.sangoma_phone.const import (
    CONF_ALLOWED_NETWORKS,
    CONF_LOCAL_ONLY,
    CONF_MAC,
    CONF_WEBHOOK_ID,
    DOMAIN,
    EVENT_PHONE,
)
from custom_components.sangoma_phone.protocol import EVENTS
from homeassistant.config_entries import SOURCE_IGNORE
from homeassistant.const import STATE_OFF, STATE_ON, STATE_UNKNOWN
from homeassistant.core import Event, HomeAssistant
from homeassistant.helpers import device_registry as dr

from .conftest import ENTRY_ID, MAC, WEBHOOK_ID, SendRequest

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

    device = device_registry.async_get_device_by_identifier(
        (DOMAIN, ENTRY_ID), ENTRY_ID
    )
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


async def test_incoming_call_flow(hass: HomeAssistant, send: SendRequest) -> None:
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

    await send("terminated", caller)
    assert hass.states.get(CALL_STATE).state == "idle"
    assert hass.states.get("binary_sensor.desk_phone_in_call").state == STATE_OFF
    duration = hass.states.get("sensor.desk_phone_last_call_duration")
    assert duration.state != STATE_UNKNOWN
    assert float(duration.state) >= 0


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
        ("dnd_on", "dnd_off", "switch.desk_phone_do_not_disturb"),
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
        ("registered", "unregistered", "binary_sensor.desk_phone_registered"),
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
    assert hass.states.get("binary_sensor.desk_phone_registered").state == STATE_OFF


async def test_device_learns_identity(
    hass: HomeAssistant, send: SendRequest, device_registry: dr.DeviceRegistry
) -> None:
    """Model, firmware and IP reach the device and the IP sensor."""
    await send("registered", {"ip": "192.168.1.50", "model": "S505", "fw": "2.0.4.83"})
    device = device_registry.async_get_device_by_identifier(
        (DOMAIN, ENTRY_ID), ENTRY_ID
    )
    assert device.model == "S505"
    assert device.sw_version == "2.0.4.83"
    assert device.configuration_url == "http://192.168.1.50"
    assert (dr.CONNECTION_NETWORK_MAC, "00:1f:c1:aa:bb:cc") in device.connections
    assert hass.states.get("sensor.desk_phone_ip_address").state == "192.168.1.50"
    await send("ip_changed", {"ip": "fe80::1"})
    device = device_registry.async_get(device.id)
    assert device.configuration_url == "http://[fe80::1]"


async def test_only_changed_entities_are_written(
    hass: HomeAssistant, send: SendRequest
) -> None:
    """A repeated event writes the event entity but no unchanged state."""
    await send("dnd_on")
    written: list[str] = []

    def _record(event: Event) -> None:
        written.append(event.data["entity_id"])

    hass.bus.async_listen("state_changed", _record)
    await send("dnd_on")
    await hass.async_block_till_done()
    assert written == [EVENT_ENTITY]


async def test_mac_mismatch_rejected(
    hass: HomeAssistant, send: SendRequest, caplog: pytest.LogCaptureFixture
) -> None:
    """A request from another phone changes nothing and is logged once."""
    bus_events = async_capture_events(hass, EVENT_PHONE)
    with caplog.at_level(logging.WARNING):
        for _ in range(2):
            response = await send("dnd_on", mac="001fc1000001")
            assert response.status == HTTPStatus.FORBIDDEN
    await hass.async_block_till_done()
    assert bus_events == []
    assert hass.states.get("switch.desk_phone_do_not_disturb").state == STATE_UNKNOWN
    assert caplog.text.count("mac_mismatch") == 1
    assert "00:1f:c1:00:00:01" in caplog.text


async def test_request_without_mac_accepted(
    hass: HomeAssistant, send: SendRequest
) -> None:
    """A request whose MAC the phone left empty is still the pinned phone's."""
    response = await send("dnd_on", mac=None)
    assert response.status == HTTPStatus.OK
    assert hass.states.get("switch.desk_phone_do_not_disturb").state == STATE_ON


@pytest.mark.parametrize(
    ("query", "reason"),
    [
        ("mac=001fc1aabbcc", "missing_event"),
        ("event=ring_ring&mac=001fc1aabbcc", "unknown_event"),
        ("event=dnd_on&event=dnd_off", "duplicate_event"),
        ("event=dnd_on&dr=" + "x" * 9000, "too_long"),
        ("", "missing_event"),
    ],
)
async def test_malformed_requests(
    hass: HomeAssistant,
    hass_client_no_auth: ClientSessionGenerator,
    caplog: pytest.LogCaptureFixture,
    query: str,
    reason: str,
) -> None:
    """Bad requests get 400, a log line, and change nothing."""
    bus_events = async_capture_events(hass, EVENT_PHONE)
    client = await hass_client_no_auth()
    response = await client.get(f"/api/webhook/{WEBHOOK_ID}?{query}")
    assert response.status == HTTPStatus.BAD_REQUEST
    await hass.async_block_till_done()
    assert bus_events == []
    assert hass.states.get(LAST_EVENT).state == STATE_UNKNOWN
    assert reason in caplog.text


async def test_bad_request_logged_once(
    hass: HomeAssistant,
    hass_client_no_auth: ClientSessionGenerator,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """The same problem is logged as a warning once, not for every request."""
    client = await hass_client_no_auth()
    with caplog.at_level(logging.WARNING):
        for _ in range(5):
            await client.get(f"/api/webhook/{WEBHOOK_ID}?event=nope")
    assert caplog.text.count("unknown_event") == 1


@pytest.mark.parametrize(
    ("params", "expected_name", "expected_number"),
    [
        ("cid=1&remote=1002&dr=AT&T", "AT&T", "1002"),
        ("cid=1&remote=1002&dr=Smith%20&%20Sons", "Smith & Sons", "1002"),
        ("cid=1&remote=+15551234&dr=A%231", "A#1", "+15551234"),
        ('cid=1&remote=<sip:1002@pbx>&dr="Q"', "Q", "1002"),
        ("cid=1&remote=%241002&dr=%E9", "é", "$1002"),
        ("cid=1&remote=$remote&dr=$display_remote", "unknown", "unknown"),
        ("cid=1&remote=sip:%2B15551234@pbx&dr=Jos%C3%A9", "José", "+15551234"),
        ("cid=1&remote=1002&dr=%zzbad", "%zzbad", "1002"),
        ("cid=1&remote=1002&remote=1003&dr=A", "A", "1002"),
    ],
)
async def test_tolerant_values(
    hass: HomeAssistant,
    send: SendRequest,
    params: str,
    expected_name: str,
    expected_number: str,
) -> None:
    """Raw, unsubstituted, mis-encoded and duplicate values still work."""
    response = await send("incoming_call", f"mac={MAC}&{params}")
    assert response.status == HTTPStatus.OK
    assert hass.states.get("sensor.desk_phone_remote_name").state == expected_name
    assert hass.states.get("sensor.desk_phone_remote_number").state == expected_number


async def test_over_long_value_capped(hass: HomeAssistant, send: SendRequest) -> None:
    """An over-long display name is cut, not rejected."""
    await send("incoming_call", {"cid": "1", "dr": "N" * 1000})
    assert hass.states.get("sensor.desk_phone_remote_name").state == "N" * 255


async def test_post_body(
    hass: HomeAssistant, hass_client_no_auth: ClientSessionGenerator
) -> None:
    """A POST with the parameters in a form body works like a GET."""
    client = await hass_client_no_auth()
    response = await client.post(
        f"/api/webhook/{WEBHOOK_ID}", data=f"event=dnd_on&mac={MAC}"
    )
    assert response.status == HTTPStatus.OK
    assert hass.states.get("switch.desk_phone_do_not_disturb").state == STATE_ON


async def test_non_local_request_ignored(
    hass: HomeAssistant, send: SendRequest
) -> None:
    """With local-only on, a request from the internet changes nothing."""
    with patch(
        "homeassistant.components.webhook.network_util.is_local", return_value=False
    ):
        await send("dnd_on")
    assert hass.states.get("switch.desk_phone_do_not_disturb").state == STATE_UNKNOWN


async def test_two_phones_isolated(
    hass: HomeAssistant, send: SendRequest, init_integration: MockConfigEntry
) -> None:
    """Each phone's requests change only that phone."""
    other = MockConfigEntry(
        domain=DOMAIN,
        title="Reception",
        unique_id="001fc1000002",
        data={CONF_WEBHOOK_ID: "f" * 32, CONF_MAC: "001fc1000002"},
        options={CONF_LOCAL_ONLY: True},
    )
    other.add_to_hass(hass)
    assert await hass.config_entries.async_setup(other.entry_id)
    await hass.async_block_till_done()

    await send("dnd_on", webhook_id="f" * 32, mac="001fc1000002")
    assert hass.states.get("switch.reception_do_not_disturb").state == STATE_ON
    assert hass.states.get("switch.desk_phone_do_not_disturb").state == STATE_UNKNOWN
    # A phone cannot use another phone's webhook.
    response = await send("dnd_off", webhook_id="f" * 32)
    assert response.status == HTTPStatus.FORBIDDEN
    assert hass.states.get("switch.reception_do_not_disturb").state == STATE_ON


async def test_allowed_networks(
    hass: HomeAssistant, send: SendRequest, init_integration: MockConfigEntry
) -> None:
    """Requests from outside the allowed networks change nothing."""
    hass.config_entries.async_update_entry(
        init_integration,
        options={CONF_LOCAL_ONLY: True, CONF_ALLOWED_NETWORKS: ["192.168.1.0/24"]},
    )
    await hass.config_entries.async_reload(init_integration.entry_id)
    await hass.async_block_till_done()
    response = await send("dnd_on")  # the test client is 127.0.0.1
    assert response.status == HTTPStatus.FORBIDDEN
    assert hass.states.get("switch.desk_phone_do_not_disturb").state == STATE_UNKNOWN

    hass.config_entries.async_update_entry(
        init_integration,
        options={CONF_LOCAL_ONLY: True, CONF_ALLOWED_NETWORKS: ["127.0.0.0/8"]},
    )
    response = await send("dnd_on")
    assert response.status == HTTPStatus.OK


async def add_hall_phone(hass: HomeAssistant) -> MockConfigEntry:
    """Add and set up a second phone, "Hall", without a MAC."""
    entry = MockConfigEntry(
        domain=DOMAIN,
        title="Hall",
        data={CONF_WEBHOOK_ID: "e" * 32, CONF_MAC: None},
        options={CONF_LOCAL_ONLY: True},
    )
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    return entry


async def test_mac_learned_from_first_request(
    hass: HomeAssistant,
    send: SendRequest,
    init_integration: MockConfigEntry,
    device_registry: dr.DeviceRegistry,
) -> None:
    """A phone added without a MAC learns it, and then holds to it."""
    entry = await add_hall_phone(hass)

    # The MAC of an already configured phone cannot be learned.
    response = await send("dnd_on", webhook_id="e" * 32, mac=MAC)
    assert response.status == HTTPStatus.FORBIDDEN
    assert entry.unique_id is None

    response = await send("dnd_on", webhook_id="e" * 32, mac="00-1F-C1-00-00-03")
    assert response.status == HTTPStatus.OK
    assert entry.unique_id == "001fc1000003"
    assert entry.data[CONF_MAC] == "001fc1000003"
    device = device_registry.async_get_device_by_identifier(
        (DOMAIN, entry.entry_id), entry.entry_id
    )
    assert (dr.CONNECTION_NETWORK_MAC, "00:1f:c1:00:00:03") in device.connections

    response = await send("dnd_off", webhook_id="e" * 32, mac="001fc1000004")
    assert response.status == HTTPStatus.FORBIDDEN
    assert hass.states.get("switch.hall_do_not_disturb").state == STATE_ON


async def test_post_body_too_long(
    hass: HomeAssistant, hass_client_no_auth: ClientSessionGenerator
) -> None:
    """An endless POST body is not read to its end: it is refused."""
    client = await hass_client_no_auth()
    response = await client.post(
        f"/api/webhook/{WEBHOOK_ID}", data="event=dnd_on&dr=" + "x" * 100_000
    )
    assert response.status == HTTPStatus.BAD_REQUEST
    assert hass.states.get("switch.desk_phone_do_not_disturb").state == STATE_UNKNOWN


async def test_unknown_source_not_allowed(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> None:
    """With allowed networks set, a request without a usable source is refused."""
    hass.config_entries.async_update_entry(
        init_integration,
        options={CONF_LOCAL_ONLY: True, CONF_ALLOWED_NETWORKS: ["127.0.0.0/8"]},
    )
    phone = init_integration.runtime_data
    assert phone.async_handle_request(b"event=dnd_on", None) == HTTPStatus.FORBIDDEN
    assert phone.async_handle_request(b"event=dnd_on", "x") == HTTPStatus.FORBIDDEN
    assert phone.async_handle_request(b"event=dnd_on", "127.0.0.9") == HTTPStatus.OK


async def test_log_flood_is_bounded(
    hass: HomeAssistant, send: SendRequest, caplog: pytest.LogCaptureFixture
) -> None:
    """Requests with ever new MACs stop producing warnings after a while."""
    with caplog.at_level(logging.WARNING):
        for index in range(80):
            await send("dnd_on", mac=f"001fc1{index:06x}")
    warnings = [r for r in caplog.records if "mac_mismatch" in r.getMessage()]
    assert 0 < len(warnings) <= 64


async def test_mac_learned_despite_ignored_discovery(
    hass: HomeAssistant,
    send: SendRequest,
    init_integration: MockConfigEntry,
    device_registry: dr.DeviceRegistry,
) -> None:
    """An ignored discovery of the same phone does not keep it from learning."""
    ignored = MockConfigEntry(
        domain=DOMAIN, source=SOURCE_IGNORE, unique_id="001fc1000005"
    )
    ignored.add_to_hass(hass)
    entry = await add_hall_phone(hass)

    response = await send("dnd_on", webhook_id="e" * 32, mac="001fc1000005")
    assert response.status == HTTPStatus.OK
    await hass.async_block_till_done()
    assert entry.data[CONF_MAC] == "001fc1000005"
    assert entry.unique_id == "001fc1000005"
    assert hass.config_entries.async_get_entry(ignored.entry_id) is None
    assert hass.states.get("switch.hall_do_not_disturb").state == STATE_ON
