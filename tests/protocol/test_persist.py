"""Tests of the tolerant persistence of a phone's state."""

import json
from typing import Any

import pytest

from custom_components.sangoma_phone.protocol import (
    Call,
    PhoneState,
    PhoneStateMachine,
)

from .machine_helpers import T0, H, R, check_invariants, req, start


def test_as_dict_round_trip() -> None:
    phone = start("on_hold", "c1")
    phone.send("incoming_call", "c2", "sip:1003@pbx", display_remote="Carol")
    phone.send("outgoing_call", None, "1004")
    for key in ("registered", "dnd_on", "busy_forward_on", "mute", "missed_call"):
        phone.send(key, mac="001565aabbcc", ip="10.0.0.5", model="S505", firmware="1.0")
    phone.send("terminated", "c1")
    data = phone.state.as_dict()
    assert json.loads(json.dumps(data)) == data
    # The missed_call without id ended the ringing call, not the dialing one.
    assert data["call_state"] == "dialing"
    assert data["registration"] == "registered"
    assert data["last_event_time"] == phone.now.isoformat()
    assert PhoneState.from_dict(data) == phone.state
    assert PhoneState.from_dict(json.loads(json.dumps(data))) == phone.state
    assert PhoneState.from_dict({}) == PhoneState()


GARBAGE: list[Any] = [
    None,
    1,
    -1,
    1.5,
    float("nan"),
    float("inf"),
    10**400,
    True,
    "",
    "x",
    "2026-13-45",
    [],
    {},
    {"state": "connected"},
    ["connected"],
]


@pytest.mark.parametrize("value", GARBAGE, ids=repr)
def test_from_dict_tolerates_garbage_values(value: Any) -> None:
    names = [*PhoneState().as_dict(), "unknown_key"]
    state = PhoneState.from_dict(dict.fromkeys(names, value))
    check_invariants(state)
    assert state.calls == {}
    PhoneStateMachine(state).apply(req("terminated"), T0)


def test_from_dict_keeps_good_values_and_drops_bad_ones() -> None:
    state = PhoneState.from_dict(
        {
            "registration": "bogus",
            "off_hook": 1,
            "dnd": True,
            "missed_calls": 3,
            "last_call_duration": 12,
            "last_event_time": "2026-05-01T12:00:00+00:00",
            "calls": {
                "a": {"state": "ringing", "direction": "sideways", "remote": 5},
                "b": {"state": "idle"},
                "c": "connected",
                1: {"state": "connected"},
                "": {
                    "state": "on_hold",
                    "direction": "incoming",
                    "connected_at": "nope",
                    "held": True,  # stored by older versions: ignored
                },
            },
        }
    )
    assert (state.registration, state.off_hook, state.dnd) == (None, None, True)
    assert (state.missed_calls, state.last_call_duration, state.last_event_time) == (
        3,
        12.0,
        T0,
    )
    assert state.calls == {
        "a": Call(call_id="a", state=R, direction="unknown"),
        "": Call(call_id=None, state=H, direction="incoming"),
    }


def test_from_dict_bounds_calls_and_accepts_non_mappings() -> None:
    calls = {f"c{n}": {"state": "ringing"} for n in range(12)}
    assert list(PhoneState.from_dict({"calls": calls}).calls) == [
        f"c{n}" for n in range(4, 12)
    ]
    bad: Any = ["not", "a", "mapping"]
    assert PhoneState.from_dict(bad) == PhoneState()
