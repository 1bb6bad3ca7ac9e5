"""Tests for what the recorder keeps of the phone's entities."""

import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.components.recorder.common import (
    async_wait_recording_done,
)

from homeassistant.components.recorder import Recorder
from homeassistant.components.recorder.history import get_significant_states
from homeassistant.core import HomeAssistant, State
from homeassistant.util import dt as dt_util

from .conftest import SendRequest

EVENT_ENTITY = "event.desk_phone_phone_event"


@pytest.fixture(autouse=True)
def auto_enable_custom_integrations(
    recorder_db_url: str, enable_custom_integrations: None
) -> None:
    """Prepare the recorder's database before Home Assistant starts."""


async def test_call_ids_stay_out_of_the_recorder(
    recorder_mock: Recorder,
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    send: SendRequest,
) -> None:
    """The event entity's call id is not recorded; its other attributes are."""
    start = dt_util.utcnow()
    await send("incoming_call", {"cid": "c1", "remote": "1002"})
    assert hass.states.get(EVENT_ENTITY).attributes["call_id"] == "c1"
    await async_wait_recording_done(hass)
    history = await hass.async_add_executor_job(
        get_significant_states, hass, start, None, [EVENT_ENTITY]
    )
    recorded = history[EVENT_ENTITY][-1]
    assert isinstance(recorded, State)
    assert recorded.attributes["event_type"] == "incoming_call"
    assert recorded.attributes["remote_number"] == "1002"
    assert "call_id" not in recorded.attributes
