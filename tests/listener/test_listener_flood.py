"""Flood control on the listener: by sender for requests that match no phone,
and a phone's own limit over the listener.

Time is frozen (the freezer fixture: the listener's and the gates' monotonic
clocks too), so the tests decide how much time passes between requests.
"""

import logging

from freezegun.api import FrozenDateTimeFactory
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.sangoma_phone.diagnostics import (
    async_get_config_entry_diagnostics,
)
from custom_components.sangoma_phone.protocol.ratelimit import (
    DEFAULT_RATE,
    burst_for,
)
from homeassistant.core import HomeAssistant

from .conftest import CALL, PATH, UNKNOWN_PATH, exchange, get, status_of

BURST = int(burst_for(DEFAULT_RATE))


async def test_unmatched_flood_is_limited_by_sender(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    listener: int,
    init_integration: MockConfigEntry,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Probing ids or paths: 429 past the burst; the phone's requests still pass."""
    statuses = []
    for i in range(BURST + 10):
        target = UNKNOWN_PATH if i % 2 else b"/nothing/here"
        statuses.append(status_of(await exchange(listener, get(target))))
    assert statuses[:BURST] == [200 if i % 2 else 404 for i in range(BURST)]
    assert statuses[BURST:] == [429] * 10
    assert caplog.text.count("answering 429") == 1
    # The phone's own requests have the phone's own bucket.
    response = await exchange(listener, get(PATH + b"?" + CALL))
    assert status_of(response) == 200
    await hass.async_block_till_done()
    assert hass.states.get("binary_sensor.desk_phone_ringing").state == "on"
    diagnostics = await async_get_config_entry_diagnostics(hass, init_integration)
    assert diagnostics["listener"]["rate_limited_requests"] == 10
    # The sender slowed down.
    freezer.tick(1)
    assert status_of(await exchange(listener, get(UNKNOWN_PATH))) == 200


async def test_phone_flood_over_the_listener(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    listener: int,
    init_integration: MockConfigEntry,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """The phone's gate limits its requests whatever the transport."""
    caplog.set_level(logging.WARNING)
    statuses = [
        status_of(await exchange(listener, get(PATH + b"?event=dnd_on&mac=x")))
        for _ in range(BURST + 5)
    ]
    assert statuses == [200] * BURST + [429] * 5
    diagnostics = await async_get_config_entry_diagnostics(hass, init_integration)
    assert diagnostics["rejected_counts"]["rate_limited"] == 5
    assert diagnostics["listener"]["rate_limited_requests"] == 0
