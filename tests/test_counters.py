"""The diagnostics counters: stored and restored, damaged data dropped."""

import copy
from datetime import UTC, datetime

from hypothesis import given, strategies as st
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.components.diagnostics import (
    get_diagnostics_for_config_entry,
)
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

from custom_components.sangoma_phone.counters import RequestCounters
from homeassistant.const import EVENT_HOMEASSISTANT_FINAL_WRITE
from homeassistant.core import HomeAssistant
from homeassistant.setup import async_setup_component

from .conftest import ENTRY_ID, MAC, SendRequest


@pytest.fixture
async def setup_diagnostics(hass: HomeAssistant) -> None:
    """Set up diagnostics before any test client freezes the HTTP routes."""
    assert await async_setup_component(hass, "diagnostics", {})


COUNTS = st.dictionaries(st.text(max_size=8), st.integers(1, 10**9), max_size=20)


@given(COUNTS, COUNTS, COUNTS, st.booleans())
def test_restore_of_save(
    events: dict[str, int],
    refused: dict[str, int],
    problems: dict[str, int],
    last: bool,
) -> None:
    """from_dict(as_dict(counters)) == counters."""
    counters = RequestCounters()
    counters.events.update(events)
    counters.rejections.update(refused)
    counters.problems.update(problems)
    if last:
        counters.count_rejection("rate_limited", "", datetime(2026, 1, 1, tzinfo=UTC))
    assert RequestCounters.from_dict(counters.as_dict()) == counters


def test_damaged_counters_start_over() -> None:
    """Unusable stored counters are dropped, usable ones kept."""
    restored = RequestCounters.from_dict(
        {
            "event_counts": {"dnd_on": 3, "x": -1, "y": True, "z": "7", 5: 1},
            "rejected_counts": ["not", "a", "mapping"],
            "last_rejected": {"reason": 5},
        }
    )
    assert restored == RequestCounters(events={"dnd_on": 3})  # type: ignore[arg-type]
    assert RequestCounters.from_dict(None) == RequestCounters()


async def test_counters_survive_a_restart(
    hass: HomeAssistant,
    setup_diagnostics: None,
    init_integration: MockConfigEntry,
    send: SendRequest,
    hass_client: ClientSessionGenerator,
    hass_storage: dict[str, dict[str, object]],
) -> None:
    """Events, refusals and problems are counted the same after a restart."""
    # An accepted request with a problem (&amp; separators) and a refused one.
    await send("incoming_call", f"mac={MAC}&amp;cid=7&amp;remote=1002", mac=None)
    await send("incoming_call", {"cid": "8"}, mac="001fc1000001")
    before = await get_diagnostics_for_config_entry(hass, hass_client, init_integration)
    assert before["problem_counts"]
    assert before["event_counts"] == {"incoming_call": 1}
    assert before["rejected_counts"] == {"mac_mismatch": 1}

    # Stopping Home Assistant flushes the delayed save (final write) ...
    hass.bus.async_fire(EVENT_HOMEASSISTANT_FINAL_WRITE)
    await hass.async_block_till_done()
    key = f"sangoma_phone.{ENTRY_ID}"
    stored = copy.deepcopy(hass_storage[key])
    assert stored["data"]["counters"]["problem_counts"] == before["problem_counts"]  # type: ignore[index]
    # ... and the next start reads that file.
    assert await hass.config_entries.async_unload(init_integration.entry_id)
    hass_storage[key] = stored
    assert await hass.config_entries.async_setup(init_integration.entry_id)
    await hass.async_block_till_done()
    after = await get_diagnostics_for_config_entry(hass, hass_client, init_integration)
    for key in ("event_counts", "rejected_counts", "problem_counts", "last_rejected"):
        assert after[key] == before[key], key


async def test_counters_survive_a_reload(
    hass: HomeAssistant,
    setup_diagnostics: None,
    init_integration: MockConfigEntry,
    send: SendRequest,
    hass_client: ClientSessionGenerator,
    hass_storage: dict[str, dict[str, object]],
) -> None:
    """Counted events and refusals are stored with the state and restored."""
    await send("dnd_on")
    await send("dnd_on", mac="001fc1000000")  # another phone's MAC: refused
    assert await hass.config_entries.async_reload(init_integration.entry_id)
    await hass.async_block_till_done()
    stored = hass_storage[f"sangoma_phone.{init_integration.entry_id}"]["data"]
    assert stored["counters"]["event_counts"] == {"dnd_on": 1}  # type: ignore[index]
    diagnostics = await get_diagnostics_for_config_entry(
        hass, hass_client, init_integration
    )
    assert diagnostics["event_counts"] == {"dnd_on": 1}
    assert diagnostics["rejected_counts"] == {"mac_mismatch": 1}
    assert diagnostics["last_rejected"]["reason"] == "mac_mismatch"  # detail redacted
    assert MAC not in str(diagnostics["rejected_counts"])
