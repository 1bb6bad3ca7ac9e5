"""End to end: the phone listener and the Reset missed calls button.

A phone of its own ("E2E listener", added and deleted by this module) keeps
the session's phone untouched, so these tests and those of test_phone.py pass
in any order. The listener is switched on and off through the options flow
over REST exactly as the frontend does (menu, "listener" step, form); a
fixture switches it off again whatever happens, so its port never outlives a
test. Raw requests go out byte for byte with the simulator, to 127.0.0.1 only.
"""

import asyncio
from collections.abc import AsyncIterator, Callable
import contextlib
from dataclasses import dataclass
import time
from typing import Any, cast

import pytest
import pytest_asyncio

from tools.sangoma_sim import (
    Options,
    Party,
    PhoneIdentity,
    PhoneSimulator,
    http_get,
    load_provisioning,
)

from .conftest import Phone, added_phone, webhook_id_of
from .harness import (
    HOST,
    Api,
    HassError,
    HassInstance,
    WebSocket,
    allow_loopback_sockets,
    free_port,
)

pytestmark = pytest.mark.e2e

NAME = "E2E listener"
MAC = "00:50:58:24:68:10"
LISTENER_FIELDS = ["listener_enabled", "listener_port", "use_listener"]
# Raw spaces, raw UTF-8, a raw "&" and a raw "#": Home Assistant's web server
# refuses the first two (400) and would cut the name at the "#".
RAW_NAME = "José Smith & Sons #2"
RAW_NUMBER = "+4930123"
DISPLAY_NAME = "Front desk"  # the phone's own name, with a raw space too


@dataclass(frozen=True, kw_only=True)
class ListenerSetting:
    """What the listener step of the options flow shows or is given."""

    enabled: bool
    port: int
    use: bool

    def form(self) -> dict[str, Any]:
        """Return the form data the frontend would send."""
        return {
            "listener_enabled": self.enabled,
            "listener_port": self.port,
            "use_listener": self.use,
        }


# --- helpers --------------------------------------------------------------------


def provisioning_path(phone: Phone) -> str:
    """Return the path of the phone's provisioning file."""
    return f"/api/sangoma_phone/{phone.entry_id}/provisioning.xml"


async def download_urls(instance: HassInstance, phone: Phone) -> dict[str, str]:
    """Download the phone's provisioning file again; return its URLs."""
    return await load_provisioning(
        f"{instance.base_url}{provisioning_path(phone)}", token=instance.token
    )


async def port_open(port: int) -> bool:
    """Return whether something accepts TCP connections on 127.0.0.1:port."""
    try:
        _, writer = await asyncio.open_connection(HOST, port)
    except ConnectionRefusedError:
        return False
    writer.close()
    with contextlib.suppress(OSError):
        await writer.wait_closed()
    return True


async def open_listener_step(api: Api, entry_id: str) -> dict[str, Any]:
    """Open the options flow and its "listener" step, as the frontend does."""
    menu = await api.post(
        "/api/config/config_entries/options/flow", {"handler": entry_id}
    )
    assert menu["type"] == "menu", menu
    assert "listener" in menu["menu_options"], menu
    form: dict[str, Any] = await api.post(
        f"/api/config/config_entries/options/flow/{menu['flow_id']}",
        {"next_step_id": "listener"},
    )
    assert (form["type"], form["step_id"]) == ("form", "listener"), form
    assert [field["name"] for field in form["data_schema"]] == LISTENER_FIELDS
    return form


def shown_setting(form: dict[str, Any]) -> ListenerSetting:
    """Return the current settings the form suggests."""
    values: dict[str, Any] = {
        field["name"]: (field.get("description") or {}).get("suggested_value")
        for field in form["data_schema"]
    }
    return ListenerSetting(
        enabled=bool(values["listener_enabled"]),
        port=int(values["listener_port"]),
        use=bool(values["use_listener"]),
    )


async def wait_for_reload(
    instance: HassInstance, subscription: int, ws: WebSocket, entry_id: str
) -> None:
    """Wait until the entry went through an unload and is loaded again."""
    unloaded = False
    deadline = time.monotonic() + 30
    while True:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise HassError(f"{entry_id} was not reloaded:\n{instance.log_tail()}")
        (message,) = await ws.collect(subscription, 1, limit=remaining)
        # config_entries/subscribe sends lists of changes, not bus events.
        for change in cast(list[dict[str, Any]], message):
            entry = change["entry"]
            if change["type"] is None or entry["entry_id"] != entry_id:
                continue
            if entry["state"] != "loaded":
                unloaded = True
            elif unloaded:
                return


