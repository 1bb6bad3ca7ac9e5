"""Tests for the token buckets of flood control (pure, clock passed in)."""

from hypothesis import given, strategies as st

from custom_components.sangoma_phone.protocol.ratelimit import (
    DEFAULT_RATE,
    MIN_BURST,
    SourceLimiter,
    TokenBucket,
    Verdict,
    burst_for,
)
from tools.sangoma_sim.scenarios import SCENARIOS


def test_burst_then_rate() -> None:
    """A full bucket lets a call's burst through, then `rate` a second."""
    bucket = TokenBucket()
    assert bucket.rate == DEFAULT_RATE
    assert bucket.burst == burst_for(DEFAULT_RATE) >= MIN_BURST
    verdicts = [bucket.take(100.0) for _ in range(int(bucket.burst) + 3)]
    assert all(v is Verdict.ACCEPT for v in verdicts[: int(bucket.burst)])
    assert verdicts[int(bucket.burst) :] == [
        Verdict.REFUSE_FLOOD_START,
        Verdict.REFUSE,
        Verdict.REFUSE,
    ]
    assert bucket.refused == 3
    # One second later, `rate` more: let through, but the flood goes on.
    later = [bucket.take(101.0) for _ in range(int(DEFAULT_RATE) + 1)]
    assert all(v is Verdict.ACCEPT for v in later[:-1])
    assert later[-1] is Verdict.REFUSE
    assert bucket.refused == 4  # the same flood
    # Quiet until the bucket is full again: the next request ends the flood.
    quiet = 101.0 + bucket.burst / bucket.rate
    assert bucket.take(quiet - 0.5) is Verdict.ACCEPT  # not full yet
    assert bucket.take(quiet + 0.5 + 1 / bucket.rate) is Verdict.ACCEPT_FLOOD_OVER
    assert bucket.refused == 4  # what the end reports
    assert bucket.take(quiet + 2) is Verdict.ACCEPT


def test_refills_to_burst_only_and_ignores_time_going_back() -> None:
    """Idle time refills up to the burst; a clock going back gives nothing."""
    bucket = TokenBucket(rate=100)
    assert bucket.burst == 400
    for _ in range(400):
        assert bucket.take(0.0).accepted
    assert not bucket.take(-50.0).accepted  # clock went back: no tokens
    assert [bucket.take(1000.0).accepted for _ in range(401)].count(True) == 400


def test_verdicts() -> None:
    """Only the two accepting verdicts let a request go on."""
    assert {v for v in Verdict if v.accepted} == {
        Verdict.ACCEPT,
        Verdict.ACCEPT_FLOOD_OVER,
    }


def test_source_limiter_keeps_senders_apart_and_bounded() -> None:
    """One sender's flood leaves others alone; old senders are dropped."""
    limiter = SourceLimiter(rate=1, max_sources=3)
    for _ in range(int(MIN_BURST)):
        assert limiter.take("10.0.0.1", 0.0)[0].accepted
    assert limiter.take("10.0.0.1", 0.0)[0] is Verdict.REFUSE_FLOOD_START
    assert limiter.take("10.0.0.2", 0.0)[0] is Verdict.ACCEPT
    limiter.take("10.0.0.1", 0.0)  # most recently used again
    limiter.take("10.0.0.3", 0.0)
    limiter.take("10.0.0.4", 0.0)  # drops 10.0.0.2, the least recently used
    assert len(limiter) == 3
    verdict, bucket = limiter.take("10.0.0.1", 0.0)
    assert verdict is Verdict.REFUSE
    assert bucket.refused == 3


@given(
    rate=st.integers(min_value=1, max_value=1000),
    gaps=st.lists(
        st.floats(min_value=0, max_value=5, allow_nan=False), min_size=1, max_size=300
    ),
)
def test_never_more_than_burst_plus_rate(rate: int, gaps: list[float]) -> None:
    """Over any stretch, at most burst + rate x seconds requests are accepted."""
    bucket = TokenBucket(rate=rate)
    now = 0.0
    accepted = 0
    flooding = False
    for gap in gaps:
        now += gap
        verdict = bucket.take(now)
        accepted += verdict.accepted
        # Floods start and end exactly once each.
        if verdict is Verdict.REFUSE_FLOOD_START:
            assert not flooding
            flooding = True
        elif verdict is Verdict.ACCEPT_FLOOD_OVER:
            assert flooding
            flooding = False
        assert flooding == bucket.flooding
        assert 0 <= bucket.tokens <= bucket.burst
    assert accepted <= bucket.burst + rate * now + 1e-6


