"""Tests for the phone listener, with raw bytes over real sockets on 127.0.0.1.

Every request of the issue's table goes through Home Assistant's own web
server (the webhook, on the aiohttp test server's real port) and through the
listener. The webhook loses the rows with a raw space or a raw non-ASCII byte
(400 before any integration code runs) and cuts a name at a raw ``#``; the
listener loses none.
"""

import asyncio
from collections.abc import AsyncGenerator, Callable, Generator
import contextlib
from dataclasses import dataclass
import errno
from http import HTTPStatus
import logging
import socket
from typing import Any
from unittest.mock import MagicMock, patch

import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_capture_events,
)
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

from custom_components.sangoma_phone.const import (
    CONF_LOCAL_ONLY,
    CONF_MAC,
    CONF_USE_LISTENER,
    CONF_WEBHOOK_ID,
    DOMAIN,
    EVENT_PHONE,
    LISTENER_STORAGE_KEY,
)
from custom_components.sangoma_phone.listener import (
    DATA_LISTENER,
    LISTENER_ISSUE,
    ListenerSettings,
    _is_local,
    port_is_free,
)
from custom_components.sangoma_phone.views import phone_event_urls, url_placeholders
from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import EVENT_HOMEASSISTANT_STOP, STATE_ON, STATE_UNKNOWN
from homeassistant.core import HomeAssistant
from homeassistant.core_config import async_process_ha_core_config
from homeassistant.helpers import issue_registry as ir
from homeassistant.setup import async_setup_component

from .conftest import MAC, WEBHOOK_ID

LISTENER = "custom_components.sangoma_phone.listener"
REMOTE_NAME = "sensor.desk_phone_remote_name"
REMOTE_NUMBER = "sensor.desk_phone_remote_number"
DND = "switch.desk_phone_do_not_disturb"
PATH = f"/api/webhook/{WEBHOOK_ID}".encode()
CALL = b"event=incoming_call&mac=" + MAC.encode() + b"&cid=1&remote=1002&dr="

pytestmark = pytest.mark.usefixtures("socket_enabled")


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