async def submit_listener(
    instance: HassInstance,
    phone: Phone,
    setting: ListenerSetting,
    *,
    refused: ListenerSetting | None = None,
) -> dict[str, Any]:
    """Apply listener settings through the options flow; wait for the reload.

    With `refused`, first submit those (in the same flow) and return the
    form with its errors; then submit `setting`. The flow reloads the entry
    when "use_listener" changes: wait until it is loaded again, so the
    listener (closed while its last phone unloads) is up when this returns.
    """
    async with instance.api() as api, instance.websocket() as ws:
        subscription = await ws.subscribe_to("config_entries/subscribe")
        form = await open_listener_step(api, phone.entry_id)
        before = shown_setting(form)
        path = f"/api/config/config_entries/options/flow/{form['flow_id']}"
        errors: dict[str, Any] = {}
        if refused is not None:
            again = await api.post(path, refused.form())
            assert (again["type"], again["step_id"]) == ("form", "listener"), again
            errors = again["errors"]
        result = await api.post(path, setting.form())
        assert result["type"] == "create_entry", result
        if setting.use != before.use:
            await wait_for_reload(instance, subscription, ws, phone.entry_id)
    return errors


async def wait_for_state(
    instance: HassInstance,
    entity_id: str,
    wanted: Callable[[str], bool],
    limit: float = 10.0,
) -> dict[str, Any]:
    """Poll REST /api/states until the entity's state is as wanted."""
    deadline = time.monotonic() + limit
    async with instance.api() as api:
        while True:
            state: dict[str, Any] = await api.get(f"/api/states/{entity_id}")
            if wanted(state["state"]):
                return state
            if time.monotonic() > deadline:
                raise HassError(f"{entity_id} stayed {state}")
            await asyncio.sleep(0.1)


async def states_of(instance: HassInstance, phone: Phone) -> dict[str, str]:
    """Return the phone's entity states by key (REST /api/states)."""
    async with instance.api() as api:
        states = await api.states()
    return {
        key: states[entity_id]["state"] for key, entity_id in phone.entities.items()
    }


# --- fixtures -------------------------------------------------------------------


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def listener_phone(hass_instance: HassInstance) -> AsyncIterator[Phone]:
    """A phone of this module's own, deleted at its end."""
    allow_loopback_sockets()
    phone = await added_phone(hass_instance, NAME, MAC)
    try:
        yield phone
    finally:
        async with hass_instance.api() as api:
            await api.delete(f"/api/config/config_entries/entry/{phone.entry_id}")


async def switch_listener_off(
    instance: HassInstance, phone: Phone, port: int
) -> ListenerSetting:
    """Disable the listener and the phone's use of it; return what was shown."""
    async with instance.api() as api:
        form = await open_listener_step(api, phone.entry_id)
        await api.delete(f"/api/config/config_entries/options/flow/{form['flow_id']}")
    shown = shown_setting(form)
    await submit_listener(
        instance, phone, ListenerSetting(enabled=False, port=shown.port, use=False)
    )
    return shown


@pytest_asyncio.fixture(loop_scope="session")
async def listener_port(
    hass_instance: HassInstance, listener_phone: Phone
) -> AsyncIterator[int]:
    """A free loopback port for the listener; switched off again afterwards."""
    allow_loopback_sockets()
    port = free_port()  # the options flow checks it again
    try:
        yield port
    finally:
        await switch_listener_off(hass_instance, listener_phone, port)
        assert not await port_open(port), "the listener still listens"


# --- the phone listener ---------------------------------------------------------


