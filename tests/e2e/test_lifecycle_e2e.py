"""End to end: Home Assistant stops mid-call while the listener has open
connections, and starts again.

A phone of its own ("E2E lifecycle") with the listener enabled: a call is
established, a refused request is counted, three connections to the listener
stay open (idle, half a request line, headers without their end); then
Home Assistant is stopped with SIGTERM and started again. The module's fixture
does it once; the tests assert the stop and what the restart kept.
"""

import asyncio
from collections.abc import AsyncIterator
import contextlib
from dataclasses import dataclass
from typing import Any

import pytest
import pytest_asyncio

from custom_components.sangoma_phone.listener.server import port_is_free

from .conftest import Phone, added_phone, set_rate_limit
from .harness import HOST, HassInstance, allow_loopback_sockets, free_port
from .test_fuzz import call_state, get_status, integration_errors, path_of
from .test_listener_e2e import ListenerSetting, submit_listener

pytestmark = pytest.mark.e2e

NAME = "E2E lifecycle"
MAC = "00:50:58:14:14:01"
OTHER_MAC = b"005058141499"  # not this phone's: refused, counted


@dataclass(kw_only=True)
class Restart:
    """What was seen before, during and after the restart."""

    phone: Phone
    port: int  # the listener's
    before: dict[str, Any]  # the diagnostics before the stop
    exit_code: int
    closed: list[bool]  # each open connection was closed by the stop
    port_free: bool  # right after the stop
    stop_log: str  # the log of the stop


async def diagnostics(instance: HassInstance, phone: Phone) -> dict[str, Any]:
    """Return the phone's diagnostics (the entry's options, state, counters)."""
    async with instance.api() as api:
        data: dict[str, Any] = await api.get(
            f"/api/diagnostics/config_entry/{phone.entry_id}"
        )
    return data["data"]


async def closed_by_server(reader: asyncio.StreamReader) -> bool:
    """Return whether the other end closed a connection (EOF or reset)."""
    try:
        async with asyncio.timeout(5):
            return await reader.read() == b""
    except ConnectionResetError:
        return True


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def restart(hass_instance: HassInstance) -> AsyncIterator[Restart]:
    """Call, refusal, open connections; stop; start; clean up at the end."""
    allow_loopback_sockets()
    phone = await added_phone(hass_instance, NAME, MAC)
    await set_rate_limit(hass_instance, phone, 1000)
    port = free_port()
    setting = ListenerSetting(enabled=True, port=port, use=True)
    await submit_listener(hass_instance, phone, setting)
    try:
        mac = phone.mac_digits.encode()
        for query in (
            b"event=incoming_call&mac=" + mac + b"&cid=7&remote=1002",
            b"event=established&mac=" + mac + b"&cid=7&remote=1002",
        ):
            assert await get_status(port, phone, query) == 200
        assert await get_status(port, phone, b"event=dnd_on&mac=" + OTHER_MAC) == 403
        await asyncio.sleep(0.5)
        before = await diagnostics(hass_instance, phone)
        opened = [await asyncio.open_connection(HOST, port) for _ in range(3)]
        opened[1][1].write(b"GET " + path_of(phone) + b"?event=dnd_on&mac=")
        opened[2][1].write(
            b"GET " + path_of(phone) + b"?event=dnd_on HTTP/1.1\r\nHost: x\r\n"
        )
        for _, writer in opened:
            await writer.drain()
        await asyncio.sleep(0.2)
        log_start = len(hass_instance.log_text())

        exit_code = await asyncio.to_thread(hass_instance.stop)

        closed = [await closed_by_server(reader) for reader, _ in opened]
        for _, writer in opened:
            writer.close()
            with contextlib.suppress(ConnectionError):
                await writer.wait_closed()
        port_free = port_is_free(port, (HOST,))
        stop_log = hass_instance.log_text()[log_start:]
        hass_instance.start()
        await hass_instance.wait_until_running()
        yield Restart(
            phone=phone,
            port=port,
            before=before,
            exit_code=exit_code,
            closed=closed,
            port_free=port_free,
            stop_log=stop_log,
        )
    finally:
        off = ListenerSetting(enabled=False, port=port, use=False)
        await submit_listener(hass_instance, phone, off)
        async with hass_instance.api() as api:
            await api.delete(f"/api/config/config_entries/entry/{phone.entry_id}")


async def test_stop_with_open_listener_connections(restart: Restart) -> None:
    """SIGTERM with three connections open: a clean exit, each connection
    closed, the port free, nothing of ours left running or logged as an error."""
    assert restart.exit_code == 0
    assert restart.closed == [True, True, True]
    assert restart.port_free
    assert integration_errors(restart.stop_log) == []
    ours = [line for line in restart.stop_log.splitlines() if "sangoma_phone" in line]
    assert not [line for line in ours if "WARNING" in line], ours
    assert "The phone listener on port" in restart.stop_log  # closed, logged


async def test_restart_mid_call(hass_instance: HassInstance, restart: Restart) -> None:
    """After the restart: the established call, DND never set by the cut
    requests, options, listener, pinned MAC and counters kept; it works."""
    phone = restart.phone
    after = await diagnostics(hass_instance, phone)
    assert after["entry"] == restart.before["entry"]  # options, data (pinned MAC)
    assert after["listener"] == restart.before["listener"]
    assert after["listener"]["running_on_port"] == restart.port
    assert after["event_counts"] == restart.before["event_counts"]
    assert after["rejected_counts"] == restart.before["rejected_counts"]
    assert after["rejected_counts"]
    states = await call_state(hass_instance, phone)
    assert states["ringing"] == "off"
    assert states["call_state"] == restart.before["state"]["call_state"] != "idle"
    assert states["dnd"] != "on"  # the cut requests changed nothing

    # Listener and webhook work; the pin still holds.
    mac = phone.mac_digits.encode()
    port = restart.port
    assert await get_status(port, phone, b"event=dnd_on&mac=" + OTHER_MAC) == 403
    assert await get_status(port, phone, b"event=terminated&mac=" + mac) == 200
    query = b"event=dnd_on&mac=" + mac
    assert await get_status(hass_instance.port, phone, query) == 200
    await asyncio.sleep(0.5)
    states = await call_state(hass_instance, phone)
    assert (states["call_state"], states["dnd"]) == ("idle", "on")
    after = await diagnostics(hass_instance, phone)
    assert after["event_counts"]["terminated"] == 1
    assert after["rejected_counts"] == {
        k: v + 1 for k, v in restart.before["rejected_counts"].items()
    }
