"""Web access settings: stored in the entry's data, read as ClientSettings.

A host left empty (or as the phone's IP) follows the IP the phone reports.
Without web access DND is a read-only binary sensor; with it a switch, and the
Reboot and Provision now buttons exist. Rules: docs/web-access.md.
"""

from collections.abc import Mapping
from typing import Any, Final

from homeassistant.config_entries import ConfigEntry
from homeassistant.const import (
    CONF_HOST,
    CONF_PASSWORD,
    CONF_PORT,
    CONF_USERNAME,
    CONF_VERIFY_SSL,
    Platform,
)
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import entity_registry as er, issue_registry as ir

from ..const import (
    CONF_AUTH,
    CONF_FOLLOW_PHONE_IP,
    CONF_HTTPS,
    CONF_WEB_ACCESS,
    DOMAIN,
    LOGGER,
)
from .client import DEFAULT_USERNAME, AuthScheme, ClientSettings

WEB_ACCESS_MOVED: Final = "web_access_moved"

DND_KEY: Final = "dnd"
REBOOT_KEY: Final = "reboot"
PROVISION_KEY: Final = "provision"

# The entities that exist only with web access, and only without it.
_WEB_ACCESS_ENTITIES: Final = (
    (Platform.SWITCH, DND_KEY),
    (Platform.BUTTON, REBOOT_KEY),
    (Platform.BUTTON, PROVISION_KEY),
)
_READ_ONLY_ENTITIES: Final = ((Platform.BINARY_SENSOR, DND_KEY),)


def stored_settings(entry: ConfigEntry) -> Mapping[str, Any] | None:
    """Return the phone's web access settings; None when not configured."""
    data: Mapping[str, Any] | None = entry.data.get(CONF_WEB_ACCESS)
    return data


def client_settings(data: Mapping[str, Any]) -> ClientSettings:
    """Return the client settings of stored web access settings."""
    port = data.get(CONF_PORT)
    return ClientSettings(
        host=str(data[CONF_HOST]),
        port=int(port) if port else None,
        https=bool(data.get(CONF_HTTPS, False)),
        verify_ssl=bool(data.get(CONF_VERIFY_SSL, True)),
        username=str(data.get(CONF_USERNAME) or DEFAULT_USERNAME),
        password=str(data.get(CONF_PASSWORD) or ""),
        scheme=scheme_of(data),
    )


def scheme_of(data: Mapping[str, Any]) -> AuthScheme | None:
    """Return the stored authentication scheme; None when not known (or damaged)."""
    try:
        return AuthScheme(data[CONF_AUTH])
    except KeyError, ValueError:
        return None


def moved_issue_id(entry_id: str) -> str:
    """Return the repair issue id of a phone that reports an unconfirmed address."""
    return f"{WEB_ACCESS_MOVED}_{entry_id}"


@callback
def async_track_phone_ip(hass: HomeAssistant, entry: ConfigEntry, ip: str) -> bool:
    """Move a following host to the phone's new IP; return whether it changed.

    Only for an address the phone proved (its pinned MAC, sent from there),
    the DHCP discovery of its MAC, or the user's confirmation.
    """
    if (runtime := getattr(entry, "runtime_data", None)) is not None:
        runtime.phone.proven_ip = ip  # every caller is a proof: the form offers it
    data = stored_settings(entry)
    if data is None or not data.get(CONF_FOLLOW_PHONE_IP) or data[CONF_HOST] == ip:
        return False
    LOGGER.info("%s: web access follows the phone to %s", entry.title, ip)
    hass.config_entries.async_update_entry(
        entry, data={**entry.data, CONF_WEB_ACCESS: {**data, CONF_HOST: ip}}
    )
    ir.async_delete_issue(hass, DOMAIN, moved_issue_id(entry.entry_id))
    return True


@callback
def async_ask_to_follow(
    hass: HomeAssistant, entry: ConfigEntry, ip: str, source: str | None
) -> None:
    """Ask the user before the host follows an address the phone did not prove."""
    data = stored_settings(entry)
    if data is None or not data.get(CONF_FOLLOW_PHONE_IP) or data[CONF_HOST] == ip:
        return
    ir.async_create_issue(
        hass,
        DOMAIN,
        moved_issue_id(entry.entry_id),
        is_fixable=True,
        severity=ir.IssueSeverity.WARNING,
        translation_key=WEB_ACCESS_MOVED,
        translation_placeholders={
            "name": entry.title,
            "ip": ip,
            "source": source or "?",
            "host": str(data[CONF_HOST]),
        },
        data={"entry_id": entry.entry_id, "ip": ip},
    )


@callback
def async_remember_scheme(
    hass: HomeAssistant, entry: ConfigEntry, scheme: AuthScheme | None
) -> None:
    """Store the scheme that worked, so that it is never given up for Basic."""
    data = stored_settings(entry)
    if data is None or scheme is None or scheme_of(data) is not None:
        return
    hass.config_entries.async_update_entry(
        entry, data={**entry.data, CONF_WEB_ACCESS: {**data, CONF_AUTH: scheme.value}}
    )


@callback
def async_remove_stale_entities(hass: HomeAssistant, entry: ConfigEntry) -> None:
    """Remove the registry entries of the entity set the phone no longer has."""
    stale = _READ_ONLY_ENTITIES if stored_settings(entry) else _WEB_ACCESS_ENTITIES
    registry = er.async_get(hass)
    for platform, key in stale:
        unique_id = f"{entry.entry_id}_{key}"
        if entity_id := registry.async_get_entity_id(platform, DOMAIN, unique_id):
            registry.async_remove(entity_id)
