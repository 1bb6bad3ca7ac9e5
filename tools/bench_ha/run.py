"""The four paths in one Home Assistant, one run, interleaved rounds."""

from __future__ import annotations

import argparse
import asyncio
from collections import Counter
from pathlib import Path
import sqlite3
import time
from typing import Any

from custom_components.sangoma_phone.const import STORAGE_SAVE_DELAY

from .hass import BenchHass, mac_of
from .load import LoadClient, Result
from .paths import IDEAL_EVENT, PATH_EVENT_TYPES, PHONE_EVENT, SAME_EVENT, BenchPath
from .profiling import PySpy
from .requests import RequestStream, templates_from_provisioning

DOMAIN = "sangoma_phone"


# Requests a second each benchmark phone accepts (the options flow's maximum).
BENCH_RATE_LIMIT = 1000
# How long after a phone's first change its state is surely saved.
SAVE_WAIT = STORAGE_SAVE_DELAY + 1.0


async def add_phones(
    hass: BenchHass, counts: list[int]
) -> tuple[dict[str, str], list[list[tuple[int, str, str, str]]]]:
    """Add a disjoint group of phones per count; return templates and groups.

    Each phone is (index, MAC, webhook path, entry id); the URL templates come
    from the first phone's provisioning file, each webhook path from its own.
    """
    templates: dict[str, str] = {}
    groups = []
    index = 0
    for count in counts:
        group = []
        for _ in range(count):
            mac = mac_of(index)
            entry_id = await hass.add_entry(
                DOMAIN, {"name": f"Bench phone {index}", "mac": mac}
            )
            await hass.set_rate_limit(entry_id, BENCH_RATE_LIMIT)
            path, found = templates_from_provisioning(await hass.provisioning(entry_id))
            templates = templates or found
            group.append((index, mac, path, entry_id))
            index += 1
        groups.append(group)
    return templates, groups


async def entity_ids_by_entry(hass: BenchHass) -> dict[str, set[str]]:
    """Return the entity ids of each config entry."""
    async with hass.websocket() as ws:
        registry = await ws.call("config/entity_registry/list")
    result: dict[str, set[str]] = {}
    for entity in registry:
        result.setdefault(entity["config_entry_id"], set()).add(entity["entity_id"])
    return result


def build_paths(
    templates: dict[str, str],
    groups: list[list[tuple[int, str, str, str]]],
    entities: dict[str, set[str]],
    shared: int,
) -> list[BenchPath]:
    """Return the paths: a, b, i and s over `shared` phones' requests, then c per N."""
    simple = [(i, mac_of(i)) for i in range(shared)]

    def stream(webhook: str) -> RequestStream:
        path = f"/api/webhook/{webhook}"
        return RequestStream(templates, [(i, mac, path) for i, mac in simple])

    paths = [
        BenchPath("a", stream("bench_floor"), shared),
        BenchPath(
            "b",
            stream("bench_diy"),
            shared,
            entity_ids={"input_boolean.bench_in_call", "input_text.bench_remote"},
        ),
        BenchPath("i", stream("bench_ideal"), shared, entity_prefix="bench_ideal_"),
        BenchPath("s", stream("bench_same"), shared, entity_prefix="bench_same_"),
    ]
    for group in groups:
        paths.append(
            BenchPath(
                f"c{len(group)}",
                RequestStream(templates, [(i, mac, p) for i, mac, p, _ in group]),
                len(group),
                entity_ids={e for *_, entry in group for e in entities.get(entry, ())},
                entry_ids={entry for *_, entry in group},
            )
        )
    return paths


def count_events(paths: list[BenchPath], events: list[dict[str, Any]]) -> None:
    """Add the bus events the websocket subscriber got to their paths."""
    by_entry = {entry: p for p in paths for entry in p.entry_ids}
    by_type = {IDEAL_EVENT: "i", SAME_EVENT: "s"}
    hand_written = {p.kind: p for p in paths if p.kind in by_type.values()}
    for event in events:
        if (kind := by_type.get(event["event_type"])) is not None:
            hand_written[kind].events_received += 1
        elif (path := by_entry.get(event["data"].get("entry_id"))) is not None:
            path.events_received += 1


