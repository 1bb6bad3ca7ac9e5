"""Target conditions (condition.py), the phone's state set by real webhook requests."""

import pytest

from custom_components.sangoma_phone.condition import CHECKS, CONDITIONS
from homeassistant.core import HomeAssistant

from .automation_helpers import RECORD, async_setup_automations, device_id
from .conftest import SendRequest

CALL = {"remote": "sip:1002@pbx.example", "cid": "c1"}

# condition key -> (requests that make it pass, requests that make it fail again)
CASES: dict[
    str, tuple[list[tuple[str, dict[str, str]]], list[tuple[str, dict[str, str]]]]
] = {
    "is_ringing": ([("incoming_call", CALL)], [("established", CALL)]),
    "is_in_call": ([("established", CALL)], [("terminated", CALL)]),
    "is_on_hold": ([("established", CALL), ("hold", CALL)], [("unhold", CALL)]),
    "is_dnd_on": ([("dnd_on", {})], [("dnd_off", {})]),
    "is_registered": ([("registered", {})], [("unregistered", {})]),
    "is_forward_on": ([("busy_forward_on", {})], [("busy_forward_off", {})]),
}


def test_every_condition_is_tested() -> None:
    """The table covers every condition the integration offers."""
    assert set(CASES) == set(CHECKS) == set(CONDITIONS)


async def _gate(hass: HomeAssistant, condition: dict[str, object]) -> list[object]:
    """Set up an automation that records a mute event only if `condition` passes."""
    return await async_setup_automations(
        hass,
        [
            {
                "triggers": [
                    {"trigger": "event", "event_type": "test_check"},
                ],
                "conditions": [condition],
                "actions": [RECORD],
            }
        ],
    )


@pytest.mark.usefixtures("init_integration")
@pytest.mark.parametrize("key", list(CASES))
async def test_condition_follows_the_phone(
    hass: HomeAssistant, send: SendRequest, key: str
) -> None:
    """Unknown, then on after its requests, then off again."""
    calls = await _gate(
        hass,
        {"condition": f"sangoma_phone.{key}", "target": {"device_id": device_id(hass)}},
    )

    async def passes() -> bool:
        before = len(calls)
        hass.bus.async_fire("test_check")
        await hass.async_block_till_done()
        return len(calls) > before

    assert not await passes()  # nothing known yet
    on, off = CASES[key]
    for request in on:
        assert (await send(*request)).status == 200
    assert await passes()
    for request in off:
        await send(*request)
    assert not await passes()


@pytest.mark.usefixtures("init_integration")
async def test_forward_kinds_and_other_targets(
    hass: HomeAssistant, send: SendRequest
) -> None:
    """A forward condition can ask for one kind; other targets never pass."""
    only_always = await _gate(
        hass,
        {
            "condition": "sangoma_phone.is_forward_on",
            "target": {"device_id": device_id(hass)},
            "options": {"forward": "always"},
        },
    )
    await send("busy_forward_on")
    hass.bus.async_fire("test_check")
    await hass.async_block_till_done()
    assert only_always == []
    await send("always_forward_on")
    hass.bus.async_fire("test_check")
    await hass.async_block_till_done()
    assert len(only_always) == 1


@pytest.mark.usefixtures("init_integration")
async def test_condition_with_unknown_device(
    hass: HomeAssistant, send: SendRequest
) -> None:
    """A target that names no phone does not pass."""
    calls = await _gate(
        hass, {"condition": "sangoma_phone.is_dnd_on", "target": {"device_id": "nope"}}
    )
    await send("dnd_on")
    hass.bus.async_fire("test_check")
    await hass.async_block_till_done()
    assert calls == []
