"""End to end: a real Home Assistant, a phone added over REST, every scenario.

The phone is added through the config-flow REST API as the frontend does, its
provisioning file is downloaded with the owner's token, and the simulator
plays every scenario against the URLs in that file over real HTTP. The tests
check entity states (REST), bus events (websocket), the logbook, a restart and,
at the end of the session, a clean stop. Tests run in file order and share the
phone; each asserts what its own requests changed.
"""

import asyncio
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
import os
from pathlib import Path
import time
from typing import Any
from urllib.parse import quote

import pytest

from tools.sangoma_sim import (
    SCENARIOS,
    Options,
    Party,
    PhoneIdentity,
    PhoneSimulator,
    SentRequest,
    parse_provisioning,
)

from .conftest import ENTITY_KEYS, PHONE_MAC_DIGITS, PHONE_NAME, Phone, webhook_id_of
from .harness import ROOT, HassInstance, WebSocket

pytestmark = pytest.mark.e2e

ALL_EVENTS = 34


@dataclass(frozen=True, kw_only=True)
class Expect:
    """What a scenario does to the phone's entities."""

    # The call state sensor's transitions while the scenario plays (None: any).
    call_states: tuple[str, ...] | None = None
    # Entity states after the scenario, by entity key.
    final: Mapping[str, str] = field(default_factory=dict)
    # Binary sensor / switch transitions while the scenario plays, by key.
    toggles: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    missed: int = 0  # how much the missed call counter grows
    # Attributes of the event entity after the scenario.
    event_attributes: Mapping[str, str] = field(default_factory=dict)


IDLE_AFTER_CALL = {
    "call_state": "idle",
    "in_call": "off",
    "ringing": "off",
    "on_hold": "off",
    "muted": "off",
    "off_hook": "off",
}

EXPECTATIONS: Mapping[str, Expect] = {
    "boot": Expect(
        final={"registered": "on", "call_state": "idle", "off_hook": "off"},
    ),
    "unregister": Expect(final={"registered": "off"}),
    "incoming-answered": Expect(
        call_states=("ringing", "connected", "idle"),
        final=IDLE_AFTER_CALL | {"remote_number": "1002", "remote_name": "Bob"},
        toggles={"ringing": ("on", "off"), "in_call": ("on", "off")},
    ),
    "incoming-missed": Expect(
        call_states=("ringing", "idle"),
        final=IDLE_AFTER_CALL | {"remote_number": "1002", "remote_name": "Bob"},
        missed=1,
    ),
    "incoming-rejected": Expect(
        call_states=("ringing", "idle"),
        final=IDLE_AFTER_CALL | {"remote_number": "1002"},
    ),
    "outgoing": Expect(
        call_states=("dialing", "connected", "idle"),
        final=IDLE_AFTER_CALL | {"remote_number": "1002", "remote_name": "Bob"},
        toggles={"off_hook": ("on", "off")},
    ),
    "hold": Expect(
        call_states=("ringing", "connected", "on_hold", "connected", "idle"),
        final=IDLE_AFTER_CALL,
        toggles={"on_hold": ("on", "off")},
    ),
    "mute": Expect(
        call_states=("ringing", "connected", "idle"),
        final=IDLE_AFTER_CALL,
        toggles={"muted": ("on", "off")},
    ),
    "call-waiting": Expect(
        call_states=("ringing", "connected", "on_hold", "connected", "idle"),
        final=IDLE_AFTER_CALL | {"remote_number": "1002", "remote_name": "Bob"},
        toggles={"on_hold": ("on", "off")},
    ),
    "blind-transfer": Expect(
        call_states=("ringing", "connected", "on_hold", "idle"),
        final=IDLE_AFTER_CALL,
    ),
    "attended-transfer": Expect(
        call_states=("ringing", "connected", "on_hold", "connected", "idle"),
        final=IDLE_AFTER_CALL | {"remote_number": "1004", "remote_name": "Dave"},
    ),
    "dnd-on": Expect(final={"dnd": "on"}),
    "dnd-off": Expect(final={"dnd": "off"}),
    "forwards-on": Expect(
        final={"always_forward": "on", "busy_forward": "on", "no_answer_forward": "on"}
    ),
    "forwards-off": Expect(
        final={
            "always_forward": "off",
            "busy_forward": "off",
            "no_answer_forward": "off",
        }
    ),
    "ip-change": Expect(
        final={"registered": "on"}, event_attributes={"ip": "192.0.2.51"}
    ),
}


