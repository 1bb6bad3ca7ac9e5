"""A phone's state across restarts: its store, and reading it back tolerantly."""

from collections.abc import Mapping
import logging
from typing import Any

from homeassistant.core import HomeAssistant
from homeassistant.helpers.storage import Store
from homeassistant.util import dt as dt_util

from .const import DOMAIN, STORAGE_VERSION
from .protocol import PhoneState, PhoneStateMachine

_LOGGER = logging.getLogger(__name__)


def phone_store(hass: HomeAssistant, entry_id: str) -> Store[dict[str, Any]]:
    """Return the store that keeps a phone's state across restarts."""
    return Store(hass, STORAGE_VERSION, f"{DOMAIN}.{entry_id}")


def restore_machine(stored: object, title: str = "") -> PhoneStateMachine:
    """Return the state machine with the stored state (or none).

    Unusable stored values are dropped with a warning, never an error: the
    phone reports its state again.
    """
    state, dropped = PhoneState.restore(
        stored.get("state") if isinstance(stored, Mapping) else stored
    )
    if dropped:
        _LOGGER.warning(
            "%s: dropped unusable stored values: %s", title, ", ".join(dropped)
        )
    machine = PhoneStateMachine(state)
    # Calls that may have ended while Home Assistant was not running.
    machine.forget_unfinished_calls(dt_util.utcnow())
    return machine
