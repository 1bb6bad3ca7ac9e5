"""scripts/bench --ha [--scale]: figures of a real Home Assistant, printed.

Starts `hass` from .venv (tools/hass_process.py, recorder on) and measures, in
one process and one run, the paths (a) floor, (b) DIY automation, (i)
hand-written ideal, (s) the integration's states set by hand and (c) this
integration over N phones; prints a table and the ratios and writes
.bench/ha.json. --scale (see run.py) writes .bench/ha-scale.json.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import os
from pathlib import Path
import shutil
import signal
import sys
import tempfile
from typing import Any

from tools.hass_process import ROOT

from . import run

OUT = ROOT / ".bench"
# (heading, format, key) of the tables' columns.
COLUMNS = (
    ("path", "{}", "label"),
    ("CPU/event", "{:.0f} µs", "cpu_us_per_event"),
    ("max req/s", "{:.0f}", "max_rps"),
    ("p50 @100/s", "{:.1f} ms", "p50_ms"),
    ("p99 @100/s", "{:.1f} ms", "p99_ms"),
    ("rows/event", "{:.2f}", "rows_per_event"),
    ("lost", "{}", "events_lost"),
)
THREAD_COLUMNS = (
    ("CPU per event by thread", "{}", "label"),
    *((group, "{:.0f} µs", group) for group in ("loop", "recorder", "other")),
)
SCALE_COLUMNS = (
    ("integration", "{}", "label"),
    ("phones", "{}", "phones"),
    ("add via flow", "{:.0f} ms", "add_ms_per_phone"),
    ("to RUNNING", "{:.1f} s", "running_s"),
    ("vs no phone", "{:+.1f} s", "running_extra_s"),
    ("setup (HA timing)", "{:.2f} s", "setup_s"),
    ("RSS", "{:.0f} MB", "rss_mb"),
    ("RSS per phone", "{:.0f} KB", "rss_kb_per_phone"),
    ("per added phone", "{:.0f} KB", "rss_kb_per_added_phone"),
)


def div(x: float | None, y: float | None) -> float | None:
    """Return x / y, None over a zero."""
    return x / y if x is not None and y else None


def ratios(paths: list[dict[str, Any]]) -> dict[str, Any]:
    """Return the ratios the targets are about, with c at (nearest) 20 phones."""
    by = {p["path"]: p for p in paths}
    a, b, i, s = by["a"], by["b"], by["i"], by["s"]
    cs = [p for p in paths if p["path"][0] == "c"]
    c = min(cs, key=lambda p: abs(p["phones"] - 20))
    cpu, rows = "cpu_us_per_event", "rows_per_event"
    return {
        "c_phones": c["phones"],
        "cpu c/i": div(c[cpu], i[cpu]),
        "cpu c/s": div(c[cpu], s[cpu]),
        "cpu b/c": div(b[cpu], c[cpu]),
        "cpu c/a": div(c[cpu], a[cpu]),
        "max req/s i/c": div(i["max_rps"], c["max_rps"]),
        "rows c/i": div(c[rows], i[rows]),
        "rows c/s": div(c[rows], s[rows]),
        # CPU above the floor per recorder row, whatever the rows a path writes.
        "cpu/row c/i": div(
            div(c[cpu] - a[cpu], c[rows]), div(i[cpu] - a[cpu], i[rows])
        ),
        "p99 c-i ms": c["p99_ms"] - i["p99_ms"],
        "p50 c-i ms": c["p50_ms"] - i["p50_ms"],
    }


def table(columns: tuple[tuple[str, str, str], ...], rows: list[Any]) -> str:
    """Return the rows (dicts) as a Markdown table; a missing value is -."""
    lines = [[head for head, _, _ in columns], ["---"] * len(columns)]
    for row in rows:
        lines.append(
            ["-" if row.get(k) is None else f.format(row[k]) for _, f, k in columns]
        )
    return "\n".join("| " + " | ".join(cells) + " |" for cells in lines)


def ratio_lines(values: dict[str, Any]) -> str:
    """Return the ratios, one per line (n/a over a zero)."""
    return "\n".join(
        f"{name:<28} {'n/a' if value is None else f'{value:.2f}':>8}"
        for name, value in values.items()
        if name != "c_phones"
    )


def scale_table(data: dict[str, Any]) -> str:
    """Return the --scale figures and the ratios to the stand-in."""
    rows = [
        {"label": label, "phones": count, **data[domain][str(count)]}
        for domain, label in run.DOMAINS.items()
        for count in [0, *data["counts"]]
    ]
    ratios = ratio_lines(data["ratios"])
    return f"{table(SCALE_COLUMNS, rows)}\n\nintegration / stand-in:\n{ratios}"


def write_json(name: str, data: dict[str, Any]) -> None:
    """Write the figures to .bench/."""
    (OUT / name).write_text(json.dumps(data, indent=2, sort_keys=True) + "\n")
    print(f"\nJSON: {OUT / name}")


def main(argv: list[str]) -> int:
    """Run the benchmark; print and write JSON."""
    parser = argparse.ArgumentParser(prog="scripts/bench --ha", description=__doc__)
    parser.add_argument("--scale", action="store_true", help="setup time, RSS a phone")
    parser.add_argument(
        "--phones",
        type=lambda text: [int(n) for n in text.split(",")],
        help="phone counts of path c (default 1,20,200; --scale: 200,1000)",
    )
    for name, default, text in (
        ("--requests", 4000, "burst requests a path"),
        ("--paced", 1000, "requests a path paced at 100/s"),
        ("--rounds", 4, "interleaved rounds"),
        ("--restarts", 3, "--scale: restarts a count, the fastest counts"),
    ):
        parser.add_argument(name, type=int, default=default, help=text)
    args = parser.parse_args(argv)
    args.phones = args.phones or ([200, 1000] if args.scale else [1, 20, 200])
    # SIGTERM ends the run as Ctrl-C does: Home Assistant is stopped on the way.
    signal.signal(signal.SIGTERM, lambda *_: signal.raise_signal(signal.SIGINT))
    OUT.mkdir(exist_ok=True)
    config_dir = Path(tempfile.mkdtemp(prefix="hass-", dir=OUT))
    when = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    about = {"when": when, "load_average": os.getloadavg(), "cpus": os.cpu_count()}
    try:
        if args.scale:
            data = asyncio.run(run.run_scale(args, config_dir))
            print(scale_table(data))
            write_json("ha-scale.json", data | about | {"options": vars(args)})
            return 0
        data = asyncio.run(run.run_paths(args, config_dir))
    except KeyboardInterrupt:
        print("\nbench: interrupted; Home Assistant was stopped", file=sys.stderr)
        return 130
    finally:
        shutil.rmtree(config_dir, ignore_errors=True)
    data |= about | {"ratios": ratios(data["paths"]), "options": vars(args)}
    if args.requests < 2000:
        print("\nnote: under 2000 burst requests a path, the CPU figures are coarse")
        print("(/proc counts CPU time in 10 ms ticks)")
    print(f"\n{table(COLUMNS, data['paths'])}\n")
    threads = [
        {"label": p["label"], **p["cpu_us_per_event_by_thread"]} for p in data["paths"]
    ]
    print(table(THREAD_COLUMNS, threads))
    phones = data["ratios"]["c_phones"]
    print(f"\nratios (c at {phones} phone{'s' * (phones != 1)}):")
    print(ratio_lines(data["ratios"]))
    print(f"\nrecorded event types: {data['recorded_event_types']}")
    write_json("ha.json", data)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
