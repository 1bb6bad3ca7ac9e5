"""Tests of the Action URI builder: key table, validation, request targets."""

import re
from typing import Any

import pytest

from custom_components.sangoma_phone.protocol.action_uri import (
    ACTION_PATH,
    DIAL_CHARACTERS,
    KEYS,
    MAX_ACCOUNT,
    MAX_NUMBER_LENGTH,
    Command,
    InvalidActionValue,
    Key,
    Refusal,
    dial_target,
    hang_up_target,
    key_target,
    probe_target,
    validate_account,
    validate_key,
    validate_number,
)

# The reference's list, retyped on purpose: the table must match the document.
DOCUMENTED_KEYS = (
    "OK ENTER SPEAKER F_TRANSFER VOLUME_UP VOLUME_DOWN MUTE F_HOLD X CANCEL "
    "0 1 2 3 4 5 6 7 8 9 * POUND "
    + " ".join(f"L{n}" for n in range(1, 46))
    + " "
    + " ".join(f"D{n}" for n in range(1, 11))
    + " F_CONFERENCE F1 F2 F3 F4 MSG HEADSET RD UP DOWN LEFT RIGHT "
    "Reboot AutoP DNDOn DNDOff"
).split()

# A request target may hold only these after the path (no space, no ?, no #).
TARGET_SHAPE = re.compile(r"/Phone_ActionURL(&[A-Za-z]+=[A-Za-z0-9_*%]+)*")


def test_keys_match_the_reference() -> None:
    assert list(KEYS) == DOCUMENTED_KEYS
    assert len(set(KEYS)) == len(KEYS)
    assert all(type(key) is str for key in KEYS)
    assert {str(key) for key in Key} <= set(KEYS)


def test_named_keys_the_integration_uses() -> None:
    assert Key.DND_ON == "DNDOn"
    assert Key.DND_OFF == "DNDOff"
    assert Key.REBOOT == "Reboot"
    assert Key.AUTO_PROVISION == "AutoP"
    assert int(Command.DIAL) == 1
    assert int(Command.HANG_UP) == 2


@pytest.mark.parametrize("key", DOCUMENTED_KEYS)
def test_every_key_target(key: str) -> None:
    # Keys go out raw, "*" included (a browser sends the documented form so).
    assert key_target(key) == f"/Phone_ActionURL&key={key}"
    assert TARGET_SHAPE.fullmatch(key_target(key))


def test_key_target_accepts_the_enum() -> None:
    assert key_target(Key.DND_ON) == "/Phone_ActionURL&key=DNDOn"
    assert type(validate_key(Key.DND_ON)) is str


@pytest.mark.parametrize(
    "key",
    [
        "dndon",  # case-sensitive
        "DNDON",
        "reboot",
        "ok",
        "L0",
        "L46",
        "D11",
        "F5",
        "F0",
        "10",
        "#",  # the key is POUND, "#" is a dial character only
        "",
        " OK",
        "OK ",
        "OK&key=Reboot",
        "DNDOn&Command=1&Number=900",
        "Reboot\r\nHost: evil",
        "\uff2f\uff2b",  # full-width "OK"
        "x" * 500,
    ],
)
def test_unknown_keys_refused(key: str) -> None:
    with pytest.raises(InvalidActionValue) as err:
        key_target(key)
    assert err.value.field == "key"
    assert err.value.reason is Refusal.UNKNOWN_KEY
    assert len(str(err.value)) < 80  # a long value is not repeated in full


@pytest.mark.parametrize("key", [None, 1, b"OK", ["OK"]])
def test_key_of_wrong_type_refused(key: object) -> None:
    with pytest.raises(InvalidActionValue) as err:
        validate_key(key)
    assert err.value.reason is Refusal.WRONG_TYPE


