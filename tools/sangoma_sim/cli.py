"""The command line of scripts/simulate.

Its option defaults are read from ``PhoneIdentity()`` and
``COMMAND_LINE_OPTIONS``, and the parsed options are turned back into those
dataclasses, so each default is named once.
"""

from __future__ import annotations

import argparse
import asyncio
from collections.abc import Sequence
import os
import sys

from custom_components.sangoma_phone.protocol import EVENTS_BY_KEY

from .errors import SimulatorError
from .options import COMMAND_LINE_OPTIONS, MISSING_VALUES, Options, Party, PhoneIdentity
from .provisioning import load_provisioning, urls_from_webhook
from .scenarios import SCENARIOS, Step
from .simulator import PhoneSimulator, SentRequest

ACCESS_ENV = "SANGOMA_SIM_TOKEN"  # where --token defaults from
ALL = "all"  # the scenario name that plays every scenario


def build_parser() -> argparse.ArgumentParser:
    """Return the command line parser of scripts/simulate."""
    parser = argparse.ArgumentParser(
        prog="scripts/simulate",
        description="Play Sangoma phone scenarios against Home Assistant: "
        "GET requests to the phone's Action URLs with $variables filled in.",
        epilog="Scenarios: "
        + "; ".join(f"{s.name}: {s.description}" for s in SCENARIOS.values())
        + f". '{ALL}' plays every scenario in this order, but those that need "
        "a restart of Home Assistant (the simulator then waits for Enter).",
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
        default=os.environ.get(ACCESS_ENV),
        help="access token for downloading the provisioning file "
        f"(default: ${ACCESS_ENV})",
    )
    source.add_argument(
        "--base-url", help="Home Assistant's URL, e.g. http://127.0.0.1:8123"
    )
    source.add_argument("--webhook-id", help="the phone's webhook id")

    identity = PhoneIdentity()
    options = COMMAND_LINE_OPTIONS
    phone = parser.add_argument_group("the phone")
    phone.add_argument("--mac", default=identity.mac)
    phone.add_argument("--ip", default=identity.ip, help="the phone's own IP ($ip)")
    phone.add_argument("--model", default=identity.model)
    phone.add_argument("--firmware", default=identity.firmware)
    phone.add_argument("--user", default=identity.user, help="account user")
    phone.add_argument("--pbx", default=identity.host, help="account host")
    phone.add_argument("--display-name", default=identity.display_name)
    phone.add_argument(
        "--new-ip", default=options.new_ip, help="the IP after ip-change"
    )

    calls = parser.add_argument_group("the other parties")
    calls.add_argument("--remote", default=options.remote.number, help="remote number")
    calls.add_argument(
        "--remote-name", default=options.remote.name, help="remote display name"
    )
    calls.add_argument(
        "--second", default=options.second.number, help="call-waiting number"
    )
    calls.add_argument("--second-name", default=options.second.name)
    calls.add_argument(
        "--transfer-to", default=options.transfer_to.number, help="transfer target"
    )
    calls.add_argument("--transfer-to-name", default=options.transfer_to.name)

    timing = parser.add_argument_group("timing and encoding")
    timing.add_argument(
        "--delay", type=float, default=options.delay, help="seconds after each request"
    )
    timing.add_argument(
        "--ring", type=float, default=options.ring, help="extra seconds while ringing"
    )
    timing.add_argument(
        "--talk",
        type=float,
        default=options.talk,
        help="extra seconds while connected",
    )
    timing.add_argument(
        "--raw",
        action="store_true",
        default=options.raw,
        help="insert values unencoded (a raw space or non-ASCII byte gets 400)",
    )
    timing.add_argument(
        "--missing",
        choices=MISSING_VALUES,
        default=options.missing,
        help="what a variable without value becomes: nothing, or '$name' as is",
    )
    timing.add_argument(
        "--no-call-id",
        action="store_true",
        default=not options.call_ids,
        help="leave $call_id empty",
    )
    timing.add_argument(
        "--drop",
        action="append",
        default=sorted(options.drop),
        choices=sorted(EVENTS_BY_KEY),
        metavar="EVENT",
        help="lose every request of this event (not sent; repeatable)",
    )
    timing.add_argument(
        "--allow-remote",
        action="store_true",
        help="allow URLs that point anywhere but a loopback address",
    )
    parser.add_argument("--list", action="store_true", help="list the scenarios")
    parser.add_argument("scenarios", nargs="*", metavar="SCENARIO")
    return parser


