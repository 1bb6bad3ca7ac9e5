"""Tests of the phone state machine."""

from datetime import UTC, datetime, timedelta
import random
from typing import Any

import pytest

from custom_components.sangoma_phone.protocol import (
    EFFECTS,
    EVENT_KEYS,
    EVENTS_BY_KEY,
    CallState,
    EventKey,
    ParsedRequest,
    PhoneState,
    PhoneStateMachine,
    PhoneVariables,
    Registration,
)

from .machine_helpers import (
    DERIVED,
    EXPECTED,
    LATE_WITHOUT_ID,
    SAME,
    STARTS,
    T0,
    C,
    D,
    H,
    N,
    Phone,
    R,
    at,
    check_invariants,
    req,
    start,
)


def test_every_event_has_one_effect() -> None:
    assert list(EFFECTS) == list(EventKey)


@pytest.mark.parametrize("cid", ["c1", None], ids=["with_id", "without_id"])
@pytest.mark.parametrize("start_name", STARTS)
@pytest.mark.parametrize("key", EVENT_KEYS)
def test_every_event_from_every_state(
    key: str, start_name: str, cid: str | None
) -> None:
    phone = start(start_name, cid)
    before = phone.state.call_state
    phone.send(key, cid, "sip:1002@pbx")
    expected = EXPECTED.get(key, (SAME,) * 6)[STARTS.index(start_name)]
    if start_name == "idle" and cid is None and key in LATE_WITHOUT_ID:
        expected = N  # just after busy_to_idle: a late request, no call made
    assert phone.state.call_state is (before if expected == SAME else expected)
    assert phone.state.last_event == key
    assert phone.state.last_event_time == phone.now
    check_invariants(phone.state)


@pytest.mark.parametrize("key", EVENT_KEYS)
def test_every_event_during_call_waiting(key: str) -> None:
    phone = start("connected", "c1")
    phone.send("incoming_call", "c2", "sip:1003@pbx")
    assert phone.calls() == {"c1": C, "c2": R}
    phone.send(key)  # no call id: the phone's choice is guessed
    check_invariants(phone.state)


def test_incoming_call_flow() -> None:
    phone = Phone()
    changed = phone.send(
        "incoming_call", "c1", "sip:+15551234@pbx;user=phone", display_remote="Alice"
    )
    assert changed == {
        "last_event",
        "last_event_time",
        "call_state",
        "calls",
        "remote_number",
        "remote_name",
        "in_call",
        "ringing",
        "on_hold",
    }
    assert phone.state.call_state is R
    assert (phone.state.ringing, phone.state.in_call, phone.state.on_hold) == (
        True,
        False,
        False,
    )
    assert (phone.state.remote_number, phone.state.remote_name) == (
        "+15551234",
        "Alice",
    )
    call = phone.state.calls["c1"]
    assert (call.direction, call.remote, call.connected_at) == (
        "incoming",
        "sip:+15551234@pbx;user=phone",
        None,
    )

    changed = phone.send("established", "c1", after=3)
    assert changed == {
        "last_event",
        "last_event_time",
        "call_state",
        "calls",
        "in_call",
        "ringing",
    }
    assert call.connected_at == phone.now
    assert (phone.state.in_call, phone.state.ringing) == (True, False)

    phone.send("established", "c1", after=5)  # a duplicate keeps connected_at
    assert call.connected_at == at(4)

    changed = phone.send("terminated", "c1", after=60)
    assert phone.state.call_state is N
    assert phone.state.calls == {}
    assert phone.state.last_call_duration == 65
    assert "last_call_duration" in changed
    # The last party stays visible when idle.
    assert (phone.state.remote_number, phone.state.remote_name) == (
        "+15551234",
        "Alice",
    )


def test_outgoing_call_flow() -> None:
    phone = Phone()
    assert phone.send("off_hook") == {"last_event", "last_event_time", "off_hook"}
    assert phone.state.off_hook is True
    assert phone.state.call_state is None  # off hook alone says nothing about calls
    phone.send("outgoing_call", None, "1002", local="sip:1001@pbx")
    assert phone.calls() == {"": D}
    assert phone.state.calls[""].direction == "outgoing"
    assert phone.state.local_identity == "1001"
    phone.send("established")
    phone.send("mute", after=0)
    assert phone.state.muted is True
    phone.send("terminated", after=10)
    ended = phone.state
    assert ended.muted is False  # the last call ended
    assert ended.last_call_duration == 10
    phone.send("on_hook")
    assert phone.state.off_hook is False