@pytest.mark.parametrize(
    ("number", "account", "target"),
    [
        ("4003", None, "/Phone_ActionURL&Command=1&Number=4003"),
        ("4003", 1, "/Phone_ActionURL&Command=1&Number=4003&Account=1"),
        ("4003", 16, "/Phone_ActionURL&Command=1&Number=4003&Account=16"),
        ("*97", None, "/Phone_ActionURL&Command=1&Number=*97"),
        ("*72#", 2, "/Phone_ActionURL&Command=1&Number=*72%23&Account=2"),
        ("#", None, "/Phone_ActionURL&Command=1&Number=%23"),
        ("+4930123456", None, "/Phone_ActionURL&Command=1&Number=%2B4930123456"),
        ("0", None, "/Phone_ActionURL&Command=1&Number=0"),
        (
            "9" * MAX_NUMBER_LENGTH,
            None,
            f"/Phone_ActionURL&Command=1&Number={'9' * 32}",
        ),
    ],
)
def test_dial_target(number: str, account: int | None, target: str) -> None:
    assert validate_number(number) == number
    assert dial_target(number, account) == target
    assert TARGET_SHAPE.fullmatch(target)


def test_every_dial_character_is_encoded_safely() -> None:
    assert frozenset("0123456789*#+") == DIAL_CHARACTERS
    for char in sorted(DIAL_CHARACTERS - {"+"}):
        assert TARGET_SHAPE.fullmatch(dial_target(char))
        assert TARGET_SHAPE.fullmatch(dial_target(f"+1{char}"))


@pytest.mark.parametrize(
    ("number", "reason"),
    [
        ("", Refusal.EMPTY),
        ("9" * (MAX_NUMBER_LENGTH + 1), Refusal.TOO_LONG),
        ("1" * 10_000, Refusal.TOO_LONG),
        ("10;02&key=Reboot", Refusal.INVALID_CHARACTER),
        ("10&key=Reboot", Refusal.INVALID_CHARACTER),
        ("10&Command=2", Refusal.INVALID_CHARACTER),
        ("10%26key%3DReboot", Refusal.INVALID_CHARACTER),
        ("10?key=Reboot", Refusal.INVALID_CHARACTER),
        ("10/../Reboot", Refusal.INVALID_CHARACTER),
        ("10\r\nHost: evil", Refusal.INVALID_CHARACTER),
        ("10\n", Refusal.INVALID_CHARACTER),
        ("10\x00", Refusal.INVALID_CHARACTER),
        ("100 200", Refusal.INVALID_CHARACTER),
        (" 100", Refusal.INVALID_CHARACTER),
        ("100 ", Refusal.INVALID_CHARACTER),
        ("100\t", Refusal.INVALID_CHARACTER),
        ("100\u00a0", Refusal.INVALID_CHARACTER),  # no-break space
        ("555-1234", Refusal.INVALID_CHARACTER),
        ("(030) 1234", Refusal.INVALID_CHARACTER),
        ("030.1234", Refusal.INVALID_CHARACTER),
        ("100,200", Refusal.INVALID_CHARACTER),  # pause: undocumented
        ("100;200", Refusal.INVALID_CHARACTER),
        ("100p200", Refusal.INVALID_CHARACTER),
        ("100w200", Refusal.INVALID_CHARACTER),
        ("alice", Refusal.INVALID_CHARACTER),
        ("sip:1002@pbx.example", Refusal.INVALID_CHARACTER),
        ("1002@pbx", Refusal.INVALID_CHARACTER),
        ("١٢٣", Refusal.INVALID_CHARACTER),  # Arabic-Indic digits
        ("\uff11\uff12\uff13", Refusal.INVALID_CHARACTER),  # full-width digits
        ("12³", Refusal.INVALID_CHARACTER),  # superscript (isdigit() is True)
        ("100\u200b", Refusal.INVALID_CHARACTER),  # zero-width space
        ("100☎", Refusal.INVALID_CHARACTER),
        ("\udcff", Refusal.INVALID_CHARACTER),  # lone surrogate
        ("+", Refusal.EMPTY),
        ("49+30", Refusal.MISPLACED_PLUS),
        ("++49", Refusal.MISPLACED_PLUS),
    ],
)
def test_bad_numbers_refused_before_building(number: str, reason: Refusal) -> None:
    with pytest.raises(InvalidActionValue) as err:
        dial_target(number, 1)
    assert err.value.field == "number"
    assert err.value.reason is reason
    assert err.value.detail in str(err.value)
    assert "\n" not in str(err.value)
    assert "\r" not in str(err.value)


