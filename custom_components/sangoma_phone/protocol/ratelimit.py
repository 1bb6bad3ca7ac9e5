"""Flood control: token buckets, with the clock passed in.

A bucket holds up to ``burst`` tokens and gains ``rate`` tokens a second; a
request takes one or is refused. A refusal after an accepted request starts a
flood; it ends with the first request accepted once the bucket is full again
(the sender was quiet that long), so a sustained flood is one flood however
its refills let a request through. The defaults, and why: docs/requests.md.
"""

from collections import OrderedDict
from dataclasses import dataclass, field
from enum import Enum, auto
from typing import Final

DEFAULT_RATE: Final = 5.0  # requests a second, sustained
MIN_RATE: Final = 1
MAX_RATE: Final = 1000
BURST_SECONDS: Final = 4.0  # the burst is this many seconds' worth of requests
# At least every simulator scenario back to back (110 requests): a phone's
# own busiest moments never meet the limit; a flood does within a second.
MIN_BURST: Final = 150.0
MAX_SOURCES: Final = 1024  # buckets kept for senders that match no phone


def burst_for(rate: float) -> float:
    """Return the burst allowed with a sustained rate."""
    return max(MIN_BURST, rate * BURST_SECONDS)


class Verdict(Enum):
    """What a bucket says about one request."""

    ACCEPT = auto()
    ACCEPT_FLOOD_OVER = auto()  # accepted, bucket full again: the flood ended
    REFUSE_FLOOD_START = auto()  # refused, the first of a flood
    REFUSE = auto()  # refused, within a flood

    @property
    def accepted(self) -> bool:
        """Return whether the request may go on."""
        return self in (Verdict.ACCEPT, Verdict.ACCEPT_FLOOD_OVER)


@dataclass(slots=True)
class TokenBucket:
    """One sender's allowance of requests."""

    rate: float = DEFAULT_RATE
    burst: float = field(default=-1.0)
    tokens: float = field(default=-1.0)
    updated: float | None = None
    refused: int = 0  # requests refused in the current (or last) flood
    flooding: bool = False

    def __post_init__(self) -> None:
        """Start full."""
        if self.burst < 0:
            self.burst = burst_for(self.rate)
        if self.tokens < 0:
            self.tokens = self.burst

    def take(self, now: float) -> Verdict:
        """Take a token for a request at monotonic time `now` (seconds)."""
        if self.updated is not None and now > self.updated:
            self.tokens = min(
                self.burst, self.tokens + (now - self.updated) * self.rate
            )
        if self.updated is None or now > self.updated:
            self.updated = now
        if self.tokens >= 1.0:
            full = self.tokens >= self.burst
            self.tokens -= 1.0
            if self.flooding and full:
                self.flooding = False
                return Verdict.ACCEPT_FLOOD_OVER
            return Verdict.ACCEPT
        if self.flooding:
            self.refused += 1
            return Verdict.REFUSE
        self.flooding = True
        self.refused = 1
        return Verdict.REFUSE_FLOOD_START


class SourceLimiter:
    """Token buckets by sender, at most `max_sources` (least recently used go)."""

    def __init__(
        self,
        rate: float = DEFAULT_RATE,
        *,
        max_sources: int = MAX_SOURCES,
    ) -> None:
        """Limit every sender to `rate` requests a second (and a burst)."""
        self.rate = rate
        self.max_sources = max_sources
        self._buckets: OrderedDict[str, TokenBucket] = OrderedDict()

    def take(self, source: str, now: float) -> tuple[Verdict, TokenBucket]:
        """Take a token from the sender's bucket; return the verdict and bucket."""
        bucket = self._buckets.get(source)
        if bucket is None:
            bucket = self._buckets[source] = TokenBucket(self.rate)
            while len(self._buckets) > self.max_sources:
                self._buckets.popitem(last=False)
        else:
            self._buckets.move_to_end(source)
        return bucket.take(now), bucket

    def __len__(self) -> int:
        """Return the number of senders with a bucket."""
        return len(self._buckets)
