"""Buttons of a Sangoma phone: reset missed calls; reboot and provision (web access)."""

from dataclasses import dataclass

from homeassistant.components.button import ButtonEntity, ButtonEntityDescription
from homeassistant.const import EntityCategory
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .entity import SangomaPhoneEntity, SangomaPhoneWebAccessEntity
from .models import SangomaPhoneConfigEntry
from .protocol.action_uri import Key
from .web_access.settings import PROVISION_KEY, REBOOT_KEY

PARALLEL_UPDATES = 0

RESET_MISSED_CALLS = ButtonEntityDescription(
    key="reset_missed_calls", translation_key="reset_missed_calls"
)


@dataclass(frozen=True, kw_only=True)
class SangomaKeyButtonDescription(ButtonEntityDescription):
    """A button that presses one key of the phone through its web access."""

    phone_key: Key


KEY_BUTTONS: tuple[SangomaKeyButtonDescription, ...] = (
    SangomaKeyButtonDescription(
        key=REBOOT_KEY,
        translation_key=REBOOT_KEY,
        entity_category=EntityCategory.CONFIG,
        phone_key=Key.REBOOT,
    ),
    SangomaKeyButtonDescription(
        key=PROVISION_KEY,
        translation_key=PROVISION_KEY,
        entity_category=EntityCategory.CONFIG,
        phone_key=Key.AUTO_PROVISION,
    ),
)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: SangomaPhoneConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the phone's buttons."""
    phone, web_access = entry.runtime_data.phone, entry.runtime_data.web_access
    buttons: list[ButtonEntity] = [
        SangomaPhoneResetMissedCallsButton(phone, RESET_MISSED_CALLS)
    ]
    if web_access is not None:
        buttons.extend(SangomaPhoneKeyButton(phone, web_access, d) for d in KEY_BUTTONS)
    async_add_entities(buttons)


class SangomaPhoneResetMissedCallsButton(SangomaPhoneEntity, ButtonEntity):
    """Sets the Missed calls sensor back to 0 (the phone keeps its own list)."""

    async def async_press(self) -> None:
        """Reset the counter."""
        self.phone.async_clear_missed_calls()


class SangomaPhoneKeyButton(SangomaPhoneWebAccessEntity, ButtonEntity):
    """Presses a key of the phone (Reboot, AutoP)."""

    entity_description: SangomaKeyButtonDescription

    async def async_press(self) -> None:
        """Send the key."""
        key = self.entity_description.phone_key
        await self._async_send(lambda client: client.async_send_key(key))
