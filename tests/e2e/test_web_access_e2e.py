"""End to end: control a phone from a real Home Assistant.

A fake phone web server runs in the test process on 127.0.0.1. Web access is
added through the config-flow REST API (the user step's "Set up web access"
box, then the web access step, checked by the harmless probe), the DND switch
is turned on through /api/services, the fake phone sees ``key=DNDOn``, and
the simulator's dnd-on scenario (the phone's own DND event) confirms it.
"""

import asyncio
from collections.abc import AsyncIterator
import contextlib
import threading

import aiohttp
import pytest
import pytest_asyncio

from tests.fake_phone import HOST, FakePhone
from tools.sangoma_sim import load_provisioning

from .conftest import DOMAIN, Phone, add_phone, phone_entities, webhook_id_of
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
            f"/api/config/config_entries/flow/{form['flow_id']}",
            {"next_step_id": "finish"},
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


@pytest.mark.asyncio(loop_scope="session")
async def test_dnd_the_phone_took_survives_a_restart(
    hass_instance: HassInstance,
) -> None:
    """DND off is under way when Home Assistant stops: the phone takes it
    while Home Assistant is stopping. After the restart the switch shows what
    the phone has (off), not what it had before."""
    name, mac = "E2E restarted", "00:50:58:00:10:11"
    async with FakePhone(auth="digest", password=PASSWORD) as phone:
        async with hass_instance.api() as api:
            form = await api.post(
                "/api/config/config_entries/flow",
                {"handler": DOMAIN, "show_advanced_options": False},
            )
            path = f"/api/config/config_entries/flow/{form['flow_id']}"
            await api.post(path, {"name": name, "mac": mac, "web_access": True})
            await api.post(
                path,
                {
                    "host": HOST,
                    "port": phone.port,
                    "https": False,
                    "verify_ssl": True,
                    "username": "admin",
                    "password": PASSWORD,
                },
            )
            result = await api.post(path, {"next_step_id": "finish"})
            entry_id = result["result"]["entry_id"]
        entities, _ = await phone_entities(hass_instance, entry_id)
        switch = entities["dnd"]
        async with hass_instance.api() as api:
            await api.post("/api/services/switch/turn_on", {"entity_id": switch})
            assert (await api.get(f"/api/states/{switch}"))["state"] == "on"

        phone.gate = asyncio.Event()  # the phone holds its answer
        off = b"GET /Phone_ActionURL&key=DNDOff HTTP/1.1"

        async def turn_off() -> None:
            with contextlib.suppress(aiohttp.ClientError, AssertionError):
                async with hass_instance.api() as api:
                    await api.post(
                        "/api/services/switch/turn_off", {"entity_id": switch}
                    )

        request = asyncio.create_task(turn_off())
        async with asyncio.timeout(10):
            count = len(phone.received)
            while off not in phone.actions:
                count += 1
                await phone.wait_for_requests(count)
        loop = asyncio.get_running_loop()
        stopped: asyncio.Future[int] = loop.create_future()
        threading.Thread(
            target=lambda: loop.call_soon_threadsafe(
                stopped.set_result, hass_instance.stop()
            ),
            name="waitpid-stop",  # a thread the test cleanup expects
        ).start()
        await asyncio.sleep(3)  # Home Assistant is stopping; the phone answers
        phone.gate.set()
        assert await stopped == 0
        await request
        hass_instance.start()
        await hass_instance.wait_until_running()
        async with hass_instance.api() as api:
            assert (await api.get(f"/api/states/{switch}"))["state"] == "off"
            await api.delete(f"/api/config/config_entries/entry/{entry_id}")


@pytest.mark.asyncio(loop_scope="session")
async def test_a_leaked_url_cannot_draw_the_password(
    hass_instance: HassInstance,
) -> None:
    """The attack: a phone pinned to its MAC, its web access following its IP
    (Digest). Someone with the webhook URL reports another IP, without a MAC or
    with an empty one, where a fake phone asks for Basic. Nothing moves: the
    next DND switch goes to the real phone, the attacker receives nothing, no
    reauthentication opens, and a repair asks the user."""
    mac = "00:50:58:00:10:66"
    async with (
        FakePhone(auth="digest", password=PASSWORD) as real,
        FakePhone(auth="basic", host="127.0.0.2", port=real.port) as attacker,
    ):
        result = await add_phone(hass_instance, "E2E attacked", mac)
        entry_id = result["result"]["entry_id"]
        url = f"{hass_instance.base_url}/api/sangoma_phone/{entry_id}/provisioning.xml"
        urls = await load_provisioning(url, token=hass_instance.token)
        webhook = (
            f"{hass_instance.base_url}/api/webhook/{webhook_id_of(urls['registered'])}"
        )
        digits = mac.replace(":", "").lower()
        async with aiohttp.ClientSession() as session:

            async def report(query: str) -> None:
                async with session.get(f"{webhook}?{query}") as response:
                    assert response.status == 200

            # The phone itself: its MAC, from its own address.
            await report(f"event=registered&mac={digits}&ip=127.0.0.1")
            async with hass_instance.api() as api:
                menu = await api.post(
                    "/api/config/config_entries/options/flow", {"handler": entry_id}
                )
                path = f"/api/config/config_entries/options/flow/{menu['flow_id']}"
                await api.post(path, {"next_step_id": "web_access"})
                done = await api.post(
                    path,
                    {
                        "enabled": True,
                        "host": "",  # follow the phone's IP
                        "port": real.port,
                        "https": False,
                        "verify_ssl": True,
                        "username": "admin",
                        "password": PASSWORD,
                        "allow_basic": False,
                    },
                )
                assert done["type"] == "create_entry", done
            await asyncio.sleep(1)  # the entry reloads with web access

            # The attacker: no MAC, an empty MAC, both answered 200.
            await report("event=registered&ip=127.0.0.2")
            await report("event=registered&mac=&ip=127.0.0.2")
            entities, _ = await phone_entities(hass_instance, entry_id)
            async with hass_instance.api() as api:
                await api.post(
                    "/api/services/switch/turn_on", {"entity_id": entities["dnd"]}
                )
        assert b"GET /Phone_ActionURL&key=DNDOn HTTP/1.1" in real.actions
        assert attacker.received == []
        async with hass_instance.websocket() as ws:
            issues = await ws.call("repairs/list_issues")
            flows = await ws.call("config_entries/flow/progress")
        assert not [f for f in flows if f["handler"] == DOMAIN]
        assert f"web_access_moved_{entry_id}" in {
            issue["issue_id"] for issue in issues["issues"]
        }
        async with hass_instance.api() as api:
            await api.delete(f"/api/config/config_entries/entry/{entry_id}")