def test_a_phone_s_own_bursts_pass_a_flood_does_not() -> None:
    """With the defaults, every simulator scenario back to back passes at
    once; a flood of 200 requests a second is refused within its first second."""
    requests = sum(len(scenario.steps) for scenario in SCENARIOS.values())
    bucket = TokenBucket()
    assert all(bucket.take(0.0).accepted for _ in range(requests))
    flood = TokenBucket()
    verdicts = [flood.take(i / 200) for i in range(400)]  # two seconds
    assert sum(not v.accepted for v in verdicts[:200]) > 0
    assert sum(v.accepted for v in verdicts[200:]) <= 200 * DEFAULT_RATE / 100


def test_a_given_burst_or_fill_is_kept_even_zero() -> None:
    """Only a burst or fill left out is worked out: a bucket may start empty,
    and one with a burst of 0 never lets a request through."""
    empty = TokenBucket(rate=2, tokens=0)
    assert empty.burst == burst_for(2)
    assert empty.take(0.0) is Verdict.REFUSE_FLOOD_START
    assert empty.take(0.5) is Verdict.ACCEPT  # half a second at 2/s: one token
    assert empty.flooding  # not over until the bucket is full
    closed = TokenBucket(rate=5, burst=0)
    assert [closed.take(t).accepted for t in (0.0, 1.0, 100.0)] == [False] * 3


def test_a_fill_above_the_burst_is_spent_then_refills_to_the_burst() -> None:
    """The tokens a bucket is given are all spent, even more than its burst
    (a credit); idle time then refills it to the burst only."""
    bucket = TokenBucket(rate=1, burst=2, tokens=5)
    assert [bucket.take(0.0).accepted for _ in range(6)] == [True] * 5 + [False]
    assert [bucket.take(60.0).accepted for _ in range(3)] == [True, True, False]


def test_a_bucket_says_whether_a_flood_is_under_way() -> None:
    """`flooding` is True from the first refusal until a request is accepted
    with the bucket full again."""
    bucket = TokenBucket(rate=1, tokens=1)
    assert bucket.flooding is False
    assert bucket.take(0.0) is Verdict.ACCEPT
    assert bucket.flooding is False
    assert bucket.take(0.5) is Verdict.REFUSE_FLOOD_START
    assert bucket.flooding is True
    assert bucket.take(1.0) is Verdict.ACCEPT
    assert bucket.flooding is True
    assert bucket.take(1.0 + bucket.burst) is Verdict.ACCEPT_FLOOD_OVER
    assert bucket.flooding is False
    assert bucket.refused == 1  # the flood that just ended


def test_source_limiter_keeps_the_newest_sender_and_refills_over_time() -> None:
    """The sender dropped is the least recently used one, never the sender
    just added; a dropped sender starts again with a full bucket; every
    sender's bucket refills with time."""
    limiter = SourceLimiter(rate=1, max_sources=2)
    for _ in range(int(MIN_BURST)):
        limiter.take("a", 0.0)
    assert limiter.take("a", 0.0)[0] is Verdict.REFUSE_FLOOD_START
    limiter.take("b", 0.0)
    # "c" is new: "a" goes, "c" stays and its flood is seen.
    assert all(limiter.take("c", 0.0)[0].accepted for _ in range(int(MIN_BURST)))
    assert limiter.take("c", 0.0)[0] is Verdict.REFUSE_FLOOD_START
    assert len(limiter) == 2
    assert limiter.take("a", 0.0)[0] is Verdict.ACCEPT  # a full bucket again
    # A second later, "c" has one token more: let through, its flood goes on.
    assert limiter.take("c", 1.0)[0] is Verdict.ACCEPT
    assert limiter.take("c", 1.0)[0] is Verdict.REFUSE
