"""Tests for what the recorder keeps of the phone's entities."""

import json
from typing import Any

import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.components.recorder.common import (
    async_wait_recording_done,
)
from sqlalchemy import select

from custom_components.sangoma_phone.const import EVENT_PHONE
from homeassistant.components.recorder import Recorder
from homeassistant.components.recorder.db_schema import EventData, Events, EventTypes
from homeassistant.components.recorder.history import get_significant_states
from homeassistant.components.recorder.util import session_scope
from homeassistant.core import HomeAssistant, State
from homeassistant.util import dt as dt_util

from .conftest import SendRequest

EVENT_ENTITY = "event.desk_phone_phone_event"


@pytest.fixture(autouse=True)
def auto_enable_custom_integrations(
    recorder_db_url: str, enable_custom_integrations: None
) -> None:
    """Prepare the recorder's database before Home Assistant starts."""


async def test_per_call_values_stay_out_of_the_entity_history(
    recorder_mock: Recorder,
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    send: SendRequest,
) -> None:
    """The event entity shows the call's values, its history keeps the event
    type and what stays the same between calls; the bus event keeps all."""
    start = dt_util.utcnow()
    await send(
        "incoming_call",
        {"cid": "c1", "remote": "1002", "dr": "Bob", "model": "S505"},
    )
    attributes = hass.states.get(EVENT_ENTITY).attributes
    assert attributes["call_id"] == "c1"
    assert attributes["remote_number"] == "1002"
    assert attributes["display_remote"] == "Bob"
    await async_wait_recording_done(hass)
    history = await hass.async_add_executor_job(
        get_significant_states, hass, start, None, [EVENT_ENTITY]
    )
    recorded = history[EVENT_ENTITY][-1]
    assert isinstance(recorded, State)
    assert recorded.attributes["event_type"] == "incoming_call"
    assert recorded.attributes["model"] == "S505"
    for volatile in ("call_id", "remote", "remote_number", "display_remote"):
        assert volatile not in recorded.attributes
    events = await hass.async_add_executor_job(_recorded_phone_events, hass)
    assert events[-1]["call_id"] == "c1"
    assert events[-1]["remote_number"] == "1002"
    assert events[-1]["display_remote"] == "Bob"


def _recorded_phone_events(hass: HomeAssistant) -> list[dict[str, Any]]:
    """Return the data of the recorded sangoma_phone_event events."""
    with session_scope(hass=hass, read_only=True) as session:
        rows = session.execute(
            select(EventData.shared_data)
            .join(Events, Events.data_id == EventData.data_id)
            .join(EventTypes, Events.event_type_id == EventTypes.event_type_id)
            .where(EventTypes.event_type == EVENT_PHONE)
            .order_by(Events.time_fired_ts)
        ).all()
    return [json.loads(row.shared_data) for row in rows]
