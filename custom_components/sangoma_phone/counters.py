"""What a phone's requests did, counted for the diagnostics."""

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


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
        """Return the counters as the diagnostics show them."""
        return {
            "event_counts": dict(sorted(self.events.items())),
            "rejected_counts": dict(sorted(self.rejections.items())),
            "last_rejected": self.last_rejected,
            "problem_counts": dict(sorted(self.problems.items())),
        }
