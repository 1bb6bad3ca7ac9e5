"""Benchmarks of the protocol core: parsing, state machine, URLs, memory.

Prints figures; asserts nothing. Run with `scripts/bench`.
"""

from datetime import UTC, datetime, timedelta
import time
import tracemalloc

from custom_components.sangoma_phone.protocol import (
    EVENTS_BY_KEY,
    PhoneStateMachine,
    event_urls,
    parse_query,
    provisioning_xml,
)

ENCODED = (
    "event=incoming_call&mac=001fc1aabbcc&ip=192.168.1.50&cid=abc123"
    "&local=sip%3A201%40pbx.example&remote=sip%3A%2B15551234%40pbx.example"
    "&au=201&dl=Desk&dr=Smith%20%26%20Sons"
)
RAW = (
    b"event=incoming_call&mac=001fc1aabbcc&ip=192.168.1.50&cid=abc123"
    b"&local=sip:201@pbx.example&remote=sip:+15551234@pbx.example"
    b"&au=201&dl=Desk&dr=Jos\xe9 Smith & Sons"
)
CALL = ("incoming_call", "established", "hold", "unhold", "terminated")


def rate(label: str, count: int, func: object) -> None:
    """Run func count times and print operations per second."""
    assert callable(func)
    start = time.perf_counter()
    for _ in range(count):
        func()
    elapsed = time.perf_counter() - start
    print(f"{label:<44} {count / elapsed:>12,.0f} /s  {elapsed / count * 1e6:8.1f} µs")


def main() -> None:
    """Print the figures."""
    rate(
        "parse_query, percent-encoded call event", 50_000, lambda: parse_query(ENCODED)
    )
    rate(
        "parse_query, raw bytes (Latin-1, & in name)", 50_000, lambda: parse_query(RAW)
    )

    requests = [parse_query(ENCODED.replace("incoming_call", key)) for key in CALL]
    machine = PhoneStateMachine()
    now = datetime(2026, 1, 1, tzinfo=UTC)

    def call_cycle() -> None:
        for request in requests:
            machine.apply(request, now)

    rate("state machine, 5-event call cycle", 20_000, call_cycle)

    base = "http://homeassistant.local:8123"
    rate(
        "event_urls + provisioning_xml (34 URLs)",
        5_000,
        lambda: provisioning_xml(event_urls(base, "0123456789abcdef0123456789abcdef")),
    )

    tracemalloc.start()
    before = tracemalloc.take_snapshot()
    phones = []
    for index in range(1_000):
        phone = PhoneStateMachine()
        for request in requests[:2]:
            phone.apply(request, now + timedelta(seconds=index))
        phones.append(phone)
    after = tracemalloc.take_snapshot()
    size = sum(stat.size_diff for stat in after.compare_to(before, "filename"))
    print(
        f"{'memory per phone in a call (1,000 phones)':<44} {size / len(phones):>12,.0f} B"
    )
    longest = max(len(url) for url in event_urls(base, "0" * 32).values())
    print(f"{'longest Action URL (32-char webhook id)':<44} {longest:>12} chars")
    assert EVENTS_BY_KEY


if __name__ == "__main__":
    main()