def transitions(before: str | None, states: Sequence[str]) -> tuple[str, ...]:
    """Return the state changes after `before` (repeats collapsed)."""
    path: list[str | None] = [before]
    for state in states:
        if state != path[-1]:
            path.append(state)
    return tuple(s for s in path[1:] if s is not None)


async def phone_states(instance: HassInstance, phone: Phone) -> dict[str, Any]:
    """Return the phone's entity states by key (whole state objects)."""
    async with instance.api() as api:
        states = await api.states()
    return {key: states.get(entity_id) for key, entity_id in phone.entities.items()}


@dataclass(kw_only=True)
class Played:
    """A scenario played while the test listened on the websocket."""

    sent: list[SentRequest]
    events: list[dict[str, Any]]  # sangoma_phone_event, in order
    changes: dict[str, list[str]]  # entity key -> new states, in order
    before: dict[str, Any]
    after: dict[str, Any]


async def play(
    instance: HassInstance,
    phone: Phone,
    scenario: str,
    simulator: PhoneSimulator | None = None,
) -> Played:
    """Play a scenario; collect bus events and state changes over the websocket."""
    simulator = simulator or phone.simulator()
    before = await phone_states(instance, phone)
    async with instance.websocket() as ws:
        phone_events = await ws.subscribe("sangoma_phone_event")
        state_changes = await ws.subscribe("state_changed")
        sent = await simulator.play(scenario)
        accepted = sum(request.status == 200 for request in sent)
        events = [e["data"] for e in await ws.collect(phone_events, accepted)]
        changes = _changes_by_key(phone, ws, state_changes)
    after = await phone_states(instance, phone)
    return Played(sent=sent, events=events, changes=changes, before=before, after=after)


def _changes_by_key(
    phone: Phone, ws: WebSocket, subscription: int
) -> dict[str, list[str]]:
    keys = {entity_id: key for key, entity_id in phone.entities.items()}
    changes: dict[str, list[str]] = {}
    for event in ws.drain(subscription):
        data = event["data"]
        if (key := keys.get(data["entity_id"])) and data["new_state"]:
            changes.setdefault(key, []).append(data["new_state"]["state"])
    return changes


def _state(states: Mapping[str, Any], key: str) -> str | None:
    state = states.get(key)
    return None if state is None else str(state["state"])


# --- the phone is added, its URLs and provisioning file ---------------------


async def test_flow_result_shows_the_urls(
    hass_instance: HassInstance, phone: Phone
) -> None:
    """The config flow's last step tells the user the phone's webhook URL."""
    result = phone.flow_result
    assert result["title"] == PHONE_NAME
    assert result["result"]["domain"] == "sangoma_phone"
    assert result["result"]["state"] == "loaded"
    webhook_id = webhook_id_of(phone.urls["incoming_call"])
    shown = " ".join(
        str(v) for v in result["urls_step"]["description_placeholders"].values()
    )
    assert f"{hass_instance.base_url}/api/webhook/{webhook_id}" in shown


async def test_provisioning_file(hass_instance: HassInstance, phone: Phone) -> None:
    """The file holds all Action URLs, for loopback; it needs a token."""
    assert len(phone.urls) == ALL_EVENTS
    webhook_id = webhook_id_of(phone.urls["incoming_call"])
    for key, url in phone.urls.items():
        assert url.startswith(
            f"{hass_instance.base_url}/api/webhook/{webhook_id}?event={key}&"
        ), url
        assert "$mac" in url
    assert "$remote" in phone.urls["incoming_call"]
    path = f"/api/sangoma_phone/{phone.entry_id}/provisioning.xml"
    async with hass_instance.api() as api:
        status, content_type, body = await api.get_raw(path)
        assert (status, content_type) == (200, "application/xml")
        assert parse_provisioning(body) == phone.urls
        assert b'<P3707 para="ActionUrl.IncomingCall">' in body
        async with api.session.get(
            path, headers={"Authorization": f"Bearer {hass_instance.token}"}
        ) as resp:
            assert (
                f'filename="cfg{PHONE_MAC_DIGITS}.xml"'
                in resp.headers["Content-Disposition"]
            )
        status, _, _ = await api.get_raw(path, auth=False)
        assert status == 401


