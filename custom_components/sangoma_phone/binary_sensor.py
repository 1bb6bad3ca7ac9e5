"""Binary sensors of a Sangoma phone: call, hook, registration, hold, mute, forwards."""

from dataclasses import dataclass

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
from .web_access import DND_KEY

PARALLEL_UPDATES = 0


@dataclass(frozen=True, kw_only=True)
class SangomaBinarySensorEntityDescription(
    BinarySensorEntityDescription, SangomaPhoneEntityDescription
):
    """A binary sensor showing one boolean of the phone's state."""


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


BINARY_SENSORS: tuple[SangomaBinarySensorEntityDescription, ...] = (
    _describe("in_call"),
    _describe("ringing"),
    _describe("off_hook"),
    _describe("registered", BinarySensorDeviceClass.CONNECTIVITY),
    _describe("on_hold"),
    _describe("muted"),
    _describe("always_forward"),
    _describe("busy_forward"),
    _describe("no_answer_forward"),
)

# DND, read-only: while the phone's web access is not set (then it is a switch).
DND = _describe(DND_KEY)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: SangomaPhoneConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the phone's binary sensors (and read-only DND without web access)."""
    descriptions = list(BINARY_SENSORS)
    if entry.runtime_data.remote is None:
        descriptions.append(DND)
    async_add_entities(
        SangomaPhoneBinarySensor(entry.runtime_data, description)
        for description in descriptions
    )


class SangomaPhoneBinarySensor(SangomaPhoneStateEntity, BinarySensorEntity):
    """A boolean of the phone's state; unknown until the phone has told it."""

    entity_description: SangomaBinarySensorEntityDescription

    @property
    def is_on(self) -> bool | None:
        """Return the state, None while unknown."""
        value: bool | None = self._value
        return value
