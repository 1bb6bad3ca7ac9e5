"""The listener routes by webhook id to a loaded phone, and who may send."""

from http import HTTPStatus
import logging
from unittest.mock import patch

import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_capture_events,
)

from custom_components.sangoma_phone.const import CONF_LOCAL_ONLY, EVENT_PHONE
from homeassistant.const import STATE_ON, STATE_UNKNOWN
from homeassistant.core import HomeAssistant

from .conftest import (
    DND,
    PATH,
    UNKNOWN_PATH,
    add_phone,
    body_of,
    exchange,
    get,
    status_of,
)


async def test_head(hass: HomeAssistant, listener: int) -> None:
    """HEAD answers 200 without a body and changes nothing."""
    bus_events = async_capture_events(hass, EVENT_PHONE)
    response = await exchange(listener, get(PATH + b"?event=dnd_on", method=b"HEAD"))
    await hass.async_block_till_done()
    assert status_of(response) == HTTPStatus.OK
    assert b"Content-Length: 3\r\n" in response
    assert body_of(response) == b""
    assert bus_events == []


async def test_unknown_webhook_id(hass: HomeAssistant, listener: int) -> None:
    """An unknown id gets 200, like Home Assistant's webhooks, and nothing else."""
    bus_events = async_capture_events(hass, EVENT_PHONE)
    for method in (b"GET", b"PUT", b"HEAD"):
        response = await exchange(
            listener, get(UNKNOWN_PATH + b"?event=dnd_on", method=method)
        )
        assert status_of(response) == HTTPStatus.OK
    await hass.async_block_till_done()
    assert bus_events == []
    assert hass.states.get(DND).state == STATE_UNKNOWN


async def test_two_phones_routed(hass: HomeAssistant, listener: int) -> None:
    """Each request reaches the phone of its webhook id only."""
    await add_phone(hass, "b" * 32, "001fc1000003")
    response = await exchange(
        listener, get(b"/api/webhook/" + b"b" * 32 + b"?event=dnd_on")
    )
    assert status_of(response) == HTTPStatus.OK
    assert hass.states.get("binary_sensor.phone_03_do_not_disturb").state == STATE_ON
    assert hass.states.get(DND).state == STATE_UNKNOWN


async def test_handler_error_answers_200(
    hass: HomeAssistant, listener: int, caplog: pytest.LogCaptureFixture
) -> None:
    """An unexpected error is logged and answered 200, like the webhook."""
    with patch(
        "custom_components.sangoma_phone.phone.SangomaPhone.async_handle_request",
        side_effect=RuntimeError("boom"),
    ):
        response = await exchange(listener, get(PATH + b"?event=dnd_on"))
    assert status_of(response) == HTTPStatus.OK
    assert "error handling a request" in caplog.text


# Who may send: the phone's gate decides for the listener as for the webhook
# (is_local patched where the gate looks: every request comes from 127.0.0.1).
IS_LOCAL = "homeassistant.util.network.is_local"


async def test_non_local_source_refused(
    hass: HomeAssistant, listener: int, caplog: pytest.LogCaptureFixture
) -> None:
    """A local-only phone refuses a non-local source with 403, logged once."""
    with (
        patch(IS_LOCAL, return_value=False),
        caplog.at_level(logging.WARNING),
    ):
        for _ in range(2):
            response = await exchange(listener, get(PATH + b"?event=dnd_on"))
            assert status_of(response) == HTTPStatus.FORBIDDEN
    assert hass.states.get(DND).state == STATE_UNKNOWN
    assert caplog.text.count("rejected a request from 127.0.0.1: not_local") == 1


async def test_non_local_source_per_phone(
    hass: HomeAssistant, listener: int, caplog: pytest.LogCaptureFixture
) -> None:
    """A phone with local-only off accepts any source; a local-only one does not."""
    await add_phone(hass, "a" * 32, "001fc1000002", local_only=False)
    with patch(IS_LOCAL, return_value=False):
        response = await exchange(listener, get(PATH + b"?event=dnd_on"))
        assert status_of(response) == HTTPStatus.FORBIDDEN
        response = await exchange(
            listener, get(b"/api/webhook/" + b"a" * 32 + b"?event=dnd_on")
        )
        assert status_of(response) == HTTPStatus.OK
    assert hass.states.get(DND).state == STATE_UNKNOWN
    assert hass.states.get("binary_sensor.phone_02_do_not_disturb").state == STATE_ON
    assert "Desk phone: rejected a request from 127.0.0.1: not_local" in caplog.text


async def test_allowed_networks_apply(
    hass: HomeAssistant, listener: int, init_integration: MockConfigEntry
) -> None:
    """The phone's own checks (allowed networks) apply as on the webhook."""
    hass.config_entries.async_update_entry(
        init_integration,
        options={CONF_LOCAL_ONLY: True, "allowed_networks": ["192.168.1.0/24"]},
    )
    response = await exchange(listener, get(PATH + b"?event=dnd_on"))
    assert status_of(response) == HTTPStatus.FORBIDDEN
    assert hass.states.get(DND).state == STATE_UNKNOWN
