"""Target conditions of a Sangoma phone: is ringing, is in a call, DND is on, ...

Offered by the automation editor once the phone (or one of its entities) is
picked; in YAML ``condition: sangoma_phone.<key>``. A condition passes when
any targeted phone is in that state; an unknown state (no event yet) does not
pass. Described in conditions.yaml, translated under ``conditions``.
"""

from collections.abc import Callable, Mapping
from typing import Any, Final, override

from homeassistant.core import HomeAssistant
from homeassistant.helpers.condition import Condition, ConditionConfig
from homeassistant.helpers.typing import ConfigType

from .compat import CheckerCompat
from .protocol import PhoneState
from .targets import (
    CONF_FORWARD,
    FORWARD_OPTIONS,
    async_target_phones,
    validate_target_config,
)

FORWARDS: Final[Mapping[str, Callable[[PhoneState], bool | None]]] = {
    "always": lambda state: state.always_forward,
    "busy": lambda state: state.busy_forward,
    "no_answer": lambda state: state.no_answer_forward,
}


def _forward_on(state: PhoneState, options: Mapping[str, Any]) -> bool:
    chosen = options.get(CONF_FORWARD) or list(FORWARDS)
    return any(FORWARDS[forward](state) is True for forward in chosen)


CHECKS: Final[Mapping[str, Callable[[PhoneState, Mapping[str, Any]], bool]]] = {
    "is_ringing": lambda state, _: state.ringing is True,
    "is_in_call": lambda state, _: state.in_call is True,
    "is_on_hold": lambda state, _: state.on_hold is True,
    "is_dnd_on": lambda state, _: state.dnd is True,
    "is_registered": lambda state, _: state.registered is True,
    "is_forward_on": _forward_on,
}
_OPTIONS: Final[Mapping[str, Mapping[Any, Any]]] = {"is_forward_on": FORWARD_OPTIONS}


class PhoneCondition(CheckerCompat, Condition):
    """Passes when any targeted phone is in the condition's state."""

    _key: str

    @override
    @classmethod
    async def async_validate_config(
        cls, hass: HomeAssistant, config: ConfigType
    ) -> ConfigType:
        """Validate the target and options."""
        return validate_target_config(config, _OPTIONS.get(cls._key, {}))

    def __init__(self, hass: HomeAssistant, config: ConditionConfig) -> None:
        """Keep the target and options."""
        super().__init__(hass, config)
        self._target: dict[str, Any] = config.target or {}
        self._options: dict[str, Any] = config.options or {}

    def test(self) -> bool:
        """Return whether any targeted phone is in the state."""
        check = CHECKS[self._key]
        return any(
            check(phone.state, self._options)
            for phone in async_target_phones(self._hass, self._target)
        )

    @override
    def _async_check(self, **kwargs: Any) -> bool:
        """Check the condition."""
        return self.test()


CONDITIONS: Final[dict[str, type[Condition]]] = {
    key: type(f"PhoneCondition_{key}", (PhoneCondition,), {"_key": key})
    for key in CHECKS
}


async def async_get_conditions(hass: HomeAssistant) -> dict[str, type[Condition]]:
    """Return the phone's conditions."""
    return CONDITIONS
