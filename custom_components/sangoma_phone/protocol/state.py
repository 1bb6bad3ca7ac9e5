"""The phone state machine: folds Action URL events into a PhoneState.

Transition table ("the call" is the call the event addresses, see below):

    event                      effect
    -------------------------  ------------------------------------------------
    every event                last_event, last_event_time; mac, ip, model,
                               firmware and local_identity (active_user, else
                               the number of local) when the request has them
    setup_completed            the phone booted: all calls cleared, off_hook
                               False, muted False (registration, DND and
                               forwarding are kept: later events report them)
    registered, unregistered,  registration
    register_failed
    ip_changed                 ip only (the P3734 code is unverified)
    off_hook / on_hook         off_hook True / False; calls untouched
    dnd_on / dnd_off           dnd True / False
    <kind>_forward_on / _off   always_forward, busy_forward, no_answer_forward
    mute / unmute              muted True / False
    incoming_call              a new RINGING incoming call
    outgoing_call              a new DIALING outgoing call
    established                the call CONNECTED (connected_at = now)*
    hold / unhold              the call ON_HOLD / CONNECTED*
    answer_new_incall          the answered call (by id, else the ringing one)
                               CONNECTED, every other connected call ON_HOLD*
    terminated                 the call removed; last_call_duration if it had
                               been connected
    transfer_finished          the transferred call (held before connected)
                               removed, as terminated
    missed_call                the call removed unless connected or held;
                               missed_calls + 1, last_missed_number/name
    reject_incoming_call,      the call removed unless connected or held (not
    forward_incoming_call      counted as missed)
    transfer_call,             no call change: the legs of a transfer arrive
    blind_transfer,            as their own events (hold, outgoing_call,
    attended_transfer,         terminated, transfer_finished)
    transfer_failed
    idle_to_busy               if no call is known: a DIALING call of unknown
                               direction (a placeholder); else nothing
    busy_to_idle               authoritative idle: all calls cleared (timed),
                               off_hook False, muted False

    * creates a call of unknown direction if none matches (a lost request).
    Every event that ends calls sets muted False when no call is left.

Addressing: calls are keyed by ``$call_id``; without one the phone has a
single call slot ``""``. An event without a call id addresses the slot if it
exists, else the most recent call in the state the event expects (preferring
one with the same remote number), else the only call. An unknown call id
takes over the slot ``""`` (e.g. the idle_to_busy placeholder).

Late and duplicate requests: a call id that ended (the last 16 are kept) is
never created again by established, hold, unhold or answer_new_incall; nor,
within 5 seconds of the end of the call without an id (terminated,
busy_to_idle, ...), is a call without an id.
incoming_call and outgoing_call ignore a call id that ended less than 5
seconds ago (``$call_id`` may be the caller's number, which repeats later)
and never turn a connected or held call into a new one. A second missed_call
for a call id within 5 seconds is not counted. At most 8 calls are kept.

call_state: CONNECTED if any call is connected, else ON_HOLD if any is held,
else RINGING, else DIALING, else IDLE; None (unknown) until the first event
that concerns calls. remote_number and remote_name follow the current call
(connected > ringing > dialing > held, most recent first); when no call is
left they keep the last call's values, so a dashboard shows the last party.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from datetime import datetime, timedelta
from enum import StrEnum
import math
from typing import Any

from .query import ParsedRequest, PhoneVariables, number_from_uri


class CallState(StrEnum):
    """State of one call, or the summary state of the phone."""

    IDLE = "idle"
    RINGING = "ringing"
    DIALING = "dialing"
    CONNECTED = "connected"
    ON_HOLD = "on_hold"


class Registration(StrEnum):
    """SIP registration state, as last reported."""

    REGISTERED = "registered"
    UNREGISTERED = "unregistered"
    REGISTER_FAILED = "register_failed"


INCOMING = "incoming"
OUTGOING = "outgoing"
UNKNOWN = "unknown"
MAX_CALLS = 8
MAX_ENDED = 16
LATE_WINDOW = timedelta(seconds=5)
# A call restored after a restart with no request since this long is over.
RESTORED_CALL_MAX_AGE = timedelta(hours=4)

_ACTIVE = (CallState.CONNECTED, CallState.ON_HOLD)
_NOT_CONNECTED = (CallState.RINGING, CallState.DIALING)
_SUMMARY = (
    CallState.CONNECTED,
    CallState.ON_HOLD,
    CallState.RINGING,
    CallState.DIALING,
)
_CURRENT = (
    CallState.CONNECTED,
    CallState.RINGING,
    CallState.DIALING,
    CallState.ON_HOLD,
)
_DERIVED = ("registered", "in_call", "ringing", "on_hold")
_FLAGS: Mapping[str, tuple[str, bool]] = {
    "off_hook": ("off_hook", True),
    "on_hook": ("off_hook", False),
    "dnd_on": ("dnd", True),
    "dnd_off": ("dnd", False),
    "always_forward_on": ("always_forward", True),
    "always_forward_off": ("always_forward", False),
    "busy_forward_on": ("busy_forward", True),
    "busy_forward_off": ("busy_forward", False),
    "no_answer_forward_on": ("no_answer_forward", True),
    "no_answer_forward_off": ("no_answer_forward", False),
    "mute": ("muted", True),
    "unmute": ("muted", False),
}
_CALL_EVENTS = frozenset(
    {
        "setup_completed",
        "incoming_call",
        "outgoing_call",
        "established",
        "terminated",
        "hold",
        "unhold",
        "missed_call",
        "idle_to_busy",
        "busy_to_idle",
        "forward_incoming_call",
        "reject_incoming_call",
        "answer_new_incall",
        "transfer_finished",
    }
)


@dataclass(slots=True, kw_only=True)
class Call:
    """One call the phone has."""

    call_id: str | None
    state: CallState
    direction: str  # INCOMING, OUTGOING or UNKNOWN
    remote: str | None = None
    remote_number: str | None = None
    remote_name: str | None = None
    connected_at: datetime | None = None
    held: bool = False


@dataclass(slots=True, kw_only=True)
class PhoneState:
    """Everything known about a phone; None means unknown (no event yet)."""

    registration: Registration | None = None
    off_hook: bool | None = None
    dnd: bool | None = None
    always_forward: bool | None = None
    busy_forward: bool | None = None
    no_answer_forward: bool | None = None
    muted: bool | None = None
    call_state: CallState | None = None
    remote_number: str | None = None
    remote_name: str | None = None
    local_identity: str | None = None
    missed_calls: int | None = None
    last_missed_number: str | None = None
    last_missed_name: str | None = None
    last_event: str | None = None
    last_event_time: datetime | None = None
    last_call_duration: float | None = None
    mac: str | None = None
    ip: str | None = None
    model: str | None = None
    firmware: str | None = None
    calls: dict[str, Call] = field(default_factory=dict)

    @property
    def registered(self) -> bool | None:
        """Return whether the phone is registered; None if unknown."""
        if self.registration is None:
            return None
        return self.registration is Registration.REGISTERED

    @property
    def in_call(self) -> bool | None:
        """Return whether a call is connected or held; None if unknown."""
        if self.call_state is None:
            return None
        return self.call_state in _ACTIVE

    @property
    def ringing(self) -> bool | None:
        """Return whether a call is ringing; None if unknown."""
        return self._any(CallState.RINGING)

    @property
    def on_hold(self) -> bool | None:
        """Return whether a call is on hold; None if unknown."""
        return self._any(CallState.ON_HOLD)

    def _any(self, state: CallState) -> bool | None:
        if self.call_state is None:
            return None
        return any(call.state is state for call in self.calls.values())

    def as_dict(self) -> dict[str, Any]:
        """Return the state as JSON-serialisable data."""
        return {f.name: _plain(getattr(self, f.name)) for f in fields(self)}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> PhoneState:
        """Rebuild a state from ``as_dict`` data; bad values become defaults."""
        raw: object = data
        if not isinstance(raw, Mapping):
            return cls()
        get = raw.get
        return cls(
            registration=_enum(Registration, get("registration")),
            off_hook=_bool(get("off_hook")),
            dnd=_bool(get("dnd")),
            always_forward=_bool(get("always_forward")),
            busy_forward=_bool(get("busy_forward")),
            no_answer_forward=_bool(get("no_answer_forward")),
            muted=_bool(get("muted")),
            call_state=_enum(CallState, get("call_state")),
            remote_number=_str(get("remote_number")),
            remote_name=_str(get("remote_name")),
            local_identity=_str(get("local_identity")),
            missed_calls=_count(get("missed_calls")),
            last_missed_number=_str(get("last_missed_number")),
            last_missed_name=_str(get("last_missed_name")),
            last_event=_str(get("last_event")),
            last_event_time=_time(get("last_event_time")),
            last_call_duration=_seconds(get("last_call_duration")),
            mac=_str(get("mac")),
            ip=_str(get("ip")),
            model=_str(get("model")),
            firmware=_str(get("firmware")),
            calls=_calls(get("calls")),
        )


class PhoneStateMachine:
    """Apply parsed requests to a PhoneState."""

    def __init__(self, state: PhoneState | None = None) -> None:
        """Start from a state (e.g. restored), or from nothing known."""
        self.state = state if state is not None else PhoneState()
        self._ended: dict[str, datetime] = {}
        self._missed: dict[str, datetime] = {}
        # When the call without an id (the slot "") last ended.
        self._slot_ended: datetime | None = None

    def apply(self, request: ParsedRequest, now: datetime) -> frozenset[str]:
        """Apply one request; return the names of the attributes it changed."""
        before = self._snapshot()
        state, v, key = self.state, request.variables, request.event.key
        if v.call_id == "":
            v = replace(v, call_id=None)
        state.last_event, state.last_event_time = key, now
        for name in ("mac", "ip", "model", "firmware"):
            if (value := getattr(v, name)) is not None:
                setattr(state, name, value)
        if identity := v.active_user or number_from_uri(v.local):
            state.local_identity = identity
        if flag := _FLAGS.get(key):
            setattr(state, *flag)
        elif key in ("registered", "unregistered", "register_failed"):
            state.registration = Registration(key)
        else:
            self._apply_call_event(key, v, now)
        if key in _CALL_EVENTS:
            self._summarise()
        return self._changed(before)

    def forget_unfinished_calls(self, now: datetime) -> frozenset[str]:
        """After a restart, drop calls whose end may have been missed meanwhile.

        Ringing and dialing calls last seconds, less than a restart: they go.
        Connected and held calls stay unless the phone has sent nothing for
        RESTORED_CALL_MAX_AGE. Returns the names of the attributes changed.
        """
        before = self._snapshot()
        state = self.state
        age = _elapsed(state.last_event_time, now) if state.last_event_time else None
        stale = age is None or age > RESTORED_CALL_MAX_AGE.total_seconds()
        for key, call in list(state.calls.items()):
            if stale or call.state in _NOT_CONNECTED:
                del state.calls[key]
        if state.call_state is not None:
            self._summarise()
        if not state.calls and state.muted:
            state.muted = False
        return self._changed(before)

    def clear_missed_calls(self) -> frozenset[str]:
        """Reset the missed call counter to 0."""
        before = self._snapshot()
        self.state.missed_calls = 0
        return self._changed(before)

    def _apply_call_event(self, key: str, v: PhoneVariables, now: datetime) -> None:
        state = self.state
        match key:
            case "setup_completed" | "busy_to_idle":
                for call_key in list(state.calls):
                    self._remove(call_key, now, timed=key == "busy_to_idle")
                self._slot_ended = now
                state.off_hook = state.muted = False
            case "incoming_call":
                self._start(v, now, CallState.RINGING, INCOMING)
            case "outgoing_call":
                self._start(v, now, CallState.DIALING, OUTGOING)
            case "established":
                prefer = (CallState.RINGING, CallState.DIALING, CallState.ON_HOLD)
                self._set(
                    self._address(v, prefer, create=now), CallState.CONNECTED, now
                )
            case "unhold":
                call = self._address(v, (CallState.ON_HOLD,), create=now)
                self._set(call, CallState.CONNECTED, now)
            case "hold":
                call = self._address(v, (CallState.CONNECTED,), create=now)
                self._set(call, CallState.ON_HOLD, now)
            case "answer_new_incall":
                if call := self._address(v, (CallState.RINGING,), create=now):
                    for other in state.calls.values():
                        if other is not call and other.state is CallState.CONNECTED:
                            self._set(other, CallState.ON_HOLD, now)
                    self._set(call, CallState.CONNECTED, now)
            case "terminated":
                self._end(v, now, _CURRENT)
            case "transfer_finished":
                self._end(v, now, (CallState.ON_HOLD, CallState.CONNECTED))
            case "reject_incoming_call" | "forward_incoming_call":
                self._end(v, now, (CallState.RINGING,), only=_NOT_CONNECTED)
            case "missed_call":
                call = self._end(v, now, (CallState.RINGING,), only=_NOT_CONNECTED)
                self._count_missed(v, call, now)
            case "idle_to_busy" if not state.calls:
                call = self._address(v, (), create=True)
                self._set(call, CallState.DIALING, now)

    def _start(
        self, v: PhoneVariables, now: datetime, state: CallState, direction: str
    ) -> None:
        """Begin a new call (incoming_call, outgoing_call)."""
        key = self._key(v)
        old = self.state.calls.get(key)
        if old is not None and old.state in _ACTIVE:
            return  # a duplicate or late request for a call already under way
        if old is None and key and _within(self._ended.get(key), now):
            return  # a late request for a call that has just ended
        self._ended.pop(key, None)
        self._put(key, Call(call_id=key or None, state=state, direction=direction), v)

    def _address(
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
            call = self.state.calls[key]
        else:
            key = v.call_id or ""
            if not create or key in self._ended:
                return None
            if (
                not key
                and isinstance(create, datetime)
                and _within(self._slot_ended, create)
            ):
                return None
            call = Call(call_id=v.call_id, state=CallState.DIALING, direction=UNKNOWN)
        self._put(key, call, v)
        return call

    def _end(
        self,
        v: PhoneVariables,
        now: datetime,
        prefer: tuple[CallState, ...],
        only: tuple[CallState, ...] = _CURRENT,
    ) -> Call | None:
        """Remove the call an event ends if it is in a state of ``only``; return it."""
        key, call = self._find(v, prefer), None
        if key is not None:
            call = self.state.calls[key]
            if call.state in only:
                self._remove(key, now)
        elif v.call_id is not None:
            _remember(self._ended, v.call_id, now)
        else:
            self._slot_ended = now
        if not self.state.calls:
            self.state.muted = False
        return call

    def _count_missed(
        self, v: PhoneVariables, call: Call | None, now: datetime
    ) -> None:
        state = self.state
        if v.call_id is not None:
            if _within(self._missed.get(v.call_id), now):
                return  # the same missed call reported twice
            _remember(self._missed, v.call_id, now)
        state.missed_calls = (state.missed_calls or 0) + 1
        state.last_missed_number = v.remote_number or (
            call.remote_number if call else None
        )
        state.last_missed_name = v.display_remote or (
            call.remote_name if call else None
        )

    def _key(self, v: PhoneVariables) -> str:
        """Return the key for the request's call id; it may take over the slot."""
        calls, cid = self.state.calls, v.call_id
        if cid is None:
            return ""
        if cid not in calls and "" in calls and cid not in self._ended:
            call = calls.pop("")
            call.call_id = cid
            calls[cid] = call
        return cid

    def _find(self, v: PhoneVariables, prefer: tuple[CallState, ...]) -> str | None:
        """Return the key of the call an event addresses, if any."""
        calls = self.state.calls
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
        calls = self.state.calls
        if v.remote is not None:
            call.remote, call.remote_number = v.remote, v.remote_number
        if v.display_remote is not None:
            call.remote_name = v.display_remote
        calls.pop(key, None)
        calls[key] = call
        while len(calls) > MAX_CALLS:
            del calls[next(iter(calls))]

    def _remove(self, key: str, now: datetime, *, timed: bool = True) -> None:
        """Remove a call; if ``timed`` and it was connected, record its duration."""
        state = self.state
        call = state.calls.pop(key)
        if key:
            _remember(self._ended, key, now)
        else:
            self._slot_ended = now
        if timed and call.connected_at is not None:
            state.last_call_duration = _elapsed(call.connected_at, now)

    @staticmethod
    def _set(call: Call | None, state: CallState, now: datetime) -> None:
        if call is None:
            return
        call.state, call.held = state, state is CallState.ON_HOLD
        if state is CallState.CONNECTED and call.connected_at is None:
            call.connected_at = now

    def _summarise(self) -> None:
        """Derive call_state and the current remote party from the calls."""
        state = self.state
        calls = list(state.calls.values())
        present = {call.state for call in calls}
        state.call_state = next((s for s in _SUMMARY if s in present), CallState.IDLE)
        if calls:
            current = min(reversed(calls), key=lambda c: _CURRENT.index(c.state))
            state.remote_number = current.remote_number
            state.remote_name = current.remote_name

    def _snapshot(self) -> dict[str, Any]:
        state = self.state
        return state.as_dict() | {name: getattr(state, name) for name in _DERIVED}

    def _changed(self, before: dict[str, Any]) -> frozenset[str]:
        after = self._snapshot()
        return frozenset(name for name, value in after.items() if before[name] != value)


