"""The downloads of a phone's URLs: the provisioning file and the text list.

A signed link (from the URL page) carries a fingerprint of the webhook id it
was made for: once the webhook is regenerated, old links serve nothing.
"""

from collections.abc import Mapping
import hashlib
import hmac
from http import HTTPStatus
from typing import Final

from aiohttp import web

from homeassistant.components.http.auth import SIGN_QUERY_PARAM
from homeassistant.components.http.decorators import require_admin
from homeassistant.config_entries import ConfigEntryState
from homeassistant.helpers.http import KEY_HASS, HomeAssistantView
from homeassistant.helpers.network import NoURLAvailableError

from ..const import CONF_MAC, CONF_WEBHOOK_ID, DOMAIN, PROVISIONING_URL, URL_LIST_URL
from ..protocol import provisioning_xml, url_list_text
from . import phone_event_urls

# The query parameter of a signed link that names its webhook (a fingerprint).
LINK_WEBHOOK: Final = "webhook"


def link_fingerprint(webhook_id: str) -> str:
    """Return what a signed link carries of a webhook id (not the id itself)."""
    return hashlib.sha256(webhook_id.encode()).hexdigest()[:16]


def provisioning_path(entry_id: str) -> str:
    """Return the path of a phone's provisioning file."""
    return PROVISIONING_URL.format(entry_id=entry_id)


def url_list_path(entry_id: str) -> str:
    """Return the path of a phone's plain-text URL list."""
    return URL_LIST_URL.format(entry_id=entry_id)


def provisioning_filename(mac: str | None) -> str:
    """Return the name the phone fetches its provisioning file under."""
    return f"cfg{mac}.xml" if mac else "provisioning.xml"


class _PhoneUrlsView(HomeAssistantView):
    """Serve one phone's URLs as a file; admins only (it holds the webhook id)."""

    requires_auth = True
    content_type = "text/plain"

    def render(self, urls: Mapping[str, str]) -> str:
        """Return the file's text."""
        raise NotImplementedError

    def filename(self, mac: str | None) -> str:
        """Return the name of the downloaded file."""
        raise NotImplementedError

    @require_admin
    async def get(self, request: web.Request, entry_id: str) -> web.Response:
        """Return the file of one phone."""
        hass = request.app[KEY_HASS]
        entry = hass.config_entries.async_get_entry(entry_id)
        if entry is None or entry.domain != DOMAIN:
            return web.Response(status=HTTPStatus.NOT_FOUND, text="Unknown phone\n")
        if entry.state is not ConfigEntryState.LOADED:
            return web.Response(
                status=HTTPStatus.CONFLICT, text="This phone is not loaded\n"
            )
        if SIGN_QUERY_PARAM in request.query and not hmac.compare_digest(
            request.query.get(LINK_WEBHOOK, ""),
            link_fingerprint(entry.data[CONF_WEBHOOK_ID]),
        ):
            return web.Response(
                status=HTTPStatus.GONE,
                text="This link is out of date (the phone's webhook address "
                "changed): open the phone's URL page again\n",
            )
        try:
            urls = phone_event_urls(hass, entry)
        except NoURLAvailableError:
            return web.Response(
                status=HTTPStatus.SERVICE_UNAVAILABLE,
                text="Home Assistant has no local URL: set one under "
                "Settings > System > Network\n",
            )
        filename = self.filename(entry.data.get(CONF_MAC))
        return web.Response(
            body=self.render(urls).encode(),
            content_type=self.content_type,
            charset="utf-8",
            headers={"Content-Disposition": f'attachment; filename="{filename}"'},
        )


class ProvisioningView(_PhoneUrlsView):
    """Serve a phone's Action URLs as an S-series provisioning file."""

    url = PROVISIONING_URL
    name = f"api:{DOMAIN}:provisioning"
    content_type = "application/xml"

    def render(self, urls: Mapping[str, str]) -> str:
        """Return the provisioning XML."""
        return provisioning_xml(urls)

    def filename(self, mac: str | None) -> str:
        """Return the name the phone fetches its provisioning file under."""
        return provisioning_filename(mac)


class UrlListView(_PhoneUrlsView):
    """Serve a phone's Action URLs as text: ``P37xx<TAB>URL`` lines, unescaped."""

    url = URL_LIST_URL
    name = f"api:{DOMAIN}:url_list"

    def render(self, urls: Mapping[str, str]) -> str:
        """Return one ``P37xx<TAB>URL`` line per event."""
        return url_list_text(urls)

    def filename(self, mac: str | None) -> str:
        """Return the name of the text file."""
        return f"sangoma-urls-{mac}.txt" if mac else "sangoma-urls.txt"
