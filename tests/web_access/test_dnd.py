"""The DND switch: requested state at once, the phone's event confirms, the phone wins."""

import asyncio
import json
from typing import Any

import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.components.diagnostics import (
    get_diagnostics_for_config_entry,
)

from custom_components.sangoma_phone.const import CONF_WEB_ACCESS
from custom_components.sangoma_phone.web_access.client import WebAccessClient
from homeassistant.components.switch import (
    DOMAIN as SWITCH_DOMAIN,
    SERVICE_TURN_OFF,
    SERVICE_TURN_ON,
)
from homeassistant.const import ATTR_ENTITY_ID, STATE_OFF, STATE_ON, STATE_UNKNOWN
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import entity_registry as er

from ..conftest import SendRequest
from ..fake_phone import Answer, FakePhone
from .conftest import DND_SENSOR, DND_SWITCH, PASSWORD, PROVISION, REBOOT, line


async def switch(hass: HomeAssistant, service: str) -> None:
    """Turn the DND switch on or off."""
    await hass.services.async_call(
        SWITCH_DOMAIN, service, {ATTR_ENTITY_ID: DND_SWITCH}, blocking=True
    )


@pytest.mark.usefixtures("init_integration")
async def test_requested_then_confirmed(hass: HomeAssistant, send: SendRequest) -> None:
    """The switch shows the request at once; the phone's event confirms it."""
    assert hass.states.get(DND_SWITCH).state == STATE_UNKNOWN
    await switch(hass, SERVICE_TURN_ON)
    assert hass.states.get(DND_SWITCH).state == STATE_ON
    await send("dnd_on")
    assert hass.states.get(DND_SWITCH).state == STATE_ON
    await switch(hass, SERVICE_TURN_OFF)
    assert hass.states.get(DND_SWITCH).state == STATE_OFF


@pytest.mark.usefixtures("init_integration")
async def test_the_phone_wins(hass: HomeAssistant, send: SendRequest) -> None:
    """If the phone reports the opposite, the switch follows the phone."""
    await send("dnd_off")
    await switch(hass, SERVICE_TURN_ON)
    assert hass.states.get(DND_SWITCH).state == STATE_ON
    await send("dnd_off")  # unchanged for the phone: it did not switch
    assert hass.states.get(DND_SWITCH).state == STATE_OFF
    await send("idle_to_busy")  # other events leave the switch alone
    assert hass.states.get(DND_SWITCH).state == STATE_OFF


@pytest.mark.usefixtures("init_integration")
async def test_switched_state_survives_a_reload(
    hass: HomeAssistant, mock_config_entry: MockConfigEntry, send: SendRequest
) -> None:
    """DND switched from Home Assistant is the phone's state: a reload keeps it."""
    await send("dnd_on")
    await switch(hass, SERVICE_TURN_OFF)
    assert hass.states.get(DND_SWITCH).state == STATE_OFF
    assert await hass.config_entries.async_reload(mock_config_entry.entry_id)
    await hass.async_block_till_done()
    assert hass.states.get(DND_SWITCH).state == STATE_OFF
    await send("dnd_on")  # the phone switched it back: the phone wins
    assert hass.states.get(DND_SWITCH).state == STATE_ON


@pytest.mark.usefixtures("init_integration")
async def test_refused_request_changes_nothing(
    hass: HomeAssistant, send: SendRequest, fake_phone: FakePhone
) -> None:
    """A failed request leaves the switch as the phone last reported."""
    await send("dnd_off")
    fake_phone.answer = Answer.ERROR
    with pytest.raises(HomeAssistantError) as err:
        await switch(hass, SERVICE_TURN_ON)
    assert err.value.translation_key == "phone_refused"
    assert err.value.translation_placeholders["status"] == "500"
    assert hass.states.get(DND_SWITCH).state == STATE_OFF


async def test_transitions_leave_a_clean_registry(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    entity_registry: er.EntityRegistry,
) -> None:
    """Removing web access turns the switch into a binary sensor, and back."""
    assert entity_registry.async_get(DND_SWITCH) is not None
    assert entity_registry.async_get(DND_SENSOR) is None
    web_access = init_integration.data[CONF_WEB_ACCESS]
    data = {k: v for k, v in init_integration.data.items() if k != CONF_WEB_ACCESS}
    hass.config_entries.async_update_entry(init_integration, data=data)
    await hass.config_entries.async_reload(init_integration.entry_id)
    await hass.async_block_till_done()
    for removed in (DND_SWITCH, REBOOT, PROVISION):
        assert entity_registry.async_get(removed) is None
        assert hass.states.get(removed) is None
    assert entity_registry.async_get(DND_SENSOR) is not None

    hass.config_entries.async_update_entry(
        init_integration, data={**data, CONF_WEB_ACCESS: web_access}
    )
    await hass.config_entries.async_reload(init_integration.entry_id)
    await hass.async_block_till_done()
    assert entity_registry.async_get(DND_SENSOR) is None
    assert hass.states.get(DND_SENSOR) is None
    for added in (DND_SWITCH, REBOOT, PROVISION):
        assert entity_registry.async_get(added) is not None


async def test_diagnostics_without_secrets(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    hass_client: Any,
) -> None:
    """Diagnostics say web access is set and its last result; no password."""
    await switch(hass, SERVICE_TURN_ON)
    diagnostics = await get_diagnostics_for_config_entry(
        hass, hass_client, init_integration
    )
    assert diagnostics["web_access"]["configured"] is True
    assert diagnostics["web_access"]["last_result"] == "ok"
    assert diagnostics["web_access"]["available"] is True
    assert PASSWORD not in json.dumps(diagnostics)


async def test_a_reload_during_the_request_keeps_what_the_phone_did(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    fake_phone: FakePhone,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """DND switched on while the phone reloads: the phone did it, so the
    reloaded switch says on (not unknown), and that is what is stored."""
    monkeypatch.setattr(WebAccessClient, "timeout", 10)  # outlasts the reload
    fake_phone.gate = asyncio.Event()
    turn_on = hass.async_create_task(
        hass.services.async_call(
            SWITCH_DOMAIN, SERVICE_TURN_ON, {ATTR_ENTITY_ID: DND_SWITCH}, blocking=True
        )
    )
    await fake_phone.wait_for_requests(1)
    assert await hass.config_entries.async_reload(init_integration.entry_id)
    assert hass.states.get(DND_SWITCH).state == STATE_UNKNOWN
    fake_phone.gate.set()
    await turn_on
    await hass.async_block_till_done()
    assert hass.states.get(DND_SWITCH).state == STATE_ON
    assert init_integration.runtime_data.phone.state.dnd is True
    assert fake_phone.actions[-1] == line("/Phone_ActionURL&key=DNDOn")
