"""Tests for the phone simulator (the e2e tests use it against a real server).

Offline parts first; then the parts that talk HTTP, against a stub server on
127.0.0.1 that records what it receives.
"""

import asyncio
from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from custom_components.sangoma_phone.protocol import (
    EVENTS,
    PARAMS,
    CallState,
    PhoneStateMachine,
    event_urls,
    parse_query,
    provisioning_xml,
)
from tools.sangoma_sim import (
    CALL_A,
    COMMAND_LINE_OPTIONS,
    SCENARIOS,
    VARIABLES,
    Options,
    Party,
    PhoneIdentity,
    PhoneSimulator,
    SentRequest,
    SimulatorError,
    Step,
    build_parser,
    http_get,
    load_provisioning,
    main,
    options_from_args,
    parse_provisioning,
    phone_from_args,
    substitute,
)

from .stub_server import Stub, stub_server

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


def test_command_line_defaults_are_the_dataclasses() -> None:
    """Each default is named once: the parser's are the dataclasses' own."""
    args = build_parser().parse_args(["boot"])
    assert phone_from_args(args) == PhoneIdentity()
    assert options_from_args(args) == COMMAND_LINE_OPTIONS
    # The command line only paces the scenarios for a person to follow.
    assert replace(COMMAND_LINE_OPTIONS, delay=0.0, ring=0.0, talk=0.0) == Options()


