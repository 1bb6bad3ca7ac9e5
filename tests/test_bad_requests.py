"""Tests for bad and odd input on the webhook: refused, tolerated, logged once
(&amp; separators copied out of the XML included)."""

from http import HTTPStatus
import logging

import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_capture_events,
)
from pytest_homeassistant_custom_component.components.diagnostics import (
    get_diagnostics_for_config_entry,
)
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

from custom_components.sangoma_phone.const import EVENT_PHONE
from homeassistant.const import STATE_UNKNOWN
from homeassistant.core import HomeAssistant
from homeassistant.setup import async_setup_component

from .conftest import MAC, WEBHOOK_ID, SendRequest

LAST_EVENT = "sensor.desk_phone_last_event"

pytestmark = pytest.mark.usefixtures("enable_all_entities", "init_integration")


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


async def test_post_body_too_long(
    hass: HomeAssistant, hass_client_no_auth: ClientSessionGenerator
) -> None:
    """An endless POST body is not read to its end: it is refused."""
    client = await hass_client_no_auth()
    response = await client.post(
        f"/api/webhook/{WEBHOOK_ID}", data="event=dnd_on&dr=" + "x" * 100_000
    )
    assert response.status == HTTPStatus.BAD_REQUEST
    assert (
        hass.states.get("binary_sensor.desk_phone_do_not_disturb").state
        == STATE_UNKNOWN
    )


@pytest.fixture
async def diagnostics_ready(hass: HomeAssistant) -> None:
    """Set diagnostics up before a test client freezes the HTTP routes."""
    assert await async_setup_component(hass, "diagnostics", {})


async def test_amp_separators_tolerated(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    diagnostics_ready: None,
    send: SendRequest,
    hass_client: ClientSessionGenerator,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A URL copied out of the XML: read as meant, hinted once, counted."""
    caplog.set_level(logging.WARNING)
    query = "mac=001fc1aabbcc&amp;cid=7&amp;remote=1002&amp;dr=Bob"
    for _ in range(2):
        response = await send("incoming_call", f"&amp;{query}", mac=None)
        assert response.status == HTTPStatus.OK
    assert hass.states.get("sensor.desk_phone_remote_name").state == "Bob"
    assert hass.states.get("sensor.desk_phone_remote_number").state == "1002"
    hints = [r for r in caplog.records if "&amp;" in r.getMessage()]
    assert len(hints) == 1
    assert "enter the URLs again" in hints[0].getMessage()
    diagnostics = await get_diagnostics_for_config_entry(
        hass, hass_client, init_integration
    )
    assert diagnostics["problem_counts"] == {"amp_separator": 2}
