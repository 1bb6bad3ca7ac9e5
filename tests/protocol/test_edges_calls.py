"""Call-tracking edges: each test pins one behaviour at a boundary of the rules
(docs/call-tracking.md); docs/mutation.md says which remain unpinned and why.
"""

import pytest

from .machine_helpers import Phone
from .scenario_player import RawPhone


def test_boot_makes_a_late_request_late() -> None:
    phone = RawPhone()
    phone.send("incoming_call", "remote=5550001")
    phone.send("established", "remote=5550001")
    assert phone.send("setup_completed") == "idle 5550001 None"
    assert phone.send("established", "remote=5550001") == "idle 5550001 None"


def test_reject_makes_a_late_request_late() -> None:
    phone = RawPhone()
    phone.send("incoming_call", "remote=5550001")
    assert phone.send("reject_incoming_call") == "idle 5550001 None"
    assert phone.send("established") == "idle 5550001 None"
    assert phone.send("established", after=6) == "connected None None I"


def test_answer_new_incall_without_any_id_is_a_new_call() -> None:
    phone = RawPhone()
    phone.send("incoming_call")
    phone.send("established")
    assert phone.send("answer_new_incall", after=30) == "connected None None IH"
    assert phone.send("terminated", after=10) == "on_hold None None IH"
    assert phone.state.last_call_duration == 10


def test_missed_calls_with_ids_are_told_apart_by_id() -> None:
    phone = RawPhone()
    phone.send("missed_call", "cid=a1")
    phone.send("missed_call", "cid=a2")
    assert phone.state.missed_calls == 2


def test_held_back_start_replays_only_for_its_own_id() -> None:
    phone = RawPhone()
    phone.send("incoming_call", "cid=x&remote=5550001")
    phone.send("terminated", "cid=x&remote=5550001")
    phone.send("incoming_call", "cid=x&remote=5550001")  # held back
    assert phone.send("idle_to_busy", "cid=y") == "dialing None None"
    assert list(phone.state.calls) == ["y"]


def test_a_call_started_by_a_lost_start_is_not_dead_at_once() -> None:
    phone = RawPhone()
    phone.send("established", "cid=x&remote=5550001")
    assert phone.send("incoming_call", "cid=x&remote=5550001") == (
        "connected 5550001 None I"
    )


def test_a_call_is_kept_over_a_restart_of_exactly_four_hours() -> None:
    phone = RawPhone()
    phone.send("incoming_call", "cid=c1")
    phone.send("established", "cid=c1")
    phone.restart(after=4 * 3600)
    assert phone.state.in_call is True
    phone.restart(after=4 * 3600 + 1)
    assert phone.state.in_call is False


@pytest.mark.parametrize("event", ["unhold", "established", "hold"])
def test_a_call_whose_start_was_lost_is_timed(event: str) -> None:
    phone = RawPhone()
    phone.send(event, "cid=c1")
    phone.send("unhold", "cid=c1")
    phone.send("terminated", "cid=c1", after=10)
    assert phone.state.last_call_duration == (10 if event == "hold" else 11)


def test_ended_calls_remembered_are_the_last_sixteen() -> None:
    phone = RawPhone()
    for n in range(16):
        phone.send("terminated", f"cid=c{n}")
    phone.send("terminated", "cid=c0")  # c0 is the most recent again
    phone.send("terminated", "cid=c16")  # c1 goes
    assert phone.send("established", "cid=c0") == "idle None None"
    assert phone.send("established", "cid=c2") == "idle None None"
    assert phone.send("established", "cid=c1") == "connected None None I"


def test_start_without_id_repeats_an_older_leg_with_its_number() -> None:
    phone = RawPhone()
    phone.send("incoming_call", "remote=5550001")
    phone.send("incoming_call", "remote=5550002")
    phone.send("incoming_call", "remote=5550001", after=10)  # the same call
    assert len(phone.state.calls) == 2


def test_start_without_id_right_after_connecting_is_the_same_call() -> None:
    phone = RawPhone()
    phone.send("incoming_call", "remote=5550001")
    phone.send("established", "remote=5550001")
    assert phone.send("incoming_call", "remote=5550001") == "connected 5550001 None I"
    assert len(phone.state.calls) == 1


def test_a_repeated_start_without_name_keeps_the_name() -> None:
    phone = RawPhone()
    phone.send("incoming_call", "remote=5550001&dr=Ann")
    assert phone.send("incoming_call", "remote=5550001") == "ringing 5550001 Ann R"


