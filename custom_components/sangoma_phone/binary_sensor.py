"""Binary sensors of a Sangoma phone: call, hook, registration, hold, mute, forwards."""

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from homeassistant.components.binary_sensor import (
    BinarySensorDeviceClass,
    BinarySensorEntity,
    BinarySensorEntityDescription,
)
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .entity import SangomaPhoneEntityDescription, SangomaPhoneStateEntity
from .phone import SangomaPhoneConfigEntry
from .protocol import PhoneState

PARALLEL_UPDATES = 0


@dataclass(frozen=True, kw_only=True)
class SangomaBinarySensorEntityDescription(
    BinarySensorEntityDescription, SangomaPhoneEntityDescription
):
    """A binary sensor showing one boolean of the phone's state."""

    attributes_fn: Callable[[PhoneState], dict[str, Any]] | None = None


def _describe(
    key: str, device_class: BinarySensorDeviceClass | None = None
) -> SangomaBinarySensorEntityDescription:
    """Describe the binary sensor showing the PhoneState attribute `key`."""

    def value(state: PhoneState) -> bool | None:
        result: bool | None = getattr(state, key)
        return result

    return SangomaBinarySensorEntityDescription(
        key=key,
        translation_key=key,
        device_class=device_class,
        value_fn=value,
        fields=frozenset({key}),
    )


def _accounts(state: PhoneState) -> dict[str, Any]:
    """Return each reported account's registration ("" is an unnamed one)."""
    return {"accounts": {k or "unknown": r.value for k, r in state.accounts.items()}}


BINARY_SENSORS: tuple[SangomaBinarySensorEntityDescription, ...] = (
    _describe("in_call"),
    _describe("ringing"),
    _describe("off_hook"),
    # "SIP registration": on while every account reported is registered.
    replace(
        _describe("registered", BinarySensorDeviceClass.CONNECTIVITY),
        fields=frozenset({"registered", "accounts"}),
        attributes_fn=_accounts,
    ),
    _describe("on_hold"),
    _describe("muted"),
    _describe("always_forward"),
    _describe("busy_forward"),
    _describe("no_answer_forward"),
)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: SangomaPhoneConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the phone's binary sensors."""
    async_add_entities(
        SangomaPhoneBinarySensor(entry.runtime_data, description)
        for description in BINARY_SENSORS
    )


class SangomaPhoneBinarySensor(SangomaPhoneStateEntity, BinarySensorEntity):
    """A boolean of the phone's state; unknown until the phone has told it."""

    entity_description: SangomaBinarySensorEntityDescription

    @property
    def is_on(self) -> bool | None:
        """Return the state, None while unknown."""
        value: bool | None = self._value
        return value

    @property
    def extra_state_attributes(self) -> dict[str, Any] | None:
        """Return the per-account states of the SIP registration sensor."""
        if (attributes := self.entity_description.attributes_fn) is None:
            return None
        return attributes(self.phone.state)
