"""What a phone's requests did, counted for the diagnostics.

Stored with the phone's state; damaged stored counters start over at zero.
"""

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

MAX_KINDS = 256  # distinct keys restored per counter, at most


@dataclass(slots=True)
class RequestCounters:
    """Accepted events by key, rejections by reason, and the last rejection."""

    events: Counter[str] = field(default_factory=Counter)
    rejections: Counter[str] = field(default_factory=Counter)
    last_rejected: dict[str, str] | None = None
    problems: Counter[str] = field(default_factory=Counter)

    def count_event(self, key: str) -> None:
        """Count an accepted event."""
        self.events[key] += 1

    def count_problem(self, problem: str) -> None:
        """Count a non-fatal problem of an accepted request (e.g. &amp;)."""
        self.problems[problem] += 1

    def count_rejection(self, reason: str, detail: str, now: datetime) -> None:
        """Count a rejected request and remember it as the last one."""
        self.rejections[reason] += 1
        self.last_rejected = {
            "reason": reason,
            "detail": detail,
            "time": now.isoformat(),
        }

    def as_dict(self) -> dict[str, Any]:
        """Return the counters as the diagnostics show them (and as stored)."""
        return {
            "event_counts": dict(sorted(self.events.items())),
            "rejected_counts": dict(sorted(self.rejections.items())),
            "last_rejected": self.last_rejected,
            "problem_counts": dict(sorted(self.problems.items())),
        }

    @classmethod
    def from_dict(cls, data: object) -> RequestCounters:
        """Return the counters of `as_dict` data; anything unusable is dropped."""
        raw = data if isinstance(data, Mapping) else {}
        last = raw.get("last_rejected")
        if not (
            isinstance(last, Mapping)
            and all(isinstance(k, str) and isinstance(v, str) for k, v in last.items())
        ):
            last = None
        return cls(
            events=_counter(raw.get("event_counts")),
            rejections=_counter(raw.get("rejected_counts")),
            last_rejected=dict(last) if last is not None else None,
            problems=_counter(raw.get("problem_counts")),
        )


def _counter(value: object) -> Counter[str]:
    counter: Counter[str] = Counter()
    if not isinstance(value, Mapping):
        return counter
    for key, count in list(value.items())[:MAX_KINDS]:
        if (
            isinstance(key, str)
            and isinstance(count, int)
            and not isinstance(count, bool)
            and count > 0
        ):
            counter[key] = count
    return counter
