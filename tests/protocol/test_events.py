"""Tests of the event and parameter catalogue."""

from dataclasses import fields

from custom_components.sangoma_phone.protocol import (
    EVENT_KEYS,
    EVENT_PARAM,
    EVENTS,
    EVENTS_BY_KEY,
    PARAMS,
    PARAMS_BY_NAME,
    EventKey,
    PhoneVariables,
)

# The table of the protocol reference: P-code, Sangoma's name, key.
REFERENCE = """
P3701 Setup Completed setup_completed
P3702 Registered registered
P3703 Unregistered unregistered
P3704 Register Failed register_failed
P3705 Off Hook off_hook
P3706 On Hook on_hook
P3707 Incoming Call incoming_call
P3708 Outgoing Call outgoing_call
P3709 Established established
P3710 Terminated terminated
P3711 Open DND dnd_on
P3712 Close DND dnd_off
P3713 Open Always Forward always_forward_on
P3714 Close Always Forward always_forward_off
P3715 Open Busy Forward busy_forward_on
P3716 Close Busy Forward busy_forward_off
P3717 Open No Answer Forward no_answer_forward_on
P3718 Close No Answer Forward no_answer_forward_off
P3719 Transfer Call transfer_call
P3720 Blind Transfer blind_transfer
P3721 Attended Transfer attended_transfer
P3722 Hold hold
P3723 UnHold unhold
P3724 Mute mute
P3725 UnMute unmute
P3726 Missed Call missed_call
P3727 Idle to Busy idle_to_busy
P3728 Busy to Idle busy_to_idle
P3729 Forward Incoming Call forward_incoming_call
P3730 Reject Incoming Call reject_incoming_call
P3731 Answer New-InCall answer_new_incall
P3732 Transfer Finished transfer_finished
P3733 Transfer Failed transfer_failed
P3734 IP Changed ip_changed
"""

# The para labels of the public templates, P3701..P3733, misspellings included.
PARA_LABELS = [
    "SetupCompleted",
    "LogOn",
    "LogOff",
    "RegisterFailed",
    "OffHook",
    "OnfHook",
    "IncomingCall",
    "OutgoingCall",
    "CallEstablished",
    "CallTerminated",
    "OpenDND",
    "CloseDND",
    "OpenAlwaysForward",
    "CloseAlwaysForward",
    "OpenBusyForward",
    "CloseBusyForward",
    "OpenNoAnswerForward",
    "CloseNoAnswerForward",
    "TransferCall",
    "BlindTrandfercall",
    "AttendedTransferCall",
    "Hold",
    "Unhold",
    "Mute",
    "Unmute",
    "MissedCall",
    "IdleToBusy",
    "BusyToIdel",
    "ForwardIncomingCall",
    "RejectIncomingCall",
    "AnswerNewIncomingCall",
    "TransferFinished",
    "TransfeFailed",
]


def test_events_match_the_reference_table() -> None:
    rows = [line.split(" ") for line in REFERENCE.strip().splitlines()]
    expected = [(row[0], " ".join(row[1:-1]), row[-1]) for row in rows]
    assert [(e.p_code, e.name, e.key) for e in EVENTS] == expected
    assert [e.p_code for e in EVENTS] == [f"P{code}" for code in range(3701, 3735)]


def test_para_labels() -> None:
    assert [e.para for e in EVENTS[:33]] == [f"ActionUrl.{p}" for p in PARA_LABELS]
    assert EVENTS_BY_KEY["ip_changed"].para == "ActionUrl.IPChanged"


def test_only_ip_changed_is_unverified() -> None:
    assert [e.key for e in EVENTS if not e.verified] == ["ip_changed"]
    assert EVENTS[-1].p_code == "P3734"


def test_event_keys_are_the_catalogue_keys() -> None:
    """EventKey names every catalogue key once, in P-code order."""
    assert [e.key for e in EVENTS] == list(EventKey)
    assert all(isinstance(e.key, EventKey) for e in EVENTS)
    assert all(key.name == key.value.upper() for key in EventKey)
    assert tuple(EventKey) == EVENT_KEYS
    assert all(
        type(key) is str for key in EVENT_KEYS
    )  # plain strings for Home Assistant
    assert EVENTS_BY_KEY["incoming_call"] is EVENTS_BY_KEY[EventKey.INCOMING_CALL]


def test_lookups() -> None:
    assert tuple(e.key for e in EVENTS) == EVENT_KEYS
    assert len(set(EVENT_KEYS)) == 34
    assert list(EVENTS_BY_KEY) == list(EVENT_KEYS)
    assert all(EVENTS_BY_KEY[e.key] is e for e in EVENTS)


def test_params() -> None:
    expected = {
        "mac": "$mac",
        "ip": "$ip",
        "model": "$model",
        "fw": "$firmware",
        "local": "$local",
        "remote": "$remote",
        "dl": "$display_local",
        "dr": "$display_remote",
        "cid": "$call_id",
        "au": "$active_user",
        "ah": "$active_host",
        "aurl": "$active_url",
    }
    assert {p.name: p.variable for p in PARAMS} == expected
    assert EVENT_PARAM == "event"
    assert all(PARAMS_BY_NAME[p.name] is p for p in PARAMS)
    # Every PhoneVariables field but remote_number (derived from remote) is a
    # parameter's field, and the other way round.
    variable_fields = {f.name for f in fields(PhoneVariables)} - {"remote_number"}
    assert sorted(p.field for p in PARAMS) == sorted(variable_fields)
    for param in PARAMS:
        assert param.variable == f"${param.field}"


def test_event_params() -> None:
    for event in EVENTS:
        assert event.params[:2] == ("mac", "ip"), event.key
        assert len(set(event.params)) == len(event.params), event.key
        assert set(event.params) <= set(PARAMS_BY_NAME), event.key
        shown = [i for i, name in enumerate(event.params) if name in ("dl", "dr")]
        assert shown == list(range(len(event.params) - len(shown), len(event.params)))
    for key in ("setup_completed", "registered", "ip_changed"):
        assert {"model", "fw"} <= set(EVENTS_BY_KEY[key].params)
    for key in ("incoming_call", "established", "terminated", "missed_call"):
        assert {"cid", "local", "remote", "dl", "dr"} <= set(EVENTS_BY_KEY[key].params)
    for key in ("hold", "unhold", "mute", "unmute"):
        assert {"cid", "remote"} <= set(EVENTS_BY_KEY[key].params)