async def exchange(port: int, data: bytes) -> bytes:
    """Send raw bytes to 127.0.0.1 and return everything answered until EOF."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        writer.write(data)
        await writer.drain()
        async with asyncio.timeout(5):
            return await reader.read()
    finally:
        writer.close()
        with contextlib.suppress(ConnectionError):
            await writer.wait_closed()


async def until(condition: Callable[[], bool]) -> None:
    """Wait (up to 3 s) until a condition holds."""
    for _ in range(300):
        if condition():
            return
        await asyncio.sleep(0.01)
    raise AssertionError("the condition did not come true")


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


@dataclass(frozen=True)
class Row:
    """One request of the table and what arrives through each server."""

    query: bytes
    name: str | None = None  # the remote name that must arrive
    number: str = "1002"
    webhook_status: HTTPStatus = HTTPStatus.OK
    webhook_name: str | None = None  # what the webhook delivers, if not `name`

    @property
    def lost_at_webhook(self) -> bool:
        return self.webhook_status is not HTTPStatus.OK


LOST = HTTPStatus.BAD_REQUEST
ROWS: dict[str, Row] = {
    # The issue's table (the remote's display name is `dr`, its number `remote`)
    "percent_encoded_space": Row(CALL + b"John%20Doe", "John Doe"),
    "raw_space": Row(CALL + b"John Doe", "John Doe", webhook_status=LOST),
    "raw_space_and_ampersand": Row(
        b"event=incoming_call&cid=1&remote=1002&dr=Smith & Sons&mac=" + MAC.encode(),
        "Smith & Sons",
        webhook_status=LOST,
    ),
    "raw_latin1": Row(CALL + b"Jos\xe9", "José", webhook_status=LOST),
    "raw_utf8": Row(CALL + "José".encode(), "José", webhook_status=LOST),
    "raw_hash": Row(CALL + b"a#b", "a#b", webhook_name="a"),
    "raw_plus_number": Row(
        b"event=incoming_call&mac=" + MAC.encode() + b"&cid=1&remote=+15551234&dr=X",
        "X",
        number="+15551234",
    ),
    "angle_brackets": Row(CALL + b"<sip:1@x>", "<sip:1@x>"),
    "angle_bracket_remote": Row(
        b"event=incoming_call&mac=" + MAC.encode() + b"&cid=1&remote=<sip:1@x>&dr=X",
        "X",
        number="1",
    ),
    "double_quotes": Row(CALL + b'"Q"', '"Q"'),
    # More names as a phone may send them
    "raw_ampersand": Row(CALL + b"AT&T", "AT&T"),
    "raw_plus_name": Row(CALL + b"A+B", "A+B"),
    "raw_apostrophe": Row(CALL + b"O'Brien", "O'Brien"),
    "raw_quotes_and_spaces": Row(
        CALL + b'Q "the" Boss', 'Q "the" Boss', webhook_status=LOST
    ),
    "raw_space_and_hash": Row(CALL + b"Room #5", "Room #5", webhook_status=LOST),
    "raw_emoji": Row(
        CALL + "\U0001f4de Mom".encode(), "\U0001f4de Mom", webhook_status=LOST
    ),
    "percent_encoded_emoji": Row(CALL + b"%F0%9F%93%9E%20Mom", "\U0001f4de Mom"),
    "raw_latin1_umlaut": Row(
        CALL + b"M\xfcller, Hans", "Müller, Hans", webhook_status=LOST
    ),
    "percent_encoded_latin1": Row(CALL + b"Jos%E9", "José"),
    "percent_encoded_utf8": Row(CALL + b"Jos%C3%A9", "José"),
}


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
        patch(f"{LISTENER}.READ_TIMEOUT", 0.2),
        patch(f"{LISTENER}.LINGER_TIMEOUT", 0.2),
    ):
        yield


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


# The table, through both servers


@pytest.mark.usefixtures("init_integration", "enable_all_entities")
@pytest.mark.parametrize("row", ROWS.values(), ids=ROWS.keys())
async def test_table_through_the_webhook(
    hass: HomeAssistant, hass_client_no_auth: ClientSessionGenerator, row: Row
) -> None:
    """Home Assistant's server refuses raw spaces and non-ASCII, cuts at `#`."""
    client = await hass_client_no_auth()
    port = client.server.port
    assert port is not None
    bus_events = async_capture_events(hass, EVENT_PHONE)

    response = await exchange(port, get(PATH + b"?" + row.query))
    await hass.async_block_till_done()

    assert status_of(response) == row.webhook_status
    if row.lost_at_webhook:
        assert bus_events == []
        assert hass.states.get(REMOTE_NAME).state == STATE_UNKNOWN
        return
    assert len(bus_events) == 1
    assert hass.states.get(REMOTE_NAME).state == (row.webhook_name or row.name)
    assert hass.states.get(REMOTE_NUMBER).state == row.number


@pytest.mark.usefixtures("enable_all_entities")
@pytest.mark.parametrize("row", ROWS.values(), ids=ROWS.keys())
async def test_table_through_the_listener(
    hass: HomeAssistant, listener: int, row: Row
) -> None:
    """The listener delivers every row, whole, to the same code path."""
    bus_events = async_capture_events(hass, EVENT_PHONE)

    response = await exchange(listener, get(PATH + b"?" + row.query))
    await hass.async_block_till_done()

    assert status_of(response) == HTTPStatus.OK
    assert body_of(response) == b"OK\n"
    assert len(bus_events) == 1
    assert bus_events[0].data["event"] == "incoming_call"
    assert bus_events[0].data["display_remote"] == row.name
    assert hass.states.get(REMOTE_NAME).state == row.name
    assert hass.states.get(REMOTE_NUMBER).state == row.number


# Requests


