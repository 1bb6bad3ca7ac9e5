"""End to end: lost requests and a restart between two events, request by request.

On a phone of its own, the simulator plays the lost-hang-up scenario (a call
whose hang-up never arrives, then the next call) with and without call ids,
and the restart-in-call scenario, whose restart point stops and starts the
real Home Assistant. After every request (and every lost one) the entities
must show what the state machine's table says (tests/protocol/scenario_views.py).
"""

import asyncio
from typing import Any

import pytest

from tools.sangoma_sim import Options, SentRequest, Step

from ..protocol.scenario_views import VIEWS
from .conftest import (
    DISABLED_BY_DEFAULT,
    added_phone,
    enable_entities,
    phone_entities,
    set_rate_limit,
)
from .harness import HassInstance

pytestmark = pytest.mark.e2e

NAME, MAC = "E2E calls", "00:50:58:16:00:16"
FLAGS = {"in_call": "I", "ringing": "R", "on_hold": "H", "muted": "M", "off_hook": "O"}


async def _view(instance: HassInstance, entities: dict[str, str]) -> str:
    """Return what the entities show, in the table's form."""
    async with instance.api() as api:
        states: dict[str, Any] = await api.states()

    def state(key: str) -> str | None:
        value = states[entities[key]]["state"]
        return None if value in ("unknown", "unavailable") else str(value)

    flags = "".join(letter for key, letter in FLAGS.items() if state(key) == "on")
    parts = (state("call_state"), state("remote_number"), state("remote_name"), flags)
    return " ".join(str(p) for p in parts).rstrip()


@pytest.mark.parametrize("call_ids", [True, False], ids=["ids", "no_ids"])
async def test_lost_hang_up(hass_instance: HassInstance, call_ids: bool) -> None:
    phone = await _phone(hass_instance)
    simulator = phone.simulator(Options(call_ids=call_ids))
    seen: list[str] = []

    async def on_step(step: Step, sent: SentRequest) -> None:
        assert sent.status == (0 if step.lost else 200), step
        seen.append(await _view(hass_instance, phone.entities))

    await simulator.play("lost-hang-up", on_step=on_step)
    assert seen == list(VIEWS["lost-hang-up"])


async def test_restart_between_two_events(
    hass_instance: HassInstance, timings: dict[str, float]
) -> None:
    phone = await _phone(hass_instance)
    seen: list[str] = []
    restarted: list[str] = []

    async def on_step(step: Step, sent: SentRequest) -> None:
        assert sent.status == 200, step
        seen.append(await _view(hass_instance, phone.entities))

    async def on_restart() -> None:
        assert await asyncio.to_thread(hass_instance.stop) == 0
        hass_instance.start()
        timings["restart (calls)"] = await hass_instance.wait_until_running()
        # The connected call is still shown after the restart.
        restarted.append(await _view(hass_instance, phone.entities))

    await phone.simulator().play(
        "restart-in-call", on_step=on_step, on_restart=on_restart
    )
    assert restarted == ["connected 1002 Bob IO"]
    assert seen == list(VIEWS["restart-in-call"])


_PHONES: dict[str, Any] = {}


async def _phone(instance: HassInstance) -> Any:
    """The phone of this file, added once per session."""
    if NAME not in _PHONES:
        phone = await added_phone(instance, NAME, MAC)
        # Muted and Off hook are disabled by default: enable them, as a user can.
        await enable_entities(instance, phone.entry_id, DISABLED_BY_DEFAULT)
        phone.entities, _ = await phone_entities(instance, phone.entry_id)
        # The steps come back to back, faster than a phone sends.
        await set_rate_limit(instance, phone, 1000)
        _PHONES[NAME] = phone
    return _PHONES[NAME]
