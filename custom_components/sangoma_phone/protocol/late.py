"""Late and duplicate requests: the time window, and the calls remembered.

Rules: docs/call-tracking.md (late and duplicate requests, missed calls).
"""

from datetime import datetime, timedelta

from .query import PhoneVariables

MAX_ENDED = 16
LATE_WINDOW = timedelta(seconds=5)
# A missed or declined call without id is remembered under this prefix + number
# (no call id starts with a space, see model.is_call_id).
_NO_ID = " "


class MissLog:
    """Tell a new missed call from one reported again, or declined before."""

    def __init__(self) -> None:
        """Remember nothing yet."""
        self._missed: dict[str, datetime] = {}
        self._declined: dict[str, datetime] = {}

    def decline(self, v: PhoneVariables, now: datetime) -> None:
        """Remember a rejected or forwarded call: a missed_call for it is none."""
        remember(self._declined, _miss_key(v), now)

    def new_miss(self, v: PhoneVariables, now: datetime, *, ended: bool) -> bool:
        """Return whether a missed call counts; one that ``ended`` a leg does."""
        key = _miss_key(v)
        seen = within(self._missed.get(key), now) or within(
            self._declined.get(key), now
        )
        remember(self._missed, key, now)
        return ended or not seen


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


def remember(seen: dict[str, datetime], key: str, now: datetime) -> None:
    """Record a key in a bounded, insertion-ordered dict."""
    seen.pop(key, None)
    seen[key] = now
    while len(seen) > MAX_ENDED:
        del seen[next(iter(seen))]


def _miss_key(v: PhoneVariables) -> str:
    return v.call_id if v.call_id is not None else _NO_ID + (v.remote_number or "")
