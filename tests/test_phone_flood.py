"""Flood control of a phone: its token bucket (every transport), its option.

Time is frozen (the freezer fixture: the gate's monotonic clock too), so the
tests decide how much time passes between requests. The listener's own flood
control is in tests/listener/test_listener_flood.py.
"""

import logging
from typing import Any

from freezegun.api import FrozenDateTimeFactory
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.components.diagnostics import (
    get_diagnostics_for_config_entry,
)
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

from custom_components.sangoma_phone.const import (
    CONF_LOCAL_ONLY,
    CONF_MAC,
    CONF_RATE_LIMIT,
    CONF_WEBHOOK_ID,
    DOMAIN,
    EVENT_PHONE,
)
from custom_components.sangoma_phone.protocol.ratelimit import (
    DEFAULT_RATE,
    burst_for,
)
from homeassistant.core import Event, HomeAssistant, callback
from homeassistant.setup import async_setup_component

from .conftest import SendRequest
from .flow_helpers import open_options_step

BURST = int(burst_for(DEFAULT_RATE))
OTHER_WEBHOOK = "fedcba9876543210fedcba9876543210"
OTHER_MAC = "001fc1ddeeff"


@pytest.fixture(autouse=True)
async def diagnostics(hass: HomeAssistant) -> None:
    """Set diagnostics up before any test client exists."""
    assert await async_setup_component(hass, "diagnostics", {})


@pytest.fixture
def bus_events(hass: HomeAssistant) -> list[Event]:
    """Collect the phone events fired on the bus."""
    fired: list[Event] = []

    @callback
    def _listener(event: Event) -> None:
        fired.append(event)

    hass.bus.async_listen(EVENT_PHONE, _listener)
    return fired


def states(hass: HomeAssistant) -> dict[str, Any]:
    """Return every state (value and attributes)."""
    return {s.entity_id: (s.state, dict(s.attributes)) for s in hass.states.async_all()}


async def test_flood_is_refused_changes_nothing_and_is_logged_once(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    init_integration: MockConfigEntry,
    send: SendRequest,
    bus_events: list[Event],
    hass_client: ClientSessionGenerator,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Past the burst: 429, no state change, no event, counted, one warning."""
    for i in range(BURST):
        response = await send("dnd_on" if i % 2 else "dnd_off")
        assert response.status == 200
    await hass.async_block_till_done()
    assert len(bus_events) == BURST
    before = states(hass)
    caplog.clear()
    caplog.set_level(logging.DEBUG, logger="custom_components.sangoma_phone")

    for _ in range(30):
        response = await send("incoming_call", {"remote": "1002", "cid": "7"})
        assert response.status == 429
        assert await response.text() == "Too Many Requests\n"
    await hass.async_block_till_done()
    assert states(hass) == before
    assert len(bus_events) == BURST
    ours = [r for r in caplog.records if r.name.startswith("custom_components")]
    assert [r.levelno for r in ours] == [logging.WARNING]
    assert "more than 5 requests a second" in ours[0].getMessage()

    diagnostics = await get_diagnostics_for_config_entry(
        hass, hass_client, init_integration
    )
    assert diagnostics["rejected_counts"] == {"rate_limited": 30}
    assert diagnostics["last_rejected"]["reason"] == "rate_limited"

    # Two seconds later the phone may send again (the flood is not over yet).
    freezer.tick(2)
    caplog.clear()
    assert (await send("incoming_call", {"remote": "1002", "cid": "7"})).status == 200
    await hass.async_block_till_done()
    assert hass.states.get("binary_sensor.desk_phone_ringing").state == "on"
    assert "requests were refused" not in caplog.text
    # Quiet until the bucket is full again: the flood is over (logged once).
    freezer.tick(BURST / DEFAULT_RATE)
    assert (await send("terminated", {"remote": "1002", "cid": "7"})).status == 200
    assert caplog.text.count("30 requests were refused") == 1


async def test_a_sustained_flood_is_one_flood(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    init_integration: MockConfigEntry,
    send: SendRequest,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """250 requests a second for 4 s: the refills let some through, yet the
    log has one warning and, once the sender is quiet, one end line."""
    caplog.set_level(logging.INFO, logger="custom_components.sangoma_phone")
    statuses: list[int] = []
    for _ in range(1000):
        statuses.append((await send("dnd_on")).status)
        freezer.tick(0.004)
    assert statuses.count(429) > 700
    assert statuses.count(200) > BURST
    assert caplog.text.count("more than 5 requests a second") == 1
    assert "were refused" not in caplog.text
    freezer.tick(BURST / DEFAULT_RATE)
    assert (await send("dnd_off")).status == 200
    ends = [r.getMessage() for r in caplog.records if "were refused" in r.getMessage()]
    assert ends == [
        f"Desk phone: the flood of requests is over; {statuses.count(429)} requests were refused"
    ]


async def test_other_phones_keep_working_during_a_flood(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    init_integration: MockConfigEntry,
    send: SendRequest,
    bus_events: list[Event],
) -> None:
    """One phone's flood leaves another phone's requests alone."""
    other = MockConfigEntry(
        domain=DOMAIN,
        title="Other phone",
        unique_id=OTHER_MAC,
        data={CONF_WEBHOOK_ID: OTHER_WEBHOOK, CONF_MAC: OTHER_MAC},
        options={CONF_LOCAL_ONLY: True},
    )
    other.add_to_hass(hass)
    assert await hass.config_entries.async_setup(other.entry_id)
    await hass.async_block_till_done()
    statuses = []
    for i in range(5 * BURST):
        statuses.append((await send("dnd_on")).status)
        if i % 5 == 0:
            response = await send(
                "dnd_on" if i % 10 else "dnd_off",
                webhook_id=OTHER_WEBHOOK,
                mac=OTHER_MAC,
            )
            assert response.status == 200
    await hass.async_block_till_done()
    assert statuses.count(200) == BURST
    assert statuses.count(429) == 4 * BURST
    other_events = [e for e in bus_events if e.data["entry_id"] == other.entry_id]
    assert len(other_events) == BURST


async def test_rate_limit_option(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    init_integration: MockConfigEntry,
    send: SendRequest,
) -> None:
    """The rate limit is an option of "who may send"; its burst follows it."""
    result = await open_options_step(hass, init_integration.entry_id, "settings")
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {CONF_LOCAL_ONLY: True, CONF_RATE_LIMIT: 50}
    )
    await hass.async_block_till_done()
    assert init_integration.options[CONF_RATE_LIMIT] == 50
    statuses = [(await send("dnd_on")).status for _ in range(210)]
    assert statuses.count(200) == 200
    assert statuses[-10:] == [429] * 10
