"""Tolerant persistence of a phone's state: JSON-ready data out, anything in.

A stored value that is missing, damaged or refused by the parser becomes its
default; ``load`` names what it dropped. Rules: docs/protocol.md.
"""

from collections.abc import Callable, Mapping
from dataclasses import fields, is_dataclass
from datetime import datetime
from enum import StrEnum
import math
from typing import TYPE_CHECKING, Any, TypedDict

from .accounts import MAX_ACCOUNTS
from .model import (
    DIRECTIONS,
    MAX_CALLS,
    UNKNOWN,
    Call,
    CallState,
    Registration,
    is_call_id,
)
from .query import normalize_ip, normalize_mac

if TYPE_CHECKING:
    from _typeshed import DataclassInstance


class StateFields(TypedDict):
    """The fields of a PhoneState, as loaded from stored data."""

    registration: Registration | None
    off_hook: bool | None
    dnd: bool | None
    always_forward: bool | None
    busy_forward: bool | None
    no_answer_forward: bool | None
    muted: bool | None
    call_state: CallState | None
    remote_number: str | None
    remote_name: str | None
    local_identity: str | None
    missed_calls: int | None
    last_missed_number: str | None
    last_missed_name: str | None
    last_event: str | None
    last_event_time: datetime | None
    last_call_duration: float | None
    mac: str | None
    ip: str | None
    model: str | None
    firmware: str | None
    calls: dict[str, Call]
    accounts: dict[str, Registration]


def as_dict(obj: DataclassInstance) -> dict[str, Any]:
    """Return a state (or any dataclass of it) as JSON-serialisable data."""
    return {f.name: _plain(getattr(obj, f.name)) for f in fields(obj)}


def load(data: object) -> tuple[StateFields, tuple[str, ...]]:
    """Return the fields of a state from stored data, and the names dropped.

    "calls" if any call was unusable; ("state",) if the data is no mapping.
    """
    if not isinstance(data, Mapping):
        return from_dict({}), () if data is None else ("state",)
    loaded = from_dict(data)
    dropped = [
        name
        for name, value in loaded.items()
        if value is None and data.get(name) is not None  # (calls is never None)
    ]
    stored_calls = data.get("calls")
    if stored_calls and (
        not isinstance(stored_calls, Mapping)
        or len(stored_calls) != len(loaded["calls"])
    ):
        dropped.append("calls")
    return loaded, tuple(dropped)


def from_dict(data: object) -> StateFields:
    """Return the fields of a state from ``as_dict`` data; bad values -> defaults."""
    raw = data if isinstance(data, Mapping) else {}
    get = raw.get
    return StateFields(
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
        mac=_checked(normalize_mac, get("mac")),
        ip=_checked(normalize_ip, get("ip")),
        model=_str(get("model")),
        firmware=_str(get("firmware")),
        calls=_calls(get("calls")),
        accounts=_accounts(get("accounts")),
    )


def _plain(value: Any) -> Any:
    """Convert a state value to JSON-serialisable data."""
    if isinstance(value, StrEnum):
        return value.value
    if isinstance(value, datetime):
        return value.isoformat()
    if is_dataclass(value) and not isinstance(value, type):
        return as_dict(value)
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    return value


def _enum[E: StrEnum](kind: type[E], value: object) -> E | None:
    try:
        return kind(value) if isinstance(value, str) else None
    except ValueError:
        return None


def _checked(normalize: Callable[[str], str | None], value: object) -> str | None:
    """Return a stored address if the parser would accept it as it is."""
    if not isinstance(value, str) or normalize(value) != value:
        return None
    return value


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
            call_id=key if is_call_id(key) else None,
            state=state,
            direction=direction if direction in DIRECTIONS else UNKNOWN,
            remote=_str(item.get("remote")),
            remote_number=_str(item.get("remote_number")),
            remote_name=_str(item.get("remote_name")),
            connected_at=_time(item.get("connected_at")),
            started_at=_time(item.get("started_at")),
        )
    return dict(list(calls.items())[-MAX_CALLS:])


def _accounts(value: object) -> dict[str, Registration]:
    """Rebuild the accounts' registrations, skipping anything unusable."""
    if not isinstance(value, Mapping):
        return {}
    accounts = {
        key: state
        for key, item in value.items()
        if isinstance(key, str) and (state := _enum(Registration, item)) is not None
    }
    return dict(list(accounts.items())[-MAX_ACCOUNTS:])