async def test_entities_before_any_request(
    hass_instance: HassInstance, phone: Phone
) -> None:
    """A new phone's entities exist and know nothing yet."""
    assert set(phone.entities) == set(ENTITY_KEYS) - {"ip_address"}
    states = await phone_states(hass_instance, phone)
    assert states["call_state"] is not None
    assert _state(states, "call_state") == "unknown"
    assert _state(states, "registered") == "unknown"
    assert _state(states, "dnd") == "unknown"


# --- every scenario -----------------------------------------------------------


# Scenarios with lost requests or a restart have their own, step-by-step,
# end-to-end tests (test_calls_e2e.py).
PLAYED = [
    name
    for name, scenario in SCENARIOS.items()
    if not scenario.needs_restart and not any(step.lost for step in scenario.steps)
]


def test_every_scenario_has_expectations() -> None:
    """A new simulator scenario must get an end-to-end test."""
    assert set(EXPECTATIONS) == set(PLAYED)


@pytest.mark.parametrize("name", PLAYED)
async def test_scenario(hass_instance: HassInstance, phone: Phone, name: str) -> None:
    """A scenario over real HTTP: bus events, state changes and final states."""
    expect = EXPECTATIONS[name]
    played = await play(hass_instance, phone, name)

    # Every request was accepted and fired one bus event, in order.
    assert [r.status for r in played.sent] == [200] * len(played.sent)
    assert [e["event"] for e in played.events] == [r.event for r in played.sent]
    for event, request in zip(played.events, played.sent, strict=True):
        assert event["entry_id"] == phone.entry_id
        assert event["device_id"] == phone.device_id
        assert event["p_code"] == request.p_code
        assert event["mac"] == PHONE_MAC_DIGITS
        assert event["ip"] == request.variables["ip"]
        for variable in ("call_id", "remote", "display_remote"):
            if f"${variable}" in request.url and request.variables[variable]:
                assert event[variable] == request.variables[variable], variable
        if "$remote" in request.url and request.variables["remote"]:
            number = request.variables["remote"].removeprefix("sip:").split("@")[0]
            assert event["remote_number"] == number

    # The call state went through the expected states.
    if expect.call_states is not None:
        observed = transitions(
            _state(played.before, "call_state"),
            played.changes.get("call_state", []),
        )
        assert observed == expect.call_states
    for key, path in expect.toggles.items():
        observed = transitions(_state(played.before, key), played.changes.get(key, []))
        assert observed[-len(path) :] == path, key

    # The final states, the last event and the event entity.
    for key, value in expect.final.items():
        assert _state(played.after, key) == value, key
    last = played.sent[-1].event
    for attribute, value in expect.event_attributes.items():
        assert played.after["phone_event"]["attributes"][attribute] == value
    assert _state(played.after, "last_event") == last
    assert played.after["phone_event"]["attributes"]["event_type"] == last

    # Missed calls are counted (and only those).
    missed_before = _state(played.before, "missed_calls")
    missed_after = _state(played.after, "missed_calls")
    if expect.missed:
        count = int(missed_before) if missed_before not in ("unknown", None) else 0
        assert missed_after == str(count + expect.missed)
        attributes = played.after["missed_calls"]["attributes"]
        assert attributes["last_missed_number"] == "1002"
        assert attributes["last_missed_name"] == "Bob"
    else:
        assert missed_after == missed_before


async def test_answered_call_duration(
    hass_instance: HassInstance, phone: Phone
) -> None:
    """A call that talked a while reports its duration."""
    simulator = phone.simulator(Options(talk=1.0))
    played = await play(hass_instance, phone, "incoming-answered", simulator)
    duration = float(_state(played.after, "last_call_duration") or "nan")
    assert 1.0 <= duration < 10.0
    assert played.after["last_call_duration"]["attributes"]["unit_of_measurement"] == (
        "s"
    )


