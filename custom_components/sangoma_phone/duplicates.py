"""One phone, two entries: a phone added twice without a MAC.

An entry without a MAC learns it from the phone's first request. If another
entry already has that MAC, the same phone was added twice: the request is
refused (``mac_in_use``, nothing changes, so the two entries never fight over
the phone) and a fixable repair offers to merge: the first entry keeps its
device, entities and history and takes over the URLs the phone calls now (the
second entry's webhook and listener choice); the second entry is removed.
"""

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import issue_registry as ir

from .const import CONF_URL_BASE, CONF_USE_LISTENER, CONF_WEBHOOK_ID, DOMAIN
from .protocol import format_mac

DUPLICATE_PHONE = "duplicate_phone"


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
