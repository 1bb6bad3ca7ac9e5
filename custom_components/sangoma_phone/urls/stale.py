"""Stale URLs: the phone still calls the base URL it was given, which changed.

Each phone remembers the base its URLs were given with (``url_base``); one
whose base differs gets a fixable repair that shows its new URLs.
See docs/urls.md.
"""

from collections.abc import Iterable
from datetime import datetime

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import issue_registry as ir
from homeassistant.helpers.network import NoURLAvailableError
from homeassistant.util import dt as dt_util

from ..const import CONF_URL_BASE, DOMAIN
from . import phone_base_url

STALE_URLS = "stale_urls"


def stale_urls_issue_id(entry_id: str) -> str:
    """Return the repair issue id of a phone whose URLs changed."""
    return f"{STALE_URLS}_{entry_id}"


@callback
def async_urls_given(hass: HomeAssistant, entry: ConfigEntry, base: str) -> None:
    """Remember that the phone was given its URLs on `base`; clear the repair."""
    if entry.data.get(CONF_URL_BASE) != base:
        hass.config_entries.async_update_entry(
            entry, data={**entry.data, CONF_URL_BASE: base}
        )
    ir.async_delete_issue(hass, DOMAIN, stale_urls_issue_id(entry.entry_id))


@callback
def async_check_stale_urls(
    hass: HomeAssistant, entries: Iterable[ConfigEntry] | None = None
) -> None:
    """Raise (or clear) the stale-URL repair of each phone (all loaded ones)."""
    if entries is None:
        entries = hass.config_entries.async_loaded_entries(DOMAIN)
    for entry in entries:
        try:
            base = phone_base_url(hass, entry.options)
        except NoURLAvailableError:
            continue  # the no_local_url repair says so
        given = entry.data.get(CONF_URL_BASE)
        if given is None:  # added before bases were remembered
            async_urls_given(hass, entry, base)
        elif given == base:
            ir.async_delete_issue(hass, DOMAIN, stale_urls_issue_id(entry.entry_id))
        else:
            _async_raise(hass, entry, given, base)


def _async_raise(hass: HomeAssistant, entry: ConfigEntry, old: str, new: str) -> None:
    issue_id = stale_urls_issue_id(entry.entry_id)
    issue = ir.async_get(hass).async_get_issue(DOMAIN, issue_id)
    data = issue.data if issue is not None and issue.data else {}
    since = str(data.get("since") or dt_util.utcnow().isoformat())
    ir.async_create_issue(
        hass,
        DOMAIN,
        issue_id,
        is_fixable=True,
        severity=ir.IssueSeverity.ERROR,
        translation_key=STALE_URLS,
        translation_placeholders={"name": entry.title, "old": old, "new": new},
        data={"entry_id": entry.entry_id, "since": since},
    )


def changed_since(hass: HomeAssistant, entry_id: str) -> datetime | None:
    """Return when a phone's URLs changed (its open repair), or None."""
    issue = ir.async_get(hass).async_get_issue(DOMAIN, stale_urls_issue_id(entry_id))
    if issue is None or not issue.data:
        return None
    return dt_util.parse_datetime(str(issue.data.get("since")))


def quiet_phones(hass: HomeAssistant) -> list[tuple[str, datetime | None]]:
    """Return the phones quiet since their URLs changed: (name, last request)."""
    quiet: list[tuple[str, datetime | None]] = []
    for entry in hass.config_entries.async_loaded_entries(DOMAIN):
        if (since := changed_since(hass, entry.entry_id)) is None:
            continue
        last = entry.runtime_data.phone.state.last_event_time
        if last is None or last < since:
            quiet.append((entry.title, last))
    return sorted(quiet, key=lambda item: item[0])
