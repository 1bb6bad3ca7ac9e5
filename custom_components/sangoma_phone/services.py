"""The integration's actions: dial, hang up, send a key, reset missed calls.

Registered once in `async_setup`; each targets phone devices. Values are
validated (`ServiceValidationError`) for every targeted phone before anything
is sent to any of them.
"""

import asyncio
from collections.abc import Callable, Coroutine
from typing import Any, Final

import voluptuous as vol

from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import (
    ATTR_AREA_ID,
    ATTR_DEVICE_ID,
    ATTR_ENTITY_ID,
    ATTR_FLOOR_ID,
    ATTR_LABEL_ID,
)
from homeassistant.core import HomeAssistant, ServiceCall, callback
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.helpers import config_validation as cv, device_registry as dr

from .compat import device_entry_ids
from .const import DOMAIN
from .models import SangomaPhoneData
from .protocol.action_uri import (
    InvalidActionValue,
    validate_account,
    validate_key,
    validate_number,
)
from .targets import async_target_device_ids
from .web_access import ClientAction, WebAccess

SERVICE_DIAL: Final = "dial"
SERVICE_HANG_UP: Final = "hang_up"
SERVICE_SEND_KEY: Final = "send_key"
SERVICE_RESET_MISSED_CALLS: Final = "reset_missed_calls"
ATTR_NUMBER: Final = "number"
ATTR_ACCOUNT: Final = "account"
ATTR_KEY: Final = "key"


def _whole_number(value: Any) -> int:
    """Return a whole number given as such or as digits; 1.9 or true are none."""
    # ASCII digits only: Arabic-Indic or superscript digits are digits to
    # Python (isdigit), not to the phone.
    if isinstance(value, str) and value.strip().isascii() and value.strip().isdigit():
        return int(value.strip())
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    raise vol.Invalid(f"expected a whole number, got {value!r}")


# Home Assistant's standard targets: devices, entities, areas, floors, labels.
_TARGET: Final = cv.TARGET_SERVICE_FIELDS
_TARGET_KEYS: Final = (
    ATTR_DEVICE_ID,
    ATTR_ENTITY_ID,
    ATTR_AREA_ID,
    ATTR_FLOOR_ID,
    ATTR_LABEL_ID,
)
SCHEMAS: Final = {
    SERVICE_DIAL: vol.Schema(
        {
            **_TARGET,
            vol.Required(ATTR_NUMBER): cv.string,
            vol.Optional(ATTR_ACCOUNT): _whole_number,
        }
    ),
    SERVICE_HANG_UP: vol.Schema(_TARGET),
    SERVICE_SEND_KEY: vol.Schema({**_TARGET, vol.Required(ATTR_KEY): cv.string}),
    SERVICE_RESET_MISSED_CALLS: vol.Schema(_TARGET),
}


def _invalid(err: InvalidActionValue) -> ServiceValidationError:
    return ServiceValidationError(
        translation_domain=DOMAIN,
        translation_key=f"invalid_{err.field}",
        translation_placeholders={"detail": err.detail},
    )


def _phones(hass: HomeAssistant, call: ServiceCall) -> list[SangomaPhoneData]:
    """Return the loaded phones the target names.

    A device named by id must be a phone; entities, areas, floors and labels
    contribute the phones among what they hold.
    """
    registry = dr.async_get(hass)
    named = list(cv.ensure_list(call.data.get(ATTR_DEVICE_ID) or []))
    target = {key: call.data[key] for key in _TARGET_KEYS if key in call.data}
    device_ids = dict.fromkeys(
        [*named, *sorted(async_target_device_ids(hass, target) - set(named))]
    )
    if not device_ids:
        raise ServiceValidationError(
            translation_domain=DOMAIN, translation_key="no_phone_targeted"
        )
    phones: list[SangomaPhoneData] = []
    for device_id in device_ids:
        device = registry.async_get(device_id)
        entries = [
            entry
            for entry_id in device_entry_ids(device)
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
            phones.append(entry.runtime_data)
    return phones


def _web_accesses(hass: HomeAssistant, call: ServiceCall) -> list[WebAccess]:
    web_accesses: list[WebAccess] = []
    for data in _phones(hass, call):
        if data.web_access is None:
            raise ServiceValidationError(
                translation_domain=DOMAIN,
                translation_key="web_access_not_configured",
                translation_placeholders={"name": data.phone.entry.title},
            )
        web_accesses.append(data.web_access)
    return web_accesses


def _action(call: ServiceCall) -> ClientAction:
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
    except InvalidActionValue as err:
        raise _invalid(err) from err
    return lambda client: client.async_hang_up()


async def _async_send(call: ServiceCall) -> None:
    """Send to every targeted phone at once; one that fails stops no other."""
    action = _action(call)
    targets = _web_accesses(call.hass, call)
    results = await asyncio.gather(
        *(web_access.async_run(action) for web_access in targets),
        return_exceptions=True,
    )
    failed: list[tuple[WebAccess, HomeAssistantError]] = []
    for web_access, result in zip(targets, results, strict=True):
        if isinstance(result, HomeAssistantError):
            failed.append((web_access, result))
        elif isinstance(result, BaseException):
            raise result
    if len(failed) == 1 and len(targets) == 1:
        raise failed[0][1]
    if failed:
        raise HomeAssistantError(
            translation_domain=DOMAIN,
            translation_key="action_failed_for",
            translation_placeholders={
                "names": ", ".join(web_access.entry.title for web_access, _ in failed),
                "done": str(len(targets) - len(failed)),
                "count": str(len(targets)),
            },
        ) from failed[0][1]


async def _async_reset_missed_calls(call: ServiceCall) -> None:
    for data in _phones(call.hass, call):
        data.phone.async_clear_missed_calls()


@callback
def async_setup_services(hass: HomeAssistant) -> None:
    """Register the actions (once, for all phones)."""
    handlers: dict[str, Callable[[ServiceCall], Coroutine[Any, Any, None]]] = {
        SERVICE_DIAL: _async_send,
        SERVICE_HANG_UP: _async_send,
        SERVICE_SEND_KEY: _async_send,
        SERVICE_RESET_MISSED_CALLS: _async_reset_missed_calls,
    }
    for service, handler in handlers.items():
        hass.services.async_register(DOMAIN, service, handler, schema=SCHEMAS[service])
