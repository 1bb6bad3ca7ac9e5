"""scripts/bench --ha [--scale]: figures of a real Home Assistant, printed.

Starts `hass` from .venv with the end-to-end harness (recorder on), measures
the paths (a) floor, (b) DIY automation, (i) hand-written ideal, (s) the
integration's states set by hand and (c) this integration over N phones in
one process and one run, prints a table and the ratios, writes JSON (.bench/)
and draws docs/bench-ha.png. Asserts nothing.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import os
from pathlib import Path
import shutil
import signal
import sys
import tempfile

from tests.e2e.harness import free_port

from . import profiling, report, run, scale

ROOT = Path(__file__).resolve().parents[2]
# Burst requests a path below which the CPU per event is coarse (/proc counts
# CPU time in 10 ms ticks).
COARSE_BELOW = 2000


def _positive(text: str) -> int:
    """A count of at least 1."""
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"{value} is not at least 1")
    return value


def _rate(text: str) -> float:
    """A rate above 0."""
    value = float(text)
    if not value > 0:
        raise argparse.ArgumentTypeError(f"{value} is not above 0")
    return value


def _counts(text: str) -> list[int]:
    """Phone counts, comma-separated, each at least 1, none twice."""
    counts = [_positive(n) for n in text.split(",") if n]
    if len(set(counts)) != len(counts):
        raise argparse.ArgumentTypeError(f"{text}: a count is given twice")
    return counts


def parse_args(argv: list[str]) -> argparse.Namespace:
    """Return the options."""
    parser = argparse.ArgumentParser(prog="scripts/bench --ha", description=__doc__)
    parser.add_argument(
        "--scale", action="store_true", help="setup time and RSS per phone"
    )
    parser.add_argument(
        "--phones",
        type=_counts,
        default=None,
        help="phone counts of path c (default 1,20,200; --scale: 200,1000)",
    )
    parser.add_argument(
        "--requests",
        type=_positive,
        default=4000,
        help="burst requests per path, over all rounds (default 4000)",
    )
    parser.add_argument(
        "--paced",
        type=_positive,
        default=1000,
        help="paced requests per path, over all rounds (default 1000)",
    )
    parser.add_argument("--rate", type=_rate, default=100.0, help="paced rate, req/s")
    parser.add_argument(
        "--rounds", type=_positive, default=4, help="interleaved rounds"
    )
    parser.add_argument(
        "--connections", type=_positive, default=16, help="requests in flight"
    )
    parser.add_argument(
        "--warmup", type=_positive, default=100, help="warm-up requests per path"
    )
    parser.add_argument(
        "--shared-phones",
        type=_positive,
        default=20,
        help="phones whose requests paths a, b and i get",
    )
    parser.add_argument(
        "--restarts",
        type=_positive,
        default=3,
        help="--scale: restarts per count, the fastest counts",
    )
    parser.add_argument(
        "--profile",
        metavar="PATH",
        default=None,
        help="also profile one burst of a path (e.g. c20) with cProfile",
    )
    parser.add_argument(
        "--profile-requests",
        type=_positive,
        default=2000,
        help="requests of the profiled burst (default 2000)",
    )
    parser.add_argument(
        "--py-spy",
        metavar="BIN",
        nargs="?",
        const=str(Path(sys.executable).parent / "py-spy"),
        default=None,
        help="profile with py-spy (.venv's, or this binary) instead of cProfile",
    )
    parser.add_argument(
        "--out",
        type=Path,
        default=ROOT / ".bench",
        help="directory of the JSON, the profile and hass's config (default .bench)",
    )
    parser.add_argument(
        "--chart",
        type=Path,
        default=ROOT / "docs" / "bench-ha.png",
        help="the chart to draw (default docs/bench-ha.png)",
    )
    parser.add_argument("--no-chart", action="store_true")
    parser.add_argument("--keep", action="store_true", help="keep hass's config dir")
    args = parser.parse_args(argv)
    args.phones = args.phones or ([200, 1000] if args.scale else [1, 20, 200])
    names = ["a", "b", "i", "s", *(f"c{n}" for n in args.phones)]
    if args.profile is not None and args.profile not in names:
        parser.error(f"--profile: no path {args.profile!r} (one of {', '.join(names)})")
    if args.py_spy and not args.profile:
        parser.error("--py-spy: profiles the path given with --profile")
    if args.py_spy and not Path(args.py_spy).is_file():
        parser.error(f"--py-spy: no py-spy at {args.py_spy} (run scripts/setup)")
    if args.scale and args.profile:
        parser.error("--profile: not with --scale (it measures setup, no requests)")
    # Where the files go, checked now rather than after the measurements.
    folders = [args.out] + ([] if args.no_chart or args.scale else [args.chart.parent])
    for folder in folders:
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as err:
            parser.error(f"cannot write to {folder}: {err.strerror}")
        if not os.access(folder, os.W_OK):
            parser.error(f"cannot write to {folder}")
    args.port = free_port()
    suffix = "collapsed" if args.py_spy else "pstats"
    args.profile_out = args.out / f"profile-{args.profile}.{suffix}"
    return args


def _stop(signum: int, frame: object) -> None:
    """End the run as Ctrl-C does: Home Assistant is stopped on the way out."""
    signal.raise_signal(signal.SIGINT)


def main(argv: list[str]) -> int:
    """Run the benchmark; print, write JSON and the chart."""
    args = parse_args(argv)
    signal.signal(signal.SIGTERM, _stop)
    try:
        return _main(args)
    except KeyboardInterrupt:
        print("\nbench: interrupted; Home Assistant was stopped", file=sys.stderr)
        return 130


def _main(args: argparse.Namespace) -> int:
    config_dir = Path(tempfile.mkdtemp(prefix="hass-", dir=args.out))
    stamp = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    load = os.getloadavg()
    try:
        if args.scale:
            data = asyncio.run(scale.run(args, config_dir))
            print(scale.table(data))
            report.write_json(args.out / "ha-scale.json", data)
            print(f"\nJSON: {args.out / 'ha-scale.json'}")
            return 0
        data = asyncio.run(run.run(args, config_dir))
    finally:
        if args.keep:
            print(f"hass's config dir kept: {config_dir}")
        else:
            shutil.rmtree(config_dir, ignore_errors=True)
    ratios = report.ratios(data["paths"])
    data |= {
        "ratios": ratios,
        "when": stamp,
        "load_average_at_start": load,
        "cpus": os.cpu_count(),
        "options": {
            k: v for k, v in vars(args).items() if isinstance(v, int | float | list)
        },
    }
    print()
    if args.requests < COARSE_BELOW:
        print(
            f"note: fewer than {COARSE_BELOW} burst requests a path: the CPU times "
            "come in 10 ms ticks, so these CPU figures and ratios are coarse\n"
        )
    print(report.table(data["paths"], args.rate))
    print("\nCPU per event by thread (gross, over the bursts):")
    print(report.thread_lines(data["paths"]))
    phones = ratios["c_phones"]
    print(f"\nratios (c at {phones} phone{'s' * (phones != 1)}):")
    print(report.ratio_lines(ratios))
    print(f"\nrecorded event types: {data['recorded_event_types']}")
    report.write_json(args.out / "ha.json", data)
    print(f"\nJSON: {args.out / 'ha.json'}")
    if not args.no_chart:
        title = (
            f"Sangoma Phone, Home Assistant with recorder, {stamp}, "
            f"{os.cpu_count()} CPUs, load {load[0]:.1f}"
        )
        report.chart(data["paths"], args.chart, title)
        print(f"chart: {args.chart}")
    if args.profile and args.py_spy:
        summary = profiling.summarize_collapsed(args.profile_out)
        data["profile"] = summary
        report.write_json(args.out / "ha.json", data)
        profiling.print_summary(summary)
    elif args.profile:
        profiling.print_cprofile(args.profile_out)
    if args.profile:
        print(profiling.thread_share_line(data["profile_cpu_by_thread"]))
        if args.py_spy:
            print(
                "(py-spy pauses the process for every sample, which adds CPU to "
                "every thread: read the shares of the measured rounds above)"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