async def test_ip_change_updates_the_device(
    hass_instance: HassInstance, phone: Phone
) -> None:
    """The device shows the phone's model, firmware, MAC and new web address."""
    await play(hass_instance, phone, "ip-change")
    async with hass_instance.websocket() as ws:
        devices = await ws.call("config/device_registry/list")
    device = next(d for d in devices if d["id"] == phone.device_id)
    assert device["manufacturer"] == "Sangoma"
    assert device["model"] == "S505"
    assert device["sw_version"] == "2.0.4.60"
    assert device["name"] == PHONE_NAME
    assert device["configuration_url"] == "http://192.0.2.51"
    assert ["mac", "00:50:58:12:34:56"] in device["connections"]


# --- how values travel ----------------------------------------------------------


async def test_special_characters_percent_encoded(
    hass_instance: HassInstance, phone: Phone
) -> None:
    """Encoded values arrive exactly: '&', spaces, '#', '+', non-ASCII."""
    name = "Smith & Sons #2 + Zoë"
    options = Options(remote=Party(number="+4930123", name=name))
    played = await play(
        hass_instance, phone, "incoming-rejected", phone.simulator(options)
    )
    assert [r.status for r in played.sent] == [200] * 4
    first = played.events[0]
    assert (first["display_remote"], first["remote_number"]) == (name, "+4930123")
    assert quote(name, safe="").encode() in played.sent[0].target


async def test_raw_values(hass_instance: HassInstance, phone: Phone) -> None:
    """--raw: a raw '&' reaches the integration; a raw space is lost (400)."""
    identity = PhoneIdentity(mac=PHONE_MAC_DIGITS, display_name="Reception")
    good = PhoneSimulator(
        phone.urls,
        phone=identity,
        options=Options(raw=True, remote=Party(number="1002", name="Smith&Sons")),
    )
    played = await play(hass_instance, phone, "incoming-rejected", good)
    assert [r.status for r in played.sent] == [200] * 4
    assert b"&dr=Smith&Sons" in played.sent[0].target
    assert played.events[0]["display_remote"] == "Smith&Sons"
    assert played.events[0]["display_local"] == "Reception"

    # The phone's own display name with a space: every call event is lost.
    spaced = PhoneSimulator(
        phone.urls,
        phone=PhoneIdentity(mac=PHONE_MAC_DIGITS, display_name="Front desk"),
        options=Options(raw=True),
    )
    async with hass_instance.websocket() as ws:
        events = await ws.subscribe("sangoma_phone_event")
        lost = await spaced.send("incoming_call", "a")
        kept = await spaced.send("dnd_off")  # no display names in this URL
        got = await ws.collect(events, 1)
    # Home Assistant's web server refuses the request before the integration.
    assert lost.status == 400
    assert b"&dl=Front desk&" in lost.target
    assert kept.status == 200
    assert [event["data"]["event"] for event in got] == ["dnd_off"]


# --- the command line -----------------------------------------------------------


@dataclass(frozen=True)
class Ran:
    """What a command printed and returned."""

    returncode: int
    stdout: str
    stderr: str


