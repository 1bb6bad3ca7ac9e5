"""The phone's URLs: the base URL it must call, and the Action URLs it gets.

Also here: the downloads (views), the text that shows them (page, groups) and
the repair when their base changes (stale). See docs/urls.md.
"""

from collections.abc import Mapping
from typing import Any, Final

from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import issue_registry as ir
from homeassistant.helpers.network import NoURLAvailableError, get_url

from ..const import CONF_INCLUDE_UNVERIFIED, CONF_USE_LISTENER, CONF_WEBHOOK_ID, DOMAIN
from ..listener import DATA_LISTENER
from ..models import SangomaPhoneConfigEntry
from ..protocol import event_urls

# The repair issue, flow abort and form description when there is no local URL.
NO_LOCAL_URL: Final = "no_local_url"


def local_base_url(hass: HomeAssistant) -> str:
    """Return Home Assistant's local URL, the one the phone must call.

    Raises NoURLAvailableError when Home Assistant knows no local URL.
    """
    return get_url(hass, allow_external=False, allow_cloud=False, prefer_external=False)


def phone_base_url(hass: HomeAssistant, options: Mapping[str, Any] | None) -> str:
    """Return the base URL a phone must call: the one place that chooses it.

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


@callback
def async_check_local_url(hass: HomeAssistant) -> bool:
    """Raise or clear the repair issue about a missing local URL."""
    try:
        local_base_url(hass)
    except NoURLAvailableError:
        ir.async_create_issue(
            hass,
            DOMAIN,
            NO_LOCAL_URL,
            is_fixable=True,
            severity=ir.IssueSeverity.ERROR,
            translation_key=NO_LOCAL_URL,
        )
        return False
    ir.async_delete_issue(hass, DOMAIN, NO_LOCAL_URL)
    return True
