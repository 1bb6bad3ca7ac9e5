"""Tests for the phone simulator's offline parts (the e2e tests use it for real)."""

from datetime import UTC, datetime, timedelta

import pytest

from custom_components.sangoma_phone.protocol import (
    EVENTS,
    CallState,
    PhoneStateMachine,
    event_urls,
    parse_query,
    provisioning_xml,
)
from tools.sangoma_sim import (
    SCENARIOS,
    Options,
    Party,
    PhoneSimulator,
    SimulatorError,
    build_parser,
    parse_provisioning,
    substitute,
)

BASE = "http://127.0.0.1:8123"
WEBHOOK = "0123456789abcdef0123456789abcdef"
URLS = event_urls(BASE, WEBHOOK)


def test_provisioning_round_trip() -> None:
    """The simulator reads back every URL of the integration's file, by event."""
    assert parse_provisioning(provisioning_xml(URLS)) == URLS
    assert len(URLS) == len(EVENTS)


@pytest.mark.parametrize("text", ["<not xml", "<hl_provision/>"])
def test_provisioning_rejects_other_files(text: str) -> None:
    """A file without Action URLs is refused."""
    with pytest.raises(SimulatorError):
        parse_provisioning(text)


def test_substitute_encoded_raw_and_literal() -> None:
    """Values are percent-encoded, or raw, and empty ones may stay '$name'."""
    template = f"{BASE}/api/webhook/x?event=incoming_call&dr=$display_remote&r=$remote&o=$other"
    values = {"display_remote": "Smith & Sons", "remote": ""}
    assert substitute(template, values, Options()) == (
        b"/api/webhook/x?event=incoming_call&dr=Smith%20%26%20Sons&r=&o=$other"
    )
    assert substitute(template, values, Options(raw=True, missing="literal")) == (
        b"/api/webhook/x?event=incoming_call&dr=Smith & Sons&r=$remote&o=$other"
    )


def test_refuses_non_loopback_urls() -> None:
    """Nothing is sent anywhere but loopback unless allowed."""
    with pytest.raises(SimulatorError, match="only loopback"):
        PhoneSimulator(event_urls("http://192.0.2.1:8123", WEBHOOK))
    PhoneSimulator(event_urls("http://192.0.2.1:8123", WEBHOOK), loopback_only=False)
    PhoneSimulator(event_urls("http://[::1]:8123", WEBHOOK))
    PhoneSimulator(event_urls("http://localhost:8123", WEBHOOK))


def _requests(scenario: str, options: Options) -> list[bytes]:
    """Return the request targets a scenario would send (nothing is sent)."""
    simulator = PhoneSimulator(URLS, options=options)
    simulator._calls.clear()
    targets = []
    for step in SCENARIOS[scenario].steps:
        values = simulator.variables(step.call)
        targets.append(substitute(URLS[step.event], values, options))
    return targets


@pytest.mark.parametrize("call_ids", [True, False], ids=["call_id", "no_call_id"])
@pytest.mark.parametrize("missing", ["empty", "literal"])
@pytest.mark.parametrize("name", list(SCENARIOS))
def test_scenarios_make_sense_to_the_state_machine(
    name: str, missing: str, call_ids: bool
) -> None:
    """Every scenario parses cleanly; call scenarios end idle, whatever the options."""
    options = Options(
        remote=Party(number="1002", name="Bob"), missing=missing, call_ids=call_ids
    )
    machine = PhoneStateMachine()
    now = datetime(2026, 1, 1, tzinfo=UTC)
    for target in _requests(name, options):
        request = parse_query(target.partition(b"?")[2])
        assert request.problems == ()
        machine.apply(request, now)
        now += timedelta(seconds=1)
    if machine.state.call_state is not None:
        assert machine.state.call_state is CallState.IDLE
        assert machine.state.calls == {}


def test_command_line_defaults() -> None:
    """The CLI's defaults are a registered S505 calling from loopback."""
    args = build_parser().parse_args(["--base-url", BASE, "--webhook-id", "x", "boot"])
    assert (args.mac, args.model, args.raw, args.allow_remote) == (
        "005058123456",
        "S505",
        False,
        False,
    )
    assert args.scenarios == ["boot"]
