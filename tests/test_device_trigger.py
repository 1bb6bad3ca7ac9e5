"""Device triggers (device_trigger.py): one per event, driven by webhook requests."""

import pytest
from pytest_homeassistant_custom_component.common import async_get_device_automations

from custom_components.sangoma_phone.const import DOMAIN
from custom_components.sangoma_phone.device_trigger import async_get_triggers
from custom_components.sangoma_phone.protocol import EVENT_KEYS
from homeassistant.components.device_automation import DeviceAutomationType
from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr

from .automation_helpers import async_setup_automations, device_id
from .conftest import SendRequest


@pytest.mark.usefixtures("init_integration")
async def test_every_event_is_a_device_trigger(hass: HomeAssistant) -> None:
    """The phone's device offers a trigger for each of the 34 events."""
    phone = device_id(hass)
    triggers = await async_get_device_automations(
        hass, DeviceAutomationType.TRIGGER, phone
    )
    ours = [t for t in triggers if t["domain"] == DOMAIN]
    assert [t["type"] for t in ours] == list(EVENT_KEYS)
    assert len(ours) == 34
    assert all(t["device_id"] == phone for t in ours)


@pytest.mark.usefixtures("init_integration")
async def test_no_triggers_for_other_devices(
    hass: HomeAssistant, device_registry: dr.DeviceRegistry
) -> None:
    """Another integration's device gets none of the phone's triggers."""
    other = device_registry.async_get_or_create(
        config_entry_id=hass.config_entries.async_entries(DOMAIN)[0].entry_id,
        identifiers={("other", "x")},
    )
    assert await async_get_triggers(hass, other.id) == []
    assert await async_get_triggers(hass, "missing") == []


@pytest.mark.usefixtures("init_integration")
@pytest.mark.parametrize("key", EVENT_KEYS)
async def test_device_trigger_fires(
    hass: HomeAssistant, send: SendRequest, key: str
) -> None:
    """Each device trigger fires on its own event, with the request's values."""
    other = "dnd_off" if key != "dnd_off" else "dnd_on"
    calls = await async_setup_automations(
        hass,
        [
            {
                "triggers": [
                    {
                        "trigger": "device",
                        "domain": DOMAIN,
                        "device_id": device_id(hass),
                        "type": key,
                    }
                ],
                "actions": [
                    {
                        "action": "test.record",
                        "data": {
                            "event": "{{ trigger.event.data.event }}",
                            "ip": "{{ trigger.event.data.ip }}",
                        },
                    }
                ],
            }
        ],
    )
    await send(other, {"ip": "192.0.2.9"})
    await hass.async_block_till_done()
    assert calls == []
    await send(key, {"ip": "192.0.2.10"})
    await hass.async_block_till_done()
    assert [c.data for c in calls] == [{"event": key, "ip": "192.0.2.10"}]