def test_call_without_connection_has_no_duration() -> None:
    phone = Phone()
    phone.send("outgoing_call", "c1")
    phone.send("terminated", "c1")
    assert phone.state.last_call_duration is None
    assert phone.state.call_state is N


def test_missed_calls() -> None:
    phone = Phone()
    phone.send("incoming_call", "c1", "sip:1002@pbx", display_remote="Bob")
    phone.send("missed_call", "c1")
    assert phone.state.missed_calls == 1
    assert (phone.state.last_missed_number, phone.state.last_missed_name) == (
        "1002",
        "Bob",
    )
    assert phone.state.call_state is N
    phone.send("terminated", "c1")  # the phone may also report the end
    phone.send("missed_call", "c1")  # a duplicate is not counted twice
    assert phone.state.missed_calls == 1
    # The same call id later is a new missed call ($call_id may be the caller).
    phone.send("incoming_call", "c1", "1002", after=30)
    phone.send("missed_call", "c1", "1002", display_remote="Bob B")
    assert phone.state.missed_calls == 2
    assert phone.state.last_missed_name == "Bob B"
    # Without call ids, the same number within LATE_WINDOW is the same report.
    phone.send("missed_call", None, "1003")
    phone.send("missed_call", None, "1003", after=5)
    state = phone.state
    assert state.missed_calls == 3
    assert (state.last_missed_number, state.last_missed_name) == ("1003", None)
    phone.send("missed_call", None, "1003", after=5.5)  # a new call from 1003
    assert phone.state.missed_calls == 4
    assert phone.machine.clear_missed_calls() == {"missed_calls"}
    assert phone.state.missed_calls == 0
    assert phone.machine.clear_missed_calls() == frozenset()


def test_missed_call_of_a_connected_call_keeps_it() -> None:
    phone = start("connected", "c1")
    phone.send("missed_call", "c1")
    assert phone.calls() == {"c1": C}
    assert phone.state.missed_calls == 1
    # The connected call did not end unanswered: it names no caller.
    assert phone.state.last_missed_number is None


@pytest.mark.parametrize("key", ["reject_incoming_call", "forward_incoming_call"])
def test_rejected_or_forwarded_calls_are_not_missed(key: str) -> None:
    phone = Phone()
    phone.send("incoming_call", "c1", "1002")
    phone.send(key, "c1")
    assert phone.state.calls == {}
    assert phone.state.missed_calls is None
    assert phone.state.call_state is N


def test_late_established_does_not_resurrect() -> None:
    phone = start("connected", "c1")
    phone.send("terminated", "c1")
    for key in ("established", "hold", "unhold", "answer_new_incall"):
        phone.send(key, "c1", after=60)
        assert phone.state.calls == {}, key
    assert phone.state.call_state is N


def test_terminated_before_incoming() -> None:
    phone = Phone()
    phone.send("terminated", "c1", "1002")
    assert phone.state.call_state is N
    phone.send("incoming_call", "c1", "1002")  # late: ignored
    phone.send("established", "c1", "1002")
    assert phone.state.calls == {}
    # Long after, the same id is a new call.
    phone.send("incoming_call", "c1", "1002", after=60)
    phone.send("established", "c1")
    assert phone.calls() == {"c1": C}


def test_established_without_incoming_creates_a_call() -> None:
    phone = Phone()
    phone.send("established", "c9", "sip:1005@pbx", display_remote="Eve")
    call = phone.state.calls["c9"]
    assert (call.state, call.direction, call.remote_number, call.remote_name) == (
        C,
        "unknown",
        "1005",
        "Eve",
    )
    assert phone.state.in_call is True


def test_duplicate_incoming_keeps_the_connected_call() -> None:
    phone = start("connected", "c1")
    phone.send("incoming_call", "c1", "sip:9999@pbx")
    assert phone.calls() == {"c1": C}
    assert phone.state.remote_number == "1002"
    phone.send("outgoing_call", None)  # the id-less slot is separate from c1
    assert phone.calls() == {"c1": C, "": D}


def test_duplicate_events_change_nothing() -> None:
    phone = start("connected", "c1")
    for key in ("established", "hold", "hold", "unhold", "unhold", "dnd_on", "dnd_on"):
        phone.send(key, "c1")
    snapshot = phone.state.as_dict()
    changed = phone.machine.apply(req("dnd_on", "c1"), phone.now)
    assert changed == frozenset()
    assert phone.state.as_dict() == snapshot


