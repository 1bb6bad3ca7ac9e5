"""Sangoma phone simulator: plays Action URL scenarios the way a phone would.

A Sangoma (Htek-based) phone sends an HTTP GET to the URL configured for an
event, after replacing every ``$variable`` in it with its current value. This
module does exactly that for named scenarios (boot, an answered incoming call,
a blind transfer, ...), with URLs taken from the provisioning file that Home
Assistant serves for the phone, or built from a base URL and a webhook id.

Requests go out through a tiny raw HTTP/1.1 client so that the request target
is sent byte for byte: with ``raw=True`` values are inserted unencoded, the way
a sloppy firmware might (Home Assistant's server answers 400 to a raw space or
non-ASCII byte before the integration sees the request). By default only
loopback addresses may be targeted.

Used by ``scripts/simulate`` (see ``--help``) and by the end-to-end tests.
"""

from __future__ import annotations

import argparse
import asyncio
from collections.abc import Awaitable, Callable, Mapping, Sequence
import contextlib
from dataclasses import dataclass, field, replace
import ipaddress
import os
from pathlib import Path
import re
import secrets
import ssl
import sys
from urllib.parse import quote, urlsplit
import xml.etree.ElementTree as ET

from custom_components.sangoma_phone.protocol.events import EVENTS, EVENTS_BY_KEY
from custom_components.sangoma_phone.protocol.urls import event_urls

# The variables a phone substitutes (Sangoma's list).
VARIABLES: tuple[str, ...] = (
    "mac",
    "ip",
    "model",
    "firmware",
    "active_url",
    "active_user",
    "active_host",
    "local",
    "remote",
    "display_local",
    "display_remote",
    "call_id",
)
_VARIABLE = re.compile(r"\$([A-Za-z_]+)")
_P_CODES: Mapping[str, str] = {event.p_code: event.key for event in EVENTS}


class SimulatorError(Exception):
    """The simulator cannot do what it was asked."""


# ---------------------------------------------------------------------------
# Identity, parties and options


@dataclass(kw_only=True)
class PhoneIdentity:
    """The phone being simulated; ``ip`` changes with the ip-change scenario."""

    mac: str = "005058123456"
    ip: str = "192.0.2.50"
    model: str = "S505"
    firmware: str = "2.0.4.60"
    user: str = "1001"
    host: str = "pbx.example"
    display_name: str = "Front desk"

    @property
    def account_uri(self) -> str:
        """Return the SIP URI of the phone's account."""
        return f"sip:{self.user}@{self.host}"


@dataclass(frozen=True, kw_only=True)
class Party:
    """The other party of a call."""

    number: str
    name: str


@dataclass(kw_only=True)
class Options:
    """How the simulator plays scenarios."""

    remote: Party = field(default_factory=lambda: Party(number="1002", name="Bob"))
    second: Party = field(default_factory=lambda: Party(number="1003", name="Carol"))
    transfer_to: Party = field(
        default_factory=lambda: Party(number="1004", name="Dave")
    )
    new_ip: str = "192.0.2.51"
    delay: float = 0.0  # after every request
    ring: float = 0.0  # extra wait while a call rings
    talk: float = 0.0  # extra wait while a call is connected
    raw: bool = False  # send values unencoded
    missing: str = "empty"  # a variable without value: "empty" or "literal"
    call_ids: bool = True  # send $call_id (else it is empty)
    timeout: float = 10.0


# ---------------------------------------------------------------------------
# Scenarios

CALL_A = "a"  # the main call, with Options.remote
CALL_B = "b"  # a second incoming call (call waiting), with Options.second
CALL_T = "t"  # the consultation call of an attended transfer


@dataclass(frozen=True)
class Step:
    """One request: the event, the call it concerns (if any), a wait after it."""

    event: str
    call: str | None = None
    wait: str | None = None  # "ring" or "talk"
    new_ip: bool = False  # the phone's IP changes before this request


@dataclass(frozen=True, kw_only=True)
class Scenario:
    """A named sequence of requests that starts and ends in a known state."""

    name: str
    description: str
    steps: tuple[Step, ...]


def _answered(call: str) -> tuple[Step, ...]:
    return (
        Step("incoming_call", call),
        Step("idle_to_busy", call, wait="ring"),
        Step("off_hook"),
        Step("established", call, wait="talk"),
    )


def _hang_up(call: str) -> tuple[Step, ...]:
    return (Step("on_hook"), Step("terminated", call), Step("busy_to_idle", call))