async def test_listener_takes_raw_requests(
    hass_instance: HassInstance, listener_phone: Phone, listener_port: int
) -> None:
    """Enabled through the options flow, the listener takes what the webhook loses.

    The provisioning file then points to the listener (only the base
    changes); a raw call with spaces, UTF-8, "&" and "#" arrives whole; the
    same request to Home Assistant's own port gets 400 and changes nothing;
    disabled again, the port is closed and the file points back.
    """
    phone = listener_phone
    port = listener_port
    assert not await port_open(port)

    # Enable it; the flow first refuses a port in use (Home Assistant's own).
    errors = await submit_listener(
        hass_instance,
        phone,
        ListenerSetting(enabled=True, port=port, use=True),
        refused=ListenerSetting(enabled=True, port=hass_instance.port, use=True),
    )
    assert errors == {"listener_port": "port_unavailable"}
    assert await port_open(port)
    async with hass_instance.api() as api:
        form = await open_listener_step(api, phone.entry_id)
        await api.delete(f"/api/config/config_entries/options/flow/{form['flow_id']}")
    assert shown_setting(form) == ListenerSetting(enabled=True, port=port, use=True)

    # The provisioning file: the listener's base, nothing else changed.
    urls = await download_urls(hass_instance, phone)
    listener_base = f"http://{HOST}:{port}"
    assert hass_instance.base_url == f"http://{HOST}:{hass_instance.port}"
    assert urls == {
        key: url.replace(hass_instance.base_url, listener_base, 1)
        for key, url in phone.urls.items()
    }
    webhook_id = webhook_id_of(phone.urls["incoming_call"])
    assert urls["incoming_call"].startswith(
        f"{listener_base}/api/webhook/{webhook_id}?event=incoming_call&"
    )

    # A missed call with raw values, against the URLs of that file.
    simulator = PhoneSimulator(
        urls,
        phone=PhoneIdentity(mac=phone.mac_digits, display_name=DISPLAY_NAME),
        options=Options(raw=True, remote=Party(number=RAW_NUMBER, name=RAW_NAME)),
    )
    async with hass_instance.websocket() as ws:
        events = await ws.subscribe("sangoma_phone_event")
        sent = await simulator.play("incoming-missed")
        assert [r.status for r in sent] == [200] * len(sent), sent
        got = [e["data"] for e in await ws.collect(events, len(sent))]
    first = sent[0]
    assert first.event == "incoming_call"
    assert f"&dr={RAW_NAME}".encode() in first.target  # raw UTF-8, byte for byte
    assert f"&dl={DISPLAY_NAME}&".encode() in first.target
    assert [e["event"] for e in got] == [r.event for r in sent]
    for event in got:
        assert event["entry_id"] == phone.entry_id
        assert (event["display_remote"], event["display_local"]) == (
            RAW_NAME,
            DISPLAY_NAME,
        )
        assert event["remote_number"] == RAW_NUMBER
    states = await states_of(hass_instance, phone)
    assert states["remote_name"] == RAW_NAME
    assert states["remote_number"] == RAW_NUMBER
    assert states["call_state"] == "idle"
    async with hass_instance.api() as api:
        missed = await api.get(f"/api/states/{phone.entities['missed_calls']}")
    assert missed["attributes"]["last_missed_name"] == RAW_NAME

    # The same raw request to Home Assistant's own port: 400, the event is lost.
    lost = await http_get(f"{hass_instance.base_url}/", first.target)
    assert lost.status == 400
    assert await states_of(hass_instance, phone) == states  # no "ringing"

    # Disabled again: the port closes and the file points back to the webhook.
    shown = await switch_listener_off(hass_instance, phone, port)
    assert shown == ListenerSetting(enabled=True, port=port, use=True)
    assert not await port_open(port)
    assert await download_urls(hass_instance, phone) == phone.urls


# --- the Reset missed calls button ------------------------------------------------


async def test_reset_missed_calls_button(
    hass_instance: HassInstance, listener_phone: Phone
) -> None:
    """After a missed call the counter is at least 1; the button sets it to 0."""
    phone = listener_phone
    button = phone.entities["reset_missed_calls"]
    counter = phone.entities["missed_calls"]
    sent = await phone.simulator().play("incoming-missed")
    assert [r.status for r in sent] == [200] * len(sent)
    missed = await wait_for_state(
        hass_instance, counter, lambda state: state.isdigit() and int(state) >= 1
    )
    assert missed["attributes"]["last_missed_name"] == "Bob"
    async with hass_instance.api() as api:
        assert (await api.get(f"/api/states/{button}"))["state"] == "unknown"
    async with hass_instance.api() as api:
        await api.post("/api/services/button/press", {"entity_id": button})
    await wait_for_state(hass_instance, counter, lambda state: state == "0")
    # The button's state is the time it was last pressed.
    pressed = await wait_for_state(hass_instance, button, lambda s: s != "unknown")
    assert pressed["state"].startswith("20")
