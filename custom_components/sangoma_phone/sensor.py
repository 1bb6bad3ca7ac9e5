"""Sensors of a Sangoma phone: call state, other party, last event, missed calls,
when it last reported."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Final, override

from homeassistant.components.sensor import (
    RestoreSensor,
    SensorDeviceClass,
    SensorEntity,
    SensorEntityDescription,
)
from homeassistant.const import EntityCategory, UnitOfTime
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .entity import SangomaPhoneEntityDescription, SangomaPhoneStateEntity
from .models import PhoneUpdate, SangomaPhoneConfigEntry
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


# When the phone last sent a request (any event): written at most once a
# minute, so that a call's burst of requests writes it once.
LAST_REPORT = SangomaSensorEntityDescription(
    key="last_report",
    translation_key="last_report",
    device_class=SensorDeviceClass.TIMESTAMP,
    entity_category=EntityCategory.DIAGNOSTIC,
    value_fn=lambda state: state.last_event_time,
    fields=frozenset({"last_event_time"}),
)
LAST_REPORT_STEP: Final = timedelta(minutes=1)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: SangomaPhoneConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the phone's sensors."""
    phone = entry.runtime_data.phone
    async_add_entities(
        [
            *(SangomaPhoneSensor(phone, description) for description in SENSORS),
            SangomaPhoneLastReportSensor(phone, LAST_REPORT),
        ]
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


class SangomaPhoneLastReportSensor(SangomaPhoneSensor, RestoreSensor):
    """When the phone last reported, to the minute (fewer recorder rows); a
    restart keeps what it showed while the stored time is within that minute."""

    _written: datetime | None = None

    @property
    def native_value(self) -> datetime | None:
        """Return the time last written (None until the phone reports)."""
        return self._written

    @override
    async def async_added_to_hass(self) -> None:
        """Start from the stored state's time, or from what it showed."""
        stored = self.phone.state.last_event_time
        self._written = stored
        if (
            stored is not None
            and (last := await self.async_get_last_sensor_data()) is not None
            and isinstance(shown := last.native_value, datetime)
            and abs(stored - shown) < LAST_REPORT_STEP
        ):
            self._written = shown
        await super().async_added_to_hass()

    @override
    @callback
    def _async_update(self, update: PhoneUpdate) -> None:
        now = self.phone.state.last_event_time
        if now is None or (
            self._written is not None and abs(now - self._written) < LAST_REPORT_STEP
        ):
            return
        self._written = now
        self.async_write_ha_state()
