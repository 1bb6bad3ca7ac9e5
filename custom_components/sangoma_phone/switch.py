"""Do Not Disturb switch of a Sangoma phone."""

from dataclasses import dataclass
from typing import Any

from homeassistant.components.switch import SwitchEntity, SwitchEntityDescription
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .const import DOMAIN
from .entity import SangomaPhoneEntityDescription, SangomaPhoneStateEntity
from .phone import SangomaPhoneConfigEntry

PARALLEL_UPDATES = 0


@dataclass(frozen=True, kw_only=True)
class SangomaSwitchEntityDescription(
    SwitchEntityDescription, SangomaPhoneEntityDescription
):
    """A switch showing a boolean of the phone's state."""


DND = SangomaSwitchEntityDescription(
    key="dnd",
    translation_key="dnd",
    value_fn=lambda state: state.dnd,
    fields=frozenset({"dnd"}),
)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: SangomaPhoneConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the phone's DND switch."""
    async_add_entities([SangomaPhoneDndSwitch(entry.runtime_data, DND)])


class SangomaPhoneDndSwitch(SangomaPhoneStateEntity, SwitchEntity):
    """Do Not Disturb: its state comes from the phone's DND events."""

    entity_description: SangomaSwitchEntityDescription

    @property
    def is_on(self) -> bool | None:
        """Return whether DND is on, None while unknown."""
        value: bool | None = self._value
        return value

    async def async_turn_on(self, **kwargs: Any) -> None:
        """Switch DND on at the phone."""
        self._raise_no_control()

    async def async_turn_off(self, **kwargs: Any) -> None:
        """Switch DND off at the phone."""
        self._raise_no_control()

    def _raise_no_control(self) -> None:
        raise HomeAssistantError(
            translation_domain=DOMAIN,
            translation_key="phone_control_not_configured",
            translation_placeholders={"name": self.phone.entry.title},
        )
