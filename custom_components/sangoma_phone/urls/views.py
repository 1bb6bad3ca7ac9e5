"""The downloads of a phone's URLs: the provisioning file and the text list."""

from collections.abc import Mapping
from http import HTTPStatus

from aiohttp import web

from homeassistant.components.http.decorators import require_admin
from homeassistant.config_entries import ConfigEntryState
from homeassistant.helpers.http import KEY_HASS, HomeAssistantView
from homeassistant.helpers.network import NoURLAvailableError

from ..const import CONF_MAC, DOMAIN, PROVISIONING_URL, URL_LIST_URL
from ..protocol import provisioning_xml, url_list_text
from . import phone_event_urls


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
