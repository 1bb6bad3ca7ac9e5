"""Tests for the phone's entities: the entity set, the DND switch, the button."""

import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    snapshot_platform,
)
from syrupy.assertion import SnapshotAssertion

from homeassistant.components.button import DOMAIN as BUTTON_DOMAIN, SERVICE_PRESS
from homeassistant.components.switch import DOMAIN as SWITCH_DOMAIN
from homeassistant.const import (
    ATTR_ENTITY_ID,
    SERVICE_TURN_OFF,
    SERVICE_TURN_ON,
    Platform,
)
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError
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
        [Platform.SWITCH],
    ],
    ids=["binary_sensor", "button", "event", "sensor", "switch"],
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
@pytest.mark.parametrize("service", [SERVICE_TURN_ON, SERVICE_TURN_OFF])
async def test_dnd_switch_needs_phone_control(
    hass: HomeAssistant, send: SendRequest, service: str
) -> None:
    """Switching DND from Home Assistant says how to enable it; state unchanged."""
    await send("dnd_off")
    with pytest.raises(HomeAssistantError) as err:
        await hass.services.async_call(
            SWITCH_DOMAIN,
            service,
            {ATTR_ENTITY_ID: "switch.desk_phone_do_not_disturb"},
            blocking=True,
        )
    assert err.value.translation_key == "phone_control_not_configured"
    assert hass.states.get("switch.desk_phone_do_not_disturb").state == "off"


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
