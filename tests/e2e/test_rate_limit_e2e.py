"""End to end: the default flood limit never refuses what phones send.

Every simulator scenario back to back, without a pause (the URLs a phone gets
by default; scenarios needing a restart or an opt-in URL left out), from one
phone and from ten phones at once, with the rate limit as it comes.
"""

import asyncio

import pytest

from tools.sangoma_sim import (
    SCENARIOS,
    Options,
    PhoneIdentity,
    PhoneSimulator,
    load_provisioning,
)

from .conftest import add_phone
from .harness import HassInstance

pytestmark = pytest.mark.e2e


async def _phone(instance: HassInstance, number: int) -> PhoneSimulator:
    mac = f"00:50:58:00:20:{number:02x}"
    result = await add_phone(instance, f"E2E rate {number}", mac)
    entry_id = result["result"]["entry_id"]
    url = f"{instance.base_url}/api/sangoma_phone/{entry_id}/provisioning.xml"
    urls = await load_provisioning(url, token=instance.token)
    return PhoneSimulator(
        urls,
        phone=PhoneIdentity(mac=mac.replace(":", "").lower()),
        options=Options(),
    )


async def _play_all(simulator: PhoneSimulator) -> list[int]:
    statuses: list[int] = []
    for scenario in SCENARIOS.values():
        if scenario.needs_restart or any(
            step.event not in simulator.urls for step in scenario.steps
        ):
            continue
        sent = await simulator.play(scenario)
        # Status 0: a request the scenario loses on purpose (never sent).
        statuses += [request.status for request in sent if request.status]
    return statuses


@pytest.mark.asyncio(loop_scope="session")
async def test_phones_own_bursts_pass(hass_instance: HassInstance) -> None:
    """No 429 for a phone's own requests, however fast, for one or ten phones."""
    one = await _phone(hass_instance, 0)
    statuses = await _play_all(one)
    assert len(statuses) >= 90
    assert set(statuses) == {200}

    ten = [await _phone(hass_instance, n) for n in range(1, 11)]
    results = await asyncio.gather(*(_play_all(phone) for phone in ten))
    assert all(set(statuses) == {200} for statuses in results)
