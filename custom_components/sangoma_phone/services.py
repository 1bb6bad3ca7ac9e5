"""The integration's actions: dial, hang up, send a key, reset missed calls.

Registered once in `async_setup`; each targets phone devices. Values are
validated (`ServiceValidationError`) for every targeted phone before anything
is sent to any of them.
"""

from collections.abc import Callable, Coroutine
from typing import Any, Final

import voluptuous as vol

from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import ATTR_DEVICE_ID
from homeassistant.core import HomeAssistant, ServiceCall, callback
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers import config_validation as cv, device_registry as dr

from .const import DOMAIN
from .phone import SangomaPhone
from .protocol.control import (
    InvalidControlValue,
    validate_account,
    validate_key,
    validate_number,
)
from .remote import ControlAction, PhoneRemote

SERVICE_DIAL: Final = "dial"
SERVICE_HANG_UP: Final = "hang_up"
SERVICE_SEND_KEY: Final = "send_key"
SERVICE_RESET_MISSED_CALLS: Final = "reset_missed_calls"
ATTR_NUMBER: Final = "number"
ATTR_ACCOUNT: Final = "account"
ATTR_KEY: Final = "key"

_TARGET: Final = {vol.Required(ATTR_DEVICE_ID): vol.All(cv.ensure_list, [cv.string])}
SCHEMAS: Final = {
    SERVICE_DIAL: vol.Schema(
        {
            **_TARGET,
            vol.Required(ATTR_NUMBER): cv.string,
            vol.Optional(ATTR_ACCOUNT): vol.Coerce(int),
        }
    ),
    SERVICE_HANG_UP: vol.Schema(_TARGET),
    SERVICE_SEND_KEY: vol.Schema({**_TARGET, vol.Required(ATTR_KEY): cv.string}),
    SERVICE_RESET_MISSED_CALLS: vol.Schema(_TARGET),
}


def _invalid(err: InvalidControlValue) -> ServiceValidationError:
    return ServiceValidationError(
        translation_domain=DOMAIN,
        translation_key=f"invalid_{err.field}",
        translation_placeholders={"detail": err.detail},
    )


def _device_entry_ids(device: Any) -> tuple[str, ...]:
    """Return the config entries of a device.

    Home Assistant 2026.10 gives a device one `config_entry_id` and deprecates
    `config_entries`; 2026.3 has only the latter.
    """
    if device is None:
        return ()
    if (entry_id := getattr(device, "config_entry_id", None)) is not None:
        return (str(entry_id),)
    return tuple(device.config_entries)  # pragma: no cover (before 2026.10)


def _phones(hass: HomeAssistant, call: ServiceCall) -> list[SangomaPhone]:
    """Return the loaded phones of the targeted devices."""
    registry = dr.async_get(hass)
    phones: list[SangomaPhone] = []
    for device_id in call.data[ATTR_DEVICE_ID]:
        device = registry.async_get(device_id)
        entries = [
            entry
            for entry_id in _device_entry_ids(device)
            if (entry := hass.config_entries.async_get_entry(entry_id))
            and entry.domain == DOMAIN
        ]
        if not entries:
            raise ServiceValidationError(
                translation_domain=DOMAIN,
                translation_key="not_a_phone",
                translation_placeholders={"device_id": device_id},
            )
        for entry in entries:
            if entry.state is not ConfigEntryState.LOADED:
                raise ServiceValidationError(
                    translation_domain=DOMAIN,
                    translation_key="phone_not_loaded",
                    translation_placeholders={"name": entry.title},
                )
            phone: SangomaPhone = entry.runtime_data
            phones.append(phone)
    return phones


def _remotes(hass: HomeAssistant, call: ServiceCall) -> list[PhoneRemote]:
    remotes: list[PhoneRemote] = []
    for phone in _phones(hass, call):
        if phone.remote is None:
            raise ServiceValidationError(
                translation_domain=DOMAIN,
                translation_key="web_access_not_configured",
                translation_placeholders={"name": phone.entry.title},
            )
        remotes.append(phone.remote)
    return remotes


def _action(call: ServiceCall) -> ControlAction:
    """Validate the call's values; return what to send to each phone."""
    data = call.data
    try:
        if call.service == SERVICE_DIAL:
            number = validate_number(data[ATTR_NUMBER])
            account = data.get(ATTR_ACCOUNT)
            if account is not None:
                account = validate_account(account)
            return lambda client: client.async_dial(number, account)
        if call.service == SERVICE_SEND_KEY:
            key = validate_key(data[ATTR_KEY])
            return lambda client: client.async_send_key(key)
    except InvalidControlValue as err:
        raise _invalid(err) from err
    return lambda client: client.async_hang_up()


async def _async_control(call: ServiceCall) -> None:
    action = _action(call)
    for remote in _remotes(call.hass, call):
        await remote.async_run(action)


async def _async_reset_missed_calls(call: ServiceCall) -> None:
    for phone in _phones(call.hass, call):
        phone.async_clear_missed_calls()


@callback
def async_setup_services(hass: HomeAssistant) -> None:
    """Register the actions (once, for all phones)."""
    handlers: dict[str, Callable[[ServiceCall], Coroutine[Any, Any, None]]] = {
        SERVICE_DIAL: _async_control,
        SERVICE_HANG_UP: _async_control,
        SERVICE_SEND_KEY: _async_control,
        SERVICE_RESET_MISSED_CALLS: _async_reset_missed_calls,
    }
    for service, handler in handlers.items():
        hass.services.async_register(DOMAIN, service, handler, schema=SCHEMAS[service])
