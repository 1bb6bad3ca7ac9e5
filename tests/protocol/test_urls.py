"""Tests of the URL builder, including the round trip through the parser."""

from collections.abc import Mapping
import re
from urllib.parse import quote

import pytest

from custom_components.sangoma_phone.protocol import (
    EVENT_KEYS,
    EVENTS,
    EVENTS_BY_KEY,
    PARAMS,
    PARAMS_BY_NAME,
    EventSpec,
    event_query,
    event_url,
    event_urls,
    number_from_uri,
    parse_query,
    webhook_path,
)

BASE = "http://homeassistant.local:8123"
WEBHOOK_ID = "0123456789abcdef0123456789abcdef"


def test_webhook_path() -> None:
    assert webhook_path("abc") == "/api/webhook/abc"


def test_event_query() -> None:
    query = event_query(EVENTS_BY_KEY["mute"])
    assert query == "event=mute&mac=$mac&ip=$ip&cid=$call_id&remote=$remote"


def test_event_url() -> None:
    url = event_url(BASE + "/", WEBHOOK_ID, EVENTS_BY_KEY["dnd_on"])
    assert url == f"{BASE}/api/webhook/{WEBHOOK_ID}?event=dnd_on&mac=$mac&ip=$ip"
    assert event_url(BASE, WEBHOOK_ID, EVENTS_BY_KEY["dnd_on"]) == url


def test_event_urls() -> None:
    urls = event_urls(BASE, WEBHOOK_ID)
    assert tuple(urls) == EVENT_KEYS
    for event in EVENTS:
        assert urls[event.key] == event_url(BASE, WEBHOOK_ID, event)
        query = urls[event.key].partition("?")[2]
        names = [pair.partition("=")[0] for pair in query.split("&")]
        assert names == ["event", *event.params]


@pytest.mark.parametrize("id_length", [32, 64])
def test_urls_fit_in_255_characters(id_length: int) -> None:
    urls = event_urls(BASE, "f" * id_length)
    assert max(len(url) for url in urls.values()) <= 255


# What the phone might put in for each variable: (raw bytes, expected value).
PLAIN: dict[str, tuple[bytes, str | None]] = {
    "$mac": (b"001565aabbcc", "001565aabbcc"),
    "$ip": (b"192.168.1.20", "192.168.1.20"),
    "$model": (b"S505", "S505"),
    "$firmware": (b"2.0.4.52", "2.0.4.52"),
    "$local": (b"sip:1001@pbx.example", "sip:1001@pbx.example"),
    "$remote": (
        b"sip:+15551234@pbx.example;user=phone",
        "sip:+15551234@pbx.example;user=phone",
    ),
    "$display_local": (b"Front Desk", "Front Desk"),
    "$display_remote": (b"Smith & Sons", "Smith & Sons"),
    "$call_id": (b"a84b4c76e66710@pc33.example", "a84b4c76e66710@pc33.example"),
    "$active_user": (b"1001", "1001"),
    "$active_host": (b"pbx.example", "pbx.example"),
    "$active_url": (b"sip:1001@pbx.example", "sip:1001@pbx.example"),
}
TRICKY = PLAIN | {
    "$mac": (b"00:15:65:AA:BB:CC", "001565aabbcc"),
    "$ip": (b"fe80::0001", "fe80::1"),
    "$model": (b'S "505" <pro>', 'S "505" <pro>'),
    "$firmware": (b"2.0+beta=1#3", "2.0+beta=1#3"),
    "$local": (b'"Desk" <sip:1001@pbx>', '"Desk" <sip:1001@pbx>'),
    "$remote": (b"+15551234", "+15551234"),
    "$display_local": ("Büro ☎️ 100% & co".encode(), "Büro ☎️ 100% & co"),
    "$display_remote": (b"A&B=C #1 + 'x' &Sons", "A&B=C #1 + 'x' &Sons"),
    "$call_id": (b"1=2&3", "1=2&3"),
}
LATIN1 = PLAIN | {
    "$display_local": (b"Caf\xe9", "Café"),
    "$display_remote": (b"M\xfcller & S\xf6hne", "Müller & Söhne"),
}
EMPTY = dict.fromkeys(PLAIN, (b"", None))
UNSUBSTITUTED = {name: (name.encode(), None) for name in PLAIN}


def encoded(
    values: Mapping[str, tuple[bytes, str | None]],
) -> dict[str, tuple[bytes, str | None]]:
    """The same values, percent-encoded by the phone."""
    return {
        name: (quote(raw, safe="").encode(), value)
        for name, (raw, value) in values.items()
    }


SUBSTITUTIONS = {
    "plain": PLAIN,
    "tricky": TRICKY,
    "latin1": LATIN1,
    "empty": EMPTY,
    "unsubstituted": UNSUBSTITUTED,
    "encoded": encoded(TRICKY),
    "encoded_latin1": encoded(LATIN1),
}


def phone_request(url: str, values: Mapping[str, tuple[bytes, str | None]]) -> bytes:
    """Simulate the phone: substitute the $variables of the URL's query."""

    def substitute(match: re.Match[bytes]) -> bytes:
        return values[match[0].decode()][0]

    return re.sub(rb"\$[a-z_]+", substitute, url.partition("?")[2].encode())


@pytest.mark.parametrize("values", SUBSTITUTIONS.values(), ids=SUBSTITUTIONS)
@pytest.mark.parametrize("event", EVENTS, ids=EVENT_KEYS)
def test_round_trip(
    event: EventSpec, values: Mapping[str, tuple[bytes, str | None]]
) -> None:
    url = event_url(BASE, WEBHOOK_ID, event)
    parsed = parse_query(phone_request(url, values))
    assert parsed.event is event
    expected = dict.fromkeys(p.field for p in PARAMS)
    for name in event.params:
        param = PARAMS_BY_NAME[name]
        expected[param.field] = values[param.variable][1]
    variables = parsed.variables.as_dict()
    assert variables.pop("remote_number") == number_from_uri(expected["remote"])
    assert variables == expected
    assert "duplicate_param" not in parsed.problems
    assert "unknown_param" not in parsed.problems