def _remember(seen: dict[str, datetime], key: str, now: datetime) -> None:
    """Record a call id in a bounded, insertion-ordered dict."""
    seen.pop(key, None)
    seen[key] = now
    while len(seen) > MAX_ENDED:
        del seen[next(iter(seen))]


def _elapsed(start: datetime, end: datetime) -> float | None:
    """Return the seconds from start to end (at least 0); None if incomparable."""
    try:
        return max((end - start).total_seconds(), 0.0)
    except TypeError:
        return None


def _within(then: datetime | None, now: datetime) -> bool:
    """Return whether ``then`` lies at most LATE_WINDOW before ``now``."""
    if then is None:
        return False
    seconds = _elapsed(then, now)
    return seconds is not None and seconds <= LATE_WINDOW.total_seconds()


def _plain(value: Any) -> Any:
    """Convert a state value to JSON-serialisable data."""
    if isinstance(value, StrEnum):
        return value.value
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, Call):
        return {f.name: _plain(getattr(value, f.name)) for f in fields(value)}
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    return value


def _enum[E: StrEnum](kind: type[E], value: object) -> E | None:
    try:
        return kind(value) if isinstance(value, str) else None
    except ValueError:
        return None


def _bool(value: object) -> bool | None:
    return value if isinstance(value, bool) else None


