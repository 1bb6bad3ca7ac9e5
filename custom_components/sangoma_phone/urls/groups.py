"""What each Action URL feeds: URL groups, the minimal set, P-code → entity map.

The one table of which entities an event changes (besides ALWAYS_FED); the URL
page, the text list and the README are built from it. See docs/urls.md.
"""

from collections.abc import Mapping
from enum import StrEnum
from types import MappingProxyType

from ..const import NOTHING
from ..protocol.events import EVENTS, EventKey, EventSpec
from ..texts import Texts


class UrlGroup(StrEnum):
    """What a group of URLs feeds, in the order the URL page shows them."""

    CALLS = "calls"
    DND_FORWARDS = "dnd_forwards"
    HOOK_MUTE = "hook_mute"
    REGISTRATION = "registration"
    DEVICE = "device"


# Every accepted request changes these (each URL carries $ip).
ALWAYS_FED: tuple[str, ...] = ("last_event", "phone_event", "ip_address")

_K = EventKey
_CALL = ("call_state", "in_call", "ringing", "on_hold")
_PARTY = ("remote_number", "remote_name")
_ENDED = (*_CALL, "muted", "last_call_duration")

_G = UrlGroup
_TABLE: tuple[tuple[EventKey, UrlGroup, bool, tuple[str, ...]], ...] = (
    # key, group, in the minimal set, entities it feeds (beyond ALWAYS_FED)
    (_K.SETUP_COMPLETED, _G.DEVICE, False, (*_CALL, "off_hook", "muted")),
    (_K.REGISTERED, _G.REGISTRATION, True, ("registered",)),
    (_K.UNREGISTERED, _G.REGISTRATION, False, ("registered",)),
    (_K.REGISTER_FAILED, _G.REGISTRATION, False, ("registered",)),
    (_K.OFF_HOOK, _G.HOOK_MUTE, False, ("off_hook",)),
    (_K.ON_HOOK, _G.HOOK_MUTE, False, ("off_hook",)),
    (_K.INCOMING_CALL, _G.CALLS, True, (*_CALL, *_PARTY)),
    (_K.OUTGOING_CALL, _G.CALLS, True, (*_CALL, *_PARTY)),
    (_K.ESTABLISHED, _G.CALLS, True, (*_CALL, *_PARTY)),
    (_K.TERMINATED, _G.CALLS, True, (*_ENDED, *_PARTY)),
    (_K.DND_ON, _G.DND_FORWARDS, True, ("dnd",)),
    (_K.DND_OFF, _G.DND_FORWARDS, True, ("dnd",)),
    (_K.ALWAYS_FORWARD_ON, _G.DND_FORWARDS, False, ("always_forward",)),
    (_K.ALWAYS_FORWARD_OFF, _G.DND_FORWARDS, False, ("always_forward",)),
    (_K.BUSY_FORWARD_ON, _G.DND_FORWARDS, False, ("busy_forward",)),
    (_K.BUSY_FORWARD_OFF, _G.DND_FORWARDS, False, ("busy_forward",)),
    (_K.NO_ANSWER_FORWARD_ON, _G.DND_FORWARDS, False, ("no_answer_forward",)),
    (_K.NO_ANSWER_FORWARD_OFF, _G.DND_FORWARDS, False, ("no_answer_forward",)),
    (_K.TRANSFER_CALL, _G.CALLS, False, ()),
    (_K.BLIND_TRANSFER, _G.CALLS, False, ()),
    (_K.ATTENDED_TRANSFER, _G.CALLS, False, ()),
    (_K.HOLD, _G.CALLS, False, (*_CALL, *_PARTY)),
    (_K.UNHOLD, _G.CALLS, False, (*_CALL, *_PARTY)),
    (_K.MUTE, _G.HOOK_MUTE, False, ("muted",)),
    (_K.UNMUTE, _G.HOOK_MUTE, False, ("muted",)),
    (_K.MISSED_CALL, _G.CALLS, True, (*_ENDED, *_PARTY, "missed_calls")),
    (_K.IDLE_TO_BUSY, _G.CALLS, False, (*_CALL, *_PARTY)),
    (_K.BUSY_TO_IDLE, _G.CALLS, True, (*_ENDED, *_PARTY, "off_hook")),
    (_K.FORWARD_INCOMING_CALL, _G.CALLS, False, (*_ENDED, *_PARTY)),
    (_K.REJECT_INCOMING_CALL, _G.CALLS, False, (*_ENDED, *_PARTY)),
    (_K.ANSWER_NEW_INCALL, _G.CALLS, False, (*_CALL, *_PARTY)),
    (_K.TRANSFER_FINISHED, _G.CALLS, False, (*_ENDED, *_PARTY)),
    (_K.TRANSFER_FAILED, _G.CALLS, False, ()),
    (_K.IP_CHANGED, _G.DEVICE, False, ()),
)  # fmt: skip

GROUP_OF: Mapping[str, UrlGroup] = MappingProxyType({k: g for k, g, _, _ in _TABLE})
MINIMAL: frozenset[str] = frozenset(k for k, _, minimal, _ in _TABLE if minimal)
FEEDS: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {k: tuple(dict.fromkeys(f)) for k, _, _, f in _TABLE}
)


def shown_events(*, unverified: bool = False) -> tuple[EventSpec, ...]:
    """Return the events whose URLs the phone gets: unverified ones only if asked."""
    return tuple(e for e in EVENTS if e.verified or unverified)


def group_events(group: UrlGroup, *, unverified: bool = False) -> tuple[EventSpec, ...]:
    """Return a group's events, in P-code order."""
    return tuple(
        e for e in shown_events(unverified=unverified) if GROUP_OF[e.key] is group
    )


def group_entities(group: UrlGroup) -> tuple[str, ...]:
    """Return the entities that stay unknown without a group's URLs."""
    fed = (FEEDS[e.key] for e in EVENTS if GROUP_OF[e.key] is group)
    return tuple(dict.fromkeys(key for keys in fed for key in keys))


def group_title(group: UrlGroup, texts: Texts) -> str:
    """Return a group's title."""
    return texts.phrase(f"group_{group}")


def entity_list(keys: tuple[str, ...], texts: Texts) -> str:
    """Return entity names, comma-separated (NOTHING for none)."""
    return ", ".join(texts.entity_name(key) for key in keys) or NOTHING


def feed_table(texts: Texts) -> str:
    """Return the field → entity map as a Markdown table (URL page, docs)."""
    rows = [texts.phrase("table_head"), "|---|---|---|---|---|"]
    rows.extend(
        f"| {e.name}{'' if e.verified else f' ({texts.phrase("unverified")})'} "
        f"| {e.p_code} | {group_title(GROUP_OF[e.key], texts)} "
        f"| {texts.phrase('yes') if e.key in MINIMAL else ''} "
        f"| {entity_list(FEEDS[e.key], texts)} |"
        for e in EVENTS
    )
    return "\n".join(rows) + "\n"
