"""Tests of the query parser."""

import pytest

from custom_components.sangoma_phone.protocol import (
    EVENTS_BY_KEY,
    MAX_VALUE_LENGTH,
    EventKey,
    PhoneVariables,
    QueryError,
    format_mac,
    normalize_mac,
    number_from_uri,
    parse_query,
)
from custom_components.sangoma_phone.protocol.query import AMP_SEPARATOR


def test_full_query() -> None:
    parsed = parse_query(
        "event=incoming_call&mac=001565AABBCC&ip=192.168.1.20&cid=abc%40host"
        "&local=sip:1001@pbx&remote=sip:+15551234@pbx;user=phone&au=1001"
        "&dl=Desk&dr=Smith%20%26%20Sons"
    )
    assert parsed.event is EVENTS_BY_KEY["incoming_call"]
    assert parsed.problems == ()
    assert parsed.variables == PhoneVariables(
        mac="001565aabbcc",
        ip="192.168.1.20",
        local="sip:1001@pbx",
        remote="sip:+15551234@pbx;user=phone",
        remote_number="+15551234",
        display_local="Desk",
        display_remote="Smith & Sons",
        call_id="abc@host",
        active_user="1001",
    )


def test_bytes_and_str_are_equivalent() -> None:
    raw = "event=terminated&dr=Jürgen Müller & Söhne"
    assert parse_query(raw) == parse_query(raw.encode())
    assert parse_query(raw).variables.display_remote == "Jürgen Müller & Söhne"


def test_as_dict_has_all_fields_in_order() -> None:
    variables = parse_query("event=hold&cid=7&remote=1002").variables
    assert list(variables.as_dict().items()) == [
        ("mac", None),
        ("ip", None),
        ("model", None),
        ("firmware", None),
        ("local", None),
        ("remote", "1002"),
        ("remote_number", "1002"),
        ("display_local", None),
        ("display_remote", None),
        ("call_id", "7"),
        ("active_user", None),
        ("active_host", None),
        ("active_url", None),
    ]


@pytest.mark.parametrize(
    ("raw", "value"),
    [
        ("dr=Smith & Sons", "Smith & Sons"),
        ("dr=Smith &Sons", "Smith &Sons"),
        ("dr=a=b&c=d", "a=b&c=d"),  # unknown "&c=" stays part of the value
        ("dr=+1555 #2", "+1555 #2"),  # "+" is a literal plus, "#" is kept
        ('dr=<"Bob">', '<"Bob">'),
        ("dr=%2B1555%20x", "+1555 x"),
        ("dr=%e2%98%8e%EF%B8%8F", "☎️"),
        ("dr=  padded \t", "padded"),
        ("dr=%20%20", None),
        ("dr=", None),
        ("dr=$display_remote", None),
        ("dr=$remote", None),  # any known variable left unsubstituted
        ("dr=%24display_remote", None),
        ("dr=$dollar", "$dollar"),
        ("dr=$", "$"),
    ],
)
def test_values(raw: str, value: str | None) -> None:
    parsed = parse_query(f"event=terminated&{raw}")
    assert parsed.variables.display_remote == value
    assert parsed.problems == ()


def test_boundaries_need_a_known_name() -> None:
    parsed = parse_query("event=established&dl=A&B&mac=001565aabbcc&dr=X&ip=10.0.0.1")
    assert parsed.variables.display_local == "A&B"
    assert parsed.variables.mac == "001565aabbcc"
    assert parsed.variables.display_remote == "X"
    assert parsed.variables.ip == "10.0.0.1"
    # A parameter name must be followed by "=" to count.
    assert parse_query("event=hold&dr=a&ip&cid").variables.display_remote == "a&ip&cid"
    # Parameter names are case-sensitive: "&IP=" is text.
    assert parse_query("event=hold&dr=a&IP=1").variables.display_remote == "a&IP=1"


def test_event_key_is_trimmed_and_case_insensitive() -> None:
    assert parse_query("event=%20Incoming_CALL ").event.key == "incoming_call"
    assert parse_query("?event=hold").event.key == "hold"
    assert parse_query(b"&event=hold&").event.key == "hold"
    assert parse_query(b"&event=hold&").problems == ()


