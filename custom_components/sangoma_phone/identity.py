"""Who a phone is: its pinned MAC address, its device, and a phone added twice.

Everything that pins a MAC calls `async_pin_mac`, which changes the entry, the
device and the repairs, never the runtime. Rules: docs/requests.md.
"""

from collections.abc import Mapping
from typing import Any, Final

from homeassistant.config_entries import SOURCE_IGNORE, ConfigEntry
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import device_registry as dr, issue_registry as ir

from .const import (
    CONF_MAC,
    CONF_URL_BASE,
    CONF_USE_LISTENER,
    CONF_WEBHOOK_ID,
    DOMAIN,
    MANUFACTURER,
)
from .protocol import PhoneState, configuration_url, format_mac, normalize_mac

DUPLICATE_PHONE: Final = "duplicate_phone"


def mac_mismatch_issue_id(entry_id: str) -> str:
    """Return the repair issue id for requests from another phone."""
    return f"mac_mismatch_{entry_id}"


def pinned_mac(entry: ConfigEntry) -> str | None:
    """Return the MAC a phone is pinned to; None while it is to learn it."""
    mac: str | None = entry.data.get(CONF_MAC)
    return mac


@callback
def async_mac_owner(hass: HomeAssistant, mac: str, entry_id: str) -> ConfigEntry | None:
    """Return the other phone that has this MAC; an ignored discovery is none."""
    other = hass.config_entries.async_entry_for_domain_unique_id(DOMAIN, mac)
    if other is None or other.entry_id == entry_id or other.source == SOURCE_IGNORE:
        return None
    return other


@callback
def async_pin_mac(hass: HomeAssistant, entry: ConfigEntry, mac: str | None) -> None:
    """Pin a phone to a MAC, or (None) let it learn it: entry, device, repairs."""
    if (runtime := getattr(entry, "runtime_data", None)) is not None and (
        pinned_mac(entry) != mac
    ):
        runtime.phone.proven_ip = None  # another phone: proofs of the old one end
    # An ignored discovery of the phone goes first; then the MAC is the unique id.
    ignored = hass.config_entries.async_entry_for_domain_unique_id(DOMAIN, mac or "")
    ignored = (
        ignored if ignored is not None and ignored.source == SOURCE_IGNORE else None
    )
    hass.config_entries.async_update_entry(
        entry,
        data={**entry.data, CONF_MAC: mac},
        unique_id=entry.unique_id if ignored else mac,
    )
    if ignored is not None:

        async def _async_adopt() -> None:
            await hass.config_entries.async_remove(ignored.entry_id)
            if pinned_mac(entry) == mac:
                hass.config_entries.async_update_entry(entry, unique_id=mac)

        entry.async_create_background_task(
            hass, _async_adopt(), f"{DOMAIN} adopt ignored {entry.entry_id}"
        )
    registry = dr.async_get(hass)
    # (async_get_device_by_identifier is new in 2026.10, async_get_device
    # deprecated there: this works on every supported release.)
    for device in dr.async_entries_for_config_entry(registry, entry.entry_id):
        if (DOMAIN, entry.entry_id) in device.identifiers:
            registry.async_update_device(
                device.id, new_connections=_mac_connections(mac)
            )
    ir.async_delete_issue(hass, DOMAIN, mac_mismatch_issue_id(entry.entry_id))


@callback
def async_setup_device(
    hass: HomeAssistant, entry: ConfigEntry, state: PhoneState
) -> str:
    """Create or refresh the phone's device; return its id."""
    device = dr.async_get(hass).async_get_or_create(
        config_entry_id=entry.entry_id,
        identifiers={(DOMAIN, entry.entry_id)},
        connections=_mac_connections(pinned_mac(entry) or state.mac),
        manufacturer=MANUFACTURER,
        name=entry.title,
        model=state.model,
        sw_version=state.firmware,
        configuration_url=configuration_url(state.ip),
    )
    return device.id


def device_details(state: PhoneState) -> tuple[str | None, ...]:
    """Return what the device shows of the phone's state."""
    return (state.model, state.firmware, state.ip)


@callback
def async_update_device(hass: HomeAssistant, device_id: str, state: PhoneState) -> None:
    """Show the phone's model, firmware and web UI address on its device."""
    dr.async_get(hass).async_update_device(
        device_id,
        model=state.model,
        sw_version=state.firmware,
        configuration_url=configuration_url(state.ip),
    )


def _mac_connections(mac: str | None) -> set[tuple[str, str]]:
    return {(dr.CONNECTION_NETWORK_MAC, format_mac(mac))} if mac else set()


def parse_mac(user_input: Mapping[str, Any], errors: dict[str, str]) -> str | None:
    """Return the normalised MAC of the form, None if empty; flag an invalid one."""
    if not (raw := str(user_input.get(CONF_MAC) or "").strip()):
        return None
    if (mac := normalize_mac(raw)) is None:
        errors[CONF_MAC] = "invalid_mac"
    return mac


def duplicate_issue_id(entry_id: str) -> str:
    """Return the repair issue id of an entry that duplicates another."""
    return f"{DUPLICATE_PHONE}_{entry_id}"


@callback
def async_raise_duplicate(
    hass: HomeAssistant, entry: ConfigEntry, owner: ConfigEntry, mac: str
) -> None:
    """Raise the repair: `entry` receives requests of `owner`'s phone."""
    ir.async_create_issue(
        hass,
        DOMAIN,
        duplicate_issue_id(entry.entry_id),
        is_fixable=True,
        severity=ir.IssueSeverity.WARNING,
        translation_key=DUPLICATE_PHONE,
        translation_placeholders={
            "name": entry.title,
            "other": owner.title,
            "mac": format_mac(mac),
        },
        data={"entry_id": entry.entry_id, "owner_id": owner.entry_id},
    )


async def async_merge(
    hass: HomeAssistant, duplicate: ConfigEntry, owner: ConfigEntry
) -> None:
    """Merge `duplicate` into `owner`: owner takes its URLs, it is removed."""
    webhook_id = duplicate.data[CONF_WEBHOOK_ID]
    base = duplicate.data.get(CONF_URL_BASE)
    use_listener = bool(duplicate.options.get(CONF_USE_LISTENER))
    await hass.config_entries.async_remove(duplicate.entry_id)
    hass.config_entries.async_update_entry(
        owner,
        data={**owner.data, CONF_WEBHOOK_ID: webhook_id, CONF_URL_BASE: base},
        options={**owner.options, CONF_USE_LISTENER: use_listener},
    )
    hass.config_entries.async_schedule_reload(owner.entry_id)
