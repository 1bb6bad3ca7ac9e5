"""The listener's sockets: addresses, timeouts, connection cap, closing."""

import asyncio
import contextlib
import errno
import socket
from typing import Any
from unittest.mock import MagicMock, patch

import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.sangoma_phone.listener import DATA_LISTENER, port_is_free
from custom_components.sangoma_phone.listener.server import OneRequestServer
from homeassistant.const import STATE_ON, STATE_UNKNOWN
from homeassistant.core import HomeAssistant
from homeassistant.setup import async_setup_component

from .conftest import (
    DND,
    PATH,
    SERVER,
    UNKNOWN_PATH,
    connection_closed,
    eventually,
    exchange,
    free_port,
    get,
    served,
    status_of,
    until_served,
)


@pytest.mark.usefixtures("fast_timeouts")
@pytest.mark.parametrize(
    "partial",
    [b"", b"GET " + PATH + b"?event=dnd_on", get(PATH, method=b"POST")[:-2]],
    ids=["silent", "request_line", "headers"],
)
async def test_read_timeout(hass: HomeAssistant, listener: int, partial: bytes) -> None:
    """A client that does not finish its request in time is cut off."""
    assert await connection_closed(listener, partial)
    assert hass.states.get(DND).state == STATE_UNKNOWN


@pytest.mark.usefixtures("fast_timeouts")
async def test_short_body_and_early_close(hass: HomeAssistant, listener: int) -> None:
    """A body shorter than announced, or a client gone, changes nothing."""
    request = get(PATH, method=b"POST", headers=b"Content-Length: 100\r\n") + b"e"
    assert await connection_closed(listener, request)
    await until_served(0)
    _, writer = await asyncio.open_connection("127.0.0.1", listener)
    writer.write(b"GET " + PATH)
    await until_served(1)  # the listener has the connection ...
    writer.close()
    await writer.wait_closed()
    await until_served(0)  # ... and is done with it
    assert hass.states.get(DND).state == STATE_UNKNOWN
    response = await exchange(listener, get(PATH + b"?event=dnd_on"))
    assert status_of(response) == 200


@pytest.mark.usefixtures("fast_timeouts")
async def test_client_that_never_closes(hass: HomeAssistant, listener: int) -> None:
    """A client that keeps the connection open after its answer cannot hold it."""
    with patch.object(OneRequestServer, "max_connections", 1):
        reader, writer = await asyncio.open_connection("127.0.0.1", listener)
        writer.write(get(PATH + b"?event=dnd_on"))
        await writer.drain()
        head = await reader.readuntil(b"\r\n\r\n")
        assert status_of(head) == 200
        writer.write(b"x" * 1000)  # keeps talking instead of closing
        async with asyncio.timeout(3):
            assert await reader.read() == b"OK\n"
        # The only connection slot is free again: the listener closed it.
        await eventually(lambda: served(listener))
    writer.close()
    assert hass.states.get(DND).state == STATE_ON


async def test_connection_cap(hass: HomeAssistant, listener: int) -> None:
    """Beyond the cap, connections are closed at once; then it serves again."""
    with patch.object(OneRequestServer, "max_connections", 2):
        idle = [await asyncio.open_connection("127.0.0.1", listener) for _ in range(2)]
        # Connections are accepted in order: the idle ones hold the two slots.
        assert await connection_closed(listener, get(PATH + b"?event=dnd_on"))
        assert hass.states.get(DND).state == STATE_UNKNOWN
        for _, writer in idle:
            writer.close()
            await writer.wait_closed()
        await eventually(lambda: served(listener))
        response = await exchange(listener, get(PATH + b"?event=dnd_on"))
    assert status_of(response) == 200
    assert hass.states.get(DND).state == STATE_ON


async def test_unload_closes_open_connections(
    hass: HomeAssistant, listener: int, init_integration: MockConfigEntry
) -> None:
    """Connections still open when the listener stops are closed, not leaked."""
    reader, writer = await asyncio.open_connection("127.0.0.1", listener)
    writer.write(b"GET " + PATH)
    await writer.drain()
    # A later connection answered: the earlier one is being served too.
    assert status_of(await exchange(listener, get(UNKNOWN_PATH))) == 200
    async with asyncio.timeout(3):  # well before the 5 s read timeout
        assert await hass.config_entries.async_unload(init_integration.entry_id)
        with contextlib.suppress(ConnectionResetError):
            assert await reader.read() == b""
    writer.close()
    assert port_is_free(listener)


@pytest.mark.usefixtures("any_loopback")
async def test_listens_on_ipv4_and_ipv6(hass: HomeAssistant, listener: int) -> None:
    """Like Home Assistant's own server, it binds every IPv4 and IPv6 address."""
    for host in ("127.0.0.1", "127.0.0.2", "::1"):
        assert await served(listener, host), host
    assert not port_is_free(listener, ("0.0.0.0",))
    assert not port_is_free(listener, ("::",))


@pytest.mark.usefixtures("any_loopback")
async def test_listener_binds_like_home_assistant(
    hass: HomeAssistant,
    listener_port: int,
    mock_config_entry: MockConfigEntry,
    local_url: str,
) -> None:
    """Home Assistant's server bound to loopback: so is the listener."""
    assert await async_setup_component(hass, "http", {})
    hass.http.server_host = ["127.0.0.1"]
    mock_config_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(mock_config_entry.entry_id)
    await hass.async_block_till_done()
    assert hass.data[DATA_LISTENER].port == listener_port
    assert await served(listener_port, "127.0.0.1")
    for host in ("127.0.0.2", "::1"):
        with pytest.raises(ConnectionRefusedError):
            await asyncio.open_connection(host, listener_port)


@pytest.mark.parametrize("family", [socket.AF_INET, socket.AF_INET6])
def test_port_is_free(family: socket.AddressFamily) -> None:
    """The bind test sees a port in use on either address family."""
    host = "::" if family == socket.AF_INET6 else "0.0.0.0"
    with socket.socket(family, socket.SOCK_STREAM) as sock:
        if family == socket.AF_INET6:
            sock.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
        sock.bind((host, 0))
        sock.listen()
        port = sock.getsockname()[1]
        assert not port_is_free(port)
    assert port_is_free(port)


def test_port_is_free_without_ipv6() -> None:
    """A system without IPv6 (no socket, or the address disabled) is fine."""
    real_socket = socket.socket

    def no_ipv6_socket(family: int, kind: int) -> socket.socket:
        if family == socket.AF_INET6:
            raise OSError(errno.EAFNOSUPPORT, "Address family not supported")
        return real_socket(family, kind)

    port = free_port()
    with patch(f"{SERVER}.socket.socket", side_effect=no_ipv6_socket):
        assert port_is_free(port)

    disabled = MagicMock()
    disabled.__enter__.return_value = disabled
    disabled.bind.side_effect = OSError(errno.EADDRNOTAVAIL, "Cannot assign")

    def disabled_ipv6_socket(family: int, kind: int) -> Any:
        return disabled if family == socket.AF_INET6 else real_socket(family, kind)

    with patch(f"{SERVER}.socket.socket", side_effect=disabled_ipv6_socket):
        assert port_is_free(port)
    disabled.bind.assert_called_once_with(("::", port))
