"""The Sangoma Phone integration: Sangoma desk phones through their Action URLs."""

from collections.abc import Mapping

from homeassistant.config_entries import SOURCE_IGNORE
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
from .counters import RequestCounters
from .identity import async_setup_device, duplicate_issue_id, mac_mismatch_issue_id
from .listener import DATA_LISTENER, PhoneListener, async_remove_listener_settings
from .models import SangomaPhoneConfigEntry, SangomaPhoneData
from .phone import (
    SangomaPhone,
    no_report_issue_id,
    phone_store,
    restore_machine,
)
from .services import async_setup_services
from .texts import async_load_texts, async_troubleshooting_url
from .urls import NO_LOCAL_URL, async_check_local_url
from .urls.stale import async_check_stale_urls, stale_urls_issue_id
from .urls.views import ProvisioningView, UrlListView
from .web_access import WebAccess
from .web_access.settings import (
    async_remove_stale_entities,
    moved_issue_id,
    stored_settings,
)
from .webhook import (
    async_register_webhook,
    async_take_over,
    async_unregister_webhook,
)

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
    await async_load_texts(hass)
    hass.http.register_view(ProvisioningView())
    hass.http.register_view(UrlListView())
    listener = hass.data[DATA_LISTENER] = await PhoneListener.async_load(hass)

    async def _async_stop_listener(event: Event) -> None:
        await listener.async_stop()

    hass.bus.async_listen_once(EVENT_HOMEASSISTANT_STOP, _async_stop_listener)

    @callback
    def _async_core_config_updated(event: Event) -> None:
        if "language" in event.data:
            hass.async_create_task(async_load_texts(hass), eager_start=False)
        if hass.config_entries.async_loaded_entries(DOMAIN):
            async_check_local_url(hass)
            async_check_stale_urls(hass)

    hass.bus.async_listen(EVENT_CORE_CONFIG_UPDATE, _async_core_config_updated)
    async_setup_services(hass)
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
    machine = restore_machine(stored, entry.title)
    device_id = async_setup_device(hass, entry, machine.state)
    phone = SangomaPhone(hass, entry, store, machine, device_id)
    phone.counters = RequestCounters.from_dict(
        stored.get("counters") if isinstance(stored, Mapping) else None
    )
    async_check_local_url(hass)
    async_check_stale_urls(hass, [entry])
    web_access = None
    if stored_settings(entry) is not None:
        web_access = WebAccess(hass, entry)
        entry.async_on_unload(web_access.async_start(phone))
    entry.runtime_data = SangomaPhoneData(phone, web_access)
    async_remove_stale_entities(hass, entry)

    await hass.config_entries.async_forward_entry_setups(entry, PLATFORMS)
    async_register_webhook(hass, phone)
    async_take_over(hass, phone)
    phone.async_check_reported(await async_troubleshooting_url(hass))
    await hass.data[DATA_LISTENER].async_add_phone(entry)
    return True


async def async_unload_entry(
    hass: HomeAssistant, entry: SangomaPhoneConfigEntry
) -> bool:
    """Close the webhook and the listener's route, save the state, unload."""
    if unloaded := await hass.config_entries.async_unload_platforms(entry, PLATFORMS):
        phone = entry.runtime_data.phone
        async_unregister_webhook(hass, phone)
        await hass.data[DATA_LISTENER].async_remove_phone(entry)
        await phone.async_close()
    return unloaded


async def async_remove_entry(
    hass: HomeAssistant, entry: SangomaPhoneConfigEntry
) -> None:
    """Delete the phone's stored state; the listener's after the last phone."""
    await phone_store(hass, entry.entry_id).async_remove()
    for issue_id in (
        mac_mismatch_issue_id,
        stale_urls_issue_id,
        duplicate_issue_id,
        moved_issue_id,
        no_report_issue_id,
    ):
        ir.async_delete_issue(hass, DOMAIN, issue_id(entry.entry_id))
    if not [
        other
        for other in hass.config_entries.async_entries(DOMAIN)
        if other.source != SOURCE_IGNORE  # an ignored discovery is no phone
    ]:
        await async_remove_listener_settings(hass)
        ir.async_delete_issue(hass, DOMAIN, NO_LOCAL_URL)
