"""The URL groups of the setup pages (urls/groups.py): every event in one group,
the minimal set, what each group feeds, unverified events opt-in, the feed map
(named as translated, in the README, matching the state machine)."""

from datetime import UTC, datetime
import json
from pathlib import Path

from custom_components.sangoma_phone.binary_sensor import BINARY_SENSORS
from custom_components.sangoma_phone.event import PHONE_EVENT
from custom_components.sangoma_phone.protocol import (
    EVENTS,
    EVENTS_BY_KEY,
    EventKey,
    PhoneStateMachine,
    event_urls,
    parse_query,
    provisioning_xml,
    url_list_text,
)
from custom_components.sangoma_phone.sensor import SENSORS
from custom_components.sangoma_phone.switch import DND
from custom_components.sangoma_phone.urls.groups import (
    ALWAYS_FED,
    FEEDS,
    GROUP_OF,
    MINIMAL,
    UrlGroup,
    entity_list,
    feed_table,
    group_entities,
    group_events,
    group_title,
    shown_events,
)

from ..conftest import en_texts

BASE = "http://192.168.1.10:8123"
WEBHOOK_ID = "0123456789abcdef0123456789abcdef"
ROOT = Path(__file__).parents[2]
EN = json.loads(
    (ROOT / "custom_components/sangoma_phone/translations/en.json").read_text()
)
TEXTS = en_texts()
ENTITY_KEYS = {key for platform in EN["entity"].values() for key in platform}


def test_every_event_is_in_one_group_and_mapped() -> None:
    assert set(GROUP_OF) == set(FEEDS) == {e.key for e in EVENTS}
    assert [group_title(g, TEXTS) for g in UrlGroup] == [
        "Calls",
        "DND and forwarding",
        "Handset and mute",
        "Registration",
        "Phone start",
    ]
    grouped = [e.key for g in UrlGroup for e in group_events(g, unverified=True)]
    assert sorted(grouped) == sorted(e.key for e in EVENTS)
    for keys in FEEDS.values():
        assert set(keys) <= ENTITY_KEYS
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
    assert entity_list((), TEXTS) == "—"
    assert entity_list(("in_call", "registered"), TEXTS) == "In call, SIP registration"


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
    table = feed_table(TEXTS)
    lines = table.splitlines()
    assert len(lines) == 2 + len(EVENTS)
    assert lines[2].startswith("| Setup Completed | P3701 | Phone start |  |")
    assert "| IP Changed (not confirmed on every firmware) | P3734 |" in table
    assert "| Incoming Call | P3707 | Calls | yes | Call state, In call," in table


def test_feed_map_names_and_readme() -> None:
    """The map's entities exist and are named as translated; the README has it."""
    keys = {d.key for d in (*BINARY_SENSORS, *SENSORS, DND, PHONE_EVENT)}
    fed = {key for keys in FEEDS.values() for key in keys} | set(ALWAYS_FED)
    assert fed <= keys <= ENTITY_KEYS
    docs = (ROOT / "docs/urls.md").read_text()
    assert feed_table(TEXTS) in docs


def test_feed_map_matches_the_state_machine() -> None:
    """Each event feeds exactly the entities its effect can change."""
    descriptions = {d.key: d.fields for d in (*BINARY_SENSORS, *SENSORS, DND)}
    starts = [
        "",
        "incoming_call&cid=1&remote=1002&dr=Bob",
        "established&cid=1&remote=1002&dr=Bob",
        "hold&cid=1&remote=1002&dr=Bob",
        "mute",
        "off_hook",
    ]
    for spec in EVENTS:
        fed: set[str] = set()
        for start in starts:
            machine = PhoneStateMachine()
            now = datetime(2026, 1, 1, tzinfo=UTC)
            if start:
                machine.apply(parse_query(f"event={start}"), now)
            changed = machine.apply(
                parse_query(f"event={spec.key}&cid=1&remote=1003&dr=Ann&au=1&ah=h"),
                now.replace(minute=1),
            )
            fed |= {k for k, f in descriptions.items() if f & changed}
        fed -= set(ALWAYS_FED)
        assert fed <= set(FEEDS[spec.key]), (spec.key, fed - set(FEEDS[spec.key]))
