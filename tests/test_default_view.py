"""The phone on the default dashboard: order, categories, disabled entities."""

import pytest

from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er

from .conftest import ENTRY_ID


@pytest.mark.usefixtures("init_integration")
async def test_defaults(
    hass: HomeAssistant, entity_registry: er.EntityRegistry
) -> None:
    """Call state, caller and DND lead; rarely used entities start disabled."""
    entries = er.async_entries_for_config_entry(entity_registry, ENTRY_ID)
    disabled = {e.unique_id.removeprefix(f"{ENTRY_ID}_") for e in entries if e.disabled}
    assert disabled == {
        "last_event",
        "ip_address",
        "muted",
        "off_hook",
        "busy_forward",
        "no_answer_forward",
    }
    sensors = [
        e.unique_id.removeprefix(f"{ENTRY_ID}_")
        for e in entries
        if e.domain == "sensor" and not e.entity_category
    ]
    assert sensors[:3] == ["call_state", "remote_name", "remote_number"]
    # Without web access DND is shown, not switched.
    assert "binary_sensor.desk_phone_do_not_disturb" in {e.entity_id for e in entries}


@pytest.mark.usefixtures("init_integration")
async def test_missed_calls_start_at_zero(hass: HomeAssistant) -> None:
    """Missed calls reads 0, not Unknown, before the first missed call."""
    state = hass.states.get("sensor.desk_phone_missed_calls")
    assert state is not None
    assert state.state == "0"
