"""Base of the entities that control the phone (they exist only with web access)."""

from typing import override

from homeassistant.helpers.dispatcher import async_dispatcher_connect

from .entity import SangomaPhoneEntity
from .remote import ControlAction, PhoneRemote


class SangomaPhoneControlEntity(SangomaPhoneEntity):
    """An entity that sends requests to the phone; unavailable while it is unreachable."""

    @property
    def remote(self) -> PhoneRemote:
        """Return the phone's remote control."""
        remote = self.phone.remote
        assert remote is not None  # created with the entities, removed on reload
        return remote

    @property
    @override
    def available(self) -> bool:
        """Return whether the phone's web access answers."""
        return self.remote.available

    @override
    async def async_added_to_hass(self) -> None:
        """Follow the phone's availability too."""
        await super().async_added_to_hass()
        self.async_on_remove(
            async_dispatcher_connect(
                self.hass, self.remote.signal, self.async_write_ha_state
            )
        )

    async def _async_send(self, action: ControlAction) -> None:
        """Send one request (raises a translated HomeAssistantError on failure)."""
        await self.remote.async_run(action)