async def _simulate(*args: str) -> Ran:
    """Run scripts/simulate as a user would."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("COV_CORE_")}
    process = await asyncio.create_subprocess_exec(
        str(ROOT / "scripts" / "simulate"),
        *args,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        env=env,
    )
    async with asyncio.timeout(120):
        stdout, stderr = await process.communicate()
    assert process.returncode is not None
    return Ran(process.returncode, stdout.decode(), stderr.decode())


async def test_cli_with_provisioning_download(
    hass_instance: HassInstance, phone: Phone
) -> None:
    """scripts/simulate downloads the file with a token and plays scenarios."""
    url = (
        f"{hass_instance.base_url}/api/sangoma_phone/{phone.entry_id}/provisioning.xml"
    )
    result = await _simulate(
        "--provisioning", url, "--token", hass_instance.token, "--mac", PHONE_MAC_DIGITS,
        "--delay", "0", "--ring", "0", "--talk", "0", "dnd-on", "dnd-off",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "P3711 dnd_on" in result.stdout
    assert "P3712 dnd_off" in result.stdout
    assert result.stdout.count("-> 200") == 2
    states = await phone_states(hass_instance, phone)
    assert _state(states, "dnd") == "off"


async def test_cli_with_file_and_base_url(
    hass_instance: HassInstance, phone: Phone, tmp_path: Path
) -> None:
    """The same from a saved file, and from a base URL plus webhook id."""
    path = f"/api/sangoma_phone/{phone.entry_id}/provisioning.xml"
    async with hass_instance.api() as api:
        _, _, body = await api.get_raw(path)
    saved = tmp_path / f"cfg{PHONE_MAC_DIGITS}.xml"
    saved.write_bytes(body)
    common = ["--mac", PHONE_MAC_DIGITS, "--delay", "0", "--ring", "0", "--talk", "0"]
    result = await _simulate("--provisioning", str(saved), *common, "dnd-on")
    assert result.returncode == 0, result.stderr
    assert _state(await phone_states(hass_instance, phone), "dnd") == "on"
    webhook_id = webhook_id_of(phone.urls["dnd_off"])
    result = await _simulate(
        "--base-url", hass_instance.base_url, "--webhook-id", webhook_id, *common,
        "dnd-off",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert _state(await phone_states(hass_instance, phone), "dnd") == "off"


async def test_cli_refuses_other_hosts() -> None:
    """Without --allow-remote nothing is sent anywhere but loopback."""
    result = await _simulate(
        "--base-url", "http://192.0.2.1:8123", "--webhook-id", "x", "dnd-on",
    )  # fmt: skip
    assert result.returncode == 1
    assert "only loopback addresses are allowed" in result.stderr


async def test_cli_lists_scenarios() -> None:
    """--list names every scenario."""
    result = await _simulate("--list")
    assert result.returncode == 0
    for name in SCENARIOS:
        assert name in result.stdout


# --- the logbook ------------------------------------------------------------------


async def test_logbook(hass_instance: HassInstance, phone: Phone) -> None:
    """The phone's events read well in the logbook, under the phone's name."""
    start = datetime.now(UTC) - timedelta(seconds=1)
    await play(hass_instance, phone, "incoming-missed")
    await play(hass_instance, phone, "dnd-on")
    expected = [
        "Incoming call from Bob (1002)",
        "Phone busy with Bob (1002)",
        "Missed call from Bob (1002)",
        "Phone free with Bob (1002)",
        "DND turned on",
    ]
    # The recorder writes in its own thread: wait until the rows are there.
    deadline = time.monotonic() + 20
    async with hass_instance.api() as api:
        while True:
            entries = await api.get(
                f"/api/logbook/{start.isoformat()}".replace("+", "%2B")
            )
            ours = [e for e in entries if e.get("domain") == "sangoma_phone"]
            if len(ours) >= len(expected) or time.monotonic() > deadline:
                break
            await asyncio.sleep(0.2)
    assert [e["message"] for e in ours] == expected, entries
    assert {e["name"] for e in ours} == {PHONE_NAME}
    # Each with an icon, on the phone's event entity (its call history).
    assert all(e["icon"].startswith("mdi:") for e in ours), ours
    assert {e["entity_id"] for e in ours} == {phone.entities["phone_event"]}
    # Entity changes are there too, with their translated names.
    assert any(
        e.get("entity_id") == phone.entities["dnd"] and e.get("state") == "on"
        for e in entries
    )


# --- a restart --------------------------------------------------------------------


async def test_restart_keeps_the_state(
    hass_instance: HassInstance, phone: Phone, timings: dict[str, float]
) -> None:
    """After a clean stop and a new start every entity shows what it showed."""
    for name in ("boot", "forwards-on", "dnd-on", "incoming-missed", "mute"):
        await play(hass_instance, phone, name)
    before = await phone_states(hass_instance, phone)
    assert _state(before, "dnd") == "on"
    assert _state(before, "registered") == "on"

    assert await asyncio.to_thread(hass_instance.stop) == 0
    hass_instance.start()
    timings["restart"] = await hass_instance.wait_until_running()

    after = await phone_states(hass_instance, phone)
    for key in phone.entities:
        assert _state(after, key) == _state(before, key), key
        assert after[key]["attributes"] == before[key]["attributes"], key
    # And the phone goes on working.
    played = await play(hass_instance, phone, "incoming-answered")
    assert [r.status for r in played.sent] == [200] * len(played.sent)
    observed = transitions("idle", played.changes.get("call_state", []))
    assert observed == ("ringing", "connected", "idle")
