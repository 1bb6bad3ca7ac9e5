"""Target triggers of a Sangoma phone: incoming call, call answered, missed call, ...

Offered once the phone (or its event entity) is picked; in YAML ``trigger:
sangoma_phone.<key>``. Each fires from the same request as the
``sangoma_phone_event`` bus event, whose values are the trigger variables.
Described in triggers.yaml, translated under ``triggers``.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Final, override

import voluptuous as vol

from homeassistant.core import CALLBACK_TYPE, Event, HomeAssistant, callback
from homeassistant.helpers import config_validation as cv
from homeassistant.helpers.trigger import Trigger, TriggerActionRunner, TriggerConfig
from homeassistant.helpers.typing import ConfigType

from .const import EVENT_PHONE
from .protocol import EVENTS_BY_KEY, EventKey
from .targets import (
    CONF_FORWARD,
    FORWARD_OPTIONS,
    async_target_device_ids,
    validate_target_config,
)
from .texts import ui_texts

NUMBER_EXACT: Final = "exact"
NUMBER_STARTS_WITH: Final = "starts_with"
NUMBER_MATCHES: Final = (NUMBER_EXACT, NUMBER_STARTS_WITH)


def number_matches(
    number: str | None, wanted: Iterable[str], how: str = NUMBER_EXACT
) -> bool:
    """Return whether the other party's number is one of `wanted` (none: any call)."""
    wanted = [w.strip() for w in wanted if w and w.strip()]
    if not wanted:
        return True
    if not number:
        return False
    if how == NUMBER_STARTS_WITH:
        return any(number.startswith(w) for w in wanted)
    return number in wanted


def account_matches(account: str | None, wanted: str | None) -> bool:
    """Return whether the call used the wanted account (any when not given)."""
    if not wanted or not wanted.strip():
        return True
    return account is not None and account.strip() == wanted.strip()


CONF_NUMBER: Final = "number"
CONF_NUMBER_MATCH: Final = "number_match"
CONF_ACCOUNT: Final = "account"

_K = EventKey
FORWARDS_ON: Final = {
    "always": _K.ALWAYS_FORWARD_ON,
    "busy": _K.BUSY_FORWARD_ON,
    "no_answer": _K.NO_ANSWER_FORWARD_ON,
}
FORWARDS_OFF: Final = {
    "always": _K.ALWAYS_FORWARD_OFF,
    "busy": _K.BUSY_FORWARD_OFF,
    "no_answer": _K.NO_ANSWER_FORWARD_OFF,
}

_CALL_OPTIONS: Final = {
    vol.Optional(CONF_NUMBER, default=list): vol.All(cv.ensure_list, [cv.string]),
    vol.Optional(CONF_NUMBER_MATCH, default=NUMBER_EXACT): vol.In(NUMBER_MATCHES),
    vol.Optional(CONF_ACCOUNT, default=""): cv.string,
}
_ACCOUNT_OPTIONS: Final = {vol.Optional(CONF_ACCOUNT, default=""): cv.string}


@dataclass(frozen=True, slots=True)
class TriggerSpec:
    """What one trigger fires on and which options it offers."""

    events: Mapping[str, EventKey]  # option value (or "") -> event
    options: Mapping[Any, Any]


def _only(*keys: EventKey) -> Mapping[str, EventKey]:
    return {key.value: key for key in keys}


SPECS: Final[Mapping[str, TriggerSpec]] = {
    "incoming_call": TriggerSpec(_only(_K.INCOMING_CALL), _CALL_OPTIONS),
    "call_answered": TriggerSpec(
        _only(_K.ESTABLISHED, _K.ANSWER_NEW_INCALL), _CALL_OPTIONS
    ),
    "call_ended": TriggerSpec(_only(_K.TERMINATED), _CALL_OPTIONS),
    "missed_call": TriggerSpec(_only(_K.MISSED_CALL), _CALL_OPTIONS),
    "dnd_turned_on": TriggerSpec(_only(_K.DND_ON), {}),
    "dnd_turned_off": TriggerSpec(_only(_K.DND_OFF), {}),
    "forward_turned_on": TriggerSpec(FORWARDS_ON, FORWARD_OPTIONS),
    "forward_turned_off": TriggerSpec(FORWARDS_OFF, FORWARD_OPTIONS),
    "registration_lost": TriggerSpec(
        _only(_K.UNREGISTERED, _K.REGISTER_FAILED), _ACCOUNT_OPTIONS
    ),
    "registration_restored": TriggerSpec(_only(_K.REGISTERED), _ACCOUNT_OPTIONS),
}


def event_matches(
    spec: TriggerSpec, options: Mapping[str, Any], data: Mapping[str, Any]
) -> bool:
    """Return whether a phone event's data passes the trigger's options."""
    if CONF_FORWARD in spec.options and options.get(CONF_FORWARD):
        wanted = {spec.events[forward] for forward in options[CONF_FORWARD]}
    else:
        wanted = set(spec.events.values())
    if data.get("event") not in wanted:
        return False
    if not account_matches(data.get("active_user"), options.get(CONF_ACCOUNT)):
        return False
    return number_matches(
        data.get("remote_number"),
        options.get(CONF_NUMBER, []),
        options.get(CONF_NUMBER_MATCH, NUMBER_EXACT),
    )


class PhoneTrigger(Trigger):
    """Fires when a targeted phone reports one of the trigger's events."""

    _spec: TriggerSpec

    @override
    @classmethod
    async def async_validate_config(
        cls, hass: HomeAssistant, config: ConfigType
    ) -> ConfigType:
        """Validate the target and options."""
        return validate_target_config(config, cls._spec.options)

    def __init__(self, hass: HomeAssistant, config: TriggerConfig) -> None:
        """Keep the target and options."""
        super().__init__(hass, config)
        self._target: dict[str, Any] = config.target or {}
        self._options: dict[str, Any] = config.options or {}

    @override
    async def async_attach_runner(
        self, run_action: TriggerActionRunner, *args: Any, **kwargs: Any
    ) -> CALLBACK_TYPE:
        """Run the action for each matching phone event."""

        @callback
        def phone_event(event: Event) -> None:
            data = event.data
            if data.get("device_id") not in async_target_device_ids(
                self._hass, self._target
            ):
                return
            if not event_matches(self._spec, self._options, data):
                return
            spec = EVENTS_BY_KEY[data["event"]]
            variables = {k: v for k, v in data.items() if k != "event"}
            texts = ui_texts(self._hass)
            run_action(
                {**variables, "event_type": spec.key.value},
                texts.phrase("trigger_description", event=texts.event_label(spec.key)),
                event.context,
            )

        return self._hass.bus.async_listen(EVENT_PHONE, phone_event)


def _trigger_class(key: str, spec: TriggerSpec) -> type[Trigger]:
    return type(f"PhoneTrigger_{key}", (PhoneTrigger,), {"_spec": spec})


TRIGGERS: Final[dict[str, type[Trigger]]] = {
    key: _trigger_class(key, spec) for key, spec in SPECS.items()
}


async def async_get_triggers(hass: HomeAssistant) -> dict[str, type[Trigger]]:
    """Return the phone's triggers."""
    return TRIGGERS
