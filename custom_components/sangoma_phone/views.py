"""The phone's base URL, and the downloads of its URLs: XML and plain text."""

from collections.abc import Mapping
from http import HTTPStatus
from typing import Any

from aiohttp import web

from homeassistant.components.http.decorators import require_admin
from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import issue_registry as ir
from homeassistant.helpers.http import KEY_HASS, HomeAssistantView
from homeassistant.helpers.network import NoURLAvailableError, get_url

from .const import (
    CONF_INCLUDE_UNVERIFIED,
    CONF_MAC,
    CONF_USE_LISTENER,
    CONF_WEBHOOK_ID,
    DOMAIN,
    PROVISIONING_URL,
    URL_LIST_URL,
)
from .listener import DATA_LISTENER
from .phone import SangomaPhoneConfigEntry
from .protocol import event_urls, provisioning_xml, url_list_text


def local_base_url(hass: HomeAssistant) -> str:
    """Return Home Assistant's local URL, the one the phone must call.

    Raises NoURLAvailableError when Home Assistant knows no local URL.
    """
    return get_url(hass, allow_external=False, allow_cloud=False, prefer_external=False)


def phone_base_url(hass: HomeAssistant, options: Mapping[str, Any] | None) -> str:
    """Return the base URL a phone must call, given the phone's options.

    The one place that chooses: the phone listener's base URL
    (``http://<host of the local URL>:<listener port>``) for a phone set to use
    it while the listener is enabled, otherwise Home Assistant's local URL. The
    path and query (``/api/webhook/<id>?...``) are the same for both.

    Raises NoURLAvailableError when Home Assistant knows no local URL.
    """
    base = local_base_url(hass)
    listener = hass.data.get(DATA_LISTENER)
    if (
        options is not None
        and options.get(CONF_USE_LISTENER)
        and listener is not None
        and listener.settings.enabled
    ):
        return listener.base_url(base)
    return base.rstrip("/")


def include_unverified(options: Mapping[str, Any] | None) -> bool:
    """Return whether the phone's URLs hold the unverified events (P3734)."""
    return bool((options or {}).get(CONF_INCLUDE_UNVERIFIED, False))


def urls_for(
    hass: HomeAssistant, webhook_id: str, options: Mapping[str, Any] | None
) -> dict[str, str]:
    """Return the Action URLs a phone gets, by event key, given its options."""
    return event_urls(
        phone_base_url(hass, options),
        webhook_id,
        unverified=include_unverified(options),
    )


def phone_event_urls(
    hass: HomeAssistant, entry: SangomaPhoneConfigEntry
) -> dict[str, str]:
    """Return the Action URLs of a phone, by event key (P3734 only if opted in)."""
    return urls_for(hass, entry.data[CONF_WEBHOOK_ID], entry.options)


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


NO_LOCAL_URL_ISSUE = "no_local_url"


@callback
def async_check_local_url(hass: HomeAssistant) -> bool:
    """Raise or clear the repair issue about a missing local URL."""
    try:
        local_base_url(hass)
    except NoURLAvailableError:
        ir.async_create_issue(
            hass,
            DOMAIN,
            NO_LOCAL_URL_ISSUE,
            is_fixable=True,
            severity=ir.IssueSeverity.ERROR,
            translation_key=NO_LOCAL_URL_ISSUE,
        )
        return False
    ir.async_delete_issue(hass, DOMAIN, NO_LOCAL_URL_ISSUE)
    return True
