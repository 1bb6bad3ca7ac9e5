"""Calls the phone reports incompletely, request by request, as a
dashboard shows them: a dead call whose hang-up was lost, call waiting.

Requests are raw query strings through the real parser, the way a phone
sends them (with ``$call_id`` empty or unsubstituted where it matters).
"""

import pytest

from .scenario_player import RawPhone, view

ALICE = "remote=sip:5550001@pbx&dr=Alice%20Smith"
BOB = "remote=sip:5550002@pbx&dr=Bob"
# How a firmware may send a call id: one per call, empty, or not substituted.
CALL_IDS = {"ids": ("a1", "b2"), "empty": ("", ""), "literal": ("$call_id",) * 2}
ID_KINDS = pytest.mark.parametrize("kind", list(CALL_IDS))


def _calls(kind: str) -> tuple[str, str]:
    """Return the queries of call A (Alice) and call B (Bob)."""
    first, second = CALL_IDS[kind]
    return f"cid={first}&{ALICE}", f"cid={second}&{BOB}"


@ID_KINDS
@pytest.mark.parametrize("restart", [False, True], ids=["blip", "restart"])
def test_dead_call_does_not_haunt_the_next(kind: str, restart: bool) -> None:
    """A connected call whose hang-up was lost ends at the next idle_to_busy."""
    a, b = _calls(kind)
    phone = RawPhone()
    assert phone.send("incoming_call", a) == "ringing 5550001 Alice Smith R"
    assert phone.send("idle_to_busy", a) == "ringing 5550001 Alice Smith R"
    assert phone.send("established", a) == "connected 5550001 Alice Smith I"
    # terminated and busy_to_idle are lost (a blip, or while restarting).
    if restart:
        phone.restart(after=600)
        assert str(view(phone.state)) == "connected 5550001 Alice Smith I"
    # Call waiting or a dead call? Only idle_to_busy can tell.
    assert (
        phone.send("incoming_call", b, after=600) == "connected 5550001 Alice Smith IR"
    )
    assert phone.send("idle_to_busy", b) == "ringing 5550002 Bob R"
    assert phone.state.last_call_duration is None  # the dead call's is unknown
    assert phone.send("established", b, after=2) == "connected 5550002 Bob I"
    assert phone.send("terminated", b, after=30) == "idle 5550002 Bob"
    assert phone.state.last_call_duration == 30
    assert phone.send("busy_to_idle", b) == "idle 5550002 Bob"
    assert phone.state.last_call_duration == 30


@ID_KINDS
def test_outgoing_call_after_a_dead_call(kind: str) -> None:
    a, b = _calls(kind)
    phone = RawPhone()
    phone.send("incoming_call", a)
    phone.send("established", a)
    assert phone.send("off_hook", after=300) == "connected 5550001 Alice Smith IO"
    assert phone.send("idle_to_busy") == "dialing None None O"
    assert phone.send("outgoing_call", b) == "dialing 5550002 Bob O"
    assert phone.send("established", b) == "connected 5550002 Bob IO"
    assert phone.send("terminated", b, after=10) == "idle 5550002 Bob O"
    assert phone.state.last_call_duration == 10


@ID_KINDS
def test_call_waiting_keeps_the_held_call(kind: str) -> None:
    """Without call ids (empty or literal) both legs are kept too."""
    a, b = _calls(kind)
    phone = RawPhone()
    assert phone.send("incoming_call", a) == "ringing 5550001 Alice Smith R"
    assert phone.send("idle_to_busy", a) == "ringing 5550001 Alice Smith R"
    assert phone.send("established", a) == "connected 5550001 Alice Smith I"
    assert phone.send("incoming_call", b) == "connected 5550001 Alice Smith IR"
    assert len(phone.state.calls) == 2  # B rings: its number is known
    assert phone.send("answer_new_incall", b) == "connected 5550002 Bob IH"
    assert phone.send("terminated", b) == "on_hold 5550001 Alice Smith IH"
    assert phone.send("unhold", a) == "connected 5550001 Alice Smith I"
    assert phone.send("terminated", a) == "idle 5550001 Alice Smith"


@ID_KINDS
def test_call_waiting_without_any_party(kind: str) -> None:
    """Even with no number at all, the events tell the legs apart."""
    cid = CALL_IDS[kind][0] if kind != "ids" else ""
    phone = RawPhone()
    phone.send("incoming_call", f"cid={cid}")
    phone.send("established", f"cid={cid}")
    assert (
        phone.send("incoming_call", f"cid={cid}", after=30) == "connected None None IR"
    )
    assert phone.send("answer_new_incall", f"cid={cid}") == "connected None None IH"
    assert phone.send("terminated", f"cid={cid}") == "on_hold None None IH"
    assert phone.send("unhold", f"cid={cid}") == "connected None None I"
    assert phone.send("terminated", f"cid={cid}") == "idle None None"
