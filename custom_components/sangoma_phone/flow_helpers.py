"""What the config, reconfigure and options flows share."""

from collections.abc import Mapping
import secrets
from typing import Any, Final

from homeassistant.core import HomeAssistant
from homeassistant.helpers.network import NoURLAvailableError

from .const import CONF_MAC
from .protocol import normalize_mac
from .url_page import url_placeholders

NO_LOCAL_URL: Final = "no_local_url"


def new_webhook_id() -> str:
    """Return a fresh unguessable webhook id (128 random bits)."""
    return secrets.token_hex(16)


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


def parse_mac(user_input: Mapping[str, Any], errors: dict[str, str]) -> str | None:
    """Return the normalised MAC of the form, None if empty; flag an invalid one."""
    if not (raw := str(user_input.get(CONF_MAC) or "").strip()):
        return None
    if (mac := normalize_mac(raw)) is None:
        errors[CONF_MAC] = "invalid_mac"
    return mac
