"""The measurements: the paths, and --scale.

Paths: interleaved rounds of call cycles in one Home Assistant, from a phone's
provisioning templates; bursts (16 in flight, keep-alive, 127.0.0.1) and
paced requests at 100 a second. --scale: this integration against a stand-in
with the same device and entities and no logic, each in its own Home
Assistant: time to RUNNING (fastest restart), setup time and RSS per phone.
"""

from __future__ import annotations

import argparse
import asyncio
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
import re
import sqlite3
from statistics import median
import time
from typing import Any
from urllib.parse import parse_qs, quote, urlsplit
import xml.etree.ElementTree as ET

import aiohttp
from yarl import URL

from custom_components.sangoma_phone.const import STORAGE_SAVE_DELAY
from tools.hass_process import free_port

from .hass import BenchHass, mac_of

# A realistic call: ring, answer, hold, resume, mute, unmute, hang up, idle.
CALL_CYCLE = (
    "incoming_call", "established", "hold", "unhold",
    "mute", "unmute", "terminated", "busy_to_idle",
)  # fmt: skip
VARIABLE = re.compile(r"\$[a-z_]+")
# Per kind of path: its label, and the event types it writes to the events
# table (state_changed goes to the states table only); c, this integration,
# stores the device's model, firmware and address with a phone's first request.
KINDS = {
    "a": ("floor (do-nothing webhook)", ()),
    "b": ("DIY automation", ("automation_triggered", "call_service", "script_started")),
    "i": ("hand-written ideal", ("bench_ideal_event",)),
    "s": ("hand-written, the integration's states", ("bench_same_event",)),
    "c": ("this integration", ("sangoma_phone_event", "device_registry_updated")),
}


def templates_from_provisioning(xml: str) -> tuple[str, dict[str, str]]:
    """Return the webhook path and the query template of each event key."""
    path, templates = "", {}
    # The file comes from the Home Assistant this benchmark started.
    for element in ET.fromstring(xml).iter():  # noqa: S314
        if (text := (element.text or "").strip()).startswith("http"):
            path, query = urlsplit(text)[2:4]
            templates[parse_qs(query)["event"][0]] = query
    return path, templates


@dataclass
class Result:
    """What one burst or paced segment got."""

    accepted: int = 0  # answered 200
    latencies: list[float] = field(default_factory=list)  # seconds
    seconds: float = 0.0

    def percentile(self, fraction: float) -> float:
        """Return the latency (ms) below which `fraction` of them lie."""
        ordered = sorted(self.latencies)
        rank = max(0, min(len(ordered) - 1, round(fraction * len(ordered)) - 1))
        return ordered[rank] * 1e3


async def send(
    session: aiohttp.ClientSession, urls: list[str], rate: float = 0
) -> Result:
    """Send the urls: paced at `rate` a second, or a burst (16 in flight)."""
    result, queue, started = Result(), iter(urls), time.perf_counter()

    async def one(url: str) -> None:
        sent = time.perf_counter()
        try:
            async with session.get(URL(url, encoded=True)) as response:
                await response.read()
                status = response.status
        except aiohttp.ClientError:
            status = 0
        result.accepted += status == 200
        result.latencies.append(time.perf_counter() - sent)

    async def worker() -> None:
        for url in queue:
            await one(url)

    if rate:
        tasks = []
        for index, url in enumerate(urls):
            await asyncio.sleep(started + index / rate - time.perf_counter())
            tasks.append(asyncio.create_task(one(url)))
        await asyncio.gather(*tasks)
    else:
        await asyncio.gather(*(worker() for _ in range(16)))
    result.seconds = time.perf_counter() - started
    return result