def _str(value: object) -> str | None:
    return value if isinstance(value, str) else None


def _count(value: object) -> int | None:
    if isinstance(value, bool) or not isinstance(value, int):
        return None
    return value if value >= 0 else None


def _seconds(value: object) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    try:
        seconds = float(value)
    except OverflowError:
        return None
    return seconds if math.isfinite(seconds) and seconds >= 0 else None


def _time(value: object) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        return None


def _calls(value: object) -> dict[str, Call]:
    """Rebuild the calls from ``as_dict`` data, skipping anything unusable."""
    calls: dict[str, Call] = {}
    if not isinstance(value, Mapping):
        return calls
    for key, item in value.items():
        if not isinstance(key, str) or not isinstance(item, Mapping):
            continue
        if (state := _enum(CallState, item.get("state"))) in (None, CallState.IDLE):
            continue
        direction = item.get("direction")
        calls[key] = Call(
            call_id=key or None,
            state=state,
            direction=direction if direction in (INCOMING, OUTGOING) else UNKNOWN,
            remote=_str(item.get("remote")),
            remote_number=_str(item.get("remote_number")),
            remote_name=_str(item.get("remote_name")),
            connected_at=_time(item.get("connected_at")),
            held=state is CallState.ON_HOLD,
        )
    return dict(list(calls.items())[-MAX_CALLS:])
