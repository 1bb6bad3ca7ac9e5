"""Helpers for the automation tests: set up automations that record their runs."""

from typing import Any

from pytest_homeassistant_custom_component.common import async_mock_service

from homeassistant.components import automation
from homeassistant.core import HomeAssistant, ServiceCall
from homeassistant.helpers import device_registry as dr
from homeassistant.setup import async_setup_component

from .conftest import phone_device

# What a recording action keeps of the trigger's variables.
RECORD = {
    "action": "test.record",
    "data": {
        "platform": "{{ trigger.platform }}",
        "event_type": "{{ trigger.event_type | default('') }}",
        "number": "{{ trigger.remote_number | default('') }}",
        "name": "{{ trigger.display_remote | default('') }}",
        "description": "{{ trigger.description }}",
    },
}


def device_id(hass: HomeAssistant) -> str:
    """Return the phone's device id."""
    device = phone_device(dr.async_get(hass))
    assert device is not None
    return device.id


async def async_setup_automations(
    hass: HomeAssistant, automations: list[dict[str, Any]]
) -> list[ServiceCall]:
    """Set the automations up; return the calls their `test.record` actions make."""
    calls = async_mock_service(hass, "test", "record")
    assert await async_setup_component(
        hass, automation.DOMAIN, {automation.DOMAIN: automations}
    )
    await hass.async_block_till_done()
    return calls