def _scenarios() -> tuple[Scenario, ...]:
    a, b, t = CALL_A, CALL_B, CALL_T
    return (
        Scenario(
            name="boot",
            description="the phone boots and registers its account",
            steps=(Step("setup_completed"), Step("registered")),
        ),
        Scenario(
            name="unregister",
            description="the account unregisters",
            steps=(Step("unregistered"),),
        ),
        Scenario(
            name="incoming-answered",
            description="an incoming call rings, is answered and hung up",
            steps=(*_answered(a), *_hang_up(a)),
        ),
        Scenario(
            name="incoming-missed",
            description="an incoming call rings and nobody answers",
            steps=(
                Step("incoming_call", a),
                Step("idle_to_busy", a, wait="ring"),
                Step("missed_call", a),
                Step("busy_to_idle", a),
            ),
        ),
        Scenario(
            name="incoming-rejected",
            description="an incoming call rings and is rejected",
            steps=(
                Step("incoming_call", a),
                Step("idle_to_busy", a, wait="ring"),
                Step("reject_incoming_call", a),
                Step("busy_to_idle", a),
            ),
        ),
        Scenario(
            name="outgoing",
            description="the phone dials out, the call is answered and hung up",
            steps=(
                Step("off_hook"),
                Step("idle_to_busy"),
                Step("outgoing_call", a, wait="ring"),
                Step("established", a, wait="talk"),
                *_hang_up(a),
            ),
        ),
        Scenario(
            name="hold",
            description="a call is put on hold and resumed",
            steps=(
                *_answered(a),
                Step("hold", a, wait="talk"),
                Step("unhold", a, wait="talk"),
                *_hang_up(a),
            ),
        ),
        Scenario(
            name="mute",
            description="the microphone is muted and unmuted during a call",
            steps=(
                *_answered(a),
                Step("mute", a, wait="talk"),
                Step("unmute", a, wait="talk"),
                *_hang_up(a),
            ),
        ),
        Scenario(
            name="call-waiting",
            description="a second call arrives during a call and is answered; "
            "the first one waits on hold, then is resumed",
            steps=(
                *_answered(a),
                Step("incoming_call", b, wait="ring"),
                Step("answer_new_incall", b, wait="talk"),
                Step("terminated", b),
                Step("unhold", a, wait="talk"),
                *_hang_up(a),
            ),
        ),
        Scenario(
            name="blind-transfer",
            description="a call is transferred without consultation",
            steps=(
                *_answered(a),
                Step("hold", a),
                Step("transfer_call", a),
                Step("blind_transfer", a),
                Step("transfer_finished", a),
                Step("on_hook"),
                Step("busy_to_idle", a),
            ),
        ),
        Scenario(
            name="attended-transfer",
            description="a call is held, the target is called and the call "
            "is transferred to it",
            steps=(
                *_answered(a),
                Step("hold", a),
                Step("transfer_call", a),
                Step("outgoing_call", t, wait="ring"),
                Step("established", t, wait="talk"),
                Step("attended_transfer", t),
                Step("transfer_finished", a),
                Step("terminated", t),
                Step("on_hook"),
                Step("busy_to_idle", t),
            ),
        ),
        Scenario(
            name="dnd-on",
            description="Do Not Disturb is switched on",
            steps=(Step("dnd_on"),),
        ),
        Scenario(
            name="dnd-off",
            description="Do Not Disturb is switched off",
            steps=(Step("dnd_off"),),
        ),
        Scenario(
            name="forwards-on",
            description="always, busy and no-answer forwarding are switched on",
            steps=(
                Step("always_forward_on"),
                Step("busy_forward_on"),
                Step("no_answer_forward_on"),
            ),
        ),
        Scenario(
            name="forwards-off",
            description="always, busy and no-answer forwarding are switched off",
            steps=(
                Step("always_forward_off"),
                Step("busy_forward_off"),
                Step("no_answer_forward_off"),
            ),
        ),
        Scenario(
            name="ip-change",
            description="the phone gets a new IP address (Options.new_ip) and "
            "registers again",
            steps=(Step("ip_changed", new_ip=True), Step("registered")),
        ),
    )


SCENARIOS: Mapping[str, Scenario] = {s.name: s for s in _scenarios()}


# ---------------------------------------------------------------------------
# HTTP


@dataclass(frozen=True, kw_only=True)
class Response:
    """What the server answered."""

    status: int
    body: bytes


def _check_host(host: str, *, loopback_only: bool) -> None:
    if not loopback_only or host == "localhost":
        return
    try:
        address = ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        address = None
    if address is None or not address.is_loopback:
        raise SimulatorError(
            f"refusing to send to {host!r}: only loopback addresses are allowed "
            "(pass --allow-remote to send elsewhere)"
        )