def test_call_waiting() -> None:
    phone = start("connected", "c1")
    phone.send("incoming_call", "c2", "sip:1003@pbx", display_remote="Carol")
    assert phone.state.call_state is C
    assert (phone.state.ringing, phone.state.in_call) == (True, True)
    assert phone.state.remote_number == "1002"  # the connected call is current
    changed = phone.send("answer_new_incall", "c2")
    assert phone.calls() == {"c1": H, "c2": C}
    assert {"ringing", "on_hold", "remote_number", "remote_name"} <= changed
    assert (phone.state.remote_number, phone.state.remote_name) == ("1003", "Carol")
    phone.send("terminated", "c2")
    assert phone.state.call_state is H
    assert phone.state.remote_number == "1002"
    phone.send("unhold", "c1")
    assert phone.calls() == {"c1": C}


def test_answer_new_incall_without_ids() -> None:
    phone = Phone()
    phone.send("incoming_call", "c1", "1002")
    phone.send("established", "c1")
    phone.send("incoming_call", "c2", "1003")
    phone.send("answer_new_incall")  # finds the ringing call
    assert phone.calls() == {"c1": H, "c2": C}


def test_events_without_id_find_the_right_call() -> None:
    phone = Phone()
    phone.send("incoming_call", "c1", "1002")
    phone.send("established", "c1")
    phone.send("incoming_call", "c2", "1003")
    phone.send("hold")  # the connected call
    assert phone.calls() == {"c2": R, "c1": H}
    phone.send("established")  # the ringing call
    assert phone.calls() == {"c1": H, "c2": C}
    phone.send("terminated", None, "1002")  # the call with that number
    assert phone.calls() == {"c2": C}
    phone.send("terminated")  # the only call
    assert phone.state.calls == {}


def test_ambiguous_event_without_id_changes_no_call() -> None:
    phone = Phone()
    phone.send("outgoing_call", "c1")
    phone.send("established", "c1")
    phone.send("outgoing_call", "c2")
    phone.send("established", "c2")
    phone.send("missed_call")
    assert phone.calls() == {"c1": C, "c2": C}
    assert phone.state.missed_calls == 1


def test_single_slot_without_ids() -> None:
    phone = Phone()
    phone.send("incoming_call", None, "1002")
    phone.send("established")
    phone.send("hold")
    assert phone.calls() == {"": H}
    phone.send("unhold")
    phone.send("incoming_call", None, "1003")  # call waiting: a second leg
    assert phone.calls() == {"": C, " 2": R}
    assert phone.state.remote_number == "1002"
    phone.send("reject_incoming_call")  # the ringing leg
    assert phone.calls() == {"": C}
    phone.send("terminated")
    assert phone.state.call_state is N
    phone.send("incoming_call", None, "1004")  # the slot is reused at once
    assert phone.calls() == {"": R}


def test_transfers() -> None:
    phone = start("connected", "c1")
    for key in (
        "transfer_call",
        "blind_transfer",
        "attended_transfer",
        "transfer_failed",
    ):
        phone.send(key, "c1")
        assert phone.calls() == {"c1": C}, key
    phone.send("hold", "c1")
    phone.send("outgoing_call", "c2", "1009")
    phone.send("established", "c2")
    phone.send("transfer_finished")  # the held call was handed over
    assert phone.calls() == {"c2": C}
    phone.send("transfer_finished", "c2")
    assert phone.state.call_state is N


def test_idle_to_busy_placeholder_is_taken_over() -> None:
    phone = Phone()
    phone.send("idle_to_busy")
    assert phone.state.call_state is D
    assert phone.state.calls[""].direction == "unknown"
    phone.send("incoming_call", "c1", "1002")
    assert phone.calls() == {"c1": R}
    phone.send("idle_to_busy", "c1")  # calls known: nothing changes
    assert phone.calls() == {"c1": R}


def test_busy_to_idle_is_authoritative() -> None:
    phone = start("connected", "c1")
    phone.send("incoming_call", "c2")
    phone.send("mute")
    phone.send("off_hook")
    phone.send("busy_to_idle", after=20)
    assert phone.state.calls == {}
    assert (phone.state.call_state, phone.state.muted, phone.state.off_hook) == (
        N,
        False,
        False,
    )
    assert phone.state.last_call_duration == 23
    phone.send("established", "c1")  # late
    assert phone.state.calls == {}