def recorder_rows(
    db: Path, paths: list[BenchPath], since: float
) -> dict[str, dict[str, Any]]:
    """Return the states and events rows of each path, read from the database.

    Only rows written from `since` (a Unix time) on count: what the phones'
    requests wrote, not the entities' first states or a reload at setup.
    """
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
        states = conn.execute(
            "SELECT m.entity_id, COUNT(*), COUNT(DISTINCT s.attributes_id) FROM states s "
            "JOIN states_meta m ON s.metadata_id = m.metadata_id "
            "WHERE s.last_updated_ts >= ? GROUP BY m.entity_id",
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
    kind_accepted = Counter[str]()
    for path in paths:
        kind_accepted[path.kind] += path.accepted_total
    rows = {}
    for path in paths:
        state_rows = sum(n for entity, n, _ in states if path.owns_entity(entity))
        # Distinct attribute sets: each new one is a state_attributes row.
        attribute_rows = sum(a for entity, _, a in states if path.owns_entity(entity))
        # Event rows are counted per kind (c's phones share one event type).
        event_rows = sum(events.get(t, 0) for t in PATH_EVENT_TYPES[path.kind])
        share = (
            path.accepted_total / kind_accepted[path.kind] if path.accepted_total else 0
        )
        accepted = path.accepted_total or 1
        rows[path.name] = {
            "state_rows": state_rows,
            "attribute_sets_per_event": attribute_rows / accepted,
            "event_rows": round(event_rows * share),
            "states_per_event": state_rows / accepted,
            "events_per_event": event_rows * share / accepted,
            "rows_per_event": (state_rows + event_rows * share) / accepted,
        }
    rows["_event_types"] = {"events": events}
    return rows


async def settle(hass: BenchHass, path: BenchPath, idle: float = 0.0) -> None:
    """Wait until the work a burst of the path caused is done: the recorder's
    commits and, for path c, the phones' saves (a phone saves its state at
    most STORAGE_SAVE_DELAY after its last change)."""
    if path.kind == "c":
        await asyncio.sleep(SAVE_WAIT)
    await hass.wait_quiet(idle)


async def measure(
    hass: BenchHass,
    client: LoadClient,
    paths: list[BenchPath],
    args: argparse.Namespace,
) -> None:
    """Warm up, then the interleaved rounds: a burst (CPU, max rate), then paced."""
    for path in paths:
        path.count(await client.burst(path.stream.take(max(args.warmup, path.phones))))
    idle = await hass.idle_rate()
    print(f"idle CPU of Home Assistant: {idle * 100:.2f} % of a core", flush=True)
    for path in paths:
        path.idle_rate = idle
    per_round = max(1, args.requests // args.rounds)
    paced_round = max(1, args.paced // args.rounds)
    for round_no in range(args.rounds):
        shift = round_no % len(paths)
        for path in paths[shift:] + paths[:shift]:
            await hass.wait_quiet(idle)
            paced = await client.paced(path.stream.take(paced_round), args.rate)
            path.paced.append(paced)
            path.count(paced)
            cpu, started = hass.cpu_seconds(), time.monotonic()
            threads = hass.cpu_by_thread()
            burst = await client.burst(path.stream.take(per_round))
            await settle(hass, path, idle)
            gross, wall = hass.cpu_seconds() - cpu, time.monotonic() - started
            for group, seconds in hass.cpu_by_thread().items():
                path.cpu_threads[group] += seconds - threads[group]
            path.cpu_seconds += gross - idle * wall
            path.cpu_gross_seconds += gross
            path.cpu_wall_seconds += wall
            path.bursts.append(burst)
            path.count(burst)
            print(
                f"round {round_no + 1}/{args.rounds} {path.name:>5}: "
                f"{burst.rate:7.0f} req/s, paced p99 "
                f"{sorted(paced.latencies)[int(len(paced.latencies) * 0.99) - 1] * 1e3:6.1f} ms",
                flush=True,
            )
    await hass.wait_quiet(idle)


async def profile(
    hass: BenchHass, client: LoadClient, path: BenchPath, args: argparse.Namespace
) -> tuple[Result, dict[str, float]]:
    """Run one burst of a path under py-spy (if given) or cProfile; return it
    and the CPU seconds each thread group used meanwhile.

    py-spy samples every thread until the work the burst caused is done too:
    the recorder's backlog and commits, and (path c) the phones' saves.
    """
    urls = path.stream.take(args.profile_requests)
    before = hass.cpu_by_thread()
    if args.py_spy:
        async with PySpy(args.py_spy, hass.pid, args.profile_out):
            result = await client.burst(urls)
            await settle(hass, path)
    else:
        async with hass.api() as api:
            await api.post("/api/services/sangoma_bench/profile_start", {})
            result = await client.burst(urls)
            await api.post(
                "/api/services/sangoma_bench/profile_stop",
                {"path": str(args.profile_out)},
            )
    after = hass.cpu_by_thread()
    return result, {group: after[group] - before[group] for group in after}


async def run(args: argparse.Namespace, config_dir: Path) -> dict[str, Any]:
    """Start Home Assistant, measure every path, return the figures."""
    hass = BenchHass(config_dir=config_dir, port=args.port)
    hass.write_config()
    hass.start()
    try:
        await hass.wait_until_running()
        await hass.onboard()
        await hass.wait_until_running()
        started = time.monotonic()
        templates, groups = await add_phones(hass, args.phones)
        add_seconds = time.monotonic() - started
        print(f"added {sum(args.phones)} phones in {add_seconds:.1f} s", flush=True)
        paths = build_paths(
            templates, groups, await entity_ids_by_entry(hass), args.shared_phones
        )
        async with (
            hass.websocket() as ws,
            LoadClient(hass.base_url, args.connections) as client,
        ):
            subs = [
                await ws.subscribe(event_type)
                for event_type in (PHONE_EVENT, IDEAL_EVENT, SAME_EVENT)
            ]
            await hass.wait_quiet()
            since = time.time()  # rows from here on are the requests'
            await measure(hass, client, paths, args)
            profile_threads: dict[str, float] = {}
            if args.profile:
                target = next(p for p in paths if p.name == args.profile)
                result, profile_threads = await profile(hass, client, target, args)
                target.count(result)
                await hass.wait_quiet()
            count_events(paths, [e for sub in subs for e in ws.drain(sub)])
        code = hass.stop()
        if code != 0:
            raise RuntimeError(f"hass exited with {code}:\n{hass.log_tail()}")
    finally:
        hass.stop()
    rows = recorder_rows(config_dir / "home-assistant_v2.db", paths, since)
    return {
        "paths": [p.summary(rows[p.name]) for p in paths],
        "recorded_event_types": rows["_event_types"]["events"],
        # CPU seconds of each thread group while the profiled burst ran.
        "profile_cpu_by_thread": profile_threads,
        "phones_added_seconds": add_seconds,
        "phones_added": sum(args.phones),
    }