def test_every_option_reaches_its_field(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each command line option ends up in the phone or the options it names."""
    monkeypatch.setenv("SANGOMA_SIM_TOKEN", "from-env")
    argv = [
        *("--mac", "001fc1aabbcc", "--ip", "127.0.0.9", "--model", "S705"),
        *("--firmware", "9.9", "--user", "201", "--pbx", "pbx.test"),
        *("--display-name", "Lobby", "--new-ip", "127.0.0.10"),
        *("--remote", "11", "--remote-name", "Ann", "--second", "12"),
        *("--second-name", "Ben", "--transfer-to", "13", "--transfer-to-name", "Cy"),
        *("--delay", "0.1", "--ring", "0.2", "--talk", "0.4", "--raw"),
        *("--missing", "literal", "--no-call-id", "boot"),
    ]
    args = build_parser().parse_args(argv)
    assert args.token == "from-env"
    assert phone_from_args(args) == PhoneIdentity(
        mac="001fc1aabbcc",
        ip="127.0.0.9",
        model="S705",
        firmware="9.9",
        user="201",
        host="pbx.test",
        display_name="Lobby",
    )
    assert options_from_args(args) == replace(
        COMMAND_LINE_OPTIONS,
        remote=Party(number="11", name="Ann"),
        second=Party(number="12", name="Ben"),
        transfer_to=Party(number="13", name="Cy"),
        new_ip="127.0.0.10",
        delay=0.1,
        ring=0.2,
        talk=0.4,
        raw=True,
        missing="literal",
        call_ids=False,
    )


@pytest.mark.parametrize(
    ("event", "wait", "message"),
    [
        ("incoming_cal", None, "unknown event 'incoming_cal'"),
        ("hold", "nap", "unknown wait 'nap'"),
    ],
)
def test_steps_use_the_catalogue(event: str, wait: str | None, message: str) -> None:
    """A step with an event the catalogue lacks fails when it is made."""
    with pytest.raises(SimulatorError, match=message):
        Step(event, CALL_A, wait=wait)


def test_variables_are_the_catalogues() -> None:
    """The phone fills in every variable the URLs use, call ones only in a call."""
    assert set(VARIABLES) == {param.variable.removeprefix("$") for param in PARAMS}
    simulator = PhoneSimulator(URLS)
    in_call = simulator.variables(CALL_A)
    assert set(in_call) == set(VARIABLES)
    assert all(in_call.values())
    idle = simulator.variables(None)
    assert {name for name, value in idle.items() if not value} == {
        "local",
        "remote",
        "display_local",
        "display_remote",
        "call_id",
    }


# ---------------------------------------------------------------------------
# Over HTTP, to a stub server on 127.0.0.1


@pytest.fixture
async def stub(socket_enabled: None) -> AsyncIterator[Stub]:
    """Serve on a free port of 127.0.0.1 for the duration of a test."""
    async with stub_server() as server:
        yield server


async def test_http_get_sends_the_target_byte_for_byte(stub: Stub) -> None:
    """The request target goes out unchanged; a chunked body is put together."""
    stub.response = (
        b"HTTP/1.1 404 Not Found\r\nTransfer-Encoding: chunked\r\n\r\n"
        b"3\r\nabc\r\n2;x=y\r\nde\r\n0\r\n\r\n"
    )
    response = await http_get(
        f"{stub.url}/ignored", b"/p?dr=Jos\xe9 & Sons", headers={"X-Test": "1"}
    )
    assert (response.status, response.body) == (404, b"abcde")
    request = stub.requests[0]
    assert request.startswith(b"GET /p?dr=Jos\xe9 & Sons HTTP/1.1\r\n")
    assert b"\r\nHost: 127.0.0.1:" in request
    assert b"\r\nX-Test: 1\r\n" in request


async def test_http_get_refuses_what_it_cannot_send(stub: Stub) -> None:
    """Only http(s) to loopback, and the answer must be HTTP."""
    with pytest.raises(SimulatorError, match="not an http"):
        await http_get("ftp://127.0.0.1/")
    with pytest.raises(SimulatorError, match="only loopback"):
        await http_get("http://192.0.2.1/")
    stub.response = b"garbage"
    with pytest.raises(SimulatorError, match="no HTTP response"):
        await http_get(stub.url)


async def test_load_provisioning_from_file_and_url(stub: Stub, tmp_path: Path) -> None:
    """The file is read from disk, or downloaded with the token."""
    xml = provisioning_xml(URLS).encode()
    path = tmp_path / "cfg005058123456.xml"
    path.write_bytes(xml)
    assert await load_provisioning(str(path)) == URLS
    stub.response = b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n%s" % (
        len(xml),
        xml,
    )
    assert await load_provisioning(f"{stub.url}/cfg.xml", token="t0k") == URLS
    assert b"\r\nAuthorization: Bearer t0k\r\n" in stub.requests[0]
    stub.response = b"HTTP/1.1 401 Unauthorized\r\nContent-Length: 4\r\n\r\nnope"
    with pytest.raises(SimulatorError, match="answered 401: nope"):
        await load_provisioning(f"{stub.url}/cfg.xml")


async def test_play_sends_each_step_in_order(stub: Stub) -> None:
    """A scenario's requests go out in order; ip-change changes $ip on the way."""
    urls = event_urls(stub.url, WEBHOOK)
    simulator = PhoneSimulator(urls, options=Options(new_ip="127.0.0.2"))
    seen: list[tuple[Step, SentRequest]] = []

    async def on_step(step: Step, sent: SentRequest) -> None:
        seen.append((step, sent))

    sent = await simulator.play("ip-change", on_step=on_step)
    assert [(r.event, r.p_code, r.status) for r in sent] == [
        ("ip_changed", "P3734", 200),
        ("registered", "P3702", 200),
    ]
    assert [step.event for step, _ in seen] == ["ip_changed", "registered"]
    assert all(r.variables["ip"] == "127.0.0.2" for r in sent)
    assert [request.split(b" ")[1] for request in stub.requests] == [
        r.target for r in sent
    ]


async def test_simulator_refuses_unknown_names(stub: Stub) -> None:
    """Unknown events, scenarios and URL-less events are refused clearly."""
    with pytest.raises(SimulatorError, match="unknown events"):
        PhoneSimulator({"ringing": f"{stub.url}/"})
    simulator = PhoneSimulator({"registered": f"{stub.url}/"})
    with pytest.raises(SimulatorError, match="unknown scenario"):
        await simulator.play("party")
    with pytest.raises(SimulatorError, match="no URL for event 'setup_completed'"):
        await simulator.play("boot")
    assert stub.requests == []


def test_main_lists_scenarios(capsys: pytest.CaptureFixture[str]) -> None:
    """--list prints every scenario; no scenario at all is a usage error."""
    assert main(["--list"]) == 0
    listed = capsys.readouterr().out
    assert all(f"{name} " in listed for name in SCENARIOS)
    assert main([]) == 2
    assert capsys.readouterr().out == listed


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["boot"], "give --provisioning, or --base-url and --webhook-id"),
        (["--provisioning", "/nonexistent/cfg.xml", "boot"], "No such file"),
        (
            ["--base-url", "http://192.0.2.1", "--webhook-id", "x", "boot"],
            "refusing to send to '192.0.2.1'",
        ),
    ],
)
def test_main_reports_errors(
    argv: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """Errors are one line on stderr and exit status 1; nothing is sent."""
    assert main(argv) == 1
    err = capsys.readouterr().err
    assert err.startswith("simulate: error: ")
    assert message in err
    assert err.count("\n") == 1


async def test_main_plays_scenarios(
    stub: Stub, capsys: pytest.CaptureFixture[str]
) -> None:
    """'all' plays every scenario; a non-200 answer makes the exit status 1."""
    argv = ["--base-url", stub.url, "--webhook-id", WEBHOOK]
    argv += ["--delay", "0", "--ring", "0", "--talk", "0"]
    assert await asyncio.to_thread(main, [*argv, "all"]) == 0
    out = capsys.readouterr().out
    assert len(stub.requests) == sum(
        not step.lost
        for s in SCENARIOS.values()
        if not s.needs_restart
        for step in s.steps
    )
    assert "-> lost" in out
    assert "FAILED" not in out
    stub.response = b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n"
    assert await asyncio.to_thread(main, [*argv, "dnd-on", "nap"]) == 1
    captured = capsys.readouterr()
    assert "P3711 dnd_on" in captured.out
    assert "-> 400  FAILED" in captured.out
    assert "unknown scenario 'nap'" in captured.err


async def test_all_skips_a_scenario_without_urls(
    stub: Stub, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Without P3734 (opt-in), 'all' skips ip-change and plays the rest."""
    urls = event_urls(stub.url, WEBHOOK, unverified=False)
    assert "ip_changed" not in urls
    path = tmp_path / "cfg.xml"
    path.write_text(provisioning_xml(urls))
    argv = ["--provisioning", str(path), "--delay", "0", "--ring", "0", "--talk", "0"]
    assert await asyncio.to_thread(main, [*argv, "all"]) == 0
    out = capsys.readouterr().out
    assert "ip-change: skipped, the phone has no URL for ['ip_changed']" in out
    played = [
        s for s in SCENARIOS.values() if s.name != "ip-change" and not s.needs_restart
    ]
    assert len(stub.requests) == sum(not step.lost for s in played for step in s.steps)
