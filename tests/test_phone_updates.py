"""How a phone's updates reach its entities, and when its state is saved."""

from datetime import timedelta
from typing import Any

import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_capture_events,
    async_fire_time_changed,
)

from custom_components.sangoma_phone.const import (
    DOMAIN,
    EVENT_PHONE,
    STORAGE_SAVE_DELAY,
)
from custom_components.sangoma_phone.phone import PhoneUpdate, SangomaPhone
from homeassistant.core import HomeAssistant
from homeassistant.util import dt as dt_util

from .conftest import ENTRY_ID, SendRequest

MUTED = "binary_sensor.desk_phone_muted"
LAST_EVENT = "sensor.desk_phone_last_event"
# Muted and Last event are disabled by default.
pytestmark = pytest.mark.usefixtures("enable_all_entities")


async def test_entities_are_written_only_when_their_fields_change(
    hass: HomeAssistant, init_integration: MockConfigEntry, send: SendRequest
) -> None:
    """A request writes the entities it changes; the others keep their state
    object (no state_changed for them)."""
    await send("mute")
    muted = hass.states.get(MUTED)
    await send("dnd_on")
    assert hass.states.get(MUTED) is muted
    assert hass.states.get(LAST_EVENT).state == "dnd_on"
    await send("unmute")
    assert hass.states.get(MUTED).state == "off"


async def test_subscribers_get_the_updates_of_their_fields(
    hass: HomeAssistant, init_integration: MockConfigEntry, send: SendRequest
) -> None:
    """A subscriber to fields hears of the updates that change one of them,
    one to every update hears of all; unsubscribed, neither hears more."""
    phone: SangomaPhone = init_integration.runtime_data.phone
    muted: list[PhoneUpdate] = []
    every: list[PhoneUpdate] = []
    unsubscribe_muted = phone.async_subscribe({"muted", "dnd"}, muted.append)
    unsubscribe_every = phone.async_subscribe(None, every.append)
    await send("mute")
    await send("registered")
    await send("dnd_on")  # changes "dnd"
    assert [u.request.event.key for u in muted if u.request] == ["mute", "dnd_on"]
    assert [u.request.event.key for u in every if u.request] == [
        "mute",
        "registered",
        "dnd_on",
    ]
    unsubscribe_muted()
    unsubscribe_every()
    await send("unmute")
    assert len(muted) == 2
    assert len(every) == 3


async def test_a_failing_subscriber_stops_nothing_else(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    send: SendRequest,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """An error in one subscriber is logged; the request is still answered,
    the other entities written and the bus event fired."""
    phone: SangomaPhone = init_integration.runtime_data.phone
    events = async_capture_events(hass, EVENT_PHONE)

    def fail(update: PhoneUpdate) -> None:
        raise RuntimeError("boom")

    phone.async_subscribe(None, fail)
    response = await send("mute")
    assert response.status == 200
    assert hass.states.get(MUTED).state == "on"
    assert hass.states.get(LAST_EVENT).state == "mute"
    assert [event.data["event"] for event in events] == ["mute"]
    assert "Desk phone: error updating an entity" in caplog.text


async def test_one_save_covers_a_burst_of_requests(
    hass: HomeAssistant,
    hass_storage: dict[str, Any],
    init_integration: MockConfigEntry,
    send: SendRequest,
) -> None:
    """Requests in a row are saved together, STORAGE_SAVE_DELAY after the
    first, with the last state; a later request is saved again."""
    key = f"{DOMAIN}.{ENTRY_ID}"
    hass_storage.pop(key, None)
    await send("dnd_on")
    await send("mute")
    assert key not in hass_storage
    async_fire_time_changed(
        hass, dt_util.utcnow() + timedelta(seconds=STORAGE_SAVE_DELAY + 1)
    )
    await hass.async_block_till_done()
    saved = hass_storage[key]["data"]["state"]
    assert saved["dnd"] is True
    assert saved["muted"] is True
    await send("unmute")
    async_fire_time_changed(
        hass, dt_util.utcnow() + timedelta(seconds=2 * STORAGE_SAVE_DELAY + 2)
    )
    await hass.async_block_till_done()
    assert hass_storage[key]["data"]["state"]["muted"] is False
