"""The webhook transport: Home Assistant's webhook hands a phone's requests over.

Registered with ``local_only=False``: the phone's gate decides, as for every
transport; a request it refuses as not local is answered 200, so that webhook
ids cannot be probed. While a new phone's setup waits for its first request,
`WaitingWebhook` takes them instead. Rules: docs/requests.md.
"""

import asyncio
from collections.abc import Mapping
from http import HTTPStatus
import secrets
from types import MappingProxyType
from typing import Final

from aiohttp import hdrs, web

from homeassistant.components import webhook
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers.network import is_cloud_connection
from homeassistant.util.hass_dict import HassKey

from .const import DOMAIN
from .gate import HTTP_STATUS, Rejection, is_local_source
from .phone import SangomaPhone
from .protocol import ParsedRequest, QueryError, parse_query
from .protocol.query import MAX_BODY

# Requests a setup keeps for the new phone (the test's, and any beside it)
MAX_WAITING_REQUESTS: Final = 20

type RawRequest = tuple[str | bytes, str | None]  # the query, its source
# What a setup's WaitingWebhook took, by webhook id, until the phone is set up
DATA_HANDED_OVER: HassKey[dict[str, list[RawRequest]]] = HassKey(
    f"{DOMAIN}_handed_over"
)

WEBHOOK_STATUS: Final[Mapping[Rejection, HTTPStatus]] = MappingProxyType(
    {**HTTP_STATUS, Rejection.NOT_LOCAL: HTTPStatus.OK}
)


def new_webhook_id() -> str:
    """Return a fresh unguessable webhook id (128 random bits)."""
    return secrets.token_hex(16)


async def async_read_query(request: web.Request) -> str | bytes:
    """Return the request's raw query, or a POST's body if it has none."""
    # A MockRequest (Home Assistant Cloud, websocket) has no rel_url.
    rel_url = getattr(request, "rel_url", None)
    raw: str | bytes = (
        rel_url.raw_query_string if rel_url is not None else request.query_string
    )
    if request.method == hdrs.METH_POST and not raw:
        # Read at most one byte past the limit: parse_query refuses that.
        body = b""
        while len(body) <= MAX_BODY and (
            chunk := await request.content.read(MAX_BODY + 1 - len(body))
        ):
            body += chunk
        raw = body
    return raw


@callback
def async_register_webhook(hass: HomeAssistant, phone: SangomaPhone) -> None:
    """Open the phone's webhook (GET and POST)."""

    async def _async_handle(
        hass: HomeAssistant, webhook_id: str, request: web.Request
    ) -> web.Response:
        status = phone.async_handle_request(
            await async_read_query(request),
            request.remote,
            cloud=is_cloud_connection(hass),
            statuses=WEBHOOK_STATUS,
        )
        return web.Response(status=status, text=f"{status.phrase}\n")

    webhook.async_register(
        hass,
        DOMAIN,
        phone.entry.title,
        phone.webhook_id,
        _async_handle,
        local_only=False,
        allowed_methods=[hdrs.METH_GET, hdrs.METH_POST],
    )


@callback
def async_hand_over(
    hass: HomeAssistant, webhook_id: str, requests: list[RawRequest]
) -> None:
    """Keep a setup's requests for the phone it adds (see `async_take_over`)."""
    if requests:
        hass.data.setdefault(DATA_HANDED_OVER, {})[webhook_id] = list(requests)


@callback
def async_take_over(hass: HomeAssistant, phone: SangomaPhone) -> None:
    """Apply the requests the phone sent while it was being set up, in order."""
    requests = hass.data.get(DATA_HANDED_OVER, {}).pop(phone.webhook_id, [])
    for raw, source in requests:
        phone.async_handle_request(raw, source)


@callback
def async_unregister_webhook(hass: HomeAssistant, phone: SangomaPhone) -> None:
    """Close the phone's webhook."""
    webhook.async_unregister(hass, phone.webhook_id)


class WaitingWebhook:
    """A new phone's webhook while its setup waits for the phone's requests.

    Nothing changes yet: local requests with this phone's MAC (or none) are
    parsed and kept, at most `MAX_WAITING_REQUESTS`, for the phone to apply
    once it is added (`requests`). A refused one is answered as the phone's
    gate would.
    """

    def __init__(
        self, hass: HomeAssistant, webhook_id: str, name: str, mac: str | None
    ) -> None:
        """Prepare; `async_open` starts taking requests."""
        self.hass = hass
        self.webhook_id = webhook_id
        self.name = name
        self.mac = mac
        self.requests: list[RawRequest] = []
        self.first: ParsedRequest | None = None
        self.first_source: str | None = None
        self._arrived = asyncio.Event()
        self._open = False

    @callback
    def async_open(self) -> None:
        """Take the webhook's requests (until `async_close`)."""
        if self._open:
            return
        webhook.async_register(
            self.hass,
            DOMAIN,
            self.name,
            self.webhook_id,
            self._async_handle,
            local_only=False,
            allowed_methods=[hdrs.METH_GET, hdrs.METH_POST],
        )
        self._open = True

    @callback
    def async_close(self) -> None:
        """Give the webhook up (for the phone's own, once it is added)."""
        if self._open:
            webhook.async_unregister(self.hass, self.webhook_id)
            self._open = False

    async def async_wait(self) -> ParsedRequest:
        """Return the first request, once it has arrived."""
        await self._arrived.wait()
        assert self.first is not None
        return self.first

    async def _async_handle(
        self, hass: HomeAssistant, webhook_id: str, request: web.Request
    ) -> web.Response:
        raw = await async_read_query(request)
        status = self._take(raw, request.remote, cloud=is_cloud_connection(hass))
        return web.Response(status=status, text=f"{status.phrase}\n")

    def _take(self, raw: str | bytes, source: str | None, *, cloud: bool) -> HTTPStatus:
        if not is_local_source(source, cloud=cloud):  # as local-only, the default
            return WEBHOOK_STATUS[Rejection.NOT_LOCAL]
        if len(self.requests) >= MAX_WAITING_REQUESTS:
            return HTTP_STATUS[Rejection.RATE_LIMITED]
        try:
            parsed = parse_query(raw)
        except QueryError:
            return HTTPStatus.BAD_REQUEST
        if self.mac is not None and parsed.variables.mac not in (None, self.mac):
            return HTTP_STATUS[Rejection.MAC_MISMATCH]
        self.requests.append((raw, source))
        if self.first is None:
            self.first, self.first_source = parsed, source
            self._arrived.set()
        return HTTPStatus.OK
