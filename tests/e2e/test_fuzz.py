"""End to end: fuzzing and flooding over real HTTP, the webhook and the listener.

Home Assistant is restarted once with a trusted proxy (127.0.0.1) and
X-Forwarded-For in its confirmed HTTP settings (.storage/http), so a loopback
request can claim a non-local source; a call is under way during the restart.
Sizes: small by default; SANGOMA_FUZZ=full for the full run (see fuzz.py).
"""

import asyncio
import json
import random
from typing import Any

import pytest
import pytest_asyncio

from .conftest import (
    PHONE_MAC_DIGITS,
    Phone,
    added_phone,
    set_rate_limit,
    webhook_id_of,
)
from .fuzz import (
    FLOOD_COUNT,
    HOST,
    RANDOM_COUNT,
    REFUSED_COUNT,
    RawRequest,
    random_requests,
    refused_requests,
    request,
    send,
    send_all,
)
from .harness import HassInstance, allow_loopback_sockets, free_port
from .test_listener_e2e import ListenerSetting, submit_listener

pytestmark = pytest.mark.e2e

FUZZ_MAC = "00:50:58:77:00:01"
FLOOD_MAC = "00:50:58:77:00:02"
ALLOWED = {200, 400, 403, 404, 405, 413, 414, 429, 431, 501, 505}
SUMMARY: dict[str, Any] = {}


async def restart_with_trusted_proxy(instance: HassInstance) -> None:
    """Stop; trust 127.0.0.1 as a proxy in the confirmed settings; start."""
    assert await asyncio.to_thread(instance.stop) == 0
    path = instance.config_dir / ".storage" / "http"
    stored = json.loads(path.read_text())
    stored["data"]["stable"] |= {
        "use_x_forwarded_for": True,
        "trusted_proxies": [f"{HOST}/32"],
    }
    path.write_text(json.dumps(stored))
    instance.start()
    await instance.wait_until_running()
    async with instance.websocket() as ws:
        http = await ws.call("http/config")
    assert http["stable"]["use_x_forwarded_for"] is True, http


async def call_state(instance: HassInstance, phone: Phone) -> dict[str, str]:
    """Return the phone's entity states by key."""
    async with instance.api() as api:
        states = await api.states()
    return {k: states[e]["state"] for k, e in phone.entities.items() if e in states}


def integration_errors(log: str) -> list[str]:
    """Return the lines of a log that are errors of the integration."""
    return [
        line
        for line in log.splitlines()
        if "sangoma_phone" in line and ("ERROR" in line or "Traceback" in line)
    ]


def path_of(phone: Phone) -> bytes:
    """Return the phone's webhook path."""
    return f"/api/webhook/{webhook_id_of(phone.urls['incoming_call'])}".encode()


async def get_status(port: int, phone: Phone, query: bytes) -> int | str:
    """Send one well-formed request; return its status."""
    return await send(
        port, RawRequest(request(b"GET", path_of(phone) + b"?" + query), "ok")
    )


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def fuzz_phone(hass_instance: HassInstance, phone: Phone) -> Phone:
    """A phone for the fuzzing, rate limit raised; HA restarted mid-call."""
    allow_loopback_sockets()
    fuzz = await added_phone(hass_instance, "E2E fuzz", FUZZ_MAC)
    await set_rate_limit(hass_instance, fuzz, 1000)
    mac = fuzz.mac_digits.encode()
    port = hass_instance.port
    assert (
        await get_status(
            port, fuzz, b"event=incoming_call&mac=" + mac + b"&remote=1002"
        )
        == 200
    )
    assert await get_status(port, fuzz, b"event=established&mac=" + mac) == 200
    await restart_with_trusted_proxy(hass_instance)  # mid-call
    after = await call_state(hass_instance, fuzz)
    assert after["ringing"] == "off"
    assert await get_status(port, fuzz, b"event=terminated&mac=" + mac) == 200
    await asyncio.sleep(0.5)
    assert (await call_state(hass_instance, fuzz))["call_state"] == "idle"
    return fuzz


