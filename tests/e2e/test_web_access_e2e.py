"""End to end: control a phone from a real Home Assistant.

A fake phone web server runs in the test process on 127.0.0.1. Web access is
added through the config-flow REST API (the user step's "Set up web access"
box, then the web access step, checked by the harmless probe), the DND switch
is turned on through /api/services, the fake phone sees ``key=DNDOn``, and
the simulator's dnd-on scenario (the phone's own DND event) confirms it.
"""

from collections.abc import AsyncIterator

import pytest
import pytest_asyncio

from tests.fake_phone import HOST, FakePhone
from tools.sangoma_sim import load_provisioning

from .conftest import DOMAIN, Phone, phone_entities
from .harness import HassInstance

pytestmark = pytest.mark.e2e

NAME = "E2E controlled"
MAC = "00:50:58:00:10:10"
PASSWORD = "e2e-Pa55"


@pytest_asyncio.fixture(loop_scope="session")
async def fake_phone() -> AsyncIterator[FakePhone]:
    """A fake phone web server (Digest) in the test process."""
    async with FakePhone(auth="digest", password=PASSWORD) as phone:
        yield phone


@pytest.mark.asyncio(loop_scope="session")
async def test_dnd_switch_controls_the_phone(
    hass_instance: HassInstance, fake_phone: FakePhone
) -> None:
    """Web access over REST, DND on over /api/services, confirmed by the phone."""
    async with hass_instance.api() as api:
        form = await api.post(
            "/api/config/config_entries/flow",
            {"handler": DOMAIN, "show_advanced_options": False},
        )
        form = await api.post(
            f"/api/config/config_entries/flow/{form['flow_id']}",
            {"name": NAME, "mac": MAC, "web_access": True},
        )
        assert form["step_id"] == "web_access", form
        web_access = {
            "host": HOST,
            "port": fake_phone.port,
            "https": False,
            "verify_ssl": True,
            "username": "admin",
        }
        wrong = await api.post(
            f"/api/config/config_entries/flow/{form['flow_id']}",
            {**web_access, "password": "wrong"},
        )
        assert wrong["errors"] == {"password": "invalid_auth"}
        result = await api.post(
            f"/api/config/config_entries/flow/{form['flow_id']}",
            {**web_access, "password": PASSWORD},
        )
        # The URLs are shown before the phone is added.
        assert result["step_id"] == "urls", result
        result = await api.post(
            f"/api/config/config_entries/flow/{form['flow_id']}", {}
        )
        assert result["type"] == "create_entry", result
        entry_id = result["result"]["entry_id"]
        probes = list(fake_phone.actions)
        assert set(probes) == {b"GET /Phone_ActionURL HTTP/1.1"}

        entities, device_id = await phone_entities(hass_instance, entry_id)
        assert {"reboot", "provision"} <= set(entities)
        switch = entities["dnd"]
        assert switch.startswith("switch.")
        await api.post("/api/services/switch/turn_on", {"entity_id": switch})
        assert fake_phone.actions[len(probes) :] == [
            b"GET /Phone_ActionURL&key=DNDOn HTTP/1.1"
        ]
        assert (await api.get(f"/api/states/{switch}"))["state"] == "on"

        # The phone's own DND event confirms it (and it stays on).
        url = f"{hass_instance.base_url}/api/sangoma_phone/{entry_id}/provisioning.xml"
        urls = await load_provisioning(url, token=hass_instance.token)
        phone = Phone(
            entry_id=entry_id,
            flow_result=result,
            urls=urls,
            entities=entities,
            device_id=device_id,
            mac_digits=MAC.replace(":", "").lower(),
        )
        sent = await phone.simulator().play("dnd-on")
        assert [request.status for request in sent] == [200] * len(sent)
        assert (await api.get(f"/api/states/{switch}"))["state"] == "on"
        await api.delete(f"/api/config/config_entries/entry/{entry_id}")
