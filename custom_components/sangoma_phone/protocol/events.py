"""Catalogue of the Sangoma Action URL events and the URL parameters they carry.

Each event has one Action URL field on the phone (P3701..P3734). Each URL
carries ``event=<key>`` and a chosen set of parameters whose values are phone
``$variables``, substituted by the phone when it sends the request.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType


@dataclass(frozen=True, slots=True, kw_only=True)
class ParamSpec:
    """A URL parameter: its short name, the phone variable and the field."""

    name: str
    variable: str
    field: str


@dataclass(frozen=True, slots=True, kw_only=True)
class EventSpec:
    """One Action URL event."""

    key: str
    p_code: str
    name: str
    para: str
    params: tuple[str, ...]
    verified: bool = True


EVENT_PARAM = "event"

PARAMS: tuple[ParamSpec, ...] = (
    ParamSpec(name="mac", variable="$mac", field="mac"),
    ParamSpec(name="ip", variable="$ip", field="ip"),
    ParamSpec(name="model", variable="$model", field="model"),
    ParamSpec(name="fw", variable="$firmware", field="firmware"),
    ParamSpec(name="local", variable="$local", field="local"),
    ParamSpec(name="remote", variable="$remote", field="remote"),
    ParamSpec(name="dl", variable="$display_local", field="display_local"),
    ParamSpec(name="dr", variable="$display_remote", field="display_remote"),
    ParamSpec(name="cid", variable="$call_id", field="call_id"),
    ParamSpec(name="au", variable="$active_user", field="active_user"),
    ParamSpec(name="ah", variable="$active_host", field="active_host"),
    ParamSpec(name="aurl", variable="$active_url", field="active_url"),
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

_UNVERIFIED = frozenset({"ip_changed"})

_TABLE: tuple[tuple[str, str, str, str, tuple[str, ...]], ...] = (
    # p_code, key, Sangoma's name, provisioning para label, params
    ("P3701", "setup_completed", "Setup Completed", "SetupCompleted", _DEVICE),
    ("P3702", "registered", "Registered", "LogOn", _ACCOUNT),
    ("P3703", "unregistered", "Unregistered", "LogOff", _ACCOUNT),
    ("P3704", "register_failed", "Register Failed", "RegisterFailed", _ACCOUNT),
    ("P3705", "off_hook", "Off Hook", "OffHook", _STATUS),
    ("P3706", "on_hook", "On Hook", "OnfHook", _STATUS),
    ("P3707", "incoming_call", "Incoming Call", "IncomingCall", _CALL),
    ("P3708", "outgoing_call", "Outgoing Call", "OutgoingCall", _CALL),
    ("P3709", "established", "Established", "CallEstablished", _CALL),
    ("P3710", "terminated", "Terminated", "CallTerminated", _CALL),
    ("P3711", "dnd_on", "Open DND", "OpenDND", _STATUS),
    ("P3712", "dnd_off", "Close DND", "CloseDND", _STATUS),
    ("P3713", "always_forward_on", "Open Always Forward", "OpenAlwaysForward", _STATUS),
    ("P3714", "always_forward_off", "Close Always Forward", "CloseAlwaysForward", _STATUS),
    ("P3715", "busy_forward_on", "Open Busy Forward", "OpenBusyForward", _STATUS),
    ("P3716", "busy_forward_off", "Close Busy Forward", "CloseBusyForward", _STATUS),
    ("P3717", "no_answer_forward_on", "Open No Answer Forward", "OpenNoAnswerForward", _STATUS),
    ("P3718", "no_answer_forward_off", "Close No Answer Forward", "CloseNoAnswerForward", _STATUS),
    ("P3719", "transfer_call", "Transfer Call", "TransferCall", _CALL),
    ("P3720", "blind_transfer", "Blind Transfer", "BlindTrandfercall", _CALL),
    ("P3721", "attended_transfer", "Attended Transfer", "AttendedTransferCall", _CALL),
    ("P3722", "hold", "Hold", "Hold", _CALL),
    ("P3723", "unhold", "UnHold", "Unhold", _CALL),
    ("P3724", "mute", "Mute", "Mute", _MUTE),
    ("P3725", "unmute", "UnMute", "Unmute", _MUTE),
    ("P3726", "missed_call", "Missed Call", "MissedCall", _CALL),
    ("P3727", "idle_to_busy", "Idle to Busy", "IdleToBusy", _CALL),
    ("P3728", "busy_to_idle", "Busy to Idle", "BusyToIdel", _CALL),
    ("P3729", "forward_incoming_call", "Forward Incoming Call", "ForwardIncomingCall", _CALL),
    ("P3730", "reject_incoming_call", "Reject Incoming Call", "RejectIncomingCall", _CALL),
    ("P3731", "answer_new_incall", "Answer New-InCall", "AnswerNewIncomingCall", _CALL),
    ("P3732", "transfer_finished", "Transfer Finished", "TransferFinished", _CALL),
    ("P3733", "transfer_failed", "Transfer Failed", "TransfeFailed", _CALL),
    ("P3734", "ip_changed", "IP Changed", "IPChanged", _DEVICE),  # code unverified
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
EVENT_KEYS: tuple[str, ...] = tuple(e.key for e in EVENTS)
