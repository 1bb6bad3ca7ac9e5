"""The diagnostics counters: stored and restored, damaged data dropped."""

from datetime import UTC, datetime

from hypothesis import given, strategies as st

from custom_components.sangoma_phone.counters import RequestCounters


@given(
    st.dictionaries(st.text(max_size=8), st.integers(1, 10**9), max_size=20),
    st.dictionaries(st.text(max_size=8), st.integers(1, 10**9), max_size=20),
    st.booleans(),
)
def test_restore_of_save(
    events: dict[str, int], refused: dict[str, int], last: bool
) -> None:
    """from_dict(as_dict(counters)) == counters."""
    counters = RequestCounters()
    counters.events.update(events)
    counters.rejections.update(refused)
    if last:
        counters.count_rejection("rate_limited", "", datetime(2026, 1, 1, tzinfo=UTC))
    assert RequestCounters.from_dict(counters.as_dict()) == counters


def test_damaged_counters_start_over() -> None:
    """Unusable stored counters are dropped, usable ones kept."""
    restored = RequestCounters.from_dict(
        {
            "event_counts": {"dnd_on": 3, "x": -1, "y": True, "z": "7", 5: 1},
            "rejected_counts": ["not", "a", "mapping"],
            "last_rejected": {"reason": 5},
        }
    )
    assert restored == RequestCounters(events={"dnd_on": 3})  # type: ignore[arg-type]
    assert RequestCounters.from_dict(None) == RequestCounters()