async def test_post_body(hass: HomeAssistant, listener: int) -> None:
    """A POST with the parameters in a form body works like a GET."""
    body = f"event=dnd_on&mac={MAC}".encode()
    response = await exchange(
        listener,
        get(
            PATH,
            method=b"POST",
            headers=b"Content-Length: %d\r\n" % len(body)
            + b"Content-Type: application/x-www-form-urlencoded\r\n",
        )
        + body,
    )
    assert status_of(response) == HTTPStatus.OK
    assert hass.states.get(DND).state == STATE_ON


async def test_post_query_first(hass: HomeAssistant, listener: int) -> None:
    """A POST with a query uses the query, as the webhook does."""
    body = b"event=dnd_off"
    response = await exchange(
        listener,
        get(
            PATH + f"?event=dnd_on&mac={MAC}".encode(),
            method=b"POST",
            headers=b"Content-Length: %d\r\n" % len(body),
        )
        + body,
    )
    assert status_of(response) == HTTPStatus.OK
    assert hass.states.get(DND).state == STATE_ON


async def test_head(hass: HomeAssistant, listener: int) -> None:
    """HEAD answers 200 without a body and changes nothing."""
    bus_events = async_capture_events(hass, EVENT_PHONE)
    response = await exchange(listener, get(PATH + b"?event=dnd_on", method=b"HEAD"))
    await hass.async_block_till_done()
    assert status_of(response) == HTTPStatus.OK
    assert b"Content-Length: 3\r\n" in response
    assert body_of(response) == b""
    assert bus_events == []


async def test_unknown_webhook_id(hass: HomeAssistant, listener: int) -> None:
    """An unknown id gets 200, like Home Assistant's webhooks, and nothing else."""
    bus_events = async_capture_events(hass, EVENT_PHONE)
    for method in (b"GET", b"PUT", b"HEAD"):
        response = await exchange(
            listener,
            get(b"/api/webhook/" + b"f" * 32 + b"?event=dnd_on", method=method),
        )
        assert status_of(response) == HTTPStatus.OK
    await hass.async_block_till_done()
    assert bus_events == []
    assert hass.states.get(DND).state == STATE_UNKNOWN


