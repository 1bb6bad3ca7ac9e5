"""The webhook transport: Home Assistant's webhook hands a phone's requests over.

Registered with ``local_only=False``: the phone's gate decides, as for every
transport; a request it refuses as not local is answered 200, so that webhook
ids cannot be probed. Rules: docs/requests.md.
"""

from collections.abc import Mapping
from http import HTTPStatus
import secrets
from types import MappingProxyType
from typing import Final

from aiohttp import hdrs, web

from homeassistant.components import webhook
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers.network import is_cloud_connection

from .const import DOMAIN
from .gate import HTTP_STATUS, Rejection
from .phone import SangomaPhone
from .protocol.query import MAX_BODY

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
def async_unregister_webhook(hass: HomeAssistant, phone: SangomaPhone) -> None:
    """Close the phone's webhook."""
    webhook.async_unregister(hass, phone.webhook_id)
