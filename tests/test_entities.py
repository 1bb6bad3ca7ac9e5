"""Tests for the phone's entities: the entity set, DND switch, recorded attributes."""

import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    snapshot_platform,
)
from syrupy.assertion import SnapshotAssertion

from custom_components.sangoma_phone.event import SangomaPhoneEventEntity
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
    [[Platform.BINARY_SENSOR], [Platform.EVENT], [Platform.SENSOR], [Platform.SWITCH]],
    ids=["binary_sensor", "event", "sensor", "switch"],
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


def test_call_ids_stay_out_of_the_recorder() -> None:
    """Volatile attributes are not recorded."""
    assert "call_id" in SangomaPhoneEventEntity._unrecorded_attributes