@pytest.mark.parametrize(
    "raw",
    ["foo=bar&event=hold&cid=1", "event=hold&foo=bar&cid=1", "event=hold&x&cid=1"],
)
def test_unknown_params_around_the_event_are_ignored(raw: str) -> None:
    parsed = parse_query(raw)
    assert parsed.event.key == "hold"
    assert parsed.variables.call_id == "1"
    assert parsed.problems == ("unknown_param",)


def test_unknown_params_after_other_params_stay_in_the_value() -> None:
    parsed = parse_query("event=hold&cid=1&foo=bar")
    assert parsed.variables.call_id == "1&foo=bar"
    assert parsed.problems == ()


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ("", "missing_event"),
        ("mac=001565aabbcc", "missing_event"),
        ("event=", "missing_event"),
        ("event=%20&mac=1", "missing_event"),
        ("foo=bar", "missing_event"),
        ("event=ringing", "unknown_event"),
        ("event=$event", "unknown_event"),
        ("event=hold&event=unhold", "duplicate_event"),
        ("event=x" * 2000, "too_long"),
    ],
)
def test_errors(raw: str, reason: str) -> None:
    with pytest.raises(QueryError) as err:
        parse_query(raw)
    assert err.value.reason == reason
    assert isinstance(err.value, ValueError)
    assert str(err.value).startswith(reason)


def test_error_detail() -> None:
    error = QueryError("unknown_event", "'x'")
    assert (error.reason, error.detail, str(error)) == (
        "unknown_event",
        "'x'",
        "unknown_event: 'x'",
    )
    assert str(QueryError("missing_event")) == "missing_event"


def test_query_length_limit() -> None:
    base = "event=hold&dr="
    ok = base + "a" * (8192 - len(base))
    assert parse_query(ok).event.key == "hold"
    with pytest.raises(QueryError, match="too_long"):
        parse_query(ok + "a")
    with pytest.raises(QueryError, match="too_long"):
        parse_query((ok + "a").encode())


def test_duplicates() -> None:
    parsed = parse_query(
        "event=hold&cid=&cid=2&cid=3&event=HOLD&remote=$remote&remote=9"
    )
    assert parsed.event.key == "hold"
    assert parsed.variables.call_id == "2"
    assert parsed.variables.remote == "9"
    assert parsed.problems == ("duplicate_param",)
    assert parse_query("event=&event=hold").event.key == "hold"
    assert parse_query("event=hold&event=").event.key == "hold"


def test_truncation() -> None:
    parsed = parse_query("event=hold&dr=" + "é" * 300 + "&cid=1")
    assert parsed.variables.display_remote == "é" * MAX_VALUE_LENGTH
    assert parsed.variables.call_id == "1"
    assert parsed.problems == ("value_truncated",)
    exact = parse_query("event=hold&dr=" + "x" * MAX_VALUE_LENGTH)
    assert exact.problems == ()
    # Whitespace left at the cut is trimmed as well.
    cut = parse_query("event=hold&dr=" + "x" * 255 + "  y")
    assert cut.variables.display_remote == "x" * 255


def test_invalid_utf8_falls_back_to_latin1() -> None:
    parsed = parse_query(b"event=hold&dr=M\xfcller&dl=Caf\xc3\xa9")
    assert parsed.variables.display_remote == "Müller"
    assert parsed.variables.display_local == "Café"
    assert parsed.problems == ("invalid_utf8",)
    encoded = parse_query("event=hold&dr=M%FCller")
    assert encoded.variables.display_remote == "Müller"
    assert encoded.problems == ("invalid_utf8",)


def test_str_with_surrogates() -> None:
    # A str decoded with surrogateescape gets its original bytes back.
    raw = b"event=hold&dr=M\xfcller".decode("utf-8", "surrogateescape")
    assert parse_query(raw).variables.display_remote == "Müller"
    # Lone surrogates never make the parser fail.
    parsed = parse_query("event=hold&dr=a\ud800b")
    assert parsed.event.key == "hold"
    assert parsed.problems == ("invalid_utf8",)


def test_invalid_percent_encoding_is_kept() -> None:
    parsed = parse_query("event=hold&dr=100%&dl=%zz%4")
    assert parsed.variables.display_remote == "100%"
    assert parsed.variables.display_local == "%zz%4"
    assert parsed.problems == ("invalid_percent_encoding",)


