"""The calls (legs) of a phone: which leg an event addresses, which legs ended.

Rules (keys, addressing, starts, late requests and redials, idle_to_busy):
docs/call-tracking.md.
"""

from datetime import datetime, timedelta

from .late import LATE_WINDOW, remember, within
from .model import (
    ACTIVE,
    MAX_CALLS,
    NOT_CONNECTED,
    UNKNOWN,
    Call,
    CallState,
    is_call_id,
)
from .query import PhoneVariables
from .state import PhoneState


def agrees(call: Call, v: PhoneVariables) -> bool:
    """Return whether a request may be about a leg (the numbers do not differ)."""
    return None in (call.remote_number, v.remote_number) or (
        call.remote_number == v.remote_number
    )


class CallBook:
    """Find, start and end the legs of a PhoneState; remember ended calls."""

    def __init__(self, state: PhoneState) -> None:
        """Keep the legs of ``state``."""
        self._state = state
        self._ended: dict[str, datetime] = {}
        # When a leg without an id last ended.
        self._slot_ended: datetime | None = None
        # A start that may be late, or a redial if idle_to_busy follows; when.
        self._held_back: tuple[Call, datetime] | None = None

    def start(
        self, v: PhoneVariables, now: datetime, state: CallState, direction: str
    ) -> list[Call]:
        """Begin a call (incoming_call, outgoing_call); return the legs now over."""
        calls, cid = self._state.calls, v.call_id
        new = Call(call_id=cid, state=state, direction=direction, started_at=now)
        dead: list[Call] = []
        if cid is not None:
            old = calls.get(cid)
            if old is not None and old.state in ACTIVE:
                if within(old.started_at, now):
                    return dead  # the same call reported again
                dead.append(self._remove(cid, now))  # its end was lost
            elif old is None and within(self._ended.get(cid), now):
                _party(new, v)
                self._held_back = (new, now)
                return dead
            self._ended.pop(cid, None)  # long ago: a new call
            key: str | None = self._take_over(cid, NOT_CONNECTED)
        else:
            key = self._same_start(v, now)
            if key is not None and calls[key].state in ACTIVE:
                return dead  # the same call reported again
        if key in calls:
            new.remote, new.remote_number = calls[key].remote, calls[key].remote_number
            new.remote_name = calls[key].remote_name
        self._put(key if key is not None else self._free_key(), new, v)
        return dead

    def address(
        self,
        v: PhoneVariables,
        prefer: tuple[CallState, ...],
        now: datetime,
        *,
        fallback: bool = True,
    ) -> Call | None:
        """Return the leg an event addresses (made if its start was lost), or None.

        ``fallback``: whether the only leg may be chosen.
        """
        key = self._find(v, prefer, fallback=fallback)
        if key is not None:
            call = self._state.calls[key]
        elif v.call_id is not None:
            if v.call_id in self._ended:
                return None
            key, call = v.call_id, _lost(v.call_id, now)
        elif within(self._slot_ended, now):
            return None
        else:
            key, call = self._free_key(), _lost(None, now)
        self._put(key, call, v)
        return call

    def begin(self, v: PhoneVariables, now: datetime) -> list[Call]:
        """idle_to_busy: end the legs from before it; return them."""
        calls = self._state.calls
        # They ended before the phone went idle: a start for one of their
        # call ids from now on is a new call (the caller's number again).
        before = now - LATE_WINDOW - timedelta(seconds=1)
        dead = [
            self._remove(key, before)
            for key, call in list(calls.items())
            if call.state in ACTIVE or not within(call.started_at, now)
        ]
        if not calls:
            if (held := self._replay(v, now)) is None:
                held = (v.call_id or self._free_key(), _lost(v.call_id, now))
            self._put(*held, v)
        return dead

    def end(
        self,
        v: PhoneVariables,
        now: datetime,
        prefer: tuple[CallState, ...],
        only: tuple[CallState, ...],
    ) -> Call | None:
        """Remove the leg an event ends if it is in a state of ``only``; return it."""
        key = self._find(v, prefer)
        if key is None:
            if v.call_id is not None:
                remember(self._ended, v.call_id, now)
            else:
                self._slot_ended = now
            return None
        if self._state.calls[key].state not in only:
            return None
        return self._remove(key, now)

    def clear(self, now: datetime) -> list[Call]:
        """Remove every leg (they ended); return them, oldest first."""
        removed = [self._remove(key, now) for key in list(self._state.calls)]
        self._slot_ended = now
        return removed

    def _replay(self, v: PhoneVariables, now: datetime) -> tuple[str, Call] | None:
        """Return the held-back start if this request confirms it."""
        held, self._held_back = self._held_back, None
        if held is None or v.call_id is None or held[0].call_id != v.call_id:
            return None
        if not within(held[1], now):
            return None
        return v.call_id, held[0]

    def _remove(self, key: str, now: datetime) -> Call:
        call = self._state.calls.pop(key)
        if is_call_id(key):
            remember(self._ended, key, now)
        else:
            self._slot_ended = now
        return call

    def _free_key(self) -> str:
        """Return an unused key for a leg without an id."""
        calls, n = self._state.calls, 1
        key = ""
        while key in calls:
            n += 1
            key = f" {n}"
        return key

    def _take_over(self, cid: str, states: tuple[CallState, ...]) -> str:
        """Give the only leg without an id (if in ``states``) the call id."""
        calls = self._state.calls
        if cid in calls or cid in self._ended:
            return cid
        loose = [key for key in calls if not is_call_id(key)]
        if len(loose) == 1 and calls[loose[0]].state in states:
            call = calls.pop(loose[0])
            call.call_id = cid
            calls[cid] = call
        return cid

    def _same_start(self, v: PhoneVariables, now: datetime) -> str | None:
        """Return the leg without an id that a start without an id repeats."""
        calls = self._state.calls
        for key in reversed(calls):
            call = calls[key]
            if is_call_id(key) or not agrees(call, v):
                continue
            if call.state in NOT_CONNECTED or within(call.started_at, now):
                return key
        return None

    def _find(
        self, v: PhoneVariables, prefer: tuple[CallState, ...], *, fallback: bool = True
    ) -> str | None:
        """Return the key of the leg an event addresses, if any."""
        calls = self._state.calls
        if v.call_id is not None:
            key = self._take_over(v.call_id, tuple(CallState))
            return key if key in calls else None
        keys = [
            k
            for k in reversed(calls)
            if calls[k].state in prefer and agrees(calls[k], v)
        ]
        if keys:
            return min(
                keys,
                key=lambda k: (
                    calls[k].remote_number != v.remote_number,
                    prefer.index(calls[k].state),
                ),
            )
        if v.remote_number is not None:  # the leg with that number, in any state
            for key in reversed(calls):
                if calls[key].remote_number == v.remote_number:
                    return key
        if fallback and len(calls) == 1:
            key = next(iter(calls))
            return key if agrees(calls[key], v) else None
        return None

    def _put(self, key: str, call: Call, v: PhoneVariables) -> None:
        """Store a leg as the most recent one, with the request's remote party."""
        calls = self._state.calls
        _party(call, v)
        calls.pop(key, None)
        calls[key] = call
        while len(calls) > MAX_CALLS:
            del calls[next(iter(calls))]


def _lost(call_id: str | None, now: datetime) -> Call:
    """Return a leg whose start was lost: DIALING, of unknown direction."""
    return Call(
        call_id=call_id, state=CallState.DIALING, direction=UNKNOWN, started_at=now
    )


def _party(call: Call, v: PhoneVariables) -> None:
    """Take the remote party from the request, where it has one."""
    if v.remote is not None:
        call.remote, call.remote_number = v.remote, v.remote_number
    if v.display_remote is not None:
        call.remote_name = v.display_remote
