"""What the UI shows to give a phone its URLs: grouped, copyable, complete.

The same text serves the first setup, the URL page, the confirmations that
change URLs and the stale-URL repair. See docs/urls.md.
"""

from collections.abc import Mapping
import html
from typing import Any

from homeassistant.components.http.auth import async_sign_path
from homeassistant.core import HomeAssistant
from homeassistant.helpers.network import NoURLAvailableError

from ..const import CONF_MAC, PROVISIONING_LINK_VALIDITY
from ..protocol import webhook_path
from . import include_unverified, phone_base_url, urls_for
from .groups import (
    GROUP_TITLES,
    MINIMAL,
    UrlGroup,
    entity_list,
    feed_table,
    group_entities,
    group_events,
)
from .views import (
    LINK_WEBHOOK,
    link_fingerprint,
    provisioning_filename,
    provisioning_path,
    url_list_path,
)

MINIMAL_MARK = "★"


def grouped_urls(urls: Mapping[str, str], *, unverified: bool) -> str:
    """Return the URLs as Markdown: by group, each URL in its own code block."""
    parts: list[str] = []
    for group in UrlGroup:
        events = [
            e for e in group_events(group, unverified=unverified) if e.key in urls
        ]
        if not events:
            continue
        parts.append(
            f"#### {GROUP_TITLES[group]}\n\n"
            f"Without these, *{entity_list(group_entities(group))}* stay unknown."
        )
        for event in events:
            mark = f" {MINIMAL_MARK} minimal set" if event.key in MINIMAL else ""
            note = "" if event.verified else " — unverified on some firmware"
            parts.append(
                f"**{event.name}** ({event.p_code}){mark}{note}\n\n"
                f"```\n{urls[event.key]}\n```"
            )
    return "\n\n".join(parts)


def _link(hass: HomeAssistant, path: str, webhook_id: str, text: str) -> str:
    # An HTML link with a target: the frontend would route a plain
    # same-origin markdown link inside the app instead of downloading it.
    # The signature covers the webhook's fingerprint: a new webhook ends it.
    query = f"{LINK_WEBHOOK}={link_fingerprint(webhook_id)}"
    signed = async_sign_path(hass, f"{path}?{query}", PROVISIONING_LINK_VALIDITY)
    return f'<a href="{html.escape(signed)}" target="_blank">{html.escape(text)}</a>'


def url_placeholders(
    hass: HomeAssistant,
    webhook_id: str,
    entry_id: str | None = None,
    options: Mapping[str, Any] | None = None,
) -> dict[str, str]:
    """Return the UI placeholders that tell the user what to give the phone.

    Download links only with `entry_id` (an added phone). Raises
    NoURLAvailableError when Home Assistant knows no local URL.
    """
    base = phone_base_url(hass, options)
    unverified = include_unverified(options)
    urls = urls_for(hass, webhook_id, options)
    placeholders = {
        "base_url": f"{base}{webhook_path(webhook_id)}",
        "urls": grouped_urls(urls, unverified=unverified),
        "count": str(len(urls)),
        "minimal_count": str(len(MINIMAL)),
        "feed_table": feed_table(),
        "provisioning_link": "",
        "url_list_link": "",
    }
    if entry_id is not None:
        entry = hass.config_entries.async_get_entry(entry_id)
        mac = entry.data.get(CONF_MAC) if entry is not None else None
        placeholders["provisioning_link"] = _link(
            hass, provisioning_path(entry_id), webhook_id, provisioning_filename(mac)
        )
        placeholders["url_list_link"] = _link(
            hass, url_list_path(entry_id), webhook_id, "URL list (text)"
        )
    return placeholders


def phone_urls(
    hass: HomeAssistant,
    webhook_id: str,
    entry_id: str | None,
    options: Mapping[str, Any] | None = None,
) -> dict[str, str] | None:
    """Return the URL placeholders; None when Home Assistant has no local URL."""
    try:
        return url_placeholders(hass, webhook_id, entry_id, options)
    except NoURLAvailableError:
        return None