def phone_from_args(args: argparse.Namespace) -> PhoneIdentity:
    """Return the phone the parsed command line describes."""
    return PhoneIdentity(
        mac=args.mac,
        ip=args.ip,
        model=args.model,
        firmware=args.firmware,
        user=args.user,
        host=args.pbx,
        display_name=args.display_name,
    )


def options_from_args(args: argparse.Namespace) -> Options:
    """Return the options the parsed command line describes."""
    return Options(
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
        drop=frozenset(args.drop),
        timeout=COMMAND_LINE_OPTIONS.timeout,
    )


async def _async_main(args: argparse.Namespace) -> int:
    loopback_only = not args.allow_remote
    options = options_from_args(args)
    if args.provisioning:
        urls = await load_provisioning(
            args.provisioning,
            token=args.token,
            time_limit=options.timeout,
            loopback_only=loopback_only,
        )
    elif args.base_url and args.webhook_id:
        urls = urls_from_webhook(args.base_url, args.webhook_id)
    else:
        raise SimulatorError("give --provisioning, or --base-url and --webhook-id")
    simulator = PhoneSimulator(
        urls, phone=phone_from_args(args), options=options, loopback_only=loopback_only
    )
    failed = 0

    async def report(step: Step, sent: SentRequest) -> None:
        nonlocal failed
        ok = sent.lost or sent.status == 200
        failed += not ok
        status = "lost" if sent.lost else sent.status
        print(
            f"  {sent.p_code} {sent.event:<22} -> {status}"
            f"{'' if ok else '  FAILED'}  {sent.target.decode(errors='replace')}"
        )

    async def restart() -> None:
        # The simulator cannot restart Home Assistant: whoever runs it does.
        await asyncio.to_thread(
            input, "  Restart Home Assistant now; press Enter when it runs again. "
        )

    names: list[str] = []
    for name in args.scenarios:
        names.extend(
            [s.name for s in SCENARIOS.values() if not s.needs_restart]
            if name == ALL
            else [name]
        )
    every = ALL in args.scenarios
    for name in names:
        if (scenario := SCENARIOS.get(name)) is None:
            raise SimulatorError(f"unknown scenario {name!r} (see --list)")
        missing = sorted({s.event for s in scenario.steps} - set(simulator.urls))
        if every and missing:
            # e.g. ip-change without P3734, an opt-in URL: skipped, not failed.
            print(f"{scenario.name}: skipped, the phone has no URL for {missing}")
            continue
        print(f"{scenario.name}: {scenario.description}")
        await simulator.play(scenario, on_step=report, on_restart=restart)
    return 1 if failed else 0


def list_scenarios() -> str:
    """Return the --list text: each scenario, its description and its events."""
    return "\n".join(
        f"{s.name:<18} {s.description}\n{'':<18} "
        + ", ".join(step.event for step in s.steps)
        for s in SCENARIOS.values()
    )


def main(argv: Sequence[str] | None = None) -> int:
    """Run the simulator's command line."""
    args = build_parser().parse_args(argv)
    if args.list or not args.scenarios:
        print(list_scenarios())
        return 0 if args.list else 2
    try:
        return asyncio.run(_async_main(args))
    except (SimulatorError, OSError, TimeoutError) as err:
        print(f"simulate: error: {err}", file=sys.stderr)
        return 1