async def http_get(
    url: str,
    target: bytes | None = None,
    *,
    headers: Mapping[str, str] | None = None,
    time_limit: float = 10.0,
    loopback_only: bool = True,
) -> Response:
    """Send one GET request to ``url``, with ``target`` as the exact request target.

    ``target`` defaults to the path and query of ``url``. The connection is
    closed after the response.
    """
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise SimulatorError(f"not an http(s) URL: {url!r}")
    host = parts.hostname
    _check_host(host, loopback_only=loopback_only)
    port = parts.port or (443 if parts.scheme == "https" else 80)
    if target is None:
        target = (parts.path or "/").encode() + (
            b"?" + parts.query.encode() if parts.query else b""
        )
    host_header = parts.netloc.rpartition("@")[2]
    lines = [
        b"GET " + target + b" HTTP/1.1",
        b"Host: " + host_header.encode("idna"),
        b"User-Agent: Sangoma-phone-simulator",
        b"Accept: */*",
        b"Connection: close",
        *(f"{name}: {value}".encode() for name, value in (headers or {}).items()),
    ]
    context = ssl.create_default_context() if parts.scheme == "https" else None
    async with asyncio.timeout(time_limit):
        reader, writer = await asyncio.open_connection(host, port, ssl=context)
        try:
            writer.write(b"\r\n".join(lines) + b"\r\n\r\n")
            await writer.drain()
            data = await reader.read()
        finally:
            writer.close()
            with contextlib.suppress(OSError, ssl.SSLError):
                await writer.wait_closed()
    head, _, body = data.partition(b"\r\n\r\n")
    status_line = head.split(b"\r\n", 1)[0].split()
    if len(status_line) < 2 or not status_line[1].isdigit():
        raise SimulatorError(f"no HTTP response from {url!r}")
    if b"transfer-encoding: chunked" in head.lower():
        body = _unchunk(body)
    return Response(status=int(status_line[1]), body=body)


def _unchunk(data: bytes) -> bytes:
    out = bytearray()
    while data:
        size_line, _, data = data.partition(b"\r\n")
        size = int(size_line.split(b";")[0] or b"0", 16)
        if size == 0:
            break
        out += data[:size]
        data = data[size + 2 :]
    return bytes(out)


# ---------------------------------------------------------------------------
# Where the URLs come from


def parse_provisioning(xml: str | bytes) -> dict[str, str]:
    """Return the Action URL templates of a provisioning file, by event key."""
    try:
        root = ET.fromstring(xml)  # noqa: S314 - a file the user hands us
    except ET.ParseError as err:
        raise SimulatorError(f"not a provisioning file: {err}") from err
    urls: dict[str, str] = {}
    for element in root.iter():
        if (key := _P_CODES.get(element.tag)) is not None and element.text:
            urls[key] = element.text.strip()
    if not urls:
        raise SimulatorError("the provisioning file holds no Action URL")
    return urls


async def load_provisioning(
    source: str,
    *,
    token: str | None = None,
    time_limit: float = 10.0,
    loopback_only: bool = True,
) -> dict[str, str]:
    """Read a provisioning file from a path or download it from a URL."""
    if source.startswith(("http://", "https://")):
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        response = await http_get(
            source, headers=headers, time_limit=time_limit, loopback_only=loopback_only
        )
        if response.status != 200:
            raise SimulatorError(
                f"downloading {source} answered {response.status}: "
                f"{response.body[:200].decode(errors='replace').strip()}"
            )
        return parse_provisioning(response.body)
    return parse_provisioning(await asyncio.to_thread(Path(source).read_bytes))


def urls_from_webhook(base_url: str, webhook_id: str) -> dict[str, str]:
    """Return the Action URL templates for a Home Assistant base URL and webhook."""
    return event_urls(base_url, webhook_id)


# ---------------------------------------------------------------------------
# The phone


@dataclass(frozen=True, kw_only=True)
class SentRequest:
    """One request the phone sent and what came back."""

    event: str
    p_code: str
    url: str
    target: bytes
    variables: Mapping[str, str]
    status: int


@dataclass(kw_only=True)
class _Call:
    call_id: str
    party: Party


