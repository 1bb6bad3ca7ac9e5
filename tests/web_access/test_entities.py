"""The entity set of a phone with web access: the DND switch, the buttons and
the Web access sensor."""

import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    snapshot_platform,
)
from syrupy.assertion import SnapshotAssertion

from homeassistant.const import Platform
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er


@pytest.mark.usefixtures("enable_all_entities")
@pytest.mark.parametrize("scheme", ["digest"])
@pytest.mark.parametrize(
    "platforms",
    [[Platform.BINARY_SENSOR], [Platform.BUTTON], [Platform.SWITCH]],
    ids=["binary_sensor", "button", "switch"],
)
async def test_entities(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    entity_registry: er.EntityRegistry,
    snapshot: SnapshotAssertion,
) -> None:
    """What web access adds (and DND as a switch instead of a sensor)."""
    await snapshot_platform(hass, entity_registry, snapshot, init_integration.entry_id)
