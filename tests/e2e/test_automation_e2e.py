"""End to end: an automation made from a phone trigger, as the editor makes it.

A phone of its own ("E2E automation", added and deleted by this module) keeps
the session's phone untouched. The editor's "Add trigger" asks the websocket
command ``get_triggers_for_target`` which triggers fit the picked phone; the
automation is then saved through the automation config REST API exactly as
the editor saves it, and the simulator's calls make it fire (or not).
"""

import asyncio
from collections.abc import AsyncIterator

import pytest
import pytest_asyncio

from tools.sangoma_sim import Options, Party

from .conftest import DOMAIN, Phone, added_phone
from .harness import HassError, HassInstance, allow_loopback_sockets

pytestmark = pytest.mark.e2e

NAME = "E2E automation"
MAC = "00:50:58:13:57:90"
AUTOMATION_ID = "e2e_intercom_rings"
FIRED = "sangoma_e2e_intercom_rang"  # the automation's action fires this
INTERCOM = Party(number="1002", name="Bob")
STRANGER = Party(number="1003", name="Carol")

# The phone's own target triggers (trigger.py), as the editor lists them.
PHONE_TRIGGERS = {
    f"{DOMAIN}.{key}"
    for key in (
        "incoming_call",
        "call_answered",
        "call_ended",
        "missed_call",
        "dnd_turned_on",
        "dnd_turned_off",
        "forward_turned_on",
        "forward_turned_off",
        "registration_lost",
        "registration_restored",
    )
}


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def automation_phone(hass_instance: HassInstance) -> AsyncIterator[Phone]:
    """A phone of this module's own, deleted at its end."""
    allow_loopback_sockets()
    phone = await added_phone(hass_instance, NAME, MAC)
    try:
        yield phone
    finally:
        async with hass_instance.api() as api:
            await api.delete(f"/api/config/config_entries/entry/{phone.entry_id}")


@pytest.mark.asyncio(loop_scope="session")
async def test_editor_lists_the_phone_triggers(
    hass_instance: HassInstance, automation_phone: Phone
) -> None:
    """Picking the phone's device in "Add trigger" offers the phone's triggers."""
    # Home Assistant reads the trigger descriptions lazily (after a restart of
    # the session's Home Assistant, the first answers may still lack them).
    deadline = asyncio.get_running_loop().time() + 30
    while True:
        async with hass_instance.websocket() as ws:
            by_device = set(
                await ws.call(
                    "get_triggers_for_target",
                    target={"device_id": [automation_phone.device_id]},
                )
            )
            by_entity = set(
                await ws.call(
                    "get_triggers_for_target",
                    target={"entity_id": [automation_phone.entities["phone_event"]]},
                )
            )
        if by_device >= PHONE_TRIGGERS or asyncio.get_running_loop().time() > deadline:
            break
        await asyncio.sleep(0.5)
    ours = {trigger for trigger in by_device if trigger.startswith(f"{DOMAIN}.")}
    assert ours == PHONE_TRIGGERS
    # The event entity alone offers them too (the trigger's target selector).
    assert by_entity >= PHONE_TRIGGERS


@pytest.mark.asyncio(loop_scope="session")
async def test_automation_from_a_phone_trigger_fires_on_a_call(
    hass_instance: HassInstance, automation_phone: Phone
) -> None:
    """Saved over REST; fires for the chosen number only."""
    config = {
        "id": AUTOMATION_ID,
        "alias": "Intercom rings",
        "description": "",
        "mode": "queued",
        "triggers": [
            {
                "trigger": f"{DOMAIN}.incoming_call",
                "target": {"device_id": [automation_phone.device_id]},
                "options": {"number": [INTERCOM.number], "number_match": "exact"},
            }
        ],
        "conditions": [],
        "actions": [
            {
                "event": FIRED,
                "event_data": {
                    "caller": "{{ trigger.display_remote }} "
                    "({{ trigger.remote_number }})",
                    "event_type": "{{ trigger.event_type }}",
                },
            }
        ],
    }
    path = f"/api/config/automation/config/{AUTOMATION_ID}"
    async with hass_instance.api() as api:
        assert await api.post(path, config) == {"result": "ok"}
        try:
            entity_id = await automation_entity(hass_instance, AUTOMATION_ID)
            assert (await api.get(f"/api/states/{entity_id}"))["state"] == "on"
            async with hass_instance.websocket() as ws:
                fired = await ws.subscribe(FIRED)
                # Another number rings first: the automation stays quiet...
                stranger = automation_phone.simulator(Options(remote=STRANGER))
                sent = await stranger.play("incoming-missed")
                assert [r.status for r in sent] == [200] * len(sent)
                # ... and runs when the chosen number rings.
                intercom = automation_phone.simulator(Options(remote=INTERCOM))
                sent = await intercom.play("incoming-answered")
                assert [r.status for r in sent] == [200] * len(sent)
                (event,) = await ws.collect(fired, 1)
                assert event["data"] == {
                    "caller": f"{INTERCOM.name} ({INTERCOM.number})",
                    "event_type": "incoming_call",
                }
                # Once, for the one incoming call (not on answer or hang-up).
                await asyncio.sleep(0.5)
                assert ws.drain(fired) == []
            state = await api.get(f"/api/states/{entity_id}")
            assert state["attributes"]["last_triggered"] is not None
        finally:
            await api.delete(path)


async def automation_entity(instance: HassInstance, automation_id: str) -> str:
    """Wait until the saved automation is loaded; return its entity id."""
    for _ in range(100):
        async with instance.websocket() as ws:
            registry = await ws.call("config/entity_registry/list")
        for entity in registry:
            if entity["platform"] == "automation" and (
                entity["unique_id"] == automation_id
            ):
                return str(entity["entity_id"])
        await asyncio.sleep(0.1)
    raise HassError(f"automation {automation_id} was not loaded")