def test_an_event_without_id_or_number_finds_the_only_call() -> None:
    phone = RawPhone()
    phone.send("outgoing_call", "remote=5550001")
    assert phone.send("hold") == "on_hold 5550001 None IH"
    assert len(phone.state.calls) == 1


def test_a_lost_start_without_id_is_not_dead_at_once() -> None:
    phone = RawPhone()
    phone.send("established", "remote=5550001")
    assert phone.send("incoming_call", "remote=5550001") == "connected 5550001 None I"
    assert len(phone.state.calls) == 1


@pytest.mark.parametrize("end", ["busy_to_idle", "setup_completed"])
def test_a_start_just_after_the_end_is_held_back(end: str) -> None:
    phone = RawPhone()
    phone.send("incoming_call", "cid=c1&remote=5550001")
    phone.send("established", "cid=c1")
    phone.send(end)
    assert phone.send("incoming_call", "cid=c1") == "idle 5550001 None"


def test_a_start_after_idle_to_busy_ended_a_dead_call_is_new() -> None:
    """$call_id is the caller's number: the same caller again, after a lost end."""
    phone = RawPhone()
    phone.send("incoming_call", "cid=5550001&remote=5550001")
    phone.send("established", "cid=5550001")
    assert phone.send("idle_to_busy", after=600) == "dialing None None"
    assert phone.send("incoming_call", "cid=5550001&remote=5550001") == (
        "ringing 5550001 None R"
    )


def test_a_dead_call_never_connected_keeps_the_last_duration() -> None:
    phone = RawPhone()
    phone.send("incoming_call", "cid=c1")
    phone.send("established", "cid=c1")
    phone.send("terminated", "cid=c1", after=30)
    phone.send("incoming_call", "cid=c2")  # its missed_call is lost
    phone.send("idle_to_busy", "cid=c3", after=60)
    assert list(phone.state.calls) == ["c3"]
    assert phone.state.last_call_duration == 30


def test_a_padded_call_id_is_the_call_id() -> None:
    phone = Phone()
    phone.send("incoming_call", " c1 ")
    phone.send("incoming_call", "  ")
    assert list(phone.state.calls) == ["c1", ""]


def test_a_start_for_an_old_call_id_takes_over_the_placeholder() -> None:
    phone = RawPhone()
    phone.send("incoming_call", "cid=c1")
    phone.send("terminated", "cid=c1")
    phone.send("idle_to_busy", after=60)
    assert phone.send("incoming_call", "cid=c1&remote=5550001") == (
        "ringing 5550001 None R"
    )
    assert list(phone.state.calls) == ["c1"]


def test_the_only_call_ends_whatever_its_state() -> None:
    phone = RawPhone()
    phone.send("incoming_call", "remote=5550001")
    assert phone.send("transfer_finished") == "idle 5550001 None"


def test_the_leg_with_the_number_wins_over_one_without() -> None:
    phone = RawPhone()
    phone.send("established")  # a call without number (its start was lost)
    phone.send("outgoing_call", "remote=5550002", after=30)
    assert phone.send("terminated", "remote=5550002") == "connected None None I"


def test_a_request_with_another_number_is_another_call() -> None:
    phone = RawPhone()
    phone.send("incoming_call", "remote=5550001")
    phone.send("established")
    assert phone.send("hold", "remote=5550002", after=30) == "connected 5550001 None IH"
    assert len(phone.state.calls) == 2


def test_a_repeated_start_makes_its_call_the_most_recent() -> None:
    phone = RawPhone()
    phone.send("incoming_call", "remote=5550001")
    assert phone.send("incoming_call", "remote=5550002") == "ringing 5550002 None R"
    assert phone.send("incoming_call", "remote=5550001") == "ringing 5550001 None R"


@pytest.mark.parametrize("ids", ["cid=c1&", ""], ids=["with_id", "without_id"])
def test_a_late_start_of_the_call_idle_to_busy_made_is_the_same_call(ids: str) -> None:
    """idle_to_busy made the call, which then connected: its start arriving
    late (within LATE_WINDOW of idle_to_busy) is that call, not a new one."""
    phone = RawPhone()
    assert phone.send("idle_to_busy", ids.rstrip("&")) == "dialing None None"
    assert phone.send("established", ids + "remote=5550001") == (
        "connected 5550001 None I"
    )
    assert phone.send("incoming_call", ids + "remote=5550001", after=3) == (
        "connected 5550001 None I"
    )
    assert len(phone.state.calls) == 1
