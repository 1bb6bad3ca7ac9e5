"""Button of a Sangoma phone: reset the missed call counter."""

from homeassistant.components.button import ButtonEntity, ButtonEntityDescription
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .entity import SangomaPhoneEntity
from .phone import SangomaPhoneConfigEntry

PARALLEL_UPDATES = 0

RESET_MISSED_CALLS = ButtonEntityDescription(
    key="reset_missed_calls", translation_key="reset_missed_calls"
)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: SangomaPhoneConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the phone's button."""
    async_add_entities(
        [SangomaPhoneResetMissedCallsButton(entry.runtime_data, RESET_MISSED_CALLS)]
    )


class SangomaPhoneResetMissedCallsButton(SangomaPhoneEntity, ButtonEntity):
    """Sets the Missed calls sensor back to 0 (the phone keeps its own list)."""

    async def async_press(self) -> None:
        """Reset the counter."""
        self.phone.async_clear_missed_calls()
