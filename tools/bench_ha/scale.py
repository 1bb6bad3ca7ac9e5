"""--scale: setup time at start and memory per phone, against a stand-in.

For this integration and for a benchmark-only stand-in with the same device
and entities and no logic (Home Assistant's own floor per phone), each in its
own Home Assistant: restart with no phone, then add phones through the config
flow up to each count and restart; time to RUNNING, the integration's setup
time (Home Assistant's own setup timings) and the RSS once quiet.
"""

from __future__ import annotations

import argparse
from pathlib import Path
import time
from typing import Any

from tests.e2e.harness import free_port

from .hass import BenchHass, mac_of

DOMAINS = {"sangoma_phone": "this integration", "sangoma_standin": "stand-in"}


async def setup_seconds(hass: BenchHass, domain: str) -> float:
    """Return Home Assistant's recorded setup time of one integration."""
    async with hass.websocket() as ws:
        timings = await ws.call("integration/setup_info")
    return float(sum(t["seconds"] for t in timings if t["domain"] == domain))


async def restart_and_measure(
    hass: BenchHass, domain: str, restarts: int
) -> dict[str, float]:
    """Restart; return the seconds to RUNNING (the fastest of `restarts`),
    the integration's setup time and the RSS once quiet (of the last)."""
    running = min([await hass.restart() for _ in range(restarts)])
    await hass.wait_quiet(window=3.0, slack=0.05)
    return {
        "running_s": running,
        "setup_s": await setup_seconds(hass, domain),
        "rss_mb": hass.rss_bytes() / 2**20,
    }


async def measure_domain(
    domain: str, counts: list[int], config_dir: Path, restarts: int
) -> dict[str, Any]:
    """Measure one integration at 0 and at each phone count."""
    hass = BenchHass(config_dir=config_dir, port=free_port())
    hass.write_config()
    hass.start()
    result: dict[str, Any] = {"domain": domain, "label": DOMAINS[domain]}
    try:
        await hass.wait_until_running()
        await hass.onboard()
        await hass.wait_until_running()
        base = await restart_and_measure(hass, domain, restarts)
        result["0"] = base
        print(f"{domain}: no phone: {base}", flush=True)
        added, previous_rss = 0, base["rss_mb"]
        for count in sorted(counts):
            started, previous = time.monotonic(), added
            while added < count:
                await hass.add_entry(
                    domain, {"name": f"Bench phone {added}", "mac": mac_of(added)}
                )
                added += 1
            add_s = time.monotonic() - started
            figures = await restart_and_measure(hass, domain, restarts)
            phones = count
            figures |= {
                "add_ms_per_phone": add_s / max(1, count - previous) * 1e3,
                "running_extra_s": figures["running_s"] - base["running_s"],
                "rss_kb_per_phone": (figures["rss_mb"] - base["rss_mb"])
                * 1024
                / phones,
                # Over the phones added since the last count only: what each
                # more phone costs, without the modules loaded for the first.
                "rss_kb_per_added_phone": (figures["rss_mb"] - previous_rss)
                * 1024
                / max(1, count - previous),
            }
            previous_rss = figures["rss_mb"]
            result[str(count)] = figures
            print(f"{domain}: {count} phones: {figures}", flush=True)
    finally:
        hass.stop()
    return result


async def run(args: argparse.Namespace, config_dir: Path) -> dict[str, Any]:
    """Measure the integration and the stand-in; return the figures."""
    data: dict[str, Any] = {"counts": args.phones}
    for domain in DOMAINS:
        data[domain] = await measure_domain(
            domain, args.phones, config_dir / domain, args.restarts
        )
    for count in args.phones:
        for key, name in (
            ("rss_kb_per_phone", "rss_ratio"),
            ("rss_kb_per_added_phone", "rss_added_ratio"),
        ):
            phone = data["sangoma_phone"][str(count)][key]
            stand_in = data["sangoma_standin"][str(count)][key]
            data[f"{name}_{count}"] = phone / stand_in if stand_in else float("nan")
    return data


def table(data: dict[str, Any]) -> str:
    """Return the scale figures as Markdown."""
    lines = [
        "| integration | phones | add via flow | to RUNNING | vs no phone "
        "| setup (HA timing) | RSS | RSS per phone | per added phone |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for domain, label in DOMAINS.items():
        base = data[domain]["0"]
        lines.append(
            f"| {label} | 0 | - | {base['running_s']:.1f} s | - "
            f"| - | {base['rss_mb']:.0f} MB | - | - |"
        )
        for count in data["counts"]:
            f = data[domain][str(count)]
            lines.append(
                f"| {label} | {count} | {f['add_ms_per_phone']:.0f} ms "
                f"| {f['running_s']:.1f} s | {f['running_extra_s']:+.1f} s "
                f"| {f['setup_s']:.2f} s | {f['rss_mb']:.0f} MB "
                f"| {f['rss_kb_per_phone']:.0f} KB "
                f"| {f['rss_kb_per_added_phone']:.0f} KB |"
            )
    for name, what in (
        ("rss_ratio", "per phone"),
        ("rss_added_ratio", "per added phone"),
    ):
        ratios = ", ".join(
            f"{count}: {data[f'{name}_{count}']:.2f}" for count in data["counts"]
        )
        lines.append(f"\nRSS {what}, integration / stand-in: {ratios}")
    return "\n".join(lines)
