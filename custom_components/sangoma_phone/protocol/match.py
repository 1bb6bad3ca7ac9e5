"""Filters the phone's triggers offer: the other party's number, the account.

Pure functions, shared by the target triggers and the device triggers.
"""

from collections.abc import Iterable

NUMBER_EXACT = "exact"
NUMBER_STARTS_WITH = "starts_with"
NUMBER_MATCHES = (NUMBER_EXACT, NUMBER_STARTS_WITH)


def number_matches(
    number: str | None, wanted: Iterable[str], how: str = NUMBER_EXACT
) -> bool:
    """Return whether the other party's number is one of `wanted`.

    No wanted number matches every call; a call without a number matches none
    of the wanted ones. ``how`` is NUMBER_EXACT or NUMBER_STARTS_WITH.
    """
    wanted = [w.strip() for w in wanted if w and w.strip()]
    if not wanted:
        return True
    if not number:
        return False
    if how == NUMBER_STARTS_WITH:
        return any(number.startswith(w) for w in wanted)
    return number in wanted


def account_matches(account: str | None, wanted: str | None) -> bool:
    """Return whether the call used the wanted account (any when not given)."""
    if not wanted or not wanted.strip():
        return True
    return account is not None and account.strip() == wanted.strip()