def test_setup_completed_means_no_calls() -> None:
    phone = start("connected", "c1")
    phone.send("registered")
    phone.send("dnd_on")
    phone.send(
        "setup_completed",
        model="S505",
        firmware="2.0.4",
        mac="001565aabbcc",
        ip="10.0.0.5",
    )
    state = phone.state
    assert (state.call_state, state.calls, state.off_hook, state.muted) == (
        N,
        {},
        False,
        False,
    )
    assert state.last_call_duration is None
    assert (state.registration, state.dnd) == (Registration.REGISTERED, True)
    assert (state.model, state.firmware, state.mac, state.ip) == (
        "S505",
        "2.0.4",
        "001565aabbcc",
        "10.0.0.5",
    )


@pytest.mark.parametrize(
    ("key", "attribute", "value"),
    [
        ("registered", "registration", Registration.REGISTERED),
        ("unregistered", "registration", Registration.UNREGISTERED),
        ("register_failed", "registration", Registration.REGISTER_FAILED),
        ("off_hook", "off_hook", True),
        ("on_hook", "off_hook", False),
        ("dnd_on", "dnd", True),
        ("dnd_off", "dnd", False),
        ("always_forward_on", "always_forward", True),
        ("always_forward_off", "always_forward", False),
        ("busy_forward_on", "busy_forward", True),
        ("busy_forward_off", "busy_forward", False),
        ("no_answer_forward_on", "no_answer_forward", True),
        ("no_answer_forward_off", "no_answer_forward", False),
        ("mute", "muted", True),
        ("unmute", "muted", False),
    ],
)
def test_flags(key: str, attribute: str, value: object) -> None:
    phone = Phone()
    changed = phone.send(key)
    assert getattr(phone.state, attribute) == value
    assert changed == {"last_event", "last_event_time", attribute} | (
        {"registered", "accounts"} if attribute == "registration" else set()
    )
    assert phone.state.call_state is None


def test_dnd_switched_from_home_assistant() -> None:
    """set_dnd records what the phone accepted and says what changed; a later
    report from the phone wins."""
    phone = Phone()
    assert phone.machine.set_dnd(True) == {"dnd"}
    assert phone.state.dnd is True
    assert phone.machine.set_dnd(True) == frozenset()
    assert phone.machine.set_dnd(False) == {"dnd"}
    assert phone.state.dnd is False
    phone.send("dnd_on")
    assert phone.state.dnd is True
    assert phone.state.last_event == "dnd_on"


def test_identity() -> None:
    phone = Phone()
    changed = phone.send(
        "registered",
        mac="001565aabbcc",
        ip="10.0.0.5",
        model="S505",
        firmware="1.0",
        active_user="1001",
    )
    assert {"mac", "ip", "model", "firmware", "local_identity"} <= changed
    phone.send("ip_changed", ip="10.0.0.6")
    assert (phone.state.ip, phone.state.mac, phone.state.model) == (
        "10.0.0.6",
        "001565aabbcc",
        "S505",
    )
    phone.send("incoming_call", "c1", local="sip:2002@pbx")
    assert phone.state.local_identity == "2002"
    phone.send("dnd_on")  # values not sent are kept
    assert (phone.state.local_identity, phone.state.ip) == ("2002", "10.0.0.6")


def test_calls_are_bounded() -> None:
    phone = Phone()
    for n in range(20):
        phone.send("incoming_call", f"c{n}")
    assert list(phone.state.calls) == [f"c{n}" for n in range(12, 20)]
    assert phone.state.call_state is R


def test_remembered_ended_calls_are_bounded() -> None:
    phone = Phone()
    for n in range(17):
        phone.send("terminated", f"c{n}")
    phone.send("established", "c0")  # forgotten: may be created again
    phone.send("established", "c16")
    assert phone.calls() == {"c0": C}


def test_mixed_clocks_never_raise() -> None:
    stored = PhoneState.from_dict(
        {"calls": {"c1": {"state": "connected", "connected_at": "2026-05-01T12:00:00"}}}
    )
    phone = Phone(stored)
    phone.send("terminated", "c1")
    assert phone.state.last_call_duration is None
    naive = datetime(2026, 5, 1, 12, 0)  # noqa: DTZ001 - deliberately naive
    phone.machine.apply(req("incoming_call", "c1"), naive)
    phone.machine.apply(req("missed_call", "c1"), naive)
    phone.machine.apply(req("missed_call", "c1"), T0)
    assert phone.state.missed_calls == 2
    check_invariants(phone.state)


def test_clock_going_backwards() -> None:
    phone = start("connected", "c1")
    phone.send("terminated", "c1", after=-3600)
    assert phone.state.last_call_duration == 0


