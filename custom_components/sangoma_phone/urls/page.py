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
from ..protocol.events import EventSpec
from ..texts import Texts, async_ui_texts
from . import include_unverified, phone_base_url, urls_for
from .groups import (
    GROUP_OF,
    MINIMAL,
    UrlGroup,
    entity_list,
    feed_table,
    group_entities,
    group_title,
    shown_events,
)
from .views import (
    LINK_WEBHOOK,
    link_fingerprint,
    provisioning_filename,
    provisioning_path,
    url_list_path,
)

MINIMAL_MARK = "★"


def _url_block(event: EventSpec, url: str, texts: Texts) -> str:
    """One URL under the name of its field on the phone (its P-code as a hint)."""
    mark = f" {MINIMAL_MARK}" if event.key in MINIMAL else ""
    note = "" if event.verified else f" — {texts.phrase('unverified')}"
    return f"**{event.name}**{mark} ({event.p_code}){note}\n\n```\n{url}\n```"


def grouped_urls(urls: Mapping[str, str], texts: Texts, *, unverified: bool) -> str:
    """Return the URLs as Markdown: the essential ones first, then by group,
    each URL in its own code block under its field's name."""
    shown = [e for e in shown_events(unverified=unverified) if e.key in urls]
    essential = [e for e in shown if e.key in MINIMAL]
    others = [e for e in shown if e.key not in MINIMAL]
    parts: list[str] = []
    if essential:
        parts.append(
            f"### {texts.phrase('essential', count=str(len(essential)))}\n\n"
            f"{texts.phrase('essential_intro')}"
        )
        parts.extend(_url_block(e, urls[e.key], texts) for e in essential)
    if others:
        parts.append(
            f"### {texts.phrase('others', count=str(len(others)))}\n\n"
            f"{texts.phrase('others_intro')}"
        )
    for group in UrlGroup:
        events = [e for e in others if GROUP_OF[e.key] is group]
        if not events:
            continue
        fed = entity_list(group_entities(group), texts)
        parts.append(
            f"#### {group_title(group, texts)}\n\n{texts.phrase('feeds', entities=fed)}"
        )
        parts.extend(_url_block(e, urls[e.key], texts) for e in events)
    return "\n\n".join(parts)


def _link(hass: HomeAssistant, path: str, webhook_id: str, text: str) -> str:
    # An HTML link with a target: the frontend would route a plain
    # same-origin markdown link inside the app instead of downloading it.
    # The signature covers the webhook's fingerprint: a new webhook ends it.
    query = f"{LINK_WEBHOOK}={link_fingerprint(webhook_id)}"
    signed = async_sign_path(hass, f"{path}?{query}", PROVISIONING_LINK_VALIDITY)
    return f'<a href="{html.escape(signed)}" target="_blank">{html.escape(text)}</a>'


async def async_url_placeholders(
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
    texts = await async_ui_texts(hass)
    placeholders = {
        "base_url": f"{base}{webhook_path(webhook_id)}",
        "urls": grouped_urls(urls, texts, unverified=unverified),
        "count": str(len(urls)),
        "minimal_count": str(len(MINIMAL)),
        "feed_table": feed_table(texts),
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
            hass, url_list_path(entry_id), webhook_id, texts.phrase("url_list")
        )
    return placeholders


async def async_phone_urls(
    hass: HomeAssistant,
    webhook_id: str,
    entry_id: str | None,
    options: Mapping[str, Any] | None = None,
) -> dict[str, str] | None:
    """Return the URL placeholders; None when Home Assistant has no local URL."""
    try:
        return await async_url_placeholders(hass, webhook_id, entry_id, options)
    except NoURLAvailableError:
        return None
