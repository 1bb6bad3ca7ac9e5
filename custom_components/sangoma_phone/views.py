"""The phone's URLs and the provisioning file download."""

from collections.abc import Mapping
import html
from http import HTTPStatus
from typing import Any

from aiohttp import web

from homeassistant.components.http.auth import async_sign_path
from homeassistant.components.http.decorators import require_admin
from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import issue_registry as ir
from homeassistant.helpers.http import KEY_HASS, HomeAssistantView
from homeassistant.helpers.network import NoURLAvailableError, get_url

from .const import (
    CONF_MAC,
    CONF_USE_LISTENER,
    CONF_WEBHOOK_ID,
    DOMAIN,
    PROVISIONING_LINK_VALIDITY,
    PROVISIONING_URL,
)
from .listener import DATA_LISTENER
from .phone import SangomaPhoneConfigEntry
from .protocol import (
    EVENTS_BY_KEY,
    EventKey,
    event_urls,
    provisioning_xml,
    webhook_path,
)


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
    return base


def phone_event_urls(
    hass: HomeAssistant, entry: SangomaPhoneConfigEntry
) -> dict[str, str]:
    """Return the Action URL of every event for a phone, by event key."""
    return event_urls(phone_base_url(hass, entry.options), entry.data[CONF_WEBHOOK_ID])


def provisioning_path(entry_id: str) -> str:
    """Return the path of a phone's provisioning file."""
    return PROVISIONING_URL.format(entry_id=entry_id)


def provisioning_filename(mac: str | None) -> str:
    """Return the name the phone fetches its provisioning file under."""
    return f"cfg{mac}.xml" if mac else "provisioning.xml"


class ProvisioningView(HomeAssistantView):
    """Serve a phone's Action URLs as an S-series provisioning file."""

    url = PROVISIONING_URL
    name = f"api:{DOMAIN}:provisioning"
    requires_auth = True

    @require_admin
    async def get(self, request: web.Request, entry_id: str) -> web.Response:
        """Return the provisioning XML of one phone (it holds the webhook id)."""
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
        filename = provisioning_filename(entry.data.get(CONF_MAC))
        return web.Response(
            body=provisioning_xml(urls).encode(),
            content_type="application/xml",
            charset="utf-8",
            headers={"Content-Disposition": f'attachment; filename="{filename}"'},
        )


# The events whose URLs the UI lists; the provisioning file holds all of them.
SHOWN_EVENTS = (
    EventKey.INCOMING_CALL,
    EventKey.OUTGOING_CALL,
    EventKey.ESTABLISHED,
    EventKey.TERMINATED,
    EventKey.MISSED_CALL,
    EventKey.DND_ON,
    EventKey.DND_OFF,
    EventKey.REGISTERED,
)


def url_placeholders(
    hass: HomeAssistant,
    webhook_id: str,
    entry_id: str | None = None,
    options: Mapping[str, Any] | None = None,
) -> dict[str, str]:
    """Return the UI placeholders that tell the user what to give the phone.

    `options` are the phone's options (None for a phone being added).
    Raises NoURLAvailableError when Home Assistant knows no local URL.
    """
    base = phone_base_url(hass, options)
    urls = event_urls(base, webhook_id)
    lines = [
        f"- **{EVENTS_BY_KEY[key].name}** ({EVENTS_BY_KEY[key].p_code}): `{urls[key]}`"
        for key in SHOWN_EVENTS
    ]
    placeholders = {
        "base_url": f"{base.rstrip('/')}{webhook_path(webhook_id)}",
        "urls": "\n".join(lines),
        "provisioning_link": "",
    }
    if entry_id is not None:
        link = async_sign_path(
            hass, provisioning_path(entry_id), PROVISIONING_LINK_VALIDITY
        )
        entry = hass.config_entries.async_get_entry(entry_id)
        mac = entry.data.get(CONF_MAC) if entry is not None else None
        # An HTML link with a target: the frontend would route a plain
        # same-origin markdown link inside the app instead of downloading it.
        placeholders["provisioning_link"] = (
            f'<a href="{html.escape(link)}" target="_blank">'
            f"{html.escape(provisioning_filename(mac))}</a>"
        )
    return placeholders


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
