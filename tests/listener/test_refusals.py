"""Bad and over-long requests get a fixed short answer and change nothing."""

from http import HTTPStatus

import pytest
from pytest_homeassistant_custom_component.common import async_capture_events

from custom_components.sangoma_phone.const import EVENT_PHONE
from homeassistant.const import STATE_UNKNOWN
from homeassistant.core import HomeAssistant

from .conftest import DND, PATH, body_of, exchange, get, status_of

REFUSED = {
    "other_path": (get(b"/api/states"), HTTPStatus.NOT_FOUND),
    "root": (get(b"/?event=dnd_on"), HTTPStatus.NOT_FOUND),
    "put": (
        get(PATH + b"?event=dnd_on", method=b"PUT"),
        HTTPStatus.METHOD_NOT_ALLOWED,
    ),
    "delete": (
        get(PATH + b"?event=dnd_on", method=b"DELETE"),
        HTTPStatus.METHOD_NOT_ALLOWED,
    ),
    "no_spaces": (b"GARBAGE\r\n\r\n", HTTPStatus.BAD_REQUEST),
    "no_version": (b"GET " + PATH + b"\r\n\r\n", HTTPStatus.BAD_REQUEST),
    "http2": (b"GET " + PATH + b" HTTP/2.0\r\n\r\n", HTTPStatus.BAD_REQUEST),
    "lowercase_method": (b"get " + PATH + b" HTTP/1.1\r\n\r\n", HTTPStatus.BAD_REQUEST),
    "relative_target": (b"GET api/webhook HTTP/1.1\r\n\r\n", HTTPStatus.BAD_REQUEST),
    "tls_hello": (
        b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03\r\n",
        HTTPStatus.BAD_REQUEST,
    ),
    "chunked": (
        get(PATH + b"?event=dnd_on", headers=b"Transfer-Encoding: chunked\r\n"),
        HTTPStatus.BAD_REQUEST,
    ),
    "negative_length": (
        get(PATH + b"?event=dnd_on", headers=b"Content-Length: -1\r\n"),
        HTTPStatus.BAD_REQUEST,
    ),
    "conflicting_lengths": (
        get(
            PATH + b"?event=dnd_on",
            headers=b"Content-Length: 1\r\nContent-Length: 2\r\n",
        ),
        HTTPStatus.BAD_REQUEST,
    ),
    "huge_length": (
        get(PATH + b"?event=dnd_on", headers=b"Content-Length: %s\r\n" % (b"9" * 5000)),
        HTTPStatus.BAD_REQUEST,
    ),
    # The phone's own checks, as on the webhook
    "unknown_event": (get(PATH + b"?event=ring_ring"), HTTPStatus.BAD_REQUEST),
    "other_phones_mac": (
        get(PATH + b"?event=dnd_on&mac=001fc1000001"),
        HTTPStatus.FORBIDDEN,
    ),
}


@pytest.mark.parametrize(
    ("request_bytes", "status"), REFUSED.values(), ids=REFUSED.keys()
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
