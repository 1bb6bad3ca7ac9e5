"""Base entities of a Sangoma phone: state shown, and web access used."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, override

from homeassistant.core import callback
from homeassistant.helpers.device_registry import DeviceInfo
from homeassistant.helpers.entity import Entity, EntityDescription

from .const import DOMAIN
from .models import PhoneUpdate
from .phone import SangomaPhone
from .protocol import PhoneState
from .web_access import ClientAction, WebAccess


@dataclass(frozen=True, kw_only=True)
class SangomaPhoneEntityDescription(EntityDescription):
    """An entity showing part of the phone's state."""

    value_fn: Callable[[PhoneState], Any]
    # The PhoneState fields the entity shows; it is written only when one changed.
    fields: frozenset[str]


class SangomaPhoneEntity(Entity):
    """An entity of one phone, updated by the phone's requests."""

    _attr_has_entity_name = True
    _attr_should_poll = False

    def __init__(self, phone: SangomaPhone, description: EntityDescription) -> None:
        """Attach the entity to the phone's device."""
        self.phone = phone
        self.entity_description = description
        self._attr_unique_id = f"{phone.entry.entry_id}_{description.key}"
        self._attr_device_info = DeviceInfo(
            identifiers={(DOMAIN, phone.entry.entry_id)}
        )

    @override
    async def async_added_to_hass(self) -> None:
        """Follow the phone's updates."""
        await super().async_added_to_hass()
        self.async_on_remove(
            self.phone.async_subscribe(self._update_fields, self._async_update)
        )

    @property
    def _update_fields(self) -> frozenset[str] | None:
        """Return the PhoneState fields whose change calls `_async_update`;
        None: every update (every request the phone sends)."""
        return None

    @callback
    def _async_update(self, update: PhoneUpdate) -> None:
        """Handle an update of the phone (see `_update_fields`)."""


class SangomaPhoneStateEntity(SangomaPhoneEntity):
    """An entity whose state is a function of the phone's state."""

    entity_description: SangomaPhoneEntityDescription

    @property
    @override
    def _update_fields(self) -> frozenset[str] | None:
        return self.entity_description.fields

    @property
    def _value(self) -> Any:
        return self.entity_description.value_fn(self.phone.state)

    @override
    @callback
    def _async_update(self, update: PhoneUpdate) -> None:
        # Called only when one of the entity's fields changed.
        self.async_write_ha_state()


class SangomaPhoneWebAccessEntity(SangomaPhoneEntity):
    """An entity that uses web access.

    It stays available while the phone's web page does not answer: a press is
    tried and fails with a message (Home Assistant would skip an unavailable
    entity without a word), and the state it shows comes from the phone's own
    requests. The Web access sensor shows whether the page answers.
    """

    def __init__(
        self,
        phone: SangomaPhone,
        web_access: WebAccess,
        description: EntityDescription,
    ) -> None:
        """Attach the entity to the phone's device and its web access."""
        super().__init__(phone, description)
        self.web_access = web_access

    async def _async_send(self, action: ClientAction) -> None:
        """Send one request (raises a translated HomeAssistantError on failure)."""
        await self.web_access.async_run(action)
