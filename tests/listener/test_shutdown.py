"""Home Assistant stops while the listener has open connections."""

import asyncio
import contextlib
from typing import Any

import pytest

from custom_components.sangoma_phone.const import DOMAIN, LISTENER_STORAGE_KEY
from custom_components.sangoma_phone.listener import DATA_LISTENER, port_is_free
from homeassistant.core import HomeAssistant

from ..conftest import ENTRY_ID, MAC
from .conftest import CALL, PATH, exchange, get, status_of, until_served


async def closed_by_server(reader: asyncio.StreamReader) -> bool:
    """Return whether the server closed a connection (EOF or reset)."""
    try:
        async with asyncio.timeout(3):
            return await reader.read() == b""
    except ConnectionResetError:
        return True


async def test_stop_with_open_connections(
    hass: HomeAssistant, listener: int, hass_storage: dict[str, Any]
) -> None:
    """Stopping closes every open connection and the port, leaves no task, and
    writes the state and counters; the listener's settings stay stored."""
    dnd = b"?event=dnd_on&mac=" + MAC.encode()
    assert status_of(await exchange(listener, get(PATH + dnd))) == 200
    assert status_of(await exchange(listener, get(PATH + b"?" + CALL + b"Bob"))) == 200
    # Idle, half a request line, the headers of a request without their end.
    opened = [await asyncio.open_connection("127.0.0.1", listener) for _ in range(3)]
    opened[1][1].write(b"GET " + PATH + b"?event=dnd_off&mac=")
    opened[2][1].write(get(PATH + b"?event=dnd_off").removesuffix(b"\r\n"))
    for _, writer in opened:
        await writer.drain()
    ours = await until_served(3)  # the listener has them all
    assert len(ours) == 3

    await hass.async_stop()

    for reader, writer in opened:
        assert await closed_by_server(reader)
        writer.close()
        with contextlib.suppress(ConnectionError):
            await writer.wait_closed()
    assert all(task.done() for task in ours)
    assert hass.data[DATA_LISTENER].port is None
    assert port_is_free(listener)
    with pytest.raises(ConnectionRefusedError):
        await asyncio.open_connection("127.0.0.1", listener)
    # Written at the final write: the call and DND (never the cut requests).
    saved = hass_storage[f"{DOMAIN}.{ENTRY_ID}"]["data"]
    assert saved["state"]["dnd"] is True
    assert saved["state"]["remote_name"] == "Bob"
    assert saved["counters"]["event_counts"] == {"dnd_on": 1, "incoming_call": 1}
    assert hass_storage[LISTENER_STORAGE_KEY]["data"] == {
        "enabled": True,
        "port": listener,
    }
