"""Concurrency: 100 phones, interleaved call cycles over concurrent connections.

Each phone's requests go out in its own order (a phone sends one at a time),
all phones at once; each ends in exactly the state the pure state machine
gives for its own sequence.
"""

import asyncio
import random

from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator
from yarl import URL

from custom_components.sangoma_phone.const import (
    CONF_LOCAL_ONLY,
    CONF_MAC,
    CONF_WEBHOOK_ID,
    DOMAIN,
)
from custom_components.sangoma_phone.protocol import (
    PhoneState,
    PhoneStateMachine,
    parse_query,
)
from homeassistant.core import HomeAssistant
from homeassistant.util import dt as dt_util

PHONES = 100
CYCLES = [
    ["incoming_call&cid={c}&remote=1{c}", "established&cid={c}", "terminated&cid={c}"],
    ["incoming_call&cid={c}&remote=2{c}", "missed_call&cid={c}&remote=2{c}"],
    ["outgoing_call&cid={c}&remote=3{c}", "established&cid={c}", "hold&cid={c}"],
    ["incoming_call&cid={c}&remote=4{c}"],
    ["dnd_on", "dnd_off", "dnd_on"],
]


def sequence(rng: random.Random) -> list[str]:
    """Return a phone's requests: call cycles interleaved with each other."""
    cycles = [
        [step.format(c=n) for step in rng.choice(CYCLES)]
        for n in range(rng.randint(1, 4))
    ]
    out: list[str] = []
    while any(cycles):
        cycle = rng.choice([c for c in cycles if c])
        out.append("event=" + cycle.pop(0))
    return out


async def test_hundred_phones_at_once(
    hass: HomeAssistant,
    local_url: str,
    hass_client_no_auth: ClientSessionGenerator,
) -> None:
    """Every phone ends in the state its own sequence implies."""
    rng = random.Random(100)  # noqa: S311
    entries = []
    for i in range(PHONES):
        entry = MockConfigEntry(
            domain=DOMAIN,
            title=f"Phone {i:03}",
            unique_id=f"001fc1{i:06x}",
            data={CONF_WEBHOOK_ID: f"{i:032x}", CONF_MAC: f"001fc1{i:06x}"},
            options={CONF_LOCAL_ONLY: True},
        )
        entry.add_to_hass(hass)
        entries.append(entry)
    assert await hass.config_entries.async_setup(entries[0].entry_id)
    await hass.async_block_till_done()
    client = await hass_client_no_auth()
    sequences = [sequence(rng) for _ in entries]

    async def run(i: int) -> list[int]:
        statuses = []
        for query in sequences[i]:
            url = URL(f"/api/webhook/{i:032x}?{query}&mac=001fc1{i:06x}", encoded=True)
            statuses.append((await client.get(url)).status)
            await asyncio.sleep(rng.random() / 100)
        return statuses

    results = await asyncio.gather(*(run(i) for i in range(PHONES)))
    await hass.async_block_till_done()
    assert all(status == 200 for statuses in results for status in statuses)
    for i, entry in enumerate(entries):
        machine = PhoneStateMachine(PhoneState())
        for query in sequences[i]:
            machine.apply(parse_query(query), dt_util.utcnow())
        expected = machine.state
        call_state = hass.states.get(f"sensor.phone_{i:03}_call_state")
        assert call_state is not None
        wanted = "unknown" if expected.call_state is None else expected.call_state
        assert call_state.state == wanted, (i, sequences[i])
        assert entry.runtime_data.phone.state.missed_calls == expected.missed_calls
        assert entry.runtime_data.phone.state.dnd == expected.dnd