@pytest.mark.parametrize(
    ("request_bytes", "status"),
    [
        (get(b"/api/states"), HTTPStatus.NOT_FOUND),
        (get(b"/?event=dnd_on"), HTTPStatus.NOT_FOUND),
        (get(PATH + b"?event=dnd_on", method=b"PUT"), HTTPStatus.METHOD_NOT_ALLOWED),
        (get(PATH + b"?event=dnd_on", method=b"DELETE"), HTTPStatus.METHOD_NOT_ALLOWED),
        (b"GARBAGE\r\n\r\n", HTTPStatus.BAD_REQUEST),
        (b"GET " + PATH + b"\r\n\r\n", HTTPStatus.BAD_REQUEST),
        (b"GET " + PATH + b" HTTP/2.0\r\n\r\n", HTTPStatus.BAD_REQUEST),
        (b"get " + PATH + b" HTTP/1.1\r\n\r\n", HTTPStatus.BAD_REQUEST),
        (b"GET api/webhook HTTP/1.1\r\n\r\n", HTTPStatus.BAD_REQUEST),
        (b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03\r\n", HTTPStatus.BAD_REQUEST),
        (
            get(PATH + b"?event=dnd_on", headers=b"Transfer-Encoding: chunked\r\n"),
            HTTPStatus.BAD_REQUEST,
        ),
        (
            get(PATH + b"?event=dnd_on", headers=b"Content-Length: -1\r\n"),
            HTTPStatus.BAD_REQUEST,
        ),
        (
            get(
                PATH + b"?event=dnd_on",
                headers=b"Content-Length: 1\r\nContent-Length: 2\r\n",
            ),
            HTTPStatus.BAD_REQUEST,
        ),
        (
            get(
                PATH + b"?event=dnd_on",
                headers=b"Content-Length: %s\r\n" % (b"9" * 5000),
            ),
            HTTPStatus.BAD_REQUEST,
        ),
        # The phone's own checks, as on the webhook
        (get(PATH + b"?event=ring_ring"), HTTPStatus.BAD_REQUEST),
        (get(PATH + b"?event=dnd_on&mac=001fc1000001"), HTTPStatus.FORBIDDEN),
    ],
    ids=[
        "other_path",
        "root",
        "put",
        "delete",
        "no_spaces",
        "no_version",
        "http2",
        "lowercase_method",
        "relative_target",
        "tls_hello",
        "chunked",
        "negative_length",
        "conflicting_lengths",
        "huge_length",
        "unknown_event",
        "other_phones_mac",
    ],
)
async def test_refused_requests(
    hass: HomeAssistant, listener: int, request_bytes: bytes, status: HTTPStatus
) -> None:
    """Bad requests get a fixed short answer, change nothing, echo nothing."""
    bus_events = async_capture_events(hass, EVENT_PHONE)
    response = await exchange(listener, request_bytes)
    await hass.async_block_till_done()
    assert status_of(response) == status
    assert body_of(response) == f"{status.phrase}\n".encode()
    assert b"Connection: close\r\n" in response
    assert bus_events == []
    assert hass.states.get(DND).state == STATE_UNKNOWN


async def test_tolerated_headers(hass: HomeAssistant, listener: int) -> None:
    """Odd header lines and bare LF line ends do not lose the event."""
    response = await exchange(
        listener,
        b"GET " + PATH + b"?event=dnd_on HTTP/1.0\n"
        b"no colon here\n"
        b"X-Name: Jos\xe9\n"
        b"Content-Length: 0\n\n",
    )
    assert status_of(response) == HTTPStatus.OK
    assert hass.states.get(DND).state == STATE_ON


# Limits and timeouts


@pytest.mark.parametrize(
    "request_bytes",
    [
        get(PATH + b"?event=dnd_on&dr=" + b"x" * 9000),
        get(PATH + b"?event=dnd_on", headers=b"X-Big: " + b"y" * 9000 + b"\r\n"),
        get(
            PATH + b"?event=dnd_on",
            headers=b"".join(b"X-%d: %s\r\n" % (i, b"z" * 7000) for i in range(3)),
        ),
        get(
            PATH + b"?event=dnd_on",
            headers=b"".join(b"X-%d: 1\r\n" % i for i in range(101)),
        ),
        get(PATH, method=b"POST", headers=b"Content-Length: 8193\r\n")
        + b"event=dnd_on&dr="
        + b"x" * 8177,
    ],
    ids=["request_line", "header_line", "header_block", "header_count", "body"],
)
async def test_limits(hass: HomeAssistant, listener: int, request_bytes: bytes) -> None:
    """Over-long requests get 400 and change nothing."""
    response = await exchange(listener, request_bytes)
    assert status_of(response) == HTTPStatus.BAD_REQUEST
    assert body_of(response) == b"Bad Request\n"
    assert hass.states.get(DND).state == STATE_UNKNOWN


async def test_within_limits(hass: HomeAssistant, listener: int) -> None:
    """100 headers (with Host and Connection) and an 8 KiB body are accepted."""
    body = b"event=dnd_on&dr=" + b"x" * (8192 - 16)
    response = await exchange(
        listener,
        get(
            PATH,
            method=b"POST",
            headers=b"".join(b"X-%d: 1\r\n" % i for i in range(97))
            + b"Content-Length: %d\r\n" % len(body),
        )
        + body,
    )
    assert status_of(response) == HTTPStatus.OK
    assert hass.states.get(DND).state == STATE_ON


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
    _, writer = await asyncio.open_connection("127.0.0.1", listener)
    writer.write(b"GET " + PATH)
    writer.close()
    await writer.wait_closed()
    await asyncio.sleep(0.05)
    assert hass.states.get(DND).state == STATE_UNKNOWN
    response = await exchange(listener, get(PATH + b"?event=dnd_on"))
    assert status_of(response) == HTTPStatus.OK


@pytest.mark.usefixtures("fast_timeouts")
async def test_client_that_never_closes(hass: HomeAssistant, listener: int) -> None:
    """A client that keeps the connection open after its answer cannot hold it."""
    reader, writer = await asyncio.open_connection("127.0.0.1", listener)
    writer.write(get(PATH + b"?event=dnd_on"))
    await writer.drain()
    head = await reader.readuntil(b"\r\n\r\n")
    assert status_of(head) == HTTPStatus.OK
    writer.write(b"x" * 1000)  # keeps talking instead of closing
    async with asyncio.timeout(3):
        assert await reader.read() == b"OK\n"
    await until(lambda: not hass.data[DATA_LISTENER]._tasks)  # closed by it
    writer.close()
    assert hass.states.get(DND).state == STATE_ON


@pytest.mark.parametrize("source", [None, "", "not-an-address"])
def test_unknown_source_is_not_local(source: str | None) -> None:
    """A connection without a usable peer address is never local."""
    assert not _is_local(source)


async def test_connection_cap(hass: HomeAssistant, listener: int) -> None:
    """Beyond the cap, connections are closed at once; then it serves again."""
    phone = hass.data[DATA_LISTENER]
    with patch(f"{LISTENER}.MAX_CONNECTIONS", 2):
        idle = [await asyncio.open_connection("127.0.0.1", listener) for _ in range(2)]
        await until(lambda: len(phone._tasks) == 2)
        assert await connection_closed(listener, get(PATH + b"?event=dnd_on"))
        assert hass.states.get(DND).state == STATE_UNKNOWN
        for _, writer in idle:
            writer.close()
            await writer.wait_closed()
        await until(lambda: not phone._tasks)
        response = await exchange(listener, get(PATH + b"?event=dnd_on"))
    assert status_of(response) == HTTPStatus.OK
    assert hass.states.get(DND).state == STATE_ON


# Who may send


async def test_non_local_source_refused_early(
    hass: HomeAssistant, listener: int, caplog: pytest.LogCaptureFixture
) -> None:
    """While every phone is local-only, a non-local source gets 403, logged once."""
    with (
        patch(f"{LISTENER}.is_local", return_value=False),
        caplog.at_level(logging.WARNING),
    ):
        for _ in range(2):
            response = await exchange(listener, get(PATH + b"?event=dnd_on"))
            assert status_of(response) == HTTPStatus.FORBIDDEN
    assert hass.states.get(DND).state == STATE_UNKNOWN
    assert caplog.text.count("refused a request from 127.0.0.1") == 1


async def test_non_local_source_per_phone(hass: HomeAssistant, listener: int) -> None:
    """A phone with local-only off accepts any source; a local-only one does not."""
    await add_phone(hass, "a" * 32, "001fc1000002", local_only=False)
    with patch(f"{LISTENER}.is_local", return_value=False):
        response = await exchange(listener, get(PATH + b"?event=dnd_on"))
        assert status_of(response) == HTTPStatus.FORBIDDEN
        response = await exchange(
            listener, get(b"/api/webhook/" + b"a" * 32 + b"?event=dnd_on")
        )
        assert status_of(response) == HTTPStatus.OK
    assert hass.states.get(DND).state == STATE_UNKNOWN
    assert hass.states.get("switch.phone_02_do_not_disturb").state == STATE_ON


async def test_allowed_networks_apply(
    hass: HomeAssistant, listener: int, init_integration: MockConfigEntry
) -> None:
    """The phone's own checks (allowed networks) apply as on the webhook."""
    hass.config_entries.async_update_entry(
        init_integration,
        options={CONF_LOCAL_ONLY: True, "allowed_networks": ["192.168.1.0/24"]},
    )
    response = await exchange(listener, get(PATH + b"?event=dnd_on"))
    assert status_of(response) == HTTPStatus.FORBIDDEN
    assert hass.states.get(DND).state == STATE_UNKNOWN


async def test_two_phones_routed(hass: HomeAssistant, listener: int) -> None:
    """Each request reaches the phone of its webhook id only."""
    await add_phone(hass, "b" * 32, "001fc1000003")
    response = await exchange(
        listener, get(b"/api/webhook/" + b"b" * 32 + b"?event=dnd_on")
    )
    assert status_of(response) == HTTPStatus.OK
    assert hass.states.get("switch.phone_03_do_not_disturb").state == STATE_ON
    assert hass.states.get(DND).state == STATE_UNKNOWN


async def test_handler_error_answers_200(
    hass: HomeAssistant, listener: int, caplog: pytest.LogCaptureFixture
) -> None:
    """An unexpected error is logged and answered 200, like the webhook."""
    with patch(
        "custom_components.sangoma_phone.phone.SangomaPhone.async_handle_request",
        side_effect=RuntimeError("boom"),
    ):
        response = await exchange(listener, get(PATH + b"?event=dnd_on"))
    assert status_of(response) == HTTPStatus.OK
    assert "error handling a request" in caplog.text


# Start, stop, restart


async def test_off_by_default(
    hass: HomeAssistant, init_integration: MockConfigEntry, hass_storage: dict[str, Any]
) -> None:
    """Without settings nothing listens, and the URLs are Home Assistant's."""
    assert hass.data[DATA_LISTENER].settings == ListenerSettings()
    assert hass.data[DATA_LISTENER].port is None
    assert LISTENER_STORAGE_KEY not in hass_storage
    assert phone_event_urls(hass, init_integration)["dnd_on"].startswith(
        f"http://homeassistant.local:8123/api/webhook/{WEBHOOK_ID}?"
    )


async def test_runs_while_a_phone_is_loaded(
    hass: HomeAssistant, listener: int, init_integration: MockConfigEntry
) -> None:
    """It stops with the last phone (port free again) and restarts with one."""
    other = await add_phone(hass, "c" * 32, "001fc1000004")
    assert await hass.config_entries.async_unload(init_integration.entry_id)
    assert hass.data[DATA_LISTENER].port == listener
    response = await exchange(listener, get(PATH + b"?event=dnd_on"))
    assert status_of(response) == HTTPStatus.OK  # unloaded: unknown id now

    assert await hass.config_entries.async_unload(other.entry_id)
    await hass.async_block_till_done()
    assert hass.data[DATA_LISTENER].port is None
    assert port_is_free(listener)
    with pytest.raises(ConnectionRefusedError):
        await asyncio.open_connection("127.0.0.1", listener)

    assert await hass.config_entries.async_setup(init_integration.entry_id)
    await hass.async_block_till_done()
    assert init_integration.state is ConfigEntryState.LOADED
    response = await exchange(listener, get(PATH + b"?event=dnd_on"))
    assert status_of(response) == HTTPStatus.OK
    assert hass.states.get(DND).state == STATE_ON


async def test_unload_closes_open_connections(
    hass: HomeAssistant, listener: int, init_integration: MockConfigEntry
) -> None:
    """Connections still open when the listener stops are closed, not leaked."""
    reader, writer = await asyncio.open_connection("127.0.0.1", listener)
    writer.write(b"GET " + PATH)
    await writer.drain()
    await until(lambda: bool(hass.data[DATA_LISTENER]._tasks))
    assert await hass.config_entries.async_unload(init_integration.entry_id)
    assert not hass.data[DATA_LISTENER]._tasks
    async with asyncio.timeout(3):
        with contextlib.suppress(ConnectionResetError):
            assert await reader.read() == b""
    writer.close()
    assert port_is_free(listener)


async def test_stops_with_home_assistant(hass: HomeAssistant, listener: int) -> None:
    """Home Assistant stopping closes the listener."""
    hass.bus.async_fire(EVENT_HOMEASSISTANT_STOP)
    await hass.async_block_till_done()
    assert hass.data[DATA_LISTENER].port is None
    assert port_is_free(listener)


async def test_settings_change_restarts(
    hass: HomeAssistant, listener: int, hass_storage: dict[str, Any]
) -> None:
    """A new port moves the listener; disabling stops it; both are stored."""
    phone = hass.data[DATA_LISTENER]
    new_port = free_port()
    await phone.async_set_settings(ListenerSettings(enabled=True, port=new_port))
    assert phone.port == new_port
    assert port_is_free(listener)
    assert hass_storage[LISTENER_STORAGE_KEY]["data"] == {
        "enabled": True,
        "port": new_port,
    }
    response = await exchange(new_port, get(PATH + b"?event=dnd_on"))
    assert status_of(response) == HTTPStatus.OK

    await phone.async_set_settings(ListenerSettings(enabled=False, port=new_port))
    assert phone.port is None
    assert port_is_free(new_port)
    assert hass_storage[LISTENER_STORAGE_KEY]["data"]["enabled"] is False


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


async def test_port_taken_at_start(
    hass: HomeAssistant,
    mock_config_entry: MockConfigEntry,
    busy_port: int,
    started_on_busy_port: None,
    issue_registry: ir.IssueRegistry,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A taken port is an error and a repair; the phone still loads."""
    assert mock_config_entry.state is ConfigEntryState.LOADED
    listener = hass.data[DATA_LISTENER]
    assert listener.port is None
    assert not listener.port_available(busy_port)
    issue = issue_registry.async_get_issue(DOMAIN, LISTENER_ISSUE)
    assert issue is not None
    assert issue.translation_placeholders["port"] == str(busy_port)
    # Logged while the phone was set up (the fixture).
    assert any(
        f"cannot listen on port {busy_port}" in record.getMessage()
        for record in caplog.get_records("setup")
    )

    port = free_port()
    await listener.async_set_settings(ListenerSettings(enabled=True, port=port))
    assert listener.port == port
    assert issue_registry.async_get_issue(DOMAIN, LISTENER_ISSUE) is None


async def test_port_taken_issue_cleared_when_disabled(
    hass: HomeAssistant,
    mock_config_entry: MockConfigEntry,
    busy_port: int,
    started_on_busy_port: None,
    issue_registry: ir.IssueRegistry,
) -> None:
    """Disabling the listener clears the repair about its port."""
    assert issue_registry.async_get_issue(DOMAIN, LISTENER_ISSUE) is not None
    await hass.data[DATA_LISTENER].async_set_settings(
        ListenerSettings(enabled=False, port=busy_port)
    )
    assert issue_registry.async_get_issue(DOMAIN, LISTENER_ISSUE) is None


async def test_restart_safe(
    hass: HomeAssistant,
    hass_storage: dict[str, Any],
    mock_config_entry: MockConfigEntry,
    local_url: str,
) -> None:
    """Stored settings (as after a restart) start the listener with the phone."""
    port = free_port()
    hass_storage[LISTENER_STORAGE_KEY] = storage(True, port)
    mock_config_entry.add_to_hass(hass)
    assert hass.data.get(DATA_LISTENER) is None
    assert await hass.config_entries.async_setup(mock_config_entry.entry_id)
    await hass.async_block_till_done()
    assert hass.data[DATA_LISTENER].port == port


@pytest.mark.parametrize(
    "data",
    [
        None,
        "garbage",
        {"enabled": "yes", "port": "8125"},
        {"enabled": True, "port": True},
        {"enabled": True, "port": 70000},
        {"enabled": True, "port": 0},
    ],
)
def test_damaged_settings(data: Any) -> None:
    """Damaged settings fall back to the default, field by field."""
    settings = ListenerSettings.from_dict(data)
    assert settings.port == 8124
    assert settings.enabled is (isinstance(data, dict) and data["enabled"] is True)


async def test_last_phone_removed_deletes_settings(
    hass: HomeAssistant,
    listener: int,
    init_integration: MockConfigEntry,
    hass_storage: dict[str, Any],
) -> None:
    """Removing the last phone stops the listener and deletes its settings."""
    other = await add_phone(hass, "d" * 32, "001fc1000005")
    await hass.config_entries.async_remove(other.entry_id)
    await hass.async_block_till_done()
    assert LISTENER_STORAGE_KEY in hass_storage
    await hass.config_entries.async_remove(init_integration.entry_id)
    await hass.async_block_till_done()
    assert LISTENER_STORAGE_KEY not in hass_storage
    assert hass.data[DATA_LISTENER].settings == ListenerSettings()
    assert port_is_free(listener)


async def test_removed_without_setup_deletes_settings(
    hass: HomeAssistant,
    mock_config_entry: MockConfigEntry,
    hass_storage: dict[str, Any],
) -> None:
    """A phone removed without ever being set up still cleans the settings."""
    hass_storage[LISTENER_STORAGE_KEY] = storage(True, 8124)
    mock_config_entry.add_to_hass(hass)
    await hass.config_entries.async_remove(mock_config_entry.entry_id)
    await hass.async_block_till_done()
    assert LISTENER_STORAGE_KEY not in hass_storage


# URLs


async def test_urls_use_the_listener(
    hass: HomeAssistant, listener: int, init_integration: MockConfigEntry
) -> None:
    """A phone set to the listener gets its base URL; only the base differs."""
    webhook_url = phone_event_urls(hass, init_integration)["incoming_call"]
    hass.config_entries.async_update_entry(
        init_integration, options={CONF_LOCAL_ONLY: True, CONF_USE_LISTENER: True}
    )
    listener_url = phone_event_urls(hass, init_integration)["incoming_call"]
    assert listener_url == webhook_url.replace(
        "http://homeassistant.local:8123", f"http://homeassistant.local:{listener}"
    )
    placeholders = url_placeholders(hass, WEBHOOK_ID, options=init_integration.options)
    assert placeholders["base_url"] == (
        f"http://homeassistant.local:{listener}/api/webhook/{WEBHOOK_ID}"
    )

    # A listener switched off falls back to Home Assistant's URL.
    await hass.data[DATA_LISTENER].async_set_settings(
        ListenerSettings(enabled=False, port=listener)
    )
    assert phone_event_urls(hass, init_integration)["incoming_call"] == webhook_url


async def test_listener_url_ipv6(hass: HomeAssistant, listener: int) -> None:
    """The host of an IPv6 local URL keeps its brackets, the port is replaced."""
    await async_process_ha_core_config(hass, {"internal_url": "https://[fd00::5]:8123"})
    placeholders = url_placeholders(hass, WEBHOOK_ID, options={CONF_USE_LISTENER: True})
    assert placeholders["base_url"] == f"http://[fd00::5]:{listener}{PATH.decode()}"


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
    with patch(f"{LISTENER}.socket.socket", side_effect=no_ipv6_socket):
        assert port_is_free(port)

    disabled = MagicMock()
    disabled.__enter__.return_value = disabled
    disabled.bind.side_effect = OSError(errno.EADDRNOTAVAIL, "Cannot assign")

    def disabled_ipv6_socket(family: int, kind: int) -> Any:
        return disabled if family == socket.AF_INET6 else real_socket(family, kind)

    with patch(f"{LISTENER}.socket.socket", side_effect=disabled_ipv6_socket):
        assert port_is_free(port)
    disabled.bind.assert_called_once_with(("::", port))


async def test_listens_on_ipv4_and_ipv6(hass: HomeAssistant, listener: int) -> None:
    """Like Home Assistant's own server, it binds every IPv4 and IPv6 address."""
    server = hass.data[DATA_LISTENER]._server
    assert server is not None
    assert sorted((s.family, s.getsockname()[:2]) for s in server.sockets) == [
        (socket.AF_INET, ("0.0.0.0", listener)),
        (socket.AF_INET6, ("::", listener)),
    ]


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
    server = hass.data[DATA_LISTENER]._server
    assert server is not None
    assert {sock.getsockname()[0] for sock in server.sockets} == {"127.0.0.1"}
