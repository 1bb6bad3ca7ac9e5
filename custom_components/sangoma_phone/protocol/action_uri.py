"""Action URI: the requests that make the phone act (dial, hang up, press a key).

Every value is validated here before a request target is built, so a refused
value never reaches the network. Rules (the form, the encoding, what may be
dialled, the keys, the probe): docs/web-access.md.
"""

from enum import IntEnum, StrEnum
from typing import Final
from urllib.parse import quote

ACTION_PATH: Final = "/Phone_ActionURL"

MAX_NUMBER_LENGTH: Final = 32
MIN_ACCOUNT: Final = 1
MAX_ACCOUNT: Final = 16

DIAL_CHARACTERS: Final = frozenset("0123456789*#+")
# Characters left raw in a request target; everything else is percent-encoded.
_SAFE: Final = "*"
# How much of a refused key value an error message repeats.
_SHOWN_KEY_LENGTH: Final = 20


class Command(IntEnum):
    """Values of the ``Command`` parameter."""

    DIAL = 1
    HANG_UP = 2  # documented by Htek, unverified on Sangoma


class Key(StrEnum):
    """The named key values (case-sensitive); digits and numbered keys in KEYS."""

    OK = "OK"
    ENTER = "ENTER"
    SPEAKER = "SPEAKER"
    TRANSFER = "F_TRANSFER"
    VOLUME_UP = "VOLUME_UP"
    VOLUME_DOWN = "VOLUME_DOWN"
    MUTE = "MUTE"
    HOLD = "F_HOLD"
    X = "X"
    CANCEL = "CANCEL"
    STAR = "*"
    POUND = "POUND"
    CONFERENCE = "F_CONFERENCE"
    MESSAGES = "MSG"
    HEADSET = "HEADSET"
    REDIAL = "RD"
    UP = "UP"
    DOWN = "DOWN"
    LEFT = "LEFT"
    RIGHT = "RIGHT"
    REBOOT = "Reboot"
    AUTO_PROVISION = "AutoP"
    DND_ON = "DNDOn"
    DND_OFF = "DNDOff"


def _numbered(prefix: str, last: int) -> tuple[str, ...]:  # pragma: no mutate block
    return tuple(f"{prefix}{n}" for n in range(1, last + 1))


# Every documented key value (plain text), in the reference's order.
KEYS: Final[tuple[str, ...]] = tuple(
    str(key)
    for key in (
        *(Key.OK, Key.ENTER, Key.SPEAKER, Key.TRANSFER, Key.VOLUME_UP),
        *(Key.VOLUME_DOWN, Key.MUTE, Key.HOLD, Key.X, Key.CANCEL),
        *(str(digit) for digit in range(10)),
        *(Key.STAR, Key.POUND),
        *_numbered("L", 45),  # line keys
        *_numbered("D", 10),  # DSS keys
        Key.CONFERENCE,
        *_numbered("F", 4),  # soft keys
        *(Key.MESSAGES, Key.HEADSET, Key.REDIAL),
        *(Key.UP, Key.DOWN, Key.LEFT, Key.RIGHT),
        *(Key.REBOOT, Key.AUTO_PROVISION, Key.DND_ON, Key.DND_OFF),
    )
)
_KEY_SET: Final = frozenset(KEYS)


class Refusal(StrEnum):
    """Why a value was refused (stable codes, usable as translation keys)."""

    WRONG_TYPE = "wrong_type"
    EMPTY = "empty"
    TOO_LONG = "too_long"
    INVALID_CHARACTER = "invalid_character"
    MISPLACED_PLUS = "misplaced_plus"
    OUT_OF_RANGE = "out_of_range"
    UNKNOWN_KEY = "unknown_key"


class InvalidActionValue(ValueError):
    """A value refused before any request was built."""

    def __init__(self, field: str, reason: Refusal, detail: str) -> None:
        """Name the field, the reason code and a readable detail."""
        super().__init__(f"{field}: {detail}")
        self.field = field
        self.reason = reason
        self.detail = detail


def _describe(char: str) -> str:
    return f"{char!r} (U+{ord(char):04X})"


def validate_number(number: object) -> str:
    """Return a dialable number unchanged, or raise InvalidActionValue."""
    if not isinstance(number, str):
        raise InvalidActionValue(
            "number", Refusal.WRONG_TYPE, f"expected text, got {type(number).__name__}"
        )
    if number in {"", "+"}:
        raise InvalidActionValue("number", Refusal.EMPTY, "nothing to dial")
    if len(number) > MAX_NUMBER_LENGTH:
        raise InvalidActionValue(
            "number",
            Refusal.TOO_LONG,
            f"{len(number)} characters, at most {MAX_NUMBER_LENGTH} allowed",
        )
    for position, char in enumerate(number):
        if char not in DIAL_CHARACTERS:
            raise InvalidActionValue(
                "number",
                Refusal.INVALID_CHARACTER,
                f"character {_describe(char)} at position {position + 1} is not "
                "dialable; allowed: 0-9 * # and a leading +",
            )
        if char == "+" and position:
            raise InvalidActionValue(
                "number",
                Refusal.MISPLACED_PLUS,
                f"'+' at position {position + 1}; it is allowed only first",
            )
    return number


def validate_account(account: object) -> int:
    """Return a SIP account number (1-16), or raise InvalidActionValue."""
    if isinstance(account, bool) or not isinstance(account, int):
        raise InvalidActionValue(
            "account",
            Refusal.WRONG_TYPE,
            f"expected a whole number, got {type(account).__name__}",
        )
    if not MIN_ACCOUNT <= account <= MAX_ACCOUNT:
        raise InvalidActionValue(
            "account",
            Refusal.OUT_OF_RANGE,
            f"{account} is not between {MIN_ACCOUNT} and {MAX_ACCOUNT}",
        )
    return account


def validate_key(key: object) -> str:
    """Return a documented key value (exact case), or raise InvalidActionValue."""
    if not isinstance(key, str):
        raise InvalidActionValue(
            "key", Refusal.WRONG_TYPE, f"expected text, got {type(key).__name__}"
        )
    if key not in _KEY_SET:
        shown = key if len(key) <= _SHOWN_KEY_LENGTH else f"{key[:_SHOWN_KEY_LENGTH]}…"
        raise InvalidActionValue(
            "key", Refusal.UNKNOWN_KEY, f"{shown!r} is not a documented key value"
        )
    return str(key)


def _target(params: list[tuple[str, str]]) -> str:
    return ACTION_PATH + "".join(
        f"&{name}={quote(value, safe=_SAFE)}" for name, value in params
    )


def dial_target(number: str, account: int | None = None) -> str:
    """Return the request target that dials a number (on an account, if given)."""
    params = [
        ("Command", str(int(Command.DIAL))),
        ("Number", validate_number(number)),
    ]
    if account is not None:
        params.append(("Account", str(validate_account(account))))
    return _target(params)


def hang_up_target() -> str:
    """Return the request target that ends the active call."""
    return _target([("Command", str(int(Command.HANG_UP)))])


def key_target(key: str) -> str:
    """Return the request target that presses one key."""
    return _target([("key", validate_key(key))])


def probe_target() -> str:
    """Return the authenticated request meant to act on nothing (unverified)."""
    return ACTION_PATH
