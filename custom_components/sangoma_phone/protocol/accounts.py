"""SIP registration per account: ``$active_user@$active_host``.

The phone counts as registered only while every account it reported is.
Rules: docs/protocol.md.
"""

from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Protocol

from .model import Registration
from .query import PhoneVariables

MAX_ACCOUNTS = 16  # accounts kept (the oldest go first)
UNKNOWN_ACCOUNT = ""


class _HasAccounts(Protocol):
    registration: Registration | None
    accounts: dict[str, Registration]


class _HasState(Protocol):
    @property
    def state(self) -> _HasAccounts: ...


def account_of(v: PhoneVariables) -> str | None:
    """Return the account a request is about (``user@host``, ``user``), or None."""
    if v.active_user and v.active_host:
        return f"{v.active_user}@{v.active_host}"
    return v.active_user or None


def record(state: _HasAccounts, v: PhoneVariables, registration: Registration) -> None:
    """Record a registration event for its account."""
    state.registration = registration
    key = account_of(v) or UNKNOWN_ACCOUNT
    # A new dict, never changed in place: a snapshot of the old one tells the change.
    accounts = {k: r for k, r in state.accounts.items() if k != key}
    accounts[key] = registration
    state.accounts = dict(list(accounts.items())[-MAX_ACCOUNTS:])


def all_registered(
    accounts: Mapping[str, Registration], registration: Registration | None
) -> bool | None:
    """Return whether every reported account is registered; None if unknown."""
    if accounts:
        return all(r is Registration.REGISTERED for r in accounts.values())
    if registration is None:
        return None
    return registration is Registration.REGISTERED


# Runs once per registration event, at import, to build machine.EFFECTS.
def registration_effect(
    registration: Registration,
) -> Callable[[_HasState, PhoneVariables, datetime], None]:  # pragma: no mutate block
    """Return the state machine's effect of a registration event."""

    def run(machine: _HasState, v: PhoneVariables, now: datetime) -> None:
        record(machine.state, v, registration)

    return run
