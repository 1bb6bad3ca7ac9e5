"""Parser, persistence and URL edges: each test pins one behaviour at a
boundary; docs/mutation.md says which remain unpinned and why. (The listener's
HTTP edges are in tests/listener/test_http.py.)
"""

from urllib.parse import quote

import pytest

from custom_components.sangoma_phone.protocol import (
    EVENTS,
    MAX_VALUE_LENGTH,
    PhoneState,
    QueryError,
    configuration_url,
    event_url,
    parse_query,
    provisioning_xml,
)
from custom_components.sangoma_phone.protocol.query import (
    MAX_QUERY_LENGTH,
    normalize_ip,
)

from .scenario_player import RawPhone


@pytest.mark.parametrize(
    ("ip", "url"),
    [
        (None, None),
        ("192.0.2.1", "http://192.0.2.1"),
        ("fe80::1", "http://[fe80::1]"),
        ("fe80::1%eth0", None),  # browsers take no scope id
        ("fe80::1%a]b", None),
        ("not an ip", None),
        (" 192.0.2.1", None),  # not as the parser stores it
        ("FE80::1", None),
    ],
)
def test_configuration_url(ip: str | None, url: str | None) -> None:
    assert configuration_url(ip) == url


def test_event_url_drops_only_trailing_slashes() -> None:
    assert event_url("http://hostX/", "w", EVENTS[0]).startswith("http://hostX/api/")


def test_provisioning_xml_has_one_entry_a_line() -> None:
    xml = provisioning_xml({e.key: f"http://h/{e.key}" for e in EVENTS[:2]})
    entries = [line for line in xml.splitlines() if line.startswith("<P37")]
    assert [line[:6] for line in entries] == ["<P3701", "<P3702"]
    assert all(line.endswith(">") for line in entries)


def test_too_long_query_says_how_long() -> None:
    with pytest.raises(QueryError) as err:
        parse_query("event=dnd_on&dr=" + "x" * MAX_QUERY_LENGTH)
    assert err.value.reason == "too_long"
    assert err.value.detail == f"{MAX_QUERY_LENGTH + 16} > {MAX_QUERY_LENGTH}"


def test_truncated_value_loses_the_space_at_the_cut() -> None:
    value = "a" * (MAX_VALUE_LENGTH - 1) + "%20b"
    variables = parse_query(f"event=registered&fw={value}").variables
    assert variables.firmware == "a" * (MAX_VALUE_LENGTH - 1)


def test_restore_names_what_it_dropped() -> None:
    assert PhoneState.restore(None) == (PhoneState(), ())
    assert PhoneState.restore("garbage") == (PhoneState(), ("state",))
    assert PhoneState.restore({"calls": {}})[1] == ()


@pytest.mark.parametrize(
    ("value", "ip"),
    [
        ("192.0.2.1", "192.0.2.1"),
        ("[2001:DB8::1]", "2001:db8::1"),
        ("fe80::1%eth0", "fe80::1%eth0"),
        ("fe80::1%br-lan.100", "fe80::1%br-lan.100"),
        ("fe80::1%7", "fe80::1%7"),
        ("192.0.2.1%eth0", None),  # IPv4 has no scope id
        ("fe80::1%", None),
        ("fe80::1%a]b", None),
        ("fe80::1%a b", None),
        ("fe80::1%a/b", None),
        ("fe80::1%" + "e" * 16, None),  # longer than an interface name
        ("fe80::1%" + "e" * 15, "fe80::1%" + "e" * 15),
        ("example.com", None),
    ],
)
def test_ip_addresses_are_checked_strictly(value: str, ip: str | None) -> None:
    assert normalize_ip(value) == ip
    variables = parse_query(f"event=ip_changed&ip={quote(value)}").variables
    assert variables.ip == ip


def test_every_field_survives_a_restart() -> None:
    phone = RawPhone()
    for event in (
        "registered",
        "dnd_on",
        "always_forward_on",
        "busy_forward_on",
        "no_answer_forward_on",
        "off_hook",
        "mute",
    ):
        phone.send(event, "mac=001565aabbcc&ip=192.0.2.9&model=S505&fw=1.0&au=1001")
    phone.send("incoming_call", "cid=c1&remote=sip:5550001@pbx&dr=Ann")
    phone.send("established", "cid=c1")
    phone.send("terminated", "cid=c1", after=30)
    phone.send("missed_call", "cid=c2&remote=5550002&dr=Bob")
    phone.send("incoming_call", "cid=c3&remote=5550003&dr=Cy")
    state = phone.state
    data = state.as_dict()
    assert [name for name, value in data.items() if value is None] == []
    assert PhoneState.restore(data) == (state, ())


@pytest.mark.parametrize(
    ("calls", "dropped"),
    [
        ({"c1": {"state": "ringing"}}, ()),
        ({"c1": "garbage"}, ("calls",)),
        ({"c1": {"state": "idle"}}, ("calls",)),
        ("garbage", ("calls",)),
        ({}, ()),
    ],
)
def test_restore_says_when_calls_were_dropped(
    calls: object, dropped: tuple[str, ...]
) -> None:
    assert PhoneState.restore({"calls": calls})[1] == dropped


def test_name_addr_with_a_bracket_in_the_name() -> None:
    query = "event=incoming_call&remote=%22A%20%3CB%3E%22%20%3Csip:1002@pbx%3E"
    variables = parse_query(query).variables
    assert (variables.display_remote, variables.remote_number) == ("A <B>", "1002")


@pytest.mark.parametrize(
    ("stored", "loaded"),
    [
        ({"missed_calls": -1}, None),
        ({"missed_calls": 0}, 0),
        ({"missed_calls": True}, None),
        ({"last_call_duration": -0.5}, None),
        ({"last_call_duration": 0}, 0.0),
        ({"last_call_duration": float("inf")}, None),
        ({"last_call_duration": float("nan")}, None),
        ({"last_call_duration": 10**400}, None),
        ({"registration": {"a": 1}}, None),
    ],
)
def test_restored_numbers_are_checked(
    stored: dict[str, object], loaded: object
) -> None:
    name = next(iter(stored))
    state, dropped = PhoneState.restore(stored)
    assert getattr(state, name) == loaded
    assert dropped == (() if loaded is not None else (name,))


def test_query_errors_say_what_was_wrong() -> None:
    with pytest.raises(QueryError) as err:
        parse_query("event=dnd_on&event=dnd_off")
    assert (err.value.reason, err.value.detail) == (
        "duplicate_event",
        "'dnd_on' != 'dnd_off'",
    )
    with pytest.raises(QueryError) as err:
        parse_query("event=" + "x" * 70)
    assert (err.value.reason, err.value.detail) == ("unknown_event", repr("x" * 64))


def test_number_of_a_bracketed_uri_with_a_bracket_after_it() -> None:
    variables = parse_query(
        "event=incoming_call&remote=%3C1002%3E;x=%22%3E%22"
    ).variables
    assert variables.remote_number == "1002"
