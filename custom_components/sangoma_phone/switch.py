"""Do Not Disturb switch of a Sangoma phone (only while its web access is set).

It shows the requested state once the phone accepted it; the phone's own DND
event confirms it, and the phone wins. Without web access DND is a read-only
binary sensor (`binary_sensor.DND`). See docs/web-access.md.
"""

from dataclasses import dataclass
from typing import Any

from homeassistant.components.switch import SwitchEntity, SwitchEntityDescription
from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .entity import (
    SangomaPhoneEntityDescription,
    SangomaPhoneStateEntity,
    SangomaPhoneWebAccessEntity,
)
from .models import SangomaPhoneConfigEntry
from .protocol.action_uri import Key
from .web_access.settings import DND_KEY

PARALLEL_UPDATES = 0


@dataclass(frozen=True, kw_only=True)
class SangomaSwitchEntityDescription(
    SwitchEntityDescription, SangomaPhoneEntityDescription
):
    """A switch showing a boolean of the phone's state."""


DND = SangomaSwitchEntityDescription(
    key=DND_KEY,
    translation_key=DND_KEY,
    value_fn=lambda state: state.dnd,
    fields=frozenset({"dnd"}),
)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: SangomaPhoneConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the phone's DND switch when Home Assistant can control the phone."""
    data = entry.runtime_data
    if data.web_access is not None:
        async_add_entities([SangomaPhoneDndSwitch(data.phone, data.web_access, DND)])


class SangomaPhoneDndSwitch(
    SangomaPhoneWebAccessEntity, SangomaPhoneStateEntity, SwitchEntity
):
    """Do Not Disturb: switched through web access, confirmed by the phone."""

    entity_description: SangomaSwitchEntityDescription

    @property
    def is_on(self) -> bool | None:
        """Return whether DND is on, None while unknown."""
        value: bool | None = self._value
        return value

    async def async_turn_on(self, **kwargs: Any) -> None:
        """Switch DND on at the phone."""
        await self._async_request(True)

    async def async_turn_off(self, **kwargs: Any) -> None:
        """Switch DND off at the phone."""
        await self._async_request(False)

    async def _async_request(self, on: bool) -> None:
        key = Key.DND_ON if on else Key.DND_OFF
        await self._async_send(lambda client: client.async_send_key(key))
        # Accepted: the phone's state says so at once (and is stored, so a
        # reload or a restart keeps it); the phone's next DND event decides.
        phone = self.phone
        if phone.closed:  # reloaded while the request was under way
            entry = self.hass.config_entries.async_get_entry(phone.entry.entry_id)
            if entry is None or entry.state is not ConfigEntryState.LOADED:
                return
            phone = entry.runtime_data.phone
        phone.async_set_dnd(on)
