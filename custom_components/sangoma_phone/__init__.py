"""The Sangoma Phone integration: Sangoma desk phones through their Action URLs."""

from aiohttp import hdrs

from homeassistant.components import webhook
from homeassistant.const import (
    EVENT_CORE_CONFIG_UPDATE,
    EVENT_HOMEASSISTANT_STOP,
    Platform,
)
from homeassistant.core import Event, HomeAssistant, callback
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import config_validation as cv, issue_registry as ir
from homeassistant.helpers.typing import ConfigType

from .const import DOMAIN, LOGGER
from .listener import DATA_LISTENER, PhoneListener, async_remove_listener_settings
from .phone import (
    SangomaPhone,
    SangomaPhoneConfigEntry,
    local_only,
    mac_mismatch_issue_id,
    phone_store,
)
from .views import NO_LOCAL_URL_ISSUE, ProvisioningView, async_check_local_url

PLATFORMS: list[Platform] = [
    Platform.BINARY_SENSOR,
    Platform.BUTTON,
    Platform.EVENT,
    Platform.SENSOR,
    Platform.SWITCH,
]

CONFIG_SCHEMA = cv.config_entry_only_config_schema(DOMAIN)


async def async_setup(hass: HomeAssistant, config: ConfigType) -> bool:
    """Register the provisioning file download; load the phone listener."""
    hass.http.register_view(ProvisioningView())
    listener = hass.data[DATA_LISTENER] = await PhoneListener.async_load(hass)

    async def _async_stop_listener(event: Event) -> None:
        await listener.async_stop()

    hass.bus.async_listen_once(EVENT_HOMEASSISTANT_STOP, _async_stop_listener)

    @callback
    def _async_core_config_updated(event: Event) -> None:
        if hass.config_entries.async_loaded_entries(DOMAIN):
            async_check_local_url(hass)

    hass.bus.async_listen(EVENT_CORE_CONFIG_UPDATE, _async_core_config_updated)
    return True


async def async_setup_entry(
    hass: HomeAssistant, entry: SangomaPhoneConfigEntry
) -> bool:
    """Set up a phone: restore its state, create its device, open its webhook."""
    store = phone_store(hass, entry.entry_id)
    try:
        stored = await store.async_load()
    except (HomeAssistantError, KeyError, TypeError, ValueError) as err:
        # The phone reports its state again; never fail setup over it.
        LOGGER.warning("%s: dropped its unreadable stored state: %s", entry.title, err)
        stored = None
    phone = SangomaPhone(hass, entry, store, stored)
    async_check_local_url(hass)
    entry.runtime_data = phone

    await hass.config_entries.async_forward_entry_setups(entry, PLATFORMS)
    webhook.async_register(
        hass,
        DOMAIN,
        entry.title,
        phone.webhook_id,
        phone.async_handle_webhook,
        local_only=local_only(entry),
        allowed_methods=[hdrs.METH_GET, hdrs.METH_POST],
    )
    await hass.data[DATA_LISTENER].async_add_phone(entry)
    return True


async def async_unload_entry(
    hass: HomeAssistant, entry: SangomaPhoneConfigEntry
) -> bool:
    """Close the webhook and the listener's route, save the state, unload."""
    if unloaded := await hass.config_entries.async_unload_platforms(entry, PLATFORMS):
        webhook.async_unregister(hass, entry.runtime_data.webhook_id)
        await hass.data[DATA_LISTENER].async_remove_phone(entry)
        await entry.runtime_data.async_save()
    return unloaded


async def async_remove_entry(
    hass: HomeAssistant, entry: SangomaPhoneConfigEntry
) -> None:
    """Delete the phone's stored state; the listener's after the last phone."""
    await phone_store(hass, entry.entry_id).async_remove()
    ir.async_delete_issue(hass, DOMAIN, mac_mismatch_issue_id(entry.entry_id))
    if not hass.config_entries.async_entries(DOMAIN):
        await async_remove_listener_settings(hass)
        ir.async_delete_issue(hass, DOMAIN, NO_LOCAL_URL_ISSUE)