@dataclass
class BenchPath:
    """One path: its requests, the entities it writes, what it measured.

    Its requests are call cycles of its phones, each phone's events in order:
    request k goes to phone k mod N, at step k // N of its call cycles.
    """

    name: str  # a, b, i, s, c1, c20, c200
    templates: dict[str, str]  # the query of each event key
    phones: list[tuple[int, str]]  # (index, webhook path)
    entities: set[str] = field(default_factory=set)  # or, for i and s, a prefix:
    prefix: str = "\0"
    entry_ids: set[str] = field(default_factory=set)  # path c: its phones
    position: int = 0  # requests taken
    bursts: list[Result] = field(default_factory=list)
    paced: list[Result] = field(default_factory=list)
    cpu: float = 0.0  # seconds over the bursts, net of idle
    threads: dict[str, float] = field(default_factory=lambda: defaultdict(float))
    accepted: int = 0  # every accepted request (warm-up, bursts, paced)
    events: int = 0  # bus events received

    def take(self, count: int) -> list[str]:
        """Return the next `count` relative URLs (path and query)."""
        self.position += count
        return [self._url(k) for k in range(self.position - count, self.position)]

    def _url(self, k: int) -> str:
        phone, path = self.phones[k % len(self.phones)]
        cycle, step = divmod(k // len(self.phones), len(CALL_CYCLE))
        user = f"2{phone:03d}"
        values = {  # what a phone substitutes for its $variables
            "$mac": mac_of(phone).replace(":", ""),
            "$ip": f"192.168.{50 + phone // 250}.{phone % 250 + 1}",
            "$model": "S505",
            "$firmware": "2.0.4.89",
            "$call_id": f"{phone}-{cycle}",
            "$local": f"sip:{user}@pbx.example",
            "$remote": f"sip:+1555{(cycle * 7 + phone) % 10000:04d}@pbx.example",
            "$active_user": user,
            "$active_host": "pbx.example",
            "$active_url": f"sip:{user}@pbx.example",
            "$display_local": f"Desk {phone}",
            "$display_remote": f"Caller & Sons {cycle}",
        }
        template = self.templates[CALL_CYCLE[step]]
        query = VARIABLE.sub(lambda m: quote(values.get(m[0], ""), safe=""), template)
        return f"{path}?{query}"

    def summary(self, states: list[Any], events: dict[str, int], share: float) -> Any:
        """Return the path's figures: medians of the rounds, CPU summed, rows
        (event rows shared among the paths c by their accepted requests)."""
        burst = sum(r.accepted for r in self.bursts) or 1
        state_rows = sum(n for e, n in states if e in self.entities or self.prefix in e)
        label, event_types = KINDS[self.name[0]]
        event_rows = sum(events.get(t, 0) for t in event_types) * share
        phones = len(self.phones)
        return {
            "path": self.name,
            "label": f"{label}, {phones} phone{'s' * (phones != 1)}"
            if self.name[0] == "c"
            else label,
            "phones": phones,
            "max_rps": median(len(r.latencies) / r.seconds for r in self.bursts),
            "p50_ms": median(r.percentile(0.50) for r in self.paced),
            "p99_ms": median(r.percentile(0.99) for r in self.paced),
            "cpu_us_per_event": self.cpu / burst * 1e6,
            "cpu_us_per_event_by_thread": {
                group: seconds / burst * 1e6 for group, seconds in self.threads.items()
            },
            "accepted": self.accepted,
            "events_lost": self.accepted - self.events
            if self.name[0] in "cis"
            else None,
            "rows_per_event": (state_rows + event_rows) / (self.accepted or 1),
        }


async def build_paths(hass: BenchHass, counts: list[int]) -> list[BenchPath]:
    """Add a disjoint group of phones per count; return paths a, b, i and s
    over the first 20 phones' requests, and a path c per group."""
    groups, first = [], 0
    for count in counts:
        group = [(n, *await hass.add_phone(n)) for n in range(first, first + count)]
        groups.append(group)
        first += count
    async with hass.websocket() as ws:
        registry = await ws.call("config/entity_registry/list")
    # The URL templates are the same for every phone; the webhooks are not.
    templates = templates_from_provisioning(groups[0][0][2])[1]

    hooks = {"a": "floor", "b": "diy", "i": "ideal", "s": "same"}  # bench_<hook>
    paths = [
        BenchPath(k, templates, [(n, f"/api/webhook/bench_{hook}") for n in range(20)])
        for k, hook in hooks.items()
    ]
    paths[1].entities = {"input_boolean.bench_in_call", "input_text.bench_remote"}
    paths[2].prefix, paths[3].prefix = "bench_ideal_", "bench_same_"
    for group in groups:
        entries = {entry for _, entry, _ in group}
        paths.append(
            BenchPath(
                f"c{len(group)}",
                templates,
                [(n, templates_from_provisioning(xml)[0]) for n, _, xml in group],
                {e["entity_id"] for e in registry if e["config_entry_id"] in entries},
                entry_ids=entries,
            )
        )
    return paths


async def measure(
    hass: BenchHass,
    session: aiohttp.ClientSession,
    paths: list[BenchPath],
    args: argparse.Namespace,
) -> None:
    """Warm up, then the interleaved rounds: paced (latency), then a burst (CPU,
    maximum rate) and the wait until its work is done: the recorder's commits
    and, for path c, the phones' saves (due STORAGE_SAVE_DELAY after a change)."""
    for path in paths:
        warm_up = await send(session, path.take(max(100, len(path.phones))))
        path.accepted += warm_up.accepted
    idle = await hass.idle_rate()
    print(f"idle CPU of Home Assistant: {idle * 100:.2f} % of a core", flush=True)
    requests, paced, rounds = args.requests, args.paced, args.rounds
    for round_no in range(rounds):
        shift = round_no % len(paths)
        for path in paths[shift:] + paths[:shift]:
            await hass.wait_quiet(idle)
            path.paced.append(await send(session, path.take(paced // rounds), 100))
            cpu, threads = hass.cpu_seconds(), hass.cpu_by_thread()
            started = time.monotonic()
            path.bursts.append(
                burst := await send(session, path.take(requests // rounds))
            )
            if path.name[0] == "c":
                await asyncio.sleep(STORAGE_SAVE_DELAY + 1.0)
            await hass.wait_quiet(idle)
            wall = time.monotonic() - started
            path.cpu += hass.cpu_seconds() - cpu - idle * wall
            for group, seconds in hass.cpu_by_thread().items():
                path.threads[group] += seconds - threads[group]
            path.accepted += path.paced[-1].accepted + burst.accepted
            print(
                f"round {round_no + 1}/{rounds} {path.name:>5}: "
                f"{len(burst.latencies) / burst.seconds:7.0f} req/s, "
                f"paced p99 {path.paced[-1].percentile(0.99):6.1f} ms",
                flush=True,
            )


async def run_paths(args: argparse.Namespace, config_dir: Path) -> dict[str, Any]:
    """Start Home Assistant, measure every path, return the figures."""
    hass = BenchHass(config_dir=config_dir, port=free_port())
    try:
        await hass.boot()
        started = time.monotonic()
        paths = await build_paths(hass, args.phones)
        print(f"added {sum(args.phones)} phones in {time.monotonic() - started:.1f} s")
        by_name = {p.name: p for p in paths}
        async with (
            hass.websocket() as ws,
            aiohttp.ClientSession(hass.base_url) as session,
        ):
            subs = {
                await ws.subscribe("sangoma_phone_event"): None,
                await ws.subscribe("bench_ideal_event"): by_name["i"],
                await ws.subscribe("bench_same_event"): by_name["s"],
            }
            await hass.wait_quiet()
            since = time.time()  # rows from here on are the requests'
            await measure(hass, session, paths, args)
            by_entry = {entry: p for p in paths for entry in p.entry_ids}
            for sub, target in subs.items():
                for event in ws.drain(sub):
                    entry = event["data"].get("entry_id")
                    if (path := target or by_entry.get(entry)) is not None:
                        path.events += 1
        if code := hass.stop():
            raise RuntimeError(f"hass exited with {code}:\n{hass.log_tail()}")
    finally:
        hass.stop()
    # The state rows per entity and event rows per type since the first request.
    db = config_dir / "home-assistant_v2.db"
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
        states = conn.execute(
            "SELECT m.entity_id, COUNT(*) FROM states s JOIN states_meta m "
            "ON s.metadata_id = m.metadata_id WHERE s.last_updated_ts >= ? "
            "GROUP BY m.entity_id",
            (since,),
        ).fetchall()
        events = dict(
            conn.execute(
                "SELECT t.event_type, COUNT(*) FROM events e JOIN event_types t "
                "ON e.event_type_id = t.event_type_id WHERE e.time_fired_ts >= ? "
                "GROUP BY t.event_type",
                (since,),
            ).fetchall()
        )
    c_accepted = sum(p.accepted for p in paths if p.entry_ids)
    return {
        "paths": [
            p.summary(states, events, p.accepted / c_accepted if p.entry_ids else 1)
            for p in paths
        ],
        "recorded_event_types": events,
    }


# --scale

DOMAINS = {"sangoma_phone": "this integration", "sangoma_standin": "stand-in"}


async def _restart(hass: BenchHass, domain: str, restarts: int) -> dict[str, float]:
    """Restart; return the seconds to RUNNING, the setup time and the RSS."""
    running = []
    for _ in range(restarts):
        hass.stop()
        hass.start()
        running.append(await hass.wait_until_running())
    await hass.wait_quiet(window=3.0)
    async with hass.websocket() as ws:
        timings = await ws.call("integration/setup_info")
    setup = sum(t["seconds"] for t in timings if t["domain"] == domain)
    return {"running_s": min(running), "setup_s": setup, "rss_mb": hass.rss_mb()}


async def _scale_domain(
    domain: str, counts: list[int], config_dir: Path, restarts: int
) -> Any:
    """Measure one integration at 0 and at each phone count."""
    hass = BenchHass(config_dir=config_dir, port=free_port())
    try:
        await hass.boot()
        result = {"0": (base := await _restart(hass, domain, restarts))}
        print(f"{domain}: no phone: {base}", flush=True)
        previous = 0
        for count in counts:
            started = time.monotonic()
            for n in range(previous, count):
                await hass.add_entry(domain, n)
            added_s = time.monotonic() - started
            f = await _restart(hass, domain, restarts)
            f |= {
                "add_ms_per_phone": added_s / (count - previous) * 1e3,
                "running_extra_s": f["running_s"] - base["running_s"],
                "rss_kb_per_phone": (f["rss_mb"] - base["rss_mb"]) * 1024 / count,
                # Over the phones added since the last count only: what a phone
                # more costs, without the modules loaded for the first.
                "rss_kb_per_added_phone": (f["rss_mb"] - result[str(previous)]["rss_mb"])
                * 1024 / (count - previous),
            }  # fmt: skip
            result[str(count)], previous = f, count
            print(f"{domain}: {count} phones: {f}", flush=True)
        return result
    finally:
        hass.stop()


async def run_scale(args: argparse.Namespace, config_dir: Path) -> dict[str, Any]:
    """--scale: measure the integration and the stand-in; return the figures."""
    counts = sorted(args.phones)
    data = {
        d: await _scale_domain(d, counts, config_dir / d, args.restarts)
        for d in DOMAINS
    }
    ratios = {}
    for count in counts:
        for key in ("rss_kb_per_phone", "rss_kb_per_added_phone"):
            stand_in = data["sangoma_standin"][str(count)][key]
            phone = data["sangoma_phone"][str(count)][key]
            ratios[f"{key} {count}"] = phone / stand_in if stand_in else None
    return {"counts": counts, "ratios": ratios, **data}