def test_problems_are_unique_and_ordered() -> None:
    parsed = parse_query(
        b"x&event=hold&mac=nope&dr=\xff%&dr=1&ip=999.1.1.1&dl=" + b"a" * 300
    )
    assert parsed.problems == (
        "unknown_param",
        "invalid_percent_encoding",
        "invalid_utf8",
        "duplicate_param",
        "value_truncated",
        "invalid_mac",
        "invalid_ip",
    )
    assert parsed.variables.mac is None
    assert parsed.variables.ip is None


@pytest.mark.parametrize(
    ("raw", "ip"),
    [
        ("10.0.0.7", "10.0.0.7"),
        ("fe80::0001", "fe80::1"),
        ("[2001:db8::1]", "2001:db8::1"),
        ("fe80::1%25eth0", "fe80::1%eth0"),
    ],
)
def test_ip(raw: str, ip: str) -> None:
    parsed = parse_query(f"event=ip_changed&ip={raw}")
    assert parsed.variables.ip == ip
    assert parsed.problems == ()


@pytest.mark.parametrize(
    "value",
    [
        "00:15:65:AA:BB:CC",
        "00-15-65-aa-bb-cc",
        "0015.65aa.bbcc",
        "001565aabbcc",
        " 001565AABBCC ",
    ],
)
def test_normalize_mac(value: str) -> None:
    assert normalize_mac(value) == "001565aabbcc"
    assert format_mac(value) == "00:15:65:AA:BB:CC"


@pytest.mark.parametrize(
    "value",
    [
        "",
        "001565aabb",
        "001565aabbccdd",
        "00:15:65:aa:bb-cc",
        "0015.65aa:bbcc",
        "g01565aabbcc",
        "00:15:65:aa:bb:c",
    ],
)
def test_invalid_mac(value: str) -> None:
    assert normalize_mac(value) is None
    with pytest.raises(ValueError, match="invalid MAC"):
        format_mac(value)


def test_mac_in_query() -> None:
    assert (
        parse_query("event=hold&mac=00:15:65:AA:BB:CC").variables.mac == "001565aabbcc"
    )
    parsed = parse_query("event=hold&mac=$mac")
    assert parsed.variables.mac is None
    assert parsed.problems == ()


@pytest.mark.parametrize(
    ("uri", "number"),
    [
        ("sip:+1555@pbx;user=phone", "+1555"),
        ("1002@pbx", "1002"),
        ("1002", "1002"),
        ("<sip:1002@x>", "1002"),
        ('"Bob" <sip:1002@x>', "1002"),
        ("tel:+1555", "+1555"),
        ("tel:+1555;phone-context=example.com", "+1555"),
        ("SIPS:1002@x:5061", "1002"),
        ("sip:1002:secret@x", "1002"),
        ("sip:1002@x?subject=y", "1002"),
        ("  1002  ", "1002"),
        ("sip:@x", None),
        ("<>", None),
        ("", None),
        (None, None),
    ],
)
def test_number_from_uri(uri: str | None, number: str | None) -> None:
    assert number_from_uri(uri) == number


@pytest.mark.parametrize(
    ("query", "name", "number"),
    [
        ("remote=%22Alice%22%20%3Csip:1002@pbx%3E", "Alice", "1002"),
        ("remote=Alice%20Smith%20%3Csip:1002@pbx%3E", "Alice Smith", "1002"),
        ('remote="Alice"<sip:1002@pbx>', "Alice", "1002"),
        ("remote=%3Csip:1002@pbx%3E", None, "1002"),
        ('remote="Alice"<sip:1002@pbx>&dr=Bob', "Bob", "1002"),  # dr wins
        ('remote=""<sip:1002@pbx>', None, "1002"),  # an empty name is none
        ('dr="Alice"', "Alice", None),
        ('dr="Al \\"Bo\\" Ce"', 'Al "Bo" Ce', None),
        ('dr=""', None, None),
        ('dr=" "', None, None),
        ('dr="', '"', None),
        ("dr=Alice", "Alice", None),
    ],
)
def test_display_names(query: str, name: str | None, number: str | None) -> None:
    variables = parse_query(f"event=incoming_call&{query}").variables
    assert (variables.display_remote, variables.remote_number) == (name, number)


def test_display_local_is_unquoted_too() -> None:
    variables = parse_query('event=incoming_call&dl="Front desk"').variables
    assert variables.display_local == "Front desk"
    variables = parse_query('event=incoming_call&local="Desk"<sip:1@pbx>').variables
    assert variables.display_local == "Desk"


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
