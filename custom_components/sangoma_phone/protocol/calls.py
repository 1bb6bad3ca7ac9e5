"""The calls of a phone: which call an event addresses, which calls ended.

Addressing: calls are keyed by ``$call_id``; without one the phone has a
single call slot ``""``. An event without a call id addresses the slot if it
exists, else the most recent call in the state the event expects (preferring
one with the same remote number), else the only call. An unknown call id
takes over the slot ``""`` (e.g. the idle_to_busy placeholder).

Late and duplicate requests: a call id that ended (the last MAX_ENDED are
kept) is never created again by ``address``; nor, within LATE_WINDOW of the
end of the call without an id, is a call without an id. ``start`` ignores a
call id that ended less than LATE_WINDOW ago (``$call_id`` may be the caller's
number, which repeats later) and never turns a connected or held call into a
new one. At most MAX_CALLS calls are kept.
"""

from datetime import datetime, timedelta

from .model import ACTIVE, CURRENT, MAX_CALLS, UNKNOWN, Call, CallState
from .query import PhoneVariables
from .state import PhoneState

MAX_ENDED = 16
LATE_WINDOW = timedelta(seconds=5)


class CallBook:
    """Find, start and end the calls of a PhoneState; remember ended calls."""

    def __init__(self, state: PhoneState) -> None:
        """Keep the calls of ``state``."""
        self._state = state
        self._ended: dict[str, datetime] = {}
        self._missed: dict[str, datetime] = {}
        # When the call without an id (the slot "") last ended.
        self._slot_ended: datetime | None = None

    def start(
        self, v: PhoneVariables, now: datetime, state: CallState, direction: str
    ) -> None:
        """Begin a new call (incoming_call, outgoing_call)."""
        key = self._key(v)
        old = self._state.calls.get(key)
        if old is not None and old.state in ACTIVE:
            return  # a duplicate or late request for a call already under way
        if old is None and key and within(self._ended.get(key), now):
            return  # a late request for a call that has just ended
        self._ended.pop(key, None)
        self._put(key, Call(call_id=key or None, state=state, direction=direction), v)

    def address(
        self,
        v: PhoneVariables,
        prefer: tuple[CallState, ...],
        *,
        create: bool | datetime,
    ) -> Call | None:
        """Return the call an event addresses, updated from the request.

        ``create``: make a call when none matches; given as the time of the
        request, not for a call that has ended (a late request): ever for a
        call id, within LATE_WINDOW for the call without an id.
        """
        key = self._find(v, prefer)
        if key is not None:
            call = self._state.calls[key]
        else:
            key = v.call_id or ""
            if not create or key in self._ended:
                return None
            if (
                not key
                and isinstance(create, datetime)
                and within(self._slot_ended, create)
            ):
                return None
            call = Call(call_id=v.call_id, state=CallState.DIALING, direction=UNKNOWN)
        self._put(key, call, v)
        return call

    def end(
        self,
        v: PhoneVariables,
        now: datetime,
        prefer: tuple[CallState, ...],
        only: tuple[CallState, ...] = CURRENT,
    ) -> tuple[Call | None, bool]:
        """Remove the call an event ends if it is in a state of ``only``.

        Return the call the event addresses and whether it was removed.
        """
        key = self._find(v, prefer)
        if key is None:
            if v.call_id is not None:
                _remember(self._ended, v.call_id, now)
            else:
                self._slot_ended = now
            return None, False
        call = self._state.calls[key]
        if call.state not in only:
            return call, False
        self._remove(key, now)
        return call, True

    def clear(self, now: datetime) -> list[Call]:
        """Remove every call (they ended); return them, oldest first."""
        removed = [self._remove(key, now) for key in list(self._state.calls)]
        self._slot_ended = now
        return removed

    def new_miss(self, v: PhoneVariables, now: datetime) -> bool:
        """Return whether a missed call is new, not one reported again."""
        if v.call_id is None:
            return True
        if within(self._missed.get(v.call_id), now):
            return False
        _remember(self._missed, v.call_id, now)
        return True

    def _remove(self, key: str, now: datetime) -> Call:
        call = self._state.calls.pop(key)
        if key:
            _remember(self._ended, key, now)
        else:
            self._slot_ended = now
        return call

    def _key(self, v: PhoneVariables) -> str:
        """Return the key for the request's call id; it may take over the slot."""
        calls, cid = self._state.calls, v.call_id
        if cid is None:
            return ""
        if cid not in calls and "" in calls and cid not in self._ended:
            call = calls.pop("")
            call.call_id = cid
            calls[cid] = call
        return cid

    def _find(self, v: PhoneVariables, prefer: tuple[CallState, ...]) -> str | None:
        """Return the key of the call an event addresses, if any."""
        calls = self._state.calls
        if v.call_id is not None or "" in calls:
            key = self._key(v)
            return key if key in calls else None
        keys = [k for k in reversed(calls) if calls[k].state in prefer]
        if v.remote_number is not None:
            keys = [
                k for k in keys if calls[k].remote_number == v.remote_number
            ] or keys
        keys.sort(key=lambda k: prefer.index(calls[k].state))
        if keys:
            return keys[0]
        return next(iter(calls)) if len(calls) == 1 else None

    def _put(self, key: str, call: Call, v: PhoneVariables) -> None:
        """Store a call as the most recent one, with the request's remote party."""
        calls = self._state.calls
        if v.remote is not None:
            call.remote, call.remote_number = v.remote, v.remote_number
        if v.display_remote is not None:
            call.remote_name = v.display_remote
        calls.pop(key, None)
        calls[key] = call
        while len(calls) > MAX_CALLS:
            del calls[next(iter(calls))]


def elapsed(start: datetime, end: datetime) -> float | None:
    """Return the seconds from start to end (at least 0); None if incomparable."""
    try:
        return max((end - start).total_seconds(), 0.0)
    except TypeError:
        return None


def within(then: datetime | None, now: datetime) -> bool:
    """Return whether ``then`` lies at most LATE_WINDOW before ``now``."""
    if then is None:
        return False
    seconds = elapsed(then, now)
    return seconds is not None and seconds <= LATE_WINDOW.total_seconds()


def _remember(seen: dict[str, datetime], key: str, now: datetime) -> None:
    """Record a call id in a bounded, insertion-ordered dict."""
    seen.pop(key, None)
    seen[key] = now
    while len(seen) > MAX_ENDED:
        del seen[next(iter(seen))]
