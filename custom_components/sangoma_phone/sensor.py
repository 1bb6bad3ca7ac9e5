"""Sensors of a Sangoma phone: call state, other party, last event, missed calls."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from homeassistant.components.sensor import (
    SensorDeviceClass,
    SensorEntity,
    SensorEntityDescription,
)
from homeassistant.const import EntityCategory, UnitOfTime
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .entity import SangomaPhoneEntityDescription, SangomaPhoneStateEntity
from .models import SangomaPhoneConfigEntry
from .protocol import EVENT_KEYS, CallState, PhoneState

PARALLEL_UPDATES = 0


@dataclass(frozen=True, kw_only=True)
class SangomaSensorEntityDescription(
    SensorEntityDescription, SangomaPhoneEntityDescription
):
    """A sensor showing part of the phone's state."""

    attributes_fn: Callable[[PhoneState], dict[str, Any]] | None = None


# Most used first: the default dashboard lists them in this order.
SENSORS: tuple[SangomaSensorEntityDescription, ...] = (
    SangomaSensorEntityDescription(
        key="call_state",
        translation_key="call_state",
        device_class=SensorDeviceClass.ENUM,
        options=[state.value for state in CallState],
        value_fn=lambda state: state.call_state,
        fields=frozenset({"call_state"}),
    ),
    SangomaSensorEntityDescription(
        key="remote_name",
        translation_key="remote_name",
        value_fn=lambda state: state.remote_name,
        fields=frozenset({"remote_name"}),
    ),
    SangomaSensorEntityDescription(
        key="remote_number",
        translation_key="remote_number",
        value_fn=lambda state: state.remote_number,
        fields=frozenset({"remote_number"}),
    ),
    SangomaSensorEntityDescription(
        key="last_event",
        translation_key="last_event",
        device_class=SensorDeviceClass.ENUM,
        options=list(EVENT_KEYS),
        entity_category=EntityCategory.DIAGNOSTIC,
        # It repeats the event entity (and the logbook): few users need it.
        entity_registry_enabled_default=False,
        value_fn=lambda state: state.last_event,
        fields=frozenset({"last_event"}),
    ),
    SangomaSensorEntityDescription(
        key="missed_calls",
        translation_key="missed_calls",
        # The integration counts missed calls itself: 0 before the first one.
        value_fn=lambda state: state.missed_calls or 0,
        attributes_fn=lambda state: {
            "last_missed_number": state.last_missed_number,
            "last_missed_name": state.last_missed_name,
        },
        fields=frozenset({"missed_calls", "last_missed_number", "last_missed_name"}),
    ),
    SangomaSensorEntityDescription(
        key="last_call_duration",
        translation_key="last_call_duration",
        device_class=SensorDeviceClass.DURATION,
        native_unit_of_measurement=UnitOfTime.SECONDS,
        suggested_display_precision=0,
        value_fn=lambda state: state.last_call_duration,
        fields=frozenset({"last_call_duration"}),
    ),
    SangomaSensorEntityDescription(
        key="ip_address",
        translation_key="ip_address",
        entity_category=EntityCategory.DIAGNOSTIC,
        entity_registry_enabled_default=False,
        value_fn=lambda state: state.ip,
        fields=frozenset({"ip"}),
    ),
)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: SangomaPhoneConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the phone's sensors."""
    async_add_entities(
        SangomaPhoneSensor(entry.runtime_data.phone, description)
        for description in SENSORS
    )


class SangomaPhoneSensor(SangomaPhoneStateEntity, SensorEntity):
    """A value of the phone's state; unknown until the phone has told it."""

    entity_description: SangomaSensorEntityDescription

    @property
    def native_value(self) -> Any:
        """Return the value, None while unknown."""
        return self._value

    @property
    def extra_state_attributes(self) -> dict[str, Any] | None:
        """Return the sensor's attributes, if it has any."""
        if self.entity_description.attributes_fn is None:
            return None
        return self.entity_description.attributes_fn(self.phone.state)
