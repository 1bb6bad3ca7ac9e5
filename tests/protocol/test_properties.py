"""Property-based tests of the pure core: the parser and persistence.

(The state machine's invariants under event sequences have tests of their own.)
"""

from datetime import UTC, datetime

from hypothesis import HealthCheck, given, settings, strategies as st

from custom_components.sangoma_phone.protocol import (
    EVENT_KEYS,
    EVENT_PARAM,
    MAX_VALUE_LENGTH,
    PARAMS,
    Call,
    CallState,
    ParsedRequest,
    PhoneState,
    QueryError,
    Registration,
    parse_query,
)
from custom_components.sangoma_phone.protocol.model import (
    DIRECTIONS,
    MAX_CALLS,
    is_call_id,
)

NAMES = [EVENT_PARAM, *(p.name for p in PARAMS)]

# Bits a query is made of: known and unknown names, "=", "&", percent-encodings
# (valid, invalid, cut short), raw non-UTF-8 bytes, phone variables left as is.
PIECES = st.one_of(
    st.sampled_from([n.encode() for n in NAMES]),
    st.sampled_from(
        [b"=", b"&", b"?", b"#", b"%", b"%4", b"%zz", b"%41", b"%C3%A9", b"%FF", b"+"]
    ),
    st.sampled_from([k.encode() for k in EVENT_KEYS] + [b"$mac", b"$remote"]),
    st.binary(max_size=12),
    st.text(max_size=12).map(lambda t: t.encode("utf-8", "surrogatepass")),
)
STRUCTURED = st.lists(PIECES, max_size=40).map(b"".join)
ANY_TEXT = st.text(
    alphabet=st.characters(codec=None, exclude_categories=()), max_size=200
)
QUERIES = st.one_of(
    STRUCTURED,
    STRUCTURED.map(lambda b: b.decode("latin-1")),
    st.binary(max_size=300),
    ANY_TEXT,
    st.builds(lambda n: b"event=" + b"x" * n, st.integers(8000, 8300)),
)


@settings(max_examples=400, suppress_health_check=[HealthCheck.too_slow])
@given(QUERIES)
def test_parser_raises_only_its_own_error(raw: str | bytes) -> None:
    """Any str or bytes: a ParsedRequest or a QueryError, nothing else."""
    try:
        result = parse_query(raw)
    except QueryError:
        return
    assert isinstance(result, ParsedRequest)
    assert result.event.key in EVENT_KEYS
    for name, value in result.variables.as_dict().items():
        if value is None:
            continue
        assert value == value.strip() or name == "remote_number"
        assert len(value) <= MAX_VALUE_LENGTH
    if (mac := result.variables.mac) is not None:
        assert len(mac) == 12
        assert all(c in "0123456789abcdef" for c in mac)


@given(st.lists(st.sampled_from(NAMES), min_size=1, max_size=6), st.data())
def test_well_formed_queries_parse(names: list[str], data: st.DataObject) -> None:
    """An event key plus any known parameters always parses to that event."""
    key = data.draw(st.sampled_from(EVENT_KEYS))
    values = [
        data.draw(st.text(alphabet="abcXYZ019 .-_@:", max_size=20)) for _ in names
    ]
    query = "&".join(
        [f"event={key}"]
        + [f"{n}={v}" for n, v in zip(names, values, strict=True) if n != EVENT_PARAM]
    )
    assert parse_query(query).event.key == key


TIMES = st.datetimes(
    min_value=datetime(2000, 1, 1),  # noqa: DTZ001 (hypothesis wants naive bounds)
    max_value=datetime(2100, 1, 1),  # noqa: DTZ001
    timezones=st.just(UTC),
)
OPT_TEXT = st.none() | st.text(min_size=1, max_size=30)


@st.composite
def calls(draw: st.DrawFn) -> dict[str, Call]:
    """Calls as the state machine keeps them: keyed by id, never idle."""
    # Call ids as the parser keeps them (stripped); legs without one are "".
    ids = st.text(max_size=10).map(str.strip)
    keys = draw(st.lists(ids, unique=True, max_size=MAX_CALLS))
    return {
        key: Call(
            call_id=key if is_call_id(key) else None,
            state=draw(
                st.sampled_from([s for s in CallState if s is not CallState.IDLE])
            ),
            direction=draw(st.sampled_from(DIRECTIONS)),
            remote=draw(OPT_TEXT),
            remote_number=draw(OPT_TEXT),
            remote_name=draw(OPT_TEXT),
            connected_at=draw(st.none() | TIMES),
        )
        for key in keys
    }


OPT_BOOL = st.none() | st.booleans()
STATES = st.builds(
    PhoneState,
    registration=st.none() | st.sampled_from(Registration),
    off_hook=OPT_BOOL,
    dnd=OPT_BOOL,
    always_forward=OPT_BOOL,
    busy_forward=OPT_BOOL,
    no_answer_forward=OPT_BOOL,
    muted=OPT_BOOL,
    call_state=st.none() | st.sampled_from(CallState),
    remote_number=OPT_TEXT,
    remote_name=OPT_TEXT,
    local_identity=OPT_TEXT,
    missed_calls=st.none() | st.integers(min_value=0, max_value=10**9),
    last_missed_number=OPT_TEXT,
    last_missed_name=OPT_TEXT,
    last_event=st.none() | st.sampled_from(EVENT_KEYS),
    last_event_time=st.none() | TIMES,
    last_call_duration=st.none()
    | st.floats(min_value=0, max_value=1e9, allow_nan=False, allow_infinity=False),
    # As the parser stores them (restoring drops anything else).
    mac=st.none() | st.from_regex(r"[0-9a-f]{12}", fullmatch=True),
    ip=st.none() | st.ip_addresses().map(str),
    model=OPT_TEXT,
    firmware=OPT_TEXT,
    calls=calls(),
)


@settings(max_examples=300)
@given(STATES)
def test_restore_of_save_is_identity(state: PhoneState) -> None:
    """restore(save(state)) == state, through JSON-ready data."""
    assert PhoneState.from_dict(state.as_dict()) == state


@given(
    st.recursive(
        st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=10),
        lambda inner: (
            st.lists(inner, max_size=4)
            | st.dictionaries(st.text(max_size=10), inner, max_size=6)
        ),
        max_leaves=30,
    )
)
def test_restore_of_anything_never_raises(data: object) -> None:
    """Damaged stored data restores to a state (unusable values unknown)."""
    state = PhoneState.from_dict(data)  # type: ignore[arg-type]
    assert PhoneState.from_dict(state.as_dict()) == state