def test_refusal_names_the_character_and_position() -> None:
    with pytest.raises(InvalidActionValue) as err:
        validate_number("10;02&key=Reboot")
    assert "';' (U+003B) at position 3" in str(err.value)


@pytest.mark.parametrize("number", [None, 4003, 40.03, b"4003", ["4003"]])
def test_number_of_wrong_type_refused(number: object) -> None:
    with pytest.raises(InvalidActionValue) as err:
        validate_number(number)
    assert err.value.reason is Refusal.WRONG_TYPE


@pytest.mark.parametrize("account", range(1, MAX_ACCOUNT + 1))
def test_every_account_accepted(account: int) -> None:
    assert validate_account(account) == account
    assert dial_target("1", account).endswith(f"&Account={account}")


@pytest.mark.parametrize(
    ("account", "reason"),
    [
        (0, Refusal.OUT_OF_RANGE),
        (-1, Refusal.OUT_OF_RANGE),
        (17, Refusal.OUT_OF_RANGE),
        (10**30, Refusal.OUT_OF_RANGE),
        (True, Refusal.WRONG_TYPE),
        ("1", Refusal.WRONG_TYPE),
        ("1&key=Reboot", Refusal.WRONG_TYPE),
        (1.0, Refusal.WRONG_TYPE),
    ],
)
def test_bad_accounts_refused(account: object, reason: Refusal) -> None:
    with pytest.raises(InvalidActionValue) as err:
        dial_target("4003", account)  # type: ignore[arg-type]
    assert err.value.field == "account"
    assert err.value.reason is reason


def test_hang_up_and_probe_targets() -> None:
    assert hang_up_target() == "/Phone_ActionURL&Command=2"
    assert probe_target() == ACTION_PATH == "/Phone_ActionURL"


def test_no_target_has_a_query_mark() -> None:
    targets = [hang_up_target(), probe_target(), dial_target("+1*2#", 3)]
    targets += [key_target(key) for key in KEYS]
    for target in targets:
        assert "?" not in target
        assert target.startswith("/Phone_ActionURL")
        assert target.isascii()


# What a refusal says reaches the user (the action's error): pinned exactly.
@pytest.mark.parametrize(
    ("call", "field", "detail"),
    [
        (lambda: validate_number(4003), "number", "expected text, got int"),
        (lambda: validate_number(""), "number", "nothing to dial"),
        (lambda: validate_number("+"), "number", "nothing to dial"),
        (
            lambda: validate_number("4" * 33),
            "number",
            "33 characters, at most 32 allowed",
        ),
        (
            lambda: validate_number("1a"),
            "number",
            "character 'a' (U+0061) at position 2 is not dialable; "
            "allowed: 0-9 * # and a leading +",
        ),
        (
            lambda: validate_number("12+3"),
            "number",
            "'+' at position 3; it is allowed only first",
        ),
        (
            lambda: validate_account(1.0),
            "account",
            "expected a whole number, got float",
        ),
        (lambda: validate_account(17), "account", "17 is not between 1 and 16"),
        (lambda: validate_key(1), "key", "expected text, got int"),
        (lambda: validate_key("Nope"), "key", "'Nope' is not a documented key value"),
        (
            lambda: validate_key("x" * 20),
            "key",
            f"{'x' * 20!r} is not a documented key value",
        ),
        (
            lambda: validate_key("x" * 21),
            "key",
            f"{'x' * 20 + '…'!r} is not a documented key value",
        ),
    ],
)
def test_what_a_refusal_says(call: Any, field: str, detail: str) -> None:
    with pytest.raises(InvalidActionValue) as err:
        call()
    assert err.value.field == field
    assert err.value.detail == detail
    assert str(err.value) == f"{field}: {detail}"
