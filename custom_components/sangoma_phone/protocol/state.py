"""The state of a phone: everything known about it, as events reported it.

PhoneStateMachine (machine.py) folds events into it; persist.py stores and
restores it. How call_state and the remote party are derived:
docs/call-tracking.md.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from datetime import datetime
from operator import attrgetter
from typing import Any

from . import persist
from .accounts import all_registered
from .model import ACTIVE, Call, CallState, Registration


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
    accounts: dict[str, Registration] = field(default_factory=dict)

    @property
    def registered(self) -> bool | None:
        """Return whether every account reported is registered; None if unknown."""
        return all_registered(self.accounts, self.registration)

    @property
    def in_call(self) -> bool | None:
        """Return whether a call is connected or held; None if unknown."""
        if self.call_state is None:
            return None
        return self.call_state in ACTIVE

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
        return persist.as_dict(self)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> PhoneState:
        """Rebuild a state from ``as_dict`` data; bad values become defaults."""
        return cls(**persist.from_dict(data))

    @classmethod
    def restore(cls, data: object) -> tuple[PhoneState, tuple[str, ...]]:
        """Rebuild a state from stored data; also return the fields dropped."""
        loaded, dropped = persist.load(data)
        return cls(**loaded), dropped


# The names of the properties derived from the fields (they can change too).
DERIVED: tuple[str, ...] = tuple(
    name for name, value in vars(PhoneState).items() if isinstance(value, property)
)

_FIELDS = (*(f.name for f in fields(PhoneState) if f.name != "calls"), *DERIVED)
_CALL_FIELDS = tuple(f.name for f in fields(Call))
# One C call each reads every field (every request takes two snapshots).
_get_fields = attrgetter(*_FIELDS)
_get_call_fields = attrgetter(*_CALL_FIELDS)

type Snapshot = tuple[tuple[object, ...], dict[str, tuple[object, ...]]]


def snapshot(state: PhoneState) -> Snapshot:
    """Return the values to compare later, without serialising anything."""
    return _get_fields(state), {
        key: _get_call_fields(call) for key, call in state.calls.items()
    }


def changed_since(before: Snapshot, state: PhoneState) -> frozenset[str]:
    """Return the names of the attributes (and "calls") changed since ``before``."""
    after = snapshot(state)
    changed = {
        n for n, b, a in zip(_FIELDS, before[0], after[0], strict=True) if b != a
    }
    if before[1] != after[1]:
        changed.add("calls")
    return frozenset(changed)
