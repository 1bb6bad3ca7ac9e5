"""The blueprints, loaded by Home Assistant's blueprint machinery and driven by
real webhook requests."""

import asyncio
from collections.abc import Callable
from pathlib import Path
import shutil
from typing import Any

import pytest
from pytest_homeassistant_custom_component.common import async_mock_service

from homeassistant.components import automation
from homeassistant.core import HomeAssistant, ServiceCall
from homeassistant.setup import async_setup_component

from ..automation_helpers import device_id
from ..conftest import SendRequest

BLUEPRINTS = Path(__file__).parents[2] / "blueprints"
IN_CALL = "binary_sensor.desk_phone_in_call"
CALL = {"remote": "sip:1002@pbx.example", "dr": "Alice", "cid": "c1"}


@pytest.fixture(autouse=True)
def blueprint_folder(hass: HomeAssistant, tmp_path: Path) -> None:
    """Give Home Assistant a config folder holding the repository's blueprints."""
    shutil.copytree(BLUEPRINTS, tmp_path / "blueprints")
    hass.config.config_dir = str(tmp_path)


async def _use(hass: HomeAssistant, path: str, inputs: dict[str, Any]) -> None:
    assert await async_setup_component(
        hass,
        automation.DOMAIN,
        {
            automation.DOMAIN: {
                "use_blueprint": {"path": f"sangoma_phone/{path}", "input": inputs}
            }
        },
    )
    await hass.async_block_till_done()
    states = hass.states.async_all(automation.DOMAIN)
    assert [state.state for state in states] == ["on"], "blueprint did not load"


async def _idle(send: SendRequest, hass: HomeAssistant) -> None:
    """Make the phone known idle (In call off) with an earlier call."""
    for event in ("incoming_call", "terminated"):
        await send(event, {**CALL, "cid": "c0"})
    await hass.async_block_till_done()
    state = hass.states.get(IN_CALL)
    assert state is not None
    assert state.state == "off"


async def _settle() -> None:
    """Let the automations run. (async_block_till_done would wait for ever on
    an automation that waits for the call to end.)"""
    for _ in range(100):
        await asyncio.sleep(0)


async def _until(done: Callable[[], bool]) -> None:
    """Wait until `done()` (actions that load a platform need the executor)."""
    async with asyncio.timeout(10):
        while not done():  # noqa: ASYNC110
            await asyncio.sleep(0.01)


async def _call(send: SendRequest, hass: HomeAssistant, *events: str) -> None:
    for event in events:
        assert (await send(event, CALL)).status == 200
    await _settle()


@pytest.mark.usefixtures("init_integration")
@pytest.mark.parametrize(("playing", "expected"), [(True, 1), (False, 0)])
async def test_pause_media(
    hass: HomeAssistant, send: SendRequest, playing: bool, expected: int
) -> None:
    """Paused during the call, resumed after: only if it was playing."""
    pause = async_mock_service(hass, "media_player", "media_pause")
    play = async_mock_service(hass, "media_player", "media_play")
    await _idle(send, hass)
    hass.states.async_set("media_player.kitchen", "playing" if playing else "idle")
    await _use(
        hass,
        "pause_media_during_calls.yaml",
        {"in_call": IN_CALL, "media_player": "media_player.kitchen"},
    )
    await _call(send, hass, "incoming_call", "established")
    assert len(pause) == expected
    assert play == []
    await _call(send, hass, "terminated")
    assert len(play) == expected
    if expected:
        assert play[0].data["entity_id"] == ["media_player.kitchen"]


@pytest.mark.usefixtures("init_integration")
async def test_busy_light(hass: HomeAssistant, send: SendRequest) -> None:
    """The light turns red during the call and back off after."""
    assert await async_setup_component(hass, "scene", {})
    turn_on: list[ServiceCall] = []
    turn_off: list[ServiceCall] = []

    def light_service(calls: list[ServiceCall], state: str) -> Callable[..., None]:
        def handle(call: ServiceCall) -> None:
            calls.append(call)
            ids = call.data["entity_id"]
            for entity_id in [ids] if isinstance(ids, str) else ids:
                hass.states.async_set(entity_id, state, {"rgb_color": [255, 0, 0]})

        return handle

    hass.services.async_register("light", "turn_on", light_service(turn_on, "on"))
    hass.services.async_register("light", "turn_off", light_service(turn_off, "off"))
    await _idle(send, hass)
    hass.states.async_set("light.desk", "off")
    await _use(
        hass,
        "busy_light.yaml",
        {"in_call": IN_CALL, "light": "light.desk", "color": [255, 0, 0]},
    )
    await _call(send, hass, "incoming_call", "established")
    await _until(lambda: bool(turn_on))  # scene.create first, in the executor
    assert [c.data for c in turn_on] == [
        {"entity_id": ["light.desk"], "rgb_color": [255, 0, 0]}
    ]
    await _call(send, hass, "terminated")
    await _until(lambda: bool(turn_off))
    assert [c.data["entity_id"] for c in turn_off] == ["light.desk"]
    assert hass.states.get("light.desk").state == "off"  # type: ignore[union-attr]


@pytest.mark.usefixtures("init_integration")
async def test_missed_call_notification(hass: HomeAssistant, send: SendRequest) -> None:
    """The notify entity and the user's own action get caller name and number."""
    send_message = async_mock_service(hass, "notify", "send_message")
    own = async_mock_service(hass, "notify", "mobile_app_phone")
    await _use(
        hass,
        "missed_call_notification.yaml",
        {
            "phone": device_id(hass),
            "notify_entities": ["notify.family"],
            "actions": [
                {
                    "action": "notify.mobile_app_phone",
                    "data": {"message": "{{ message }}", "title": "{{ caller_name }}"},
                }
            ],
        },
    )
    await _call(send, hass, "incoming_call", "missed_call")
    assert [c.data for c in send_message] == [
        {
            "entity_id": ["notify.family"],
            "title": "Missed call",
            "message": "Missed call from Alice (1002)",
        }
    ]
    assert [c.data for c in own] == [
        {"message": "Missed call from Alice (1002)", "title": "Alice"}
    ]


@pytest.mark.usefixtures("init_integration")
async def test_when_number_calls(hass: HomeAssistant, send: SendRequest) -> None:
    """The actions run when the chosen number calls, not for others."""
    ring = async_mock_service(hass, "test", "ring")
    await _use(
        hass,
        "when_number_calls.yaml",
        {
            "phone": device_id(hass),
            "number": "1002",
            "actions": [{"action": "test.ring", "data": {"who": "{{ caller_name }}"}}],
        },
    )
    await send("incoming_call", {"remote": "sip:1003@pbx.example", "dr": "Bob"})
    await _settle()
    assert ring == []
    await _call(send, hass, "incoming_call")
    assert [c.data for c in ring] == [{"who": "Alice"}]