def test_changed_set_matches_the_difference() -> None:
    rng = random.Random(7)  # noqa: S311 - reproducible test data
    phone = Phone()
    for _ in range(500):
        before = {
            **phone.state.as_dict(),
            **{name: getattr(phone.state, name) for name in DERIVED},
        }
        changed = phone.send(
            rng.choice(EVENT_KEYS),
            rng.choice(["c1", "c2", None]),
            rng.choice(["1002", None]),
            after=rng.choice([0, 1, 30]),
        )
        after = {
            **phone.state.as_dict(),
            **{name: getattr(phone.state, name) for name in DERIVED},
        }
        assert changed == {name for name in after if after[name] != before[name]}
        check_invariants(phone.state)


def test_fuzz_never_raises() -> None:
    rng = random.Random(1234)  # noqa: S311 - reproducible test data
    values: list[Any] = [None, "c1", "c2", "", "1002", "sip:1003@pbx"]
    phone = Phone()
    for _ in range(2000):
        variables = PhoneVariables(
            call_id=rng.choice(values),
            remote=rng.choice(values),
            remote_number=rng.choice(values),
            display_remote=rng.choice(values),
            active_user=rng.choice(values),
        )
        now = T0 + timedelta(seconds=rng.randint(-10, 10_000))
        phone.machine.apply(
            ParsedRequest(
                event=EVENTS_BY_KEY[rng.choice(EVENT_KEYS)], variables=variables
            ),
            now,
        )
        check_invariants(phone.state)
        if rng.random() < 0.05:
            phone = Phone(PhoneState.from_dict(phone.state.as_dict()))


def test_mute_resets_when_no_call_is_left() -> None:
    phone = Phone()
    phone.send("mute")
    phone.send("terminated", "c1")  # a call ended, none is known
    assert phone.state.muted is False
    phone = start("connected", "c1")
    phone.send("mute")
    phone.send("missed_call", "c1")  # the connected call goes on
    assert phone.state.muted is True
    phone.send("hold", "c1")
    phone.send("unmute")
    phone.send("mute")
    phone.send("transfer_finished")
    assert (phone.state.muted, phone.state.call_state) == (False, N)


@pytest.mark.parametrize("late", LATE_WITHOUT_ID)
@pytest.mark.parametrize("end", ["terminated", "busy_to_idle"])
def test_late_request_without_call_id_does_not_resurrect(late: str, end: str) -> None:
    """Without call ids, a late request after the call ended makes no new call."""
    phone = Phone()
    phone.send("incoming_call", None, "sip:1002@pbx")
    phone.send("established", None, "sip:1002@pbx")
    phone.send(end, None, "sip:1002@pbx")
    phone.send(late, None, "sip:1002@pbx")
    assert phone.state.call_state is CallState.IDLE
    assert phone.state.in_call is False
    # Later on, the same request is a lost one for a new call: it makes one.
    phone.send(late, None, "sip:1002@pbx", after=10)
    assert phone.state.in_call is True


def test_late_terminated_for_unknown_call_marks_the_slot() -> None:
    """A terminated for no known call still makes a late established late."""
    phone = Phone()
    phone.send("terminated", None, "sip:1002@pbx")
    phone.send("established", None, "sip:1002@pbx")
    assert phone.state.call_state is CallState.IDLE


def test_forget_unfinished_calls_after_restart() -> None:
    """Ringing and dialing calls do not outlive a restart; a long call may."""
    phone = Phone()
    phone.send("incoming_call", "a", "sip:1002@pbx")
    phone.send("established", "a", "sip:1002@pbx")
    phone.send("mute", "a")
    phone.send("incoming_call", "b", "sip:1003@pbx")
    restored = PhoneStateMachine(PhoneState.from_dict(phone.state.as_dict()))
    changed = restored.forget_unfinished_calls(phone.now + timedelta(minutes=1))
    assert {k: c.state for k, c in restored.state.calls.items()} == {
        "a": CallState.CONNECTED
    }
    assert restored.state.call_state is CallState.CONNECTED
    assert restored.state.ringing is False
    assert "ringing" in changed
    assert restored.state.muted is True

    later = restored.forget_unfinished_calls(phone.now + timedelta(hours=5))
    assert restored.state.calls == {}
    assert restored.state.call_state is CallState.IDLE
    assert restored.state.muted is False
    assert {"in_call", "call_state", "muted"} <= later


def test_forget_unfinished_calls_nothing_known() -> None:
    """With nothing known, nothing changes."""
    machine = PhoneStateMachine()
    assert (
        machine.forget_unfinished_calls(datetime(2026, 1, 1, tzinfo=UTC)) == frozenset()
    )
    assert machine.state.call_state is None
