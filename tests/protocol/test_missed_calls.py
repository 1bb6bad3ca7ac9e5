"""Missed calls and late requests, request by request: which caller a
missed call names, what counts as missed and how often, a quick redial, a late
start after the end. The decisions and their reasons: docs/call-tracking.md.
"""

import pytest

from .scenario_player import RawPhone

ALICE = "remote=sip:5550001@pbx&dr=Alice%20Smith"
BOB = "remote=sip:5550002@pbx&dr=Bob"


def test_bug3_missed_call_names_only_its_own_caller() -> None:
    phone = RawPhone()
    phone.send("incoming_call", ALICE)
    phone.send("established", ALICE)
    assert (
        phone.send("missed_call", "remote=5551234") == "connected 5550001 Alice Smith I"
    )
    state = phone.state
    assert (state.missed_calls, state.last_missed_number) == (1, "5551234")
    assert state.last_missed_name is None
    phone.send("missed_call", after=30)  # neither number nor name
    state = phone.state
    assert (state.missed_calls, state.last_missed_number) == (2, None)
    assert state.last_missed_name is None


def test_bug3_missed_call_waiting_names_the_ringing_caller() -> None:
    phone = RawPhone()
    phone.send("incoming_call", ALICE)
    phone.send("established", ALICE)
    phone.send("incoming_call", BOB)
    assert phone.send("missed_call") == "connected 5550001 Alice Smith I"
    state = phone.state
    assert (state.last_missed_number, state.last_missed_name) == ("5550002", "Bob")


@pytest.mark.parametrize("event", ["reject_incoming_call", "forward_incoming_call"])
@pytest.mark.parametrize("cid", ["5550002", ""], ids=["id", "no_id"])
def test_missed_call_after_reject_is_not_missed(event: str, cid: str) -> None:
    phone = RawPhone()
    assert phone.send("incoming_call", f"cid={cid}&{BOB}") == "ringing 5550002 Bob R"
    assert phone.send(event, f"cid={cid}&{BOB}") == "idle 5550002 Bob"
    assert phone.send("missed_call", f"cid={cid}&{BOB}") == "idle 5550002 Bob"
    assert phone.state.missed_calls is None
    # The same caller again, later, unanswered: missed.
    phone.send("incoming_call", f"cid={cid}&{BOB}", after=30)
    phone.send("missed_call", f"cid={cid}&{BOB}")
    assert phone.state.missed_calls == 1


@pytest.mark.parametrize("cid", ["5550002", ""], ids=["id", "no_id"])
def test_a_missed_call_reported_twice_counts_once(cid: str) -> None:
    phone = RawPhone()
    phone.send("incoming_call", f"cid={cid}&{BOB}")
    phone.send("missed_call", f"cid={cid}&{BOB}")
    phone.send("missed_call", f"cid={cid}&{BOB}", after=5)  # LATE_WINDOW: same
    assert phone.state.missed_calls == 1
    phone.send("missed_call", f"cid={cid}&{BOB}", after=5.5)  # past it: new
    assert phone.state.missed_calls == 2
    phone.send("missed_call", f"cid={cid and 5550003}&remote=5550003")  # another
    assert phone.state.missed_calls == 3
    assert phone.state.last_missed_number == "5550003"


def test_two_ringing_calls_missed_without_ids_count_twice() -> None:
    phone = RawPhone()
    phone.send("incoming_call", "remote=5550001")
    phone.send("established")
    phone.send("incoming_call", f"{BOB}", after=30)
    phone.send("missed_call", f"{BOB}")
    phone.send("incoming_call", f"{BOB}")
    phone.send("missed_call", f"{BOB}")  # it ended a ringing call: new
    assert phone.state.missed_calls == 2


def test_redial_within_late_window_rings() -> None:
    """$call_id is the caller's number: a quick redial reuses it."""
    phone = RawPhone()
    query = f"cid=5550002&{BOB}"
    phone.send("incoming_call", query)
    phone.send("idle_to_busy", query)
    phone.send("missed_call", query)
    assert phone.send("busy_to_idle", query) == "idle 5550002 Bob"
    # Within LATE_WINDOW it may be a late request: held back ...
    assert phone.send("incoming_call", query, after=2) == "idle 5550002 Bob"
    # ... until idle_to_busy shows the phone took a new call.
    assert phone.send("idle_to_busy", query) == "ringing 5550002 Bob R"
    assert phone.send("missed_call", query) == "idle 5550002 Bob"
    assert phone.state.missed_calls == 2


def test_late_incoming_after_the_end_stays_ignored() -> None:
    """Held back and never confirmed: no ghost call."""
    phone = RawPhone()
    query = f"cid=c1&{BOB}"
    phone.send("incoming_call", query)
    phone.send("terminated", query)
    assert phone.send("incoming_call", query) == "idle 5550002 Bob"
    assert phone.send("established", query) == "idle 5550002 Bob"
    assert phone.send("idle_to_busy", query, after=6) == "dialing 5550002 Bob"
