"""The phone's URLs for setup: groups, minimal set, feed map, text list, &amp;."""

import pytest

from custom_components.sangoma_phone.protocol import (
    EVENTS,
    EVENTS_BY_KEY,
    EventKey,
    event_urls,
    parse_query,
    provisioning_xml,
    url_list_text,
)
from custom_components.sangoma_phone.urls.groups import (
    ALWAYS_FED,
    ENTITY_NAMES,
    FEEDS,
    GROUP_OF,
    GROUP_TITLES,
    MINIMAL,
    UrlGroup,
    entity_list,
    feed_table,
    group_entities,
    group_events,
    shown_events,
)
from custom_components.sangoma_phone.protocol.query import AMP_SEPARATOR

BASE = "http://192.168.1.10:8123"
WEBHOOK_ID = "0123456789abcdef0123456789abcdef"


def test_every_event_is_in_one_group_and_mapped() -> None:
    assert set(GROUP_OF) == set(FEEDS) == {e.key for e in EVENTS}
    assert set(GROUP_TITLES) == set(UrlGroup)
    grouped = [e.key for g in UrlGroup for e in group_events(g, unverified=True)]
    assert sorted(grouped) == sorted(e.key for e in EVENTS)
    for keys in FEEDS.values():
        assert set(keys) <= set(ENTITY_NAMES)
        assert not set(keys) & set(ALWAYS_FED)


def test_minimal_set() -> None:
    assert {
        EventKey.INCOMING_CALL,
        EventKey.OUTGOING_CALL,
        EventKey.ESTABLISHED,
        EventKey.TERMINATED,
        EventKey.MISSED_CALL,
        EventKey.BUSY_TO_IDLE,
        EventKey.DND_ON,
        EventKey.DND_OFF,
        EventKey.REGISTERED,
    } == MINIMAL
    assert all(EVENTS_BY_KEY[key].verified for key in MINIMAL)


def test_group_entities_say_what_stays_unknown() -> None:
    assert "off_hook" in group_entities(UrlGroup.HOOK_MUTE)
    assert "muted" in group_entities(UrlGroup.HOOK_MUTE)
    assert "always_forward" in group_entities(UrlGroup.DND_FORWARDS)
    assert group_entities(UrlGroup.REGISTRATION) == ("registered",)
    assert entity_list(()) == "—"


def test_unverified_events_are_opt_in() -> None:
    unverified = [e.key for e in EVENTS if not e.verified]
    assert unverified == [EventKey.IP_CHANGED]
    assert len(shown_events()) == 33
    assert len(shown_events(unverified=True)) == 34
    assert EventKey.IP_CHANGED not in [e.key for e in group_events(UrlGroup.DEVICE)]
    default = event_urls(BASE, WEBHOOK_ID, unverified=False)
    assert EventKey.IP_CHANGED not in default
    assert "P3734" not in provisioning_xml(default).split("-->")[1]
    assert "P3734" not in url_list_text(default)
    assert "P3734\t" in url_list_text(event_urls(BASE, WEBHOOK_ID))


def test_feed_table() -> None:
    table = feed_table()
    lines = table.splitlines()
    assert len(lines) == 2 + len(EVENTS)
    assert lines[2].startswith("| P3701 | Setup Completed | Device |")
    assert "| P3734 | IP Changed (unverified, opt-in) |" in table
    assert "| P3707 | Incoming Call | Calls | yes | Call state, In call," in table


def test_url_list_text() -> None:
    urls = event_urls(BASE, WEBHOOK_ID)
    text = url_list_text(urls)
    lines = text.splitlines()
    assert len(lines) == 34
    code, _, url = lines[6].partition("\t")
    assert code == "P3707"
    assert url == urls[EventKey.INCOMING_CALL]
    assert "&amp;" not in text
    assert "&mac=$mac" in url
    assert url_list_text({"bogus": "x", EventKey.DND_ON: "u"}) == "P3711\tu\n"


@pytest.mark.parametrize(
    "query",
    [
        "event=incoming_call&amp;mac=001fc1aabbcc&amp;ip=192.168.1.20&amp;dr=Smith",
        "event=incoming_call&amp;mac=001fc1aabbcc&ip=192.168.1.20&amp;dr=Smith",
    ],
)
def test_amp_separators_read_as_meant(query: str) -> None:
    request = parse_query(query)
    assert request.event.key == EventKey.INCOMING_CALL
    assert request.variables.mac == "001fc1aabbcc"
    assert request.variables.ip == "192.168.1.20"
    assert request.variables.display_remote == "Smith"
    assert request.problems == (AMP_SEPARATOR,)


def test_amp_in_a_value_stays() -> None:
    request = parse_query("event=incoming_call&dr=AT&amp;T&mac=001fc1aabbcc")
    assert request.variables.display_remote == "AT&amp;T"
    assert AMP_SEPARATOR not in request.problems
