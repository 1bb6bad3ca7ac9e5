"""Tests for the phone's entities: the entity set, the DND switch, the button."""

import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    snapshot_platform,
)
from syrupy.assertion import SnapshotAssertion

from homeassistant.components.button import DOMAIN as BUTTON_DOMAIN, SERVICE_PRESS
from homeassistant.const import (
    ATTR_ENTITY_ID,
    Platform,
)
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er

from .conftest import SendRequest


@pytest.mark.usefixtures("enable_all_entities")
@pytest.mark.parametrize(
    "platforms",
    [
        [Platform.BINARY_SENSOR],
        [Platform.BUTTON],
        [Platform.EVENT],
        [Platform.SENSOR],
    ],
    ids=["binary_sensor", "button", "event", "sensor"],
)
async def test_entities(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    entity_registry: er.EntityRegistry,
    snapshot: SnapshotAssertion,
) -> None:
    """The entity set of a phone, before any event."""
    await snapshot_platform(hass, entity_registry, snapshot, init_integration.entry_id)


@pytest.mark.usefixtures("init_integration")
async def test_dnd_is_read_only_without_web_access(
    hass: HomeAssistant, send: SendRequest
) -> None:
    """Without web access DND is a binary sensor: no switch, no control buttons."""
    assert hass.states.get("switch.desk_phone_do_not_disturb") is None
    assert hass.states.get("button.desk_phone_reboot") is None
    await send("dnd_on")
    assert hass.states.get("binary_sensor.desk_phone_do_not_disturb").state == "on"


@pytest.mark.usefixtures("init_integration")
async def test_reset_missed_calls(hass: HomeAssistant, send: SendRequest) -> None:
    """The button sets the missed call counter back to 0, and it counts on."""
    await send("missed_call", {"cid": "1", "remote": "1002"})
    await send("missed_call", {"cid": "2", "remote": "1003"})
    assert hass.states.get("sensor.desk_phone_missed_calls").state == "2"
    events = hass.states.get("event.desk_phone_phone_event")
    await hass.services.async_call(
        BUTTON_DOMAIN,
        SERVICE_PRESS,
        {ATTR_ENTITY_ID: "button.desk_phone_reset_missed_calls"},
        blocking=True,
    )
    assert hass.states.get("sensor.desk_phone_missed_calls").state == "0"
    # A reset is no phone event.
    assert hass.states.get("event.desk_phone_phone_event") == events
    await send("missed_call", {"cid": "3", "remote": "1004"})
    assert hass.states.get("sensor.desk_phone_missed_calls").state == "1"