async def test_refused_requests_change_nothing(
    hass_instance: HassInstance, phone: Phone, fuzz_phone: Phone
) -> None:
    """Requests every phone must refuse: no state change, no event, HA answers."""
    port = free_port()
    await submit_listener(
        hass_instance, fuzz_phone, ListenerSetting(enabled=True, port=port, use=True)
    )
    try:
        rng = random.Random(14)  # noqa: S311 (reproducible fuzz)
        before = [await call_state(hass_instance, p) for p in (phone, fuzz_phone)]
        log_start = len(hass_instance.log_text())
        async with hass_instance.websocket() as ws:
            events = await ws.subscribe("sangoma_phone_event")
            outcomes = {}
            for name, target in (("webhook", hass_instance.port), ("listener", port)):
                items = refused_requests(
                    rng,
                    path_of(fuzz_phone),
                    PHONE_MAC_DIGITS.encode(),
                    REFUSED_COUNT // 2,
                    proxied=name == "webhook",
                )
                outcomes[name] = await send_all(target, items)
            await asyncio.sleep(1)
            assert ws.drain(events) == []
        after = [await call_state(hass_instance, p) for p in (phone, fuzz_phone)]
        assert after == before
        for name, counts in outcomes.items():
            statuses = {k for k in counts if isinstance(k, int)}
            assert statuses <= ALLOWED, (name, counts)
            SUMMARY[f"refused via {name}"] = dict(counts)
        log = hass_instance.log_text()[log_start:]
        assert integration_errors(log) == []
        # Still answering, still working.
        mac = fuzz_phone.mac_digits.encode()
        assert await get_status(port, fuzz_phone, b"event=dnd_on&mac=" + mac) == 200
    finally:
        await submit_listener(
            hass_instance,
            fuzz_phone,
            ListenerSetting(enabled=False, port=port, use=False),
        )


async def test_random_requests(hass_instance: HassInstance, fuzz_phone: Phone) -> None:
    """Anything at all: HA keeps answering, the integration logs no error."""
    rng = random.Random(1414)  # noqa: S311
    log_start = len(hass_instance.log_text())
    counts = await send_all(
        hass_instance.port, random_requests(rng, path_of(fuzz_phone), RANDOM_COUNT)
    )
    SUMMARY["random via webhook"] = dict(counts)
    assert {k for k in counts if isinstance(k, int)} <= ALLOWED | {401, 201}, counts
    log = hass_instance.log_text()[log_start:]
    assert integration_errors(log) == []
    mac = fuzz_phone.mac_digits.encode()
    for query in (
        b"event=incoming_call&cid=9&remote=77",
        b"event=established&cid=9",
        b"event=terminated&cid=9",
    ):
        assert (
            await get_status(hass_instance.port, fuzz_phone, query + b"&mac=" + mac)
            == 200
        )
    await asyncio.sleep(0.5)
    state = await call_state(hass_instance, fuzz_phone)
    assert (state["call_state"], state["ringing"], state["in_call"]) == (
        "idle",
        "off",
        "off",
    )


async def test_flood_leaves_other_phones_alone(
    hass_instance: HassInstance, fuzz_phone: Phone
) -> None:
    """Several clients flood one phone; another phone's events all get through."""
    flood = await added_phone(hass_instance, "E2E flood", FLOOD_MAC)
    try:
        flood_mac = flood.mac_digits.encode()
        items = (
            RawRequest(
                request(b"GET", path_of(flood) + b"?event=dnd_on&mac=" + flood_mac),
                "flood",
            )
            for _ in range(FLOOD_COUNT)
        )
        mac = fuzz_phone.mac_digits.encode()
        async with hass_instance.websocket() as ws:
            events = await ws.subscribe("sangoma_phone_event")
            flooding = asyncio.create_task(
                send_all(hass_instance.port, items, parallel=24)
            )
            other = []
            for i in range(20):
                event = b"dnd_on" if i % 2 else b"dnd_off"
                other.append(
                    await get_status(
                        hass_instance.port,
                        fuzz_phone,
                        b"event=" + event + b"&mac=" + mac,
                    )
                )
                await asyncio.sleep(0.25)
            counts = await flooding
            await asyncio.sleep(1)
            fired = ws.drain(events)
        assert other == [200] * 20
        by_entry = {
            p.entry_id: sum(e["data"]["entry_id"] == p.entry_id for e in fired)
            for p in (flood, fuzz_phone)
        }
        assert by_entry[fuzz_phone.entry_id] == 20
        assert counts[200] == by_entry[flood.entry_id]
        assert counts[429] > 0
        assert counts[200] + counts[429] == FLOOD_COUNT
        SUMMARY["flood"] = {
            "sent": FLOOD_COUNT,
            "accepted": counts[200],
            "rejected_429": counts[429],
            "other_phone_events_processed": by_entry[fuzz_phone.entry_id],
            "other_phone_sent": 20,
        }
    finally:
        async with hass_instance.api() as api:
            await api.delete(f"/api/config/config_entries/entry/{flood.entry_id}")
            await api.delete(f"/api/config/config_entries/entry/{fuzz_phone.entry_id}")
        print("\nfuzz summary:", json.dumps(SUMMARY, indent=1))
