"""Catalogue of the Sangoma Action URL events and the URL parameters they carry.

One Action URL field per event on the phone (P3701..P3734); the event keys are
named once, in ``EventKey``. Rules: docs/protocol.md.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from types import MappingProxyType


class EventKey(StrEnum):
    """The key of each event, in P-code order: a public contract, never changed."""

    SETUP_COMPLETED = "setup_completed"
    REGISTERED = "registered"
    UNREGISTERED = "unregistered"
    REGISTER_FAILED = "register_failed"
    OFF_HOOK = "off_hook"
    ON_HOOK = "on_hook"
    INCOMING_CALL = "incoming_call"
    OUTGOING_CALL = "outgoing_call"
    ESTABLISHED = "established"
    TERMINATED = "terminated"
    DND_ON = "dnd_on"
    DND_OFF = "dnd_off"
    ALWAYS_FORWARD_ON = "always_forward_on"
    ALWAYS_FORWARD_OFF = "always_forward_off"
    BUSY_FORWARD_ON = "busy_forward_on"
    BUSY_FORWARD_OFF = "busy_forward_off"
    NO_ANSWER_FORWARD_ON = "no_answer_forward_on"
    NO_ANSWER_FORWARD_OFF = "no_answer_forward_off"
    TRANSFER_CALL = "transfer_call"
    BLIND_TRANSFER = "blind_transfer"
    ATTENDED_TRANSFER = "attended_transfer"
    HOLD = "hold"
    UNHOLD = "unhold"
    MUTE = "mute"
    UNMUTE = "unmute"
    MISSED_CALL = "missed_call"
    IDLE_TO_BUSY = "idle_to_busy"
    BUSY_TO_IDLE = "busy_to_idle"
    FORWARD_INCOMING_CALL = "forward_incoming_call"
    REJECT_INCOMING_CALL = "reject_incoming_call"
    ANSWER_NEW_INCALL = "answer_new_incall"
    TRANSFER_FINISHED = "transfer_finished"
    TRANSFER_FAILED = "transfer_failed"
    IP_CHANGED = "ip_changed"


_K = EventKey


@dataclass(frozen=True, slots=True, kw_only=True)
class ParamSpec:
    """A URL parameter: its short name and the PhoneVariables field it fills."""

    name: str
    field: str

    @property
    def variable(self) -> str:
        """Return the phone variable the phone substitutes (``$`` + field)."""
        return f"${self.field}"


@dataclass(frozen=True, slots=True, kw_only=True)
class EventSpec:
    """One Action URL event."""

    key: EventKey
    p_code: str
    name: str  # Sangoma's name, shown only next to the P-code on the URL page
    para: str
    params: tuple[str, ...]
    verified: bool = True


EVENT_PARAM = "event"

PARAMS: tuple[ParamSpec, ...] = (
    ParamSpec(name="mac", field="mac"),
    ParamSpec(name="ip", field="ip"),
    ParamSpec(name="model", field="model"),
    ParamSpec(name="fw", field="firmware"),
    ParamSpec(name="local", field="local"),
    ParamSpec(name="remote", field="remote"),
    ParamSpec(name="dl", field="display_local"),
    ParamSpec(name="dr", field="display_remote"),
    ParamSpec(name="cid", field="call_id"),
    ParamSpec(name="au", field="active_user"),
    ParamSpec(name="ah", field="active_host"),
    ParamSpec(name="aurl", field="active_url"),
)
PARAMS_BY_NAME: Mapping[str, ParamSpec] = MappingProxyType({p.name: p for p in PARAMS})

# Parameter sets, in URL order. Display names (most likely to hold a raw "&"
# or spaces) come last. Call events leave out "ah" and "aurl" so that every
# URL stays within 255 characters even with a 64-character webhook id.
_STATUS = ("mac", "ip")
_DEVICE = (*_STATUS, "model", "fw")
_ACCOUNT = (*_DEVICE, "au", "ah", "aurl")
_CALL = (*_STATUS, "cid", "local", "remote", "au", "dl", "dr")
_MUTE = (*_STATUS, "cid", "remote")

# Sangoma documents P3734 as "IP Changed", but public S-series provisioning
# templates use P3734 for an LED setting: that code is unverified. This is the
# one place that says so; everything else reads EventSpec.verified.
_UNVERIFIED = frozenset({_K.IP_CHANGED})

_TABLE: tuple[tuple[str, EventKey, str, str, tuple[str, ...]], ...] = (
    # p_code, key, Sangoma's name, provisioning para label, params
    ("P3701", _K.SETUP_COMPLETED, "Setup Completed", "SetupCompleted", _DEVICE),
    ("P3702", _K.REGISTERED, "Registered", "LogOn", _ACCOUNT),
    ("P3703", _K.UNREGISTERED, "Unregistered", "LogOff", _ACCOUNT),
    ("P3704", _K.REGISTER_FAILED, "Register Failed", "RegisterFailed", _ACCOUNT),
    ("P3705", _K.OFF_HOOK, "Off Hook", "OffHook", _STATUS),
    ("P3706", _K.ON_HOOK, "On Hook", "OnfHook", _STATUS),
    ("P3707", _K.INCOMING_CALL, "Incoming Call", "IncomingCall", _CALL),
    ("P3708", _K.OUTGOING_CALL, "Outgoing Call", "OutgoingCall", _CALL),
    ("P3709", _K.ESTABLISHED, "Established", "CallEstablished", _CALL),
    ("P3710", _K.TERMINATED, "Terminated", "CallTerminated", _CALL),
    ("P3711", _K.DND_ON, "Open DND", "OpenDND", _STATUS),
    ("P3712", _K.DND_OFF, "Close DND", "CloseDND", _STATUS),
    ("P3713", _K.ALWAYS_FORWARD_ON, "Open Always Forward", "OpenAlwaysForward", _STATUS),
    ("P3714", _K.ALWAYS_FORWARD_OFF, "Close Always Forward", "CloseAlwaysForward", _STATUS),
    ("P3715", _K.BUSY_FORWARD_ON, "Open Busy Forward", "OpenBusyForward", _STATUS),
    ("P3716", _K.BUSY_FORWARD_OFF, "Close Busy Forward", "CloseBusyForward", _STATUS),
    ("P3717", _K.NO_ANSWER_FORWARD_ON, "Open No Answer Forward", "OpenNoAnswerForward", _STATUS),
    ("P3718", _K.NO_ANSWER_FORWARD_OFF, "Close No Answer Forward", "CloseNoAnswerForward", _STATUS),
    ("P3719", _K.TRANSFER_CALL, "Transfer Call", "TransferCall", _CALL),
    ("P3720", _K.BLIND_TRANSFER, "Blind Transfer", "BlindTrandfercall", _CALL),
    ("P3721", _K.ATTENDED_TRANSFER, "Attended Transfer", "AttendedTransferCall", _CALL),
    ("P3722", _K.HOLD, "Hold", "Hold", _CALL),
    ("P3723", _K.UNHOLD, "UnHold", "Unhold", _CALL),
    ("P3724", _K.MUTE, "Mute", "Mute", _MUTE),
    ("P3725", _K.UNMUTE, "UnMute", "Unmute", _MUTE),
    ("P3726", _K.MISSED_CALL, "Missed Call", "MissedCall", _CALL),
    ("P3727", _K.IDLE_TO_BUSY, "Idle to Busy", "IdleToBusy", _CALL),
    ("P3728", _K.BUSY_TO_IDLE, "Busy to Idle", "BusyToIdel", _CALL),
    ("P3729", _K.FORWARD_INCOMING_CALL, "Forward Incoming Call", "ForwardIncomingCall", _CALL),
    ("P3730", _K.REJECT_INCOMING_CALL, "Reject Incoming Call", "RejectIncomingCall", _CALL),
    ("P3731", _K.ANSWER_NEW_INCALL, "Answer New-InCall", "AnswerNewIncomingCall", _CALL),
    ("P3732", _K.TRANSFER_FINISHED, "Transfer Finished", "TransferFinished", _CALL),
    ("P3733", _K.TRANSFER_FAILED, "Transfer Failed", "TransfeFailed", _CALL),
    ("P3734", _K.IP_CHANGED, "IP Changed", "IPChanged", _DEVICE),
)  # fmt: skip

EVENTS: tuple[EventSpec, ...] = tuple(
    EventSpec(
        key=key,
        p_code=p_code,
        name=name,
        para=f"ActionUrl.{para}",
        params=params,
        verified=key not in _UNVERIFIED,
    )
    for p_code, key, name, para, params in _TABLE
)
EVENTS_BY_KEY: Mapping[str, EventSpec] = MappingProxyType({e.key: e for e in EVENTS})
EVENT_KEYS: tuple[str, ...] = tuple(e.key.value for e in EVENTS)
