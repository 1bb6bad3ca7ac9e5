"""Tolerant parser for the raw query string of an Action URL request.

A value may hold a raw ``&``, spaces or bytes that are not UTF-8, so parameters
are split only at ``&`` followed by a known name and ``=``. Rules:
docs/protocol.md.
"""

from dataclasses import dataclass, fields
from functools import lru_cache
import ipaddress
from operator import attrgetter
import re
from urllib.parse import unquote_to_bytes

from .events import EVENT_PARAM, EVENTS_BY_KEY, PARAMS, EventSpec

# Home Assistant states hold at most 255 characters (a name is shown as a state).
MAX_VALUE_LENGTH = 255
MAX_QUERY_LENGTH = 8192
MAX_BODY = MAX_QUERY_LENGTH  # a POST body holds the query

_NAMES = (EVENT_PARAM, *(p.name for p in PARAMS))
_BOUNDARY = re.compile(
    rb"(?:^|&(amp;)?)(" + b"|".join(n.encode() for n in _NAMES) + rb")="
)
# A URL copied out of the provisioning XML keeps its "&amp;" separators: they
# are read as "&" (as the phone meant them) and reported as this problem.
AMP_SEPARATOR = "amp_separator"
_BAD_PERCENT = re.compile(rb"%(?![0-9A-Fa-f]{2})")
_VARIABLES = frozenset(p.variable for p in PARAMS)
_MAC = re.compile(
    r"[0-9a-f]{12}"
    r"|[0-9a-f]{2}([:-])[0-9a-f]{2}(?:\1[0-9a-f]{2}){4}"
    r"|[0-9a-f]{4}\.[0-9a-f]{4}\.[0-9a-f]{4}"
)
_MAC_SEPARATORS = re.compile(r"[:.-]")
_SCHEME = re.compile(r"(?:sips?|tel):", re.IGNORECASE)
_USER_END = re.compile(r"[;:?]")
# (parameter name, PhoneVariables field) of every parameter.
_PARAM_FIELDS = tuple((p.name, p.field) for p in PARAMS)
# An IPv6 scope id names an interface (eth0, br-lan, en0.100) or its index.
_SCOPE = re.compile(r"[A-Za-z0-9_.-]{1,15}")


@dataclass(frozen=True, slots=True, kw_only=True)
class PhoneVariables:
    """The phone variables carried by one request; None = not sent or empty."""

    mac: str | None = None
    ip: str | None = None
    model: str | None = None
    firmware: str | None = None
    local: str | None = None
    remote: str | None = None
    remote_number: str | None = None
    display_local: str | None = None
    display_remote: str | None = None
    call_id: str | None = None
    active_user: str | None = None
    active_host: str | None = None
    active_url: str | None = None

    def as_dict(self) -> dict[str, str | None]:
        """Return all fields, in declaration order."""
        return dict(zip(_VARIABLE_FIELDS, _get_variables(self), strict=True))


_VARIABLE_FIELDS = tuple(f.name for f in fields(PhoneVariables))
_get_variables = attrgetter(*_VARIABLE_FIELDS)


@dataclass(frozen=True, slots=True, kw_only=True)
class ParsedRequest:
    """A parsed request: the event, its variables and non-fatal problems."""

    event: EventSpec
    variables: PhoneVariables
    problems: tuple[str, ...] = ()


class QueryError(ValueError):
    """A query that cannot be used; ``reason`` is a stable code."""

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason
        self.detail = detail


# A phone sends the same MAC, IP and local URI with every request: their
# normal forms are kept (bounded) instead of being worked out every time.
_cache = lru_cache(maxsize=1024)


@_cache
def normalize_mac(value: str) -> str | None:
    """Return the MAC as 12 lowercase hex digits, or None if it is not one."""
    text = value.strip().lower()
    return _MAC_SEPARATORS.sub("", text) if _MAC.fullmatch(text) else None


def format_mac(mac: str) -> str:
    """Format a MAC as ``00:1F:C1:AA:BB:CC``; ValueError if it is not one."""
    if (digits := normalize_mac(mac)) is None:
        raise ValueError(f"invalid MAC address: {mac!r}")
    return ":".join(digits[i : i + 2] for i in range(0, 12, 2)).upper()


def number_from_uri(uri: str | None) -> str | None:
    """Return the user part (the number) of a SIP/tel URI or a bare number."""
    return None if uri is None else _number_from_uri(uri)


