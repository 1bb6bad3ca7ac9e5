"""Target triggers (trigger.py), driven by real webhook requests."""

from typing import Any

import pytest

from custom_components.sangoma_phone.condition import FORWARDS
from custom_components.sangoma_phone.targets import FORWARD_KINDS
from custom_components.sangoma_phone.trigger import (
    FORWARDS_OFF,
    FORWARDS_ON,
    SPECS,
    TRIGGERS,
)
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er

from .automation_helpers import RECORD, async_setup_automations, device_id
from .conftest import SendRequest

ALICE = {"remote": "sip:1002@pbx.example", "dr": "Alice", "au": "1001"}
INTL = {"remote": "sip:0044207946000@pbx.example", "dr": "London", "au": "1001"}

# trigger key -> (a request that fires it, a request that does not)
CASES: dict[str, tuple[tuple[str, dict[str, str]], tuple[str, dict[str, str]]]] = {
    "incoming_call": (("incoming_call", ALICE), ("outgoing_call", ALICE)),
    "call_answered": (("established", ALICE), ("incoming_call", ALICE)),
    "call_ended": (("terminated", ALICE), ("established", ALICE)),
    "missed_call": (("missed_call", ALICE), ("terminated", ALICE)),
    "dnd_turned_on": (("dnd_on", {}), ("dnd_off", {})),
    "dnd_turned_off": (("dnd_off", {}), ("dnd_on", {})),
    "forward_turned_on": (("busy_forward_on", {}), ("busy_forward_off", {})),
    "forward_turned_off": (("always_forward_off", {}), ("always_forward_on", {})),
    "registration_lost": (("register_failed", {"au": "1001"}), ("registered", {})),
    "registration_restored": (("registered", {"au": "1001"}), ("unregistered", {})),
}


def _automation(trigger: dict[str, Any]) -> dict[str, Any]:
    return {"triggers": [trigger], "actions": [RECORD]}


def test_forward_option_offers_every_forward() -> None:
    """The forward option's choices are the forwards the triggers and the
    condition know, no more, no fewer."""
    for forwards in (FORWARDS_ON, FORWARDS_OFF, FORWARDS):
        assert set(forwards) == set(FORWARD_KINDS)


def test_every_trigger_is_tested() -> None:
    """The table above covers every trigger the integration offers."""
    assert set(CASES) == set(SPECS) == set(TRIGGERS)


@pytest.mark.usefixtures("init_integration")
@pytest.mark.parametrize("key", list(CASES))
async def test_trigger_fires_on_its_event_only(
    hass: HomeAssistant, send: SendRequest, key: str
) -> None:
    """Each trigger, targeting the phone's device, fires on its request only."""
    calls = await async_setup_automations(
        hass,
        [
            _automation(
                {
                    "trigger": f"sangoma_phone.{key}",
                    "target": {"device_id": device_id(hass)},
                }
            )
        ],
    )
    (fires, other) = CASES[key]
    assert (await send(*other)).status == 200
    await hass.async_block_till_done()
    assert calls == []
    assert (await send(*fires)).status == 200
    await hass.async_block_till_done()
    assert len(calls) == 1
    assert calls[0].data["platform"] == f"sangoma_phone.{key}"
    assert calls[0].data["event_type"] == fires[0]


@pytest.mark.usefixtures("init_integration")
async def test_variables_and_entity_target(
    hass: HomeAssistant, send: SendRequest, entity_registry: er.EntityRegistry
) -> None:
    """Targeting the event entity works; the request's values are variables."""
    entity_id = entity_registry.async_get_entity_id(
        "event", "sangoma_phone", "01JDESKPHONE000000000000000_phone_event"
    )
    calls = await async_setup_automations(
        hass,
        [
            _automation(
                {
                    "trigger": "sangoma_phone.incoming_call",
                    "target": {"entity_id": entity_id},
                }
            )
        ],
    )
    await send("incoming_call", ALICE)
    await hass.async_block_till_done()
    # (Templates render "1002" as a number.)
    assert {**calls[0].data, "number": str(calls[0].data["number"])} == {
        "platform": "sangoma_phone.incoming_call",
        "event_type": "incoming_call",
        "number": "1002",
        "name": "Alice",
        "description": "Incoming call on a Sangoma phone",
    }


@pytest.mark.usefixtures("init_integration")
@pytest.mark.parametrize(
    ("options", "fired"),
    [
        ({"number": "1002"}, ["Alice"]),
        ({"number": ["1003", "1002"]}, ["Alice"]),
        ({"number": "0044", "number_match": "starts_with"}, ["London"]),
        ({"number": "0044"}, []),
        ({"account": "1001"}, ["Alice", "London"]),
        ({"account": "2001"}, []),
        ({}, ["Alice", "London"]),
    ],
)
async def test_number_and_account_options(
    hass: HomeAssistant,
    send: SendRequest,
    options: dict[str, Any],
    fired: list[str],
) -> None:
    """The other party's number (exact or starts with) and the account filter."""
    calls = await async_setup_automations(
        hass,
        [
            _automation(
                {
                    "trigger": "sangoma_phone.incoming_call",
                    "target": {"device_id": device_id(hass)},
                    "options": options,
                }
            )
        ],
    )
    await send("incoming_call", ALICE)
    await send("incoming_call", INTL)
    await hass.async_block_till_done()
    assert [call.data["name"] for call in calls] == fired


@pytest.mark.usefixtures("init_integration")
async def test_forward_option(hass: HomeAssistant, send: SendRequest) -> None:
    """A forward trigger can be narrowed to one kind of forward."""
    calls = await async_setup_automations(
        hass,
        [
            _automation(
                {
                    "trigger": "sangoma_phone.forward_turned_on",
                    "target": {"device_id": device_id(hass)},
                    "options": {"forward": ["no_answer"]},
                }
            )
        ],
    )
    await send("always_forward_on")
    await send("no_answer_forward_on")
    await hass.async_block_till_done()
    assert [call.data["event_type"] for call in calls] == ["no_answer_forward_on"]


@pytest.mark.usefixtures("init_integration")
async def test_other_targets_and_rejected_requests(
    hass: HomeAssistant, send: SendRequest
) -> None:
    """A trigger for another device, and a rejected request, never fire."""
    calls = await async_setup_automations(
        hass,
        [
            _automation(
                {
                    "trigger": "sangoma_phone.incoming_call",
                    "target": {"device_id": "not-a-phone"},
                }
            ),
            _automation(
                {
                    "trigger": "sangoma_phone.incoming_call",
                    "target": {"device_id": device_id(hass)},
                }
            ),
        ],
    )
    await send("incoming_call", ALICE, mac="001fc1000000")
    await hass.async_block_till_done()
    assert calls == []
    await send("incoming_call", ALICE)
    await hass.async_block_till_done()
    assert len(calls) == 1


@pytest.mark.usefixtures("init_integration")
async def test_invalid_options_are_refused(hass: HomeAssistant) -> None:
    """An unknown option makes the automation invalid (not a crash)."""
    calls = await async_setup_automations(
        hass,
        [
            _automation(
                {
                    "trigger": "sangoma_phone.incoming_call",
                    "target": {"device_id": device_id(hass)},
                    "options": {"number_match": "sounds_like"},
                }
            )
        ],
    )
    assert calls == []
    state = hass.states.async_all("automation")
    assert len(state) == 1
    assert state[0].state == "unavailable"
