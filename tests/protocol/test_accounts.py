"""SIP registration per account (protocol/accounts.py)."""

from datetime import UTC, datetime

from custom_components.sangoma_phone.protocol import (
    PhoneState,
    PhoneStateMachine,
    Registration,
    parse_query,
)
from custom_components.sangoma_phone.protocol.accounts import (
    MAX_ACCOUNTS,
    account_of,
    all_registered,
)
from custom_components.sangoma_phone.protocol.query import PhoneVariables

NOW = datetime(2026, 1, 1, tzinfo=UTC)


def _send(
    machine: PhoneStateMachine, event: str, user: str = "", host: str = ""
) -> frozenset[str]:
    query = f"event={event}&mac=001fc1aabbcc"
    if user:
        query += f"&au={user}"
    if host:
        query += f"&ah={host}"
    return machine.apply(parse_query(query), NOW)


def test_account_of() -> None:
    assert (
        account_of(PhoneVariables(active_user="1001", active_host="pbx")) == "1001@pbx"
    )
    assert account_of(PhoneVariables(active_user="1001")) == "1001"
    assert account_of(PhoneVariables(active_host="pbx")) is None
    assert account_of(PhoneVariables()) is None


def test_registered_only_while_every_account_is() -> None:
    machine = PhoneStateMachine()
    assert machine.state.registered is None
    changed = _send(machine, "registered", "1001", "pbx.example")
    assert {"registered", "accounts"} <= changed
    assert machine.state.registered is True
    _send(machine, "register_failed", "2002", "other.example")
    assert machine.state.registered is False
    assert machine.state.accounts == {
        "1001@pbx.example": Registration.REGISTERED,
        "2002@other.example": Registration.REGISTER_FAILED,
    }
    _send(machine, "registered", "2002", "other.example")
    assert machine.state.registered is True
    _send(machine, "unregistered", "1001", "pbx.example")
    assert machine.state.registered is False
    # The same report again changes nothing.
    assert "accounts" not in _send(machine, "unregistered", "1001", "pbx.example")


def test_registration_without_account() -> None:
    machine = PhoneStateMachine()
    _send(machine, "registered")
    assert machine.state.accounts == {"": Registration.REGISTERED}
    assert machine.state.registered is True
    assert all_registered({}, None) is None
    assert all_registered({}, Registration.UNREGISTERED) is False


def test_accounts_bounded_and_persisted() -> None:
    machine = PhoneStateMachine()
    for n in range(MAX_ACCOUNTS + 3):
        _send(machine, "registered", str(n), "pbx")
    assert len(machine.state.accounts) == MAX_ACCOUNTS
    assert "0@pbx" not in machine.state.accounts
    restored = PhoneState.from_dict(machine.state.as_dict())
    assert restored.accounts == machine.state.accounts
    damaged = PhoneState.from_dict(
        {"accounts": {"a": "registered", "b": "bogus", 3: "registered"}}
    )
    assert damaged.accounts == {"a": Registration.REGISTERED}
    assert PhoneState.from_dict({"accounts": ["x"]}).accounts == {}
