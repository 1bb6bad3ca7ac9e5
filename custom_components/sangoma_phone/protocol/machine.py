"""The phone state machine: folds Action URL events into a PhoneState.

What each event does is stated once, in EFFECTS. Which call an event addresses
is CallBook's (calls.py); whether a missed call counts is MissLog's (late.py).
Rules: docs/call-tracking.md.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from types import MappingProxyType

from .accounts import registration_effect
from .calls import CallBook
from .events import EventKey
from .late import MissLog, elapsed
from .model import (
    CURRENT,
    INCOMING,
    NOT_CONNECTED,
    OUTGOING,
    SUMMARY,
    Call,
    CallState,
    Registration,
    is_call_id,
)
from .query import ParsedRequest, PhoneVariables, number_from_uri
from .state import PhoneState, changed_since, snapshot

# A call restored after a restart with no request since this long is over.
RESTORED_CALL_MAX_AGE = timedelta(hours=4)

_IDENTITY = ("mac", "ip", "model", "firmware")


class PhoneStateMachine:
    """Apply parsed requests to a PhoneState."""

    def __init__(self, state: PhoneState | None = None) -> None:
        """Start from a state (e.g. restored), or from nothing known."""
        self.state = state if state is not None else PhoneState()
        self._calls = CallBook(self.state)
        self._misses = MissLog()

    def apply(self, request: ParsedRequest, now: datetime) -> frozenset[str]:
        """Apply one request; return the names of the attributes it changed."""
        before = snapshot(self.state)
        state, v, key = self.state, _clean(request.variables), request.event.key
        state.last_event, state.last_event_time = key.value, now
        for name in _IDENTITY:
            if (value := getattr(v, name)) is not None:
                setattr(state, name, value)
        if identity := v.active_user or number_from_uri(v.local):
            state.local_identity = identity
        effect = EFFECTS[key]
        effect.run(self, v, now)
        if effect.calls:
            self._summarise()
        return changed_since(before, self.state)

    def forget_unfinished_calls(self, now: datetime) -> frozenset[str]:
        """Drop the calls that may have ended during a restart; return the changes."""
        before = snapshot(self.state)
        state = self.state
        age = elapsed(state.last_event_time, now) if state.last_event_time else None
        stale = age is None or age > RESTORED_CALL_MAX_AGE.total_seconds()
        for key, call in list(state.calls.items()):
            if stale or call.state in NOT_CONNECTED:
                del state.calls[key]
        if state.call_state is not None:
            self._summarise()
        if not state.calls and state.muted:
            state.muted = False
        return changed_since(before, self.state)

    def set_dnd(self, on: bool) -> frozenset[str]:
        """Record DND switched from Home Assistant (the phone accepted it)."""
        before = snapshot(self.state)
        self.state.dnd = on
        return changed_since(before, self.state)

    def clear_missed_calls(self) -> frozenset[str]:
        """Reset the missed call counter to 0."""
        before = snapshot(self.state)
        self.state.missed_calls = 0
        return changed_since(before, self.state)

    # The effects of the events that concern calls (see EFFECTS).

    def _clear(self, now: datetime, *, timed: bool) -> None:
        for call in self._calls.clear(now):
            if timed:
                self._timed(call, now)
        self.state.off_hook = self.state.muted = False

    def _booted(self, v: PhoneVariables, now: datetime) -> None:
        self._clear(now, timed=False)

    def _idle(self, v: PhoneVariables, now: datetime) -> None:
        self._clear(now, timed=True)

    def _incoming(self, v: PhoneVariables, now: datetime) -> None:
        self._lost(self._calls.start(v, now, CallState.RINGING, INCOMING))

    def _outgoing(self, v: PhoneVariables, now: datetime) -> None:
        self._lost(self._calls.start(v, now, CallState.DIALING, OUTGOING))

    def _established(self, v: PhoneVariables, now: datetime) -> None:
        prefer = (CallState.RINGING, CallState.DIALING, CallState.ON_HOLD)
        _set(self._calls.address(v, prefer, now), CallState.CONNECTED, now)

    def _hold(self, v: PhoneVariables, now: datetime) -> None:
        if (call := self._calls.address(v, (CallState.CONNECTED,), now)) is not None:
            call.state = CallState.ON_HOLD

    def _unhold(self, v: PhoneVariables, now: datetime) -> None:
        call = self._calls.address(v, (CallState.ON_HOLD,), now)
        _set(call, CallState.CONNECTED, now)

    def _answer_new(self, v: PhoneVariables, now: datetime) -> None:
        # The answered call is a new one: never the connected call it holds.
        call = self._calls.address(v, (CallState.RINGING,), now, fallback=False)
        if call is not None:
            for other in self.state.calls.values():
                if other is not call and other.state is CallState.CONNECTED:
                    other.state = CallState.ON_HOLD
            _set(call, CallState.CONNECTED, now)

    def _terminated(self, v: PhoneVariables, now: datetime) -> None:
        self._end(v, now, CURRENT, CURRENT)

    def _transferred(self, v: PhoneVariables, now: datetime) -> None:
        self._end(v, now, (CallState.ON_HOLD, CallState.CONNECTED), CURRENT)

    def _not_answered(self, v: PhoneVariables, now: datetime) -> None:
        self._end(v, now, (CallState.RINGING,), NOT_CONNECTED)
        self._misses.decline(v, now)

    def _missed(self, v: PhoneVariables, now: datetime) -> None:
        call = self._end(v, now, (CallState.RINGING,), NOT_CONNECTED)
        if not self._misses.new_miss(v, now, ended=call is not None):
            return  # the same missed call reported again, or a declined one
        state = self.state
        state.missed_calls = (state.missed_calls or 0) + 1
        # Only the leg that ended unanswered may name the caller.
        state.last_missed_number = v.remote_number or (
            call.remote_number if call else None
        )
        state.last_missed_name = v.display_remote or (
            call.remote_name if call else None
        )

    def _idle_to_busy(self, v: PhoneVariables, now: datetime) -> None:
        self._lost(self._calls.begin(v, now))

    def _end(
        self,
        v: PhoneVariables,
        now: datetime,
        prefer: tuple[CallState, ...],
        only: tuple[CallState, ...],
    ) -> Call | None:
        call = self._calls.end(v, now, prefer, only)
        if call is not None:
            self._timed(call, now)
        if not self.state.calls:
            self.state.muted = False
        return call

    def _lost(self, dead: list[Call]) -> None:
        """Legs found over without their end: how long they lasted is unknown."""
        if any(call.connected_at is not None for call in dead):
            self.state.last_call_duration = None

    def _timed(self, call: Call, now: datetime) -> None:
        """Record the duration of an ended call, if it had been connected."""
        if call.connected_at is not None:
            self.state.last_call_duration = elapsed(call.connected_at, now)

    def _summarise(self) -> None:
        """Derive call_state and the current remote party from the calls."""
        state = self.state
        calls = list(state.calls.values())
        present = {call.state for call in calls}
        state.call_state = next((s for s in SUMMARY if s in present), CallState.IDLE)
        if calls:
            current = min(reversed(calls), key=lambda c: CURRENT.index(c.state))
            state.remote_number = current.remote_number
            state.remote_name = current.remote_name


def _clean(v: PhoneVariables) -> PhoneVariables:
    """Return the variables with a blank call id as none (see model.is_call_id)."""
    if v.call_id is None or is_call_id(v.call_id):
        return v
    return replace(v, call_id=v.call_id.strip() or None)


def _set(call: Call | None, state: CallState, now: datetime) -> None:
    if call is None:
        return
    call.state = state
    if state is CallState.CONNECTED and call.connected_at is None:
        call.connected_at = now


type _Run = Callable[[PhoneStateMachine, PhoneVariables, datetime], None]


@dataclass(frozen=True, slots=True)
class Effect:
    """What an event does; ``calls``: derive call_state and the party again."""

    run: _Run
    calls: bool = False


# Runs once, at import, to build EFFECTS.
def _flag(name: str, value: object) -> Effect:  # pragma: no mutate block
    def run(machine: PhoneStateMachine, v: PhoneVariables, now: datetime) -> None:
        setattr(machine.state, name, value)

    return Effect(run)


def _nothing(machine: PhoneStateMachine, v: PhoneVariables, now: datetime) -> None:
    """No change beyond what every event does."""


_M, _K, _R = PhoneStateMachine, EventKey, Registration
# "the call" is the call the event addresses (see calls.py). * creates a call of
# unknown direction if none matches (a lost request). Every event that ends
# calls sets muted False when no call is left.
EFFECTS: Mapping[EventKey, Effect] = MappingProxyType({
    # The phone booted: all calls cleared, off_hook and muted False
    # (registration, DND and forwarding are kept: later events report them).
    _K.SETUP_COMPLETED: Effect(_M._booted, calls=True),
    # The registration of the account (accounts.py), and the last one reported.
    _K.REGISTERED: Effect(registration_effect(_R.REGISTERED)),
    _K.UNREGISTERED: Effect(registration_effect(_R.UNREGISTERED)),
    _K.REGISTER_FAILED: Effect(registration_effect(_R.REGISTER_FAILED)),
    _K.OFF_HOOK: _flag("off_hook", True),  # calls untouched
    _K.ON_HOOK: _flag("off_hook", False),
    # A new RINGING / DIALING leg (call waiting: a second one, ids or not); a
    # connected leg with the same id that started long ago is over (duration
    # unknown). See CallBook.start for duplicates and held-back redials.
    _K.INCOMING_CALL: Effect(_M._incoming, calls=True),
    _K.OUTGOING_CALL: Effect(_M._outgoing, calls=True),
    # The call CONNECTED (connected_at = now)*.
    _K.ESTABLISHED: Effect(_M._established, calls=True),
    # The call removed; last_call_duration if it had been connected.
    _K.TERMINATED: Effect(_M._terminated, calls=True),
    _K.DND_ON: _flag("dnd", True),
    _K.DND_OFF: _flag("dnd", False),
    _K.ALWAYS_FORWARD_ON: _flag("always_forward", True),
    _K.ALWAYS_FORWARD_OFF: _flag("always_forward", False),
    _K.BUSY_FORWARD_ON: _flag("busy_forward", True),
    _K.BUSY_FORWARD_OFF: _flag("busy_forward", False),
    _K.NO_ANSWER_FORWARD_ON: _flag("no_answer_forward", True),
    _K.NO_ANSWER_FORWARD_OFF: _flag("no_answer_forward", False),
    # Transfers change no call: their legs arrive as their own events (hold,
    # outgoing_call, terminated, transfer_finished).
    _K.TRANSFER_CALL: Effect(_nothing),
    _K.BLIND_TRANSFER: Effect(_nothing),
    _K.ATTENDED_TRANSFER: Effect(_nothing),
    _K.HOLD: Effect(_M._hold, calls=True),  # the call ON_HOLD*
    _K.UNHOLD: Effect(_M._unhold, calls=True),  # the call CONNECTED*
    _K.MUTE: _flag("muted", True),
    _K.UNMUTE: _flag("muted", False),
    # The call removed unless connected or held; missed_calls + 1, except for
    # the same call reported again or just rejected/forwarded (MissLog.new_miss);
    # last_missed_number/name from the request, else from the removed leg only.
    _K.MISSED_CALL: Effect(_M._missed, calls=True),
    # The phone was idle: every leg from before it is over, duration unknown
    # (CallBook.begin); if none is left, a DIALING leg of unknown direction.
    _K.IDLE_TO_BUSY: Effect(_M._idle_to_busy, calls=True),
    # Authoritative idle: all calls cleared (timed), off_hook and muted False.
    _K.BUSY_TO_IDLE: Effect(_M._idle, calls=True),
    # The call removed unless connected or held; a missed_call for it within
    # LATE_WINDOW is not counted: the user declined it, nobody missed it.
    _K.FORWARD_INCOMING_CALL: Effect(_M._not_answered, calls=True),
    _K.REJECT_INCOMING_CALL: Effect(_M._not_answered, calls=True),
    # The answered call (by id, else the ringing one) CONNECTED, every other
    # connected call ON_HOLD*.
    _K.ANSWER_NEW_INCALL: Effect(_M._answer_new, calls=True),
    # The transferred call (held before connected) removed, as terminated.
    _K.TRANSFER_FINISHED: Effect(_M._transferred, calls=True),
    _K.TRANSFER_FAILED: Effect(_nothing),
    _K.IP_CHANGED: Effect(_nothing),  # the ip it carries only
})  # fmt: skip
