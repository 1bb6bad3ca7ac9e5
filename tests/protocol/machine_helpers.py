"""A state machine with a clock, and the invariants every state keeps."""

from datetime import UTC, datetime, timedelta
import json
from typing import Any

from custom_components.sangoma_phone.protocol import (
    EVENTS_BY_KEY,
    CallState,
    ParsedRequest,
    PhoneState,
    PhoneStateMachine,
    PhoneVariables,
    number_from_uri,
)
from custom_components.sangoma_phone.protocol.model import is_call_id

T0 = datetime(2026, 5, 1, 12, 0, tzinfo=UTC)
DERIVED = ("registered", "in_call", "ringing", "on_hold")


def at(seconds: float) -> datetime:
    return T0 + timedelta(seconds=seconds)


def req(
    key: str, cid: str | None = None, remote: str | None = None, **extra: Any
) -> ParsedRequest:
    """A request as the parser would return it."""
    variables = PhoneVariables(
        call_id=cid, remote=remote, remote_number=number_from_uri(remote), **extra
    )
    return ParsedRequest(event=EVENTS_BY_KEY[key], variables=variables)


class Phone:
    """A state machine with a clock."""

    def __init__(self, state: PhoneState | None = None) -> None:
        self.machine = PhoneStateMachine(state)
        self.now = T0

    @property
    def state(self) -> PhoneState:
        return self.machine.state

    def send(
        self,
        key: str,
        cid: str | None = None,
        remote: str | None = None,
        *,
        after: float = 1,
        **extra: Any,
    ) -> frozenset[str]:
        self.now += timedelta(seconds=after)
        return self.machine.apply(req(key, cid, remote, **extra), self.now)

    def calls(self) -> dict[str, CallState]:
        return {key: call.state for key, call in self.state.calls.items()}


def check_invariants(state: PhoneState) -> None:
    present = {call.state for call in state.calls.values()}
    if state.call_state is not None:
        for summary in (
            CallState.CONNECTED,
            CallState.ON_HOLD,
            CallState.RINGING,
            CallState.DIALING,
        ):
            if summary in present:
                assert state.call_state is summary
                break
        else:
            assert state.call_state is CallState.IDLE
    assert len(state.calls) <= 8
    for key, call in state.calls.items():
        assert call.call_id == (key if is_call_id(key) else None)
        assert call.state is not CallState.IDLE
        assert call.direction in ("incoming", "outgoing", "unknown")
    json.dumps(state.as_dict())


# Starting points: how to get there, with or without call ids.
def start(name: str, cid: str | None) -> Phone:
    phone = Phone()
    steps = {
        "unknown": [],
        "idle": ["busy_to_idle"],
        "ringing": ["incoming_call"],
        "dialing": ["outgoing_call"],
        "connected": ["incoming_call", "established"],
        "on_hold": ["incoming_call", "established", "hold"],
    }[name]
    for key in steps:
        phone.send(key, cid, "sip:1002@pbx")
    return phone


STARTS = ("unknown", "idle", "ringing", "dialing", "connected", "on_hold")
# Connected, on Hold, Ringing, Dialing, No call (idle).
C, H, R, D, N = (
    CallState.CONNECTED,
    CallState.ON_HOLD,
    CallState.RINGING,
    CallState.DIALING,
    CallState.IDLE,
)
SAME = "same"
# Events that would make a connected or held call out of nothing: without a
# call id, within LATE_WINDOW of the last call's end they are late and ignored.
LATE_WITHOUT_ID = ("established", "hold", "unhold", "answer_new_incall")
# call_state after each event sent for the existing call, from each start.
EXPECTED: dict[str, tuple[Any, ...]] = {
    #                       unknown idle ringing dialing connected on_hold
    "setup_completed":       (N, N, N, N, N, N),
    "incoming_call":         (R, R, R, R, C, H),
    "outgoing_call":         (D, D, D, D, C, H),
    "established":           (C, C, C, C, C, C),
    "terminated":            (N, N, N, N, N, N),
    "hold":                  (H, H, H, H, H, H),
    "unhold":                (C, C, C, C, C, C),
    "answer_new_incall":     (C, C, C, C, C, C),
    "missed_call":           (N, N, N, N, C, H),
    "reject_incoming_call":  (N, N, N, N, C, H),
    "forward_incoming_call": (N, N, N, N, C, H),
    "transfer_finished":     (N, N, N, N, N, N),
    "idle_to_busy":          (D, D, R, D, D, D),  # connected/held: over
    "busy_to_idle":          (N, N, N, N, N, N),
}  # fmt: skip
