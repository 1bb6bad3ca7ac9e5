"""The listener delivers requests Home Assistant's own web server loses.

Every request of the issue's table goes through Home Assistant's own web
server (the webhook, on the aiohttp test server's real port) and through the
listener. The webhook loses the rows with a raw space or a raw non-ASCII byte
(400 before any integration code runs) and cuts a name at a raw ``#``; the
listener loses none.
"""

from dataclasses import dataclass
from http import HTTPStatus

import pytest
from pytest_homeassistant_custom_component.common import async_capture_events
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

from custom_components.sangoma_phone.const import EVENT_PHONE
from homeassistant.const import STATE_ON, STATE_UNKNOWN
from homeassistant.core import HomeAssistant

from ..conftest import MAC
from .conftest import (
    CALL,
    DND,
    PATH,
    REMOTE_NAME,
    REMOTE_NUMBER,
    body_of,
    exchange,
    get,
    status_of,
)


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
    # The table (the remote's display name is `dr`, its number `remote`)
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
    "double_quotes": Row(CALL + b'"Q"', "Q"),  # SIP's quotes are not part of the name
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