@_cache
def _number_from_uri(uri: str) -> str | None:
    text = uri.strip()
    if "<" in text:
        # The last "<": a quoted display name may hold one, a URI may not.
        text = text.rpartition("<")[2].partition(">")[0].strip()
    if _SCHEME.match(text):
        text = text.partition(":")[2]
    user = text.partition("@")[0]
    return _USER_END.split(user, maxsplit=1)[0].strip() or None


def parse_query(raw: str | bytes) -> ParsedRequest:
    """Parse the raw query string (the part after ``?``) of a request."""
    if len(raw) > MAX_QUERY_LENGTH:
        raise QueryError("too_long", f"{len(raw)} > {MAX_QUERY_LENGTH}")
    data = raw if isinstance(raw, bytes) else _to_bytes(raw)
    data = data.removeprefix(b"?")
    problems: dict[str, None] = {}
    matches = list(_BOUNDARY.finditer(data))
    if not matches:
        raise QueryError("missing_event")
    if matches[0].start() > 0:
        problems["unknown_param"] = None
    values: dict[str, str | None] = {}
    ends = [m.start() for m in matches[1:]] + [len(data)]
    for match, end in zip(matches, ends, strict=True):
        if match.group(1):
            problems[AMP_SEPARATOR] = None
        name = match.group(2).decode()
        chunk = data[match.end() : end]
        if name == EVENT_PARAM:  # keys have no "&": the rest is an unknown param
            chunk, _, rest = chunk.partition(b"&")
            if rest:
                problems["unknown_param"] = None
        value = _decode(chunk, problems)
        if name == EVENT_PARAM and value is not None:
            value = value.lower()
        if name in values:
            problems["duplicate_param"] = None
            old = values[name]
            if name == EVENT_PARAM and None not in (old, value) and old != value:
                raise QueryError("duplicate_event", f"{old!r} != {value!r}")
            if old is not None:
                continue
        values[name] = value
    key = values.get(EVENT_PARAM)
    if key is None:
        raise QueryError("missing_event")
    if (event := EVENTS_BY_KEY.get(key)) is None:
        raise QueryError("unknown_event", repr(key[:64]))
    found = {field: values.get(name) for name, field in _PARAM_FIELDS}
    for field, normalize in (("mac", normalize_mac), ("ip", normalize_ip)):
        if (value := found[field]) is not None:
            found[field] = normalize(value)
            if found[field] is None:
                problems[f"invalid_{field}"] = None
    for side in ("local", "remote"):
        name = f"display_{side}"
        found[name] = display_name(found[name]) or display_name_of(found[side])
    variables = PhoneVariables(**found, remote_number=number_from_uri(found["remote"]))
    return ParsedRequest(event=event, variables=variables, problems=tuple(problems))


def _to_bytes(text: str) -> bytes:
    """Encode text back to the bytes it most likely came from."""
    try:
        return text.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:
        return text.encode("utf-8", "surrogatepass")


def _decode(raw: bytes, problems: dict[str, None]) -> str | None:
    """Percent-decode, decode and clean one value; None if empty or unset."""
    data = raw
    if b"%" in raw:
        if _BAD_PERCENT.search(raw):
            problems["invalid_percent_encoding"] = None
        data = unquote_to_bytes(raw)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        text = data.decode("latin-1")
        problems["invalid_utf8"] = None
    text = text.strip()
    if len(text) > MAX_VALUE_LENGTH:
        text = text[:MAX_VALUE_LENGTH].rstrip()
        problems["value_truncated"] = None
    return text if text and text not in _VARIABLES else None


@_cache
def normalize_ip(value: str) -> str | None:
    """Return the IP address in canonical form, or None if it is not one (strict)."""
    text = value.strip().removeprefix("[").removesuffix("]")
    address, percent, scope = text.partition("%")
    if percent and not _SCOPE.fullmatch(scope):
        return None
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return None
    if percent and ip.version != 6:
        return None
    return f"{ip}%{scope}" if percent else str(ip)


def display_name(value: str | None) -> str | None:
    """Return a display name without the quotes SIP puts around it; None if empty."""
    if value is None:
        return None
    text = value.strip()
    if len(text) >= 2 and text[0] == text[-1] == '"':
        text = re.sub(r"\\(.)", r"\1", text[1:-1]).strip()
    return text or None


def display_name_of(uri: str | None) -> str | None:
    """Return the display name of a SIP name-addr (``"Alice" <sip:1002@pbx>``)."""
    if uri is None or "<" not in uri:
        return None
    return display_name(uri.rpartition("<")[0])
