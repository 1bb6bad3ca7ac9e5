"""Fixtures and helpers of the listener tests: raw bytes over real sockets.

Every request goes to 127.0.0.1 (or another loopback address); nothing else.
"""

import asyncio
from collections.abc import AsyncGenerator, Awaitable, Callable, Generator
import contextlib
import socket
from typing import Any
from unittest.mock import patch

import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
import pytest_socket

from custom_components.sangoma_phone.const import (
    CONF_LOCAL_ONLY,
    CONF_MAC,
    CONF_WEBHOOK_ID,
    DOMAIN,
    LISTENER_STORAGE_KEY,
)
from custom_components.sangoma_phone.listener import DATA_LISTENER
from custom_components.sangoma_phone.listener.server import OneRequestServer
from homeassistant.core import HomeAssistant

from ..conftest import MAC, WEBHOOK_ID

SERVER = "custom_components.sangoma_phone.listener.server"
REMOTE_NAME = "sensor.desk_phone_remote_name"
REMOTE_NUMBER = "sensor.desk_phone_remote_number"
DND = "binary_sensor.desk_phone_do_not_disturb"
PATH = f"/api/webhook/{WEBHOOK_ID}".encode()
UNKNOWN_PATH = b"/api/webhook/" + b"f" * 32
CALL = b"event=incoming_call&mac=" + MAC.encode() + b"&cid=1&remote=1002&dr="


@pytest.fixture(autouse=True)
def sockets(socket_enabled: None) -> None:
    """Allow real sockets (to loopback only) in every listener test."""


@pytest.fixture
def any_loopback() -> Generator[None]:
    """Allow connections to the loopback addresses the tests use, and only those.

    (Explicit addresses: older pytest-socket releases take no CIDR ranges.)
    """
    pytest_socket.socket_allow_hosts(["127.0.0.1", "127.0.0.2", "::1"])
    try:
        yield
    finally:
        pytest_socket.socket_allow_hosts(["127.0.0.1"])  # the test harness's


def free_port() -> int:
    """Return a TCP port nothing listens on."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("0.0.0.0", 0))
        port: int = sock.getsockname()[1]
    return port


def storage(enabled: bool, port: int) -> dict[str, Any]:
    """Return the listener's store as Home Assistant writes it."""
    return {
        "version": 1,
        "minor_version": 1,
        "key": LISTENER_STORAGE_KEY,
        "data": {"enabled": enabled, "port": port},
    }


def get(target: bytes, *, method: bytes = b"GET", headers: bytes = b"") -> bytes:
    """Return a request with a byte-exact request line."""
    return (
        method
        + b" "
        + target
        + b" HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
        + headers
        + b"\r\n"
    )


async def exchange(port: int, data: bytes, host: str = "127.0.0.1") -> bytes:
    """Send raw bytes to a loopback address; return everything answered."""
    reader, writer = await asyncio.open_connection(host, port)
    try:
        writer.write(data)
        await writer.drain()
        async with asyncio.timeout(5):
            return await reader.read()
    finally:
        writer.close()
        with contextlib.suppress(ConnectionError):
            await writer.wait_closed()


def status_of(response: bytes) -> int:
    """Return the status code of a raw HTTP response."""
    return int(response.split(b" ", 2)[1])


def body_of(response: bytes) -> bytes:
    """Return the body of a raw HTTP response."""
    return response.partition(b"\r\n\r\n")[2]


async def connection_closed(port: int, data: bytes = b"") -> bool:
    """Return whether the listener closes a connection without answering."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        if data:
            writer.write(data)
        async with asyncio.timeout(3):
            return await reader.read() == b""
    except ConnectionResetError:
        return True
    finally:
        writer.close()
        with contextlib.suppress(ConnectionError):
            await writer.wait_closed()


async def served(port: int, host: str = "127.0.0.1") -> bool:
    """Return whether a request (to an unknown id: no effect) is answered 200."""
    try:
        response = await exchange(port, get(UNKNOWN_PATH), host)
    except ConnectionError:
        return False
    return response.startswith(b"HTTP/1.1 200 ")


async def eventually(check: Callable[[], Awaitable[bool]]) -> None:
    """Wait (up to about 3 s) until an asynchronous check holds."""
    for _ in range(300):
        if await check():
            return
        await asyncio.sleep(0.01)
    raise AssertionError("the condition did not come true")


def connections_served() -> set[asyncio.Task[Any]]:
    """Return the listener's tasks that serve a connection now."""
    return {t for t in asyncio.all_tasks() if "_async_handle_connection" in repr(t)}


async def until_served(count: int) -> set[asyncio.Task[Any]]:
    """Wait until the listener serves exactly `count` connections; return them."""

    async def _check() -> bool:
        return len(connections_served()) == count

    await eventually(_check)
    return connections_served()


async def add_phone(
    hass: HomeAssistant, webhook_id: str, mac: str, *, local_only: bool = True
) -> MockConfigEntry:
    """Set up one more phone."""
    entry = MockConfigEntry(
        domain=DOMAIN,
        title=f"Phone {mac[-2:]}",
        unique_id=mac,
        data={CONF_WEBHOOK_ID: webhook_id, CONF_MAC: mac},
        options={CONF_LOCAL_ONLY: local_only},
    )
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    return entry


@pytest.fixture
def listener_port(hass_storage: dict[str, Any]) -> int:
    """Enable the listener on a free port, as a stored setting."""
    port = free_port()
    hass_storage[LISTENER_STORAGE_KEY] = storage(True, port)
    return port


@pytest.fixture
async def listener(
    hass: HomeAssistant, listener_port: int, init_integration: MockConfigEntry
) -> int:
    """Set the phone up with the listener enabled; return the listener's port."""
    assert hass.data[DATA_LISTENER].port == listener_port
    return listener_port


@pytest.fixture
def fast_timeouts() -> Generator[None]:
    """Make the listener's timeouts short."""
    with (
        patch.object(OneRequestServer, "read_timeout", 0.2),
        patch.object(OneRequestServer, "linger_timeout", 0.2),
    ):
        yield


@pytest.fixture
async def busy_port() -> AsyncGenerator[int]:
    """Return a port another program listens on."""
    server = await asyncio.start_server(lambda r, w: w.close(), "0.0.0.0", 0)
    yield server.sockets[0].getsockname()[1]
    server.close()
    await server.wait_closed()


@pytest.fixture
async def started_on_busy_port(
    hass: HomeAssistant,
    hass_storage: dict[str, Any],
    mock_config_entry: MockConfigEntry,
    local_url: str,
    busy_port: int,
) -> None:
    """Set the phone up with the listener enabled on a port already taken."""
    hass_storage[LISTENER_STORAGE_KEY] = storage(True, busy_port)
    mock_config_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(mock_config_entry.entry_id)
    await hass.async_block_till_done()
