"""The paths measured, and what counts as theirs in the recorder's database."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from statistics import median
from typing import Any

from .load import Result, percentile
from .requests import RequestStream

PHONE_EVENT = "sangoma_phone_event"
IDEAL_EVENT = "bench_ideal_event"
SAME_EVENT = "bench_same_event"
# Event types each path writes to the events table (besides state_changed,
# which the recorder keeps in the states table only).
PATH_EVENT_TYPES = {
    "a": (),
    "b": ("automation_triggered", "call_service", "script_started"),
    "i": (IDEAL_EVENT,),
    "s": (SAME_EVENT,),
    # The device's model, firmware and address, set by a phone's first request.
    "c": (PHONE_EVENT, "device_registry_updated"),
}
LABELS = {
    "a": "floor (do-nothing webhook)",
    "b": "DIY automation",
    "i": "hand-written ideal",
    "s": "hand-written, the integration's states",
    "c": "this integration",
}


@dataclass
class BenchPath:
    """One path: its requests, the entities it writes, what it measured."""

    name: str  # a, b, i, s, c1, c20, c200
    stream: RequestStream
    phones: int
    entity_ids: set[str] = field(default_factory=set)
    entity_prefix: str | None = None  # for states set without the registry
    entry_ids: set[str] = field(default_factory=set)  # path c: its phones
    bursts: list[Result] = field(default_factory=list)
    paced: list[Result] = field(default_factory=list)
    cpu_seconds: float = 0.0  # net of idle, over the bursts
    cpu_gross_seconds: float = 0.0  # as read, idle included
    cpu_wall_seconds: float = 0.0  # bursts and the waits for quiet after them
    idle_rate: float = 0.0  # CPU seconds per second when idle
    # Gross CPU seconds over the bursts by thread group (loop, recorder, other).
    cpu_threads: dict[str, float] = field(default_factory=lambda: defaultdict(float))
    accepted_total: int = 0  # every accepted request (warm-up, bursts, paced)
    events_received: int = 0

    @property
    def kind(self) -> str:
        """Return a, b, i, s or c."""
        return self.name[0]

    @property
    def label(self) -> str:
        """Return the path's description."""
        label = LABELS[self.kind]
        return (
            f"{label}, {self.phones} phone{'s' * (self.phones != 1)}"
            if self.kind == "c"
            else label
        )

    def owns_entity(self, entity_id: str) -> bool:
        """Return whether a state row of this entity belongs to this path."""
        if entity_id in self.entity_ids:
            return True
        return self.entity_prefix is not None and self.entity_prefix in entity_id

    def count(self, result: Result) -> None:
        """Add a segment's accepted requests."""
        self.accepted_total += result.accepted

    def summary(self, rows: dict[str, Any]) -> dict[str, Any]:
        """Return the path's figures."""
        # Rates and latencies: the median over the rounds, so that one round
        # disturbed by another process does not decide; CPU: the sum.
        accepted = sum(r.accepted for r in self.bursts)
        rates = [r.rate for r in self.bursts]
        p50s = [percentile(r.latencies, 0.50) * 1e3 for r in self.paced]
        p99s = [percentile(r.latencies, 0.99) * 1e3 for r in self.paced]
        paced_sent = sum(r.sent for r in self.paced)
        paced_seconds = sum(r.seconds for r in self.paced)
        expects_events = self.kind in ("c", "i", "s")
        return {
            "path": self.name,
            "label": self.label,
            "phones": self.phones,
            "max_rps": median(rates),
            "paced_rps": paced_sent / paced_seconds if paced_seconds else 0.0,
            "p50_ms": median(p50s),
            "p99_ms": median(p99s),
            "rounds": {"max_rps": rates, "p50_ms": p50s, "p99_ms": p99s},
            "cpu_us_per_event": self.cpu_seconds / accepted * 1e6 if accepted else 0.0,
            # Where the CPU went, per event (gross: idle included).
            "cpu_us_per_event_by_thread": {
                group: seconds / accepted * 1e6 if accepted else 0.0
                for group, seconds in self.cpu_threads.items()
            },
            "cpu": {
                "net_s": self.cpu_seconds,
                "gross_s": self.cpu_gross_seconds,
                "wall_s": self.cpu_wall_seconds,
                "idle_rate": self.idle_rate,
                "burst_accepted": accepted,
            },
            "requests": sum(r.sent for r in self.bursts) + paced_sent,
            "accepted_total": self.accepted_total,
            "rejected": sum(
                n for r in self.bursts + self.paced
                for s, n in r.statuses.items() if s != 200
            ),
            "events_received": self.events_received if expects_events else None,
            "events_lost": self.accepted_total - self.events_received
            if expects_events
            else None,
            **rows,
        }  # fmt: skip