def substitute(template: str, values: Mapping[str, str], options: Options) -> bytes:
    """Return the request target of an Action URL with its $variables replaced."""
    parts = urlsplit(template)
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")

    def value(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in values:
            return match.group(0)  # not a phone variable: left as is
        text = values[name]
        if not text and options.missing == "literal":
            return match.group(0)
        return text if options.raw else quote(text, safe="")

    return _VARIABLE.sub(value, target).encode()


class PhoneSimulator:
    """A simulated phone that sends its Action URL requests."""

    def __init__(
        self,
        urls: Mapping[str, str],
        *,
        phone: PhoneIdentity | None = None,
        options: Options | None = None,
        loopback_only: bool = True,
    ) -> None:
        """Use the given URL templates (event key -> URL)."""
        unknown = set(urls) - set(EVENTS_BY_KEY)
        if unknown:
            raise SimulatorError(f"unknown events: {sorted(unknown)}")
        self.urls = dict(urls)
        self.phone = phone or PhoneIdentity()
        self.options = options or Options()
        self.loopback_only = loopback_only
        for url in self.urls.values():
            host = urlsplit(url).hostname or ""
            _check_host(host, loopback_only=loopback_only)
        self._calls: dict[str, _Call] = {}

    def variables(self, call: str | None) -> dict[str, str]:
        """Return the values of the phone's variables for a request."""
        phone = self.phone
        values = dict.fromkeys(VARIABLES, "")
        values.update(
            mac=phone.mac,
            ip=phone.ip,
            model=phone.model,
            firmware=phone.firmware,
            active_url=phone.account_uri,
            active_user=phone.user,
            active_host=phone.host,
        )
        if call is not None:
            current = self._call(call)
            values.update(
                local=phone.account_uri,
                remote=f"sip:{current.party.number}@{phone.host}",
                display_local=phone.display_name,
                display_remote=current.party.name,
                call_id=current.call_id if self.options.call_ids else "",
            )
        return values

    def _call(self, label: str) -> _Call:
        if (call := self._calls.get(label)) is None:
            party = {
                CALL_A: self.options.remote,
                CALL_B: self.options.second,
                CALL_T: self.options.transfer_to,
            }.get(label, self.options.remote)
            call = _Call(call_id=secrets.token_hex(8), party=party)
            self._calls[label] = call
        return call

    async def send(self, event: str, call: str | None = None) -> SentRequest:
        """Send the request of one event, as the phone would."""
        if (url := self.urls.get(event)) is None:
            raise SimulatorError(f"no URL for event {event!r}")
        values = self.variables(call)
        target = substitute(url, values, self.options)
        response = await http_get(
            url,
            target,
            time_limit=self.options.timeout,
            loopback_only=self.loopback_only,
        )
        return SentRequest(
            event=event,
            p_code=EVENTS_BY_KEY[event].p_code,
            url=url,
            target=target,
            variables=values,
            status=response.status,
        )

    async def play(
        self,
        scenario: Scenario | str,
        on_step: Callable[[Step, SentRequest], Awaitable[None]] | None = None,
    ) -> list[SentRequest]:
        """Play a scenario; each call in it gets a fresh call id."""
        if isinstance(scenario, str):
            if (found := SCENARIOS.get(scenario)) is None:
                raise SimulatorError(f"unknown scenario {scenario!r}")
            scenario = found
        self._calls.clear()
        sent: list[SentRequest] = []
        for step in scenario.steps:
            if step.new_ip:
                self.phone = replace(self.phone, ip=self.options.new_ip)
            request = await self.send(step.event, step.call)
            sent.append(request)
            if on_step is not None:
                await on_step(step, request)
            pause = self.options.delay + {
                "ring": self.options.ring,
                "talk": self.options.talk,
            }.get(step.wait or "", 0.0)
            if pause > 0:
                await asyncio.sleep(pause)
        return sent


# ---------------------------------------------------------------------------
# Command line


def build_parser() -> argparse.ArgumentParser:
    """Return the command line parser of scripts/simulate."""
    parser = argparse.ArgumentParser(
        prog="scripts/simulate",
        description="Play Sangoma phone scenarios against Home Assistant: "
        "GET requests to the phone's Action URLs with $variables filled in.",
        epilog="Scenarios: "
        + "; ".join(f"{s.name}: {s.description}" for s in SCENARIOS.values())
        + ". 'all' plays every scenario in this order.",
    )
    source = parser.add_argument_group("where the URLs come from (one of)")
    source.add_argument(
        "--provisioning",
        metavar="FILE_OR_URL",
        help="the phone's provisioning XML: a file, or its download URL "
        "(the signed link, or the plain URL with --token)",
    )
    source.add_argument(
        "--token",
        default=os.environ.get("SANGOMA_SIM_TOKEN"),
        help="access token for downloading the provisioning file "
        "(default: $SANGOMA_SIM_TOKEN)",
    )
    source.add_argument(
        "--base-url", help="Home Assistant's URL, e.g. http://127.0.0.1:8123"
    )
    source.add_argument("--webhook-id", help="the phone's webhook id")

    phone = parser.add_argument_group("the phone")
    defaults = PhoneIdentity()
    phone.add_argument("--mac", default=defaults.mac)
    phone.add_argument("--ip", default=defaults.ip, help="the phone's own IP ($ip)")
    phone.add_argument("--model", default=defaults.model)
    phone.add_argument("--firmware", default=defaults.firmware)
    phone.add_argument("--user", default=defaults.user, help="account user")
    phone.add_argument("--pbx", default=defaults.host, help="account host")
    phone.add_argument("--display-name", default=defaults.display_name)
    phone.add_argument(
        "--new-ip", default=Options.new_ip, help="the IP after ip-change"
    )

    calls = parser.add_argument_group("the other parties")
    calls.add_argument("--remote", default="1002", help="remote number")
    calls.add_argument("--remote-name", default="Bob", help="remote display name")
    calls.add_argument("--second", default="1003", help="call-waiting number")
    calls.add_argument("--second-name", default="Carol")
    calls.add_argument("--transfer-to", default="1004", help="transfer target")
    calls.add_argument("--transfer-to-name", default="Dave")

    timing = parser.add_argument_group("timing and encoding")
    timing.add_argument(
        "--delay", type=float, default=0.3, help="seconds after each request"
    )
    timing.add_argument(
        "--ring", type=float, default=2.0, help="extra seconds while ringing"
    )
    timing.add_argument(
        "--talk", type=float, default=3.0, help="extra seconds while connected"
    )
    timing.add_argument(
        "--raw",
        action="store_true",
        help="insert values unencoded (a raw space or non-ASCII byte gets 400)",
    )
    timing.add_argument(
        "--missing",
        choices=("empty", "literal"),
        default="empty",
        help="what a variable without value becomes: nothing, or '$name' as is",
    )
    timing.add_argument(
        "--no-call-id", action="store_true", help="leave $call_id empty"
    )
    timing.add_argument(
        "--allow-remote",
        action="store_true",
        help="allow URLs that point anywhere but a loopback address",
    )
    parser.add_argument("--list", action="store_true", help="list the scenarios")
    parser.add_argument("scenarios", nargs="*", metavar="SCENARIO")
    return parser


async def _async_main(args: argparse.Namespace) -> int:
    loopback_only = not args.allow_remote
    if args.provisioning:
        urls = await load_provisioning(
            args.provisioning, token=args.token, loopback_only=loopback_only
        )
    elif args.base_url and args.webhook_id:
        urls = urls_from_webhook(args.base_url, args.webhook_id)
    else:
        raise SimulatorError("give --provisioning, or --base-url and --webhook-id")
    options = Options(
        remote=Party(number=args.remote, name=args.remote_name),
        second=Party(number=args.second, name=args.second_name),
        transfer_to=Party(number=args.transfer_to, name=args.transfer_to_name),
        new_ip=args.new_ip,
        delay=args.delay,
        ring=args.ring,
        talk=args.talk,
        raw=args.raw,
        missing=args.missing,
        call_ids=not args.no_call_id,
    )
    phone = PhoneIdentity(
        mac=args.mac,
        ip=args.ip,
        model=args.model,
        firmware=args.firmware,
        user=args.user,
        host=args.pbx,
        display_name=args.display_name,
    )
    simulator = PhoneSimulator(
        urls, phone=phone, options=options, loopback_only=loopback_only
    )
    names: list[str] = []
    for name in args.scenarios:
        names.extend(SCENARIOS if name == "all" else [name])
    failed = 0

    async def report(step: Step, sent: SentRequest) -> None:
        nonlocal failed
        ok = sent.status == 200
        failed += not ok
        print(
            f"  {sent.p_code} {sent.event:<22} -> {sent.status}"
            f"{'' if ok else '  FAILED'}  {sent.target.decode(errors='replace')}"
        )

    for name in names:
        scenario = SCENARIOS.get(name)
        if scenario is None:
            raise SimulatorError(f"unknown scenario {name!r} (see --list)")
        print(f"{scenario.name}: {scenario.description}")
        await simulator.play(scenario, on_step=report)
    return 1 if failed else 0


def main(argv: Sequence[str] | None = None) -> int:
    """Run the simulator's command line."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.list or not args.scenarios:
        for scenario in SCENARIOS.values():
            events = ", ".join(step.event for step in scenario.steps)
            print(f"{scenario.name:<18} {scenario.description}\n{'':<18} {events}")
        return 0 if args.list else 2
    try:
        return asyncio.run(_async_main(args))
    except (SimulatorError, OSError, TimeoutError) as err:
        print(f"simulate: error: {err}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
