"""Binary sensors of a Sangoma phone: call, hook, registration, hold, mute,
forwards; with web access, whether the phone's web page answers."""

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any, override

from homeassistant.components.binary_sensor import (
    BinarySensorDeviceClass,
    BinarySensorEntity,
    BinarySensorEntityDescription,
)
from homeassistant.const import EntityCategory
from homeassistant.core import HomeAssistant
from homeassistant.helpers.dispatcher import async_dispatcher_connect
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .entity import (
    SangomaPhoneEntityDescription,
    SangomaPhoneStateEntity,
    SangomaPhoneWebAccessEntity,
)
from .models import SangomaPhoneConfigEntry
from .protocol import PhoneState
from .web_access.settings import DND_KEY

PARALLEL_UPDATES = 0


@dataclass(frozen=True, kw_only=True)
class SangomaBinarySensorEntityDescription(
    BinarySensorEntityDescription, SangomaPhoneEntityDescription
):
    """A binary sensor showing one boolean of the phone's state."""

    attributes_fn: Callable[[PhoneState], dict[str, Any]] | None = None


def _describe(
    key: str,
    device_class: BinarySensorDeviceClass | None = None,
    *,
    category: EntityCategory | None = None,
    enabled: bool = True,
) -> SangomaBinarySensorEntityDescription:
    """Describe the binary sensor showing the PhoneState attribute `key`."""

    def value(state: PhoneState) -> bool | None:
        result: bool | None = getattr(state, key)
        return result

    return SangomaBinarySensorEntityDescription(
        key=key,
        translation_key=key,
        device_class=device_class,
        entity_category=category,
        entity_registry_enabled_default=enabled,
        value_fn=value,
        fields=frozenset({key}),
    )


def _accounts(state: PhoneState) -> dict[str, Any]:
    """Return each reported account's registration ("" is an unnamed one)."""
    return {"accounts": {k or "unknown": r.value for k, r in state.accounts.items()}}


# Most used first (the default dashboard lists them in this order); what few
# users need is disabled by default, the registration is diagnostic.
BINARY_SENSORS: tuple[SangomaBinarySensorEntityDescription, ...] = (
    _describe("in_call"),
    _describe("ringing"),
    _describe("on_hold"),
    _describe("always_forward"),
    # "SIP registration": on while every account reported is registered.
    replace(
        _describe(
            "registered",
            BinarySensorDeviceClass.CONNECTIVITY,
            category=EntityCategory.DIAGNOSTIC,
        ),
        fields=frozenset({"registered", "accounts"}),
        attributes_fn=_accounts,
    ),
    _describe("muted", enabled=False),
    _describe("off_hook", enabled=False),
    _describe("busy_forward", enabled=False),
    _describe("no_answer_forward", enabled=False),
)

# DND, read-only: while the phone's web access is not set (then it is a switch).
DND = _describe(DND_KEY)

# With web access: whether the phone's web page answers Home Assistant.
WEB_ACCESS = BinarySensorEntityDescription(
    key="web_access",
    translation_key="web_access",
    device_class=BinarySensorDeviceClass.CONNECTIVITY,
    entity_category=EntityCategory.DIAGNOSTIC,
)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: SangomaPhoneConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the phone's binary sensors (and read-only DND without web access)."""
    data = entry.runtime_data
    descriptions = list(BINARY_SENSORS)
    if data.web_access is None:
        descriptions.append(DND)
    entities: list[BinarySensorEntity] = [
        SangomaPhoneBinarySensor(data.phone, description)
        for description in descriptions
    ]
    if data.web_access is not None:
        entities.append(
            SangomaPhoneWebAccessSensor(data.phone, data.web_access, WEB_ACCESS)
        )
    async_add_entities(entities)


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


class SangomaPhoneWebAccessSensor(SangomaPhoneWebAccessEntity, BinarySensorEntity):
    """Whether the phone's web page answers (Home Assistant's controls work)."""

    @property
    @override
    def _update_fields(self) -> frozenset[str] | None:
        return frozenset()  # the phone's requests change nothing here

    @property
    def is_on(self) -> bool:
        """Return whether the last request (or probe) reached the phone."""
        return self.web_access.available

    @override
    async def async_added_to_hass(self) -> None:
        """Follow the web access's availability."""
        await super().async_added_to_hass()
        self.async_on_remove(
            async_dispatcher_connect(
                self.hass, self.web_access.signal, self.async_write_ha_state
            )
        )
