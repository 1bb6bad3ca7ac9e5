"""Errors, reauthentication and availability of the web access entities."""

import asyncio
import copy
from datetime import timedelta
import logging
from typing import Any

import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_fire_time_changed,
)
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

from custom_components.sangoma_phone.const import CONF_WEB_ACCESS, DOMAIN
from custom_components.sangoma_phone.web_access import RETRY_INTERVAL
from homeassistant.components.button import DOMAIN as BUTTON_DOMAIN, SERVICE_PRESS
from homeassistant.components.switch import DOMAIN as SWITCH_DOMAIN
from homeassistant.config_entries import SOURCE_DHCP, SOURCE_REAUTH
from homeassistant.const import (
    ATTR_DEVICE_ID,
    ATTR_ENTITY_ID,
    CONF_HOST,
    SERVICE_TURN_OFF,
    SERVICE_TURN_ON,
    STATE_UNAVAILABLE,
)
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.helpers import device_registry as dr, issue_registry as ir
from homeassistant.helpers.service_info.dhcp import DhcpServiceInfo
from homeassistant.setup import async_setup_component
from homeassistant.util import dt as dt_util

from ..conftest import ENTRY_ID, MAC, SendRequest, phone_device
from ..fake_phone import Answer, FakePhone
from .conftest import DND_SWITCH, PASSWORD, REBOOT, WEB_ACCESS, line


async def press_reboot(hass: HomeAssistant) -> None:
    """Press the Reboot button."""
    await hass.services.async_call(
        BUTTON_DOMAIN, SERVICE_PRESS, {ATTR_ENTITY_ID: REBOOT}, blocking=True
    )


@pytest.mark.usefixtures("init_integration")
async def test_401_starts_reauth(hass: HomeAssistant, fake_phone: FakePhone) -> None:
    """Rejected credentials raise a translated error and start the reauth flow."""
    fake_phone.password = "changed-on-the-phone"
    with pytest.raises(HomeAssistantError) as err:
        await press_reboot(hass)
    assert err.value.translation_key == "invalid_auth"
    await hass.async_block_till_done()
    flows = hass.config_entries.flow.async_progress_by_handler(DOMAIN)
    assert [flow["context"]["source"] for flow in flows] == [SOURCE_REAUTH]
    assert hass.states.get(REBOOT).state != STATE_UNAVAILABLE
    # The password is changed back on the phone: the reauthentication goes.
    fake_phone.password = PASSWORD
    await press_reboot(hass)
    await hass.async_block_till_done()
    assert hass.config_entries.flow.async_progress_by_handler(DOMAIN) == []


@pytest.mark.usefixtures("init_integration")
async def test_an_unreachable_phone_keeps_its_controls(
    hass: HomeAssistant,
    fake_phone: FakePhone,
    send: SendRequest,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """An unreachable phone turns the Web access sensor off; its controls stay
    available (Home Assistant would skip an unavailable one without a word),
    show what the phone reports, and are tried at once when pressed; logged
    once each way."""
    caplog.set_level(logging.INFO)
    assert hass.states.get(WEB_ACCESS).state == "on"
    fake_phone.answer = Answer.HANG
    with pytest.raises(HomeAssistantError) as err:
        await press_reboot(hass)
    assert err.value.translation_key == "cannot_connect"
    assert hass.states.get(WEB_ACCESS).state == "off"
    assert hass.states.get(REBOOT).state != STATE_UNAVAILABLE
    # Events from the phone keep working, DND included.
    await send("incoming_call", {"cid": "1", "remote": "1002"})
    await send("dnd_on")
    await hass.async_block_till_done(wait_background_tasks=True)
    assert hass.states.get("binary_sensor.desk_phone_ringing").state == "on"
    assert hass.states.get(DND_SWITCH).state == "on"
    async_fire_time_changed(hass, dt_util.utcnow() + RETRY_INTERVAL)
    await hass.async_block_till_done(wait_background_tasks=True)
    assert hass.states.get(WEB_ACCESS).state == "off"
    assert caplog.text.count("cannot be reached") == 1

    # Back: the very next press goes out (no wait for the next probe).
    fake_phone.answer = Answer.OK
    sent = len(fake_phone.actions)
    await hass.services.async_call(
        SWITCH_DOMAIN, SERVICE_TURN_OFF, {ATTR_ENTITY_ID: DND_SWITCH}, blocking=True
    )
    assert fake_phone.actions[sent:] == [line("/Phone_ActionURL&key=DNDOff")]
    assert hass.states.get(DND_SWITCH).state == "off"
    assert hass.states.get(WEB_ACCESS).state == "on"
    assert caplog.text.count("answers again") == 1
    assert PASSWORD not in caplog.text


@pytest.mark.usefixtures("init_integration")
async def test_the_probe_brings_the_sensor_back(
    hass: HomeAssistant, fake_phone: FakePhone
) -> None:
    """Without a press, the timed probe finds the phone again."""
    fake_phone.answer = Answer.HANG
    with pytest.raises(HomeAssistantError):
        await press_reboot(hass)
    fake_phone.answer = Answer.OK
    async_fire_time_changed(hass, dt_util.utcnow() + RETRY_INTERVAL)
    await hass.async_block_till_done(wait_background_tasks=True)
    assert hass.states.get(WEB_ACCESS).state == "on"
    assert fake_phone.actions[-1] == b"GET /Phone_ActionURL HTTP/1.1"


@pytest.mark.usefixtures("init_integration")
async def test_a_phone_request_brings_the_controls_back(
    hass: HomeAssistant, fake_phone: FakePhone, send: SendRequest
) -> None:
    """A request from the phone retries the probe at once."""
    fake_phone.answer = Answer.HANG
    with pytest.raises(HomeAssistantError):
        await press_reboot(hass)
    fake_phone.answer = Answer.OK
    await send("idle_to_busy")
    await hass.async_block_till_done(wait_background_tasks=True)
    assert hass.states.get(WEB_ACCESS).state == "on"
    assert fake_phone.actions[-1] == b"GET /Phone_ActionURL HTTP/1.1"


@pytest.mark.usefixtures("init_integration")
async def test_garbage_is_unexpected(
    hass: HomeAssistant, fake_phone: FakePhone
) -> None:
    """An unreadable answer is reported as such."""
    fake_phone.answer = Answer.GARBAGE
    with pytest.raises(HomeAssistantError) as err:
        await press_reboot(hass)
    assert err.value.translation_key == "unexpected_answer"


def follow_the_phone(entry: MockConfigEntry, hass: HomeAssistant) -> None:
    """Let the entry's web access host follow the phone's IP."""
    web_access = {**entry.data[CONF_WEB_ACCESS], "follow_phone_ip": True}
    hass.config_entries.async_update_entry(
        entry, data={**entry.data, CONF_WEB_ACCESS: web_access}
    )


async def test_following_host_moves_with_the_phone(
    hass: HomeAssistant, init_integration: MockConfigEntry, fake_phone: FakePhone
) -> None:
    """A following host takes the IP a request proves: the pinned MAC, sent
    from that address."""
    follow_the_phone(init_integration, hass)
    phone = init_integration.runtime_data.phone
    phone.async_handle_request(f"event=ip_changed&mac={MAC}&ip=127.0.0.2", "127.0.0.2")
    assert init_integration.data[CONF_WEB_ACCESS][CONF_HOST] == "127.0.0.2"
    phone.async_handle_request(f"event=ip_changed&mac={MAC}&ip=127.0.0.1", "127.0.0.1")
    assert init_integration.data[CONF_WEB_ACCESS][CONF_HOST] == "127.0.0.1"
    await press_reboot(hass)
    assert fake_phone.actions == [b"GET /Phone_ActionURL&key=Reboot HTTP/1.1"]
    assert (
        ir.async_get(hass).async_get_issue(DOMAIN, f"web_access_moved_{ENTRY_ID}")
        is None
    )


@pytest.mark.parametrize(
    ("query", "source"),
    [
        ("event=registered&ip=127.0.0.66", "127.0.0.66"),  # no MAC
        ("event=registered&mac=&ip=127.0.0.66", "127.0.0.66"),  # an empty MAC
        (f"event=registered&mac={MAC}&ip=127.0.0.66", "127.0.0.1"),  # another sender
        ("event=registered&mac=001fc1000001&ip=127.0.0.66", "127.0.0.66"),  # other MAC
    ],
)
async def test_an_unproven_address_is_not_followed(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    fake_phone: FakePhone,
    query: str,
    source: str,
) -> None:
    """A request that does not prove the address moves nothing: the password
    keeps going to the phone only, and a repair asks the user."""
    follow_the_phone(init_integration, hass)
    attacker = await FakePhone(auth="basic").__aenter__()
    try:
        phone = init_integration.runtime_data.phone
        phone.async_handle_request(query, source)
        await hass.async_block_till_done()
        assert init_integration.data[CONF_WEB_ACCESS][CONF_HOST] == "127.0.0.1"
        await press_reboot(hass)
        assert fake_phone.actions == [b"GET /Phone_ActionURL&key=Reboot HTTP/1.1"]
        assert attacker.received == []
    finally:
        await attacker.close()
    issue = ir.async_get(hass).async_get_issue(DOMAIN, f"web_access_moved_{ENTRY_ID}")
    assert (issue is not None) is ("001fc1000001" not in query)


async def test_an_earlier_proof_proves_nothing_after_a_move(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    fake_phone: FakePhone,
) -> None:
    """The phone proved 127.0.0.2, then DHCP found it at 127.0.0.1: a request
    without a MAC that reports the old address (from anywhere) moves nothing,
    and the form offers where the phone is now."""
    follow_the_phone(init_integration, hass)
    phone = init_integration.runtime_data.phone
    phone.async_handle_request(f"event=registered&mac={MAC}&ip=127.0.0.2", "127.0.0.2")
    assert init_integration.data[CONF_WEB_ACCESS][CONF_HOST] == "127.0.0.2"
    await hass.config_entries.flow.async_init(
        DOMAIN,
        context={"source": SOURCE_DHCP},
        data=DhcpServiceInfo(ip="127.0.0.1", hostname="s505", macaddress=MAC),
    )
    assert init_integration.data[CONF_WEB_ACCESS][CONF_HOST] == "127.0.0.1"
    assert phone.proven_ip == "127.0.0.1"

    phone.async_handle_request("event=registered&ip=127.0.0.2", "127.0.0.3")
    await hass.async_block_till_done()
    assert init_integration.data[CONF_WEB_ACCESS][CONF_HOST] == "127.0.0.1"
    await press_reboot(hass)
    assert fake_phone.actions == [b"GET /Phone_ActionURL&key=Reboot HTTP/1.1"]
    assert ir.async_get(hass).async_get_issue(DOMAIN, f"web_access_moved_{ENTRY_ID}")


async def test_the_user_confirms_a_new_address(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    hass_client: ClientSessionGenerator,
) -> None:
    """Confirmed in the repair, the host moves and the repair is gone."""
    follow_the_phone(init_integration, hass)
    init_integration.runtime_data.phone.async_handle_request(
        "event=registered&ip=127.0.0.2", "127.0.0.2"
    )
    assert await async_setup_component(hass, "repairs", {})
    issue_id = f"web_access_moved_{ENTRY_ID}"
    client = await hass_client()
    response = await client.post(
        "/api/repairs/issues/fix", json={"handler": DOMAIN, "issue_id": issue_id}
    )
    shown = await response.json()
    assert shown["step_id"] == "confirm"
    assert shown["description_placeholders"]["ip"] == "127.0.0.2"
    assert shown["description_placeholders"]["source"] == "127.0.0.2"
    assert init_integration.data[CONF_WEB_ACCESS][CONF_HOST] == "127.0.0.1"
    response = await client.post(f"/api/repairs/issues/fix/{shown['flow_id']}")
    assert (await response.json())["type"] == "create_entry"
    assert init_integration.data[CONF_WEB_ACCESS][CONF_HOST] == "127.0.0.2"
    assert ir.async_get(hass).async_get_issue(DOMAIN, issue_id) is None


@pytest.mark.usefixtures("init_integration")
async def test_typed_host_stays(
    hass: HomeAssistant, init_integration: MockConfigEntry, send: SendRequest
) -> None:
    """A host the user typed is never changed by the phone's reports."""
    await send("ip_changed", {"ip": "192.168.1.77"})
    assert init_integration.data[CONF_WEB_ACCESS][CONF_HOST] == "127.0.0.1"
    assert MAC  # the entry is the pinned phone


async def test_actions_need_web_access(
    hass: HomeAssistant, init_integration: MockConfigEntry, fake_phone: FakePhone
) -> None:
    """Without web access (or unloaded), actions say why; nothing is sent."""
    device = phone_device(dr.async_get(hass))
    assert device is not None
    data = {k: v for k, v in init_integration.data.items() if k != CONF_WEB_ACCESS}
    hass.config_entries.async_update_entry(init_integration, data=data)
    await hass.config_entries.async_reload(init_integration.entry_id)
    await hass.async_block_till_done()
    with pytest.raises(ServiceValidationError) as err:
        await hass.services.async_call(
            DOMAIN, "hang_up", {ATTR_DEVICE_ID: device.id}, blocking=True
        )
    assert err.value.translation_key == "web_access_not_configured"
    await hass.config_entries.async_unload(init_integration.entry_id)
    with pytest.raises(ServiceValidationError) as err:
        await hass.services.async_call(
            DOMAIN, "hang_up", {ATTR_DEVICE_ID: device.id}, blocking=True
        )
    assert err.value.translation_key == "phone_not_loaded"
    assert fake_phone.request_lines == []


async def test_unload_ends_a_pending_probe(
    hass: HomeAssistant, init_integration: MockConfigEntry, fake_phone: FakePhone
) -> None:
    """A probe that a phone request started dies with the entry: after the
    unload nothing reaches the phone, now or at the next retry."""
    fake_phone.answer = Answer.HANG
    with pytest.raises(HomeAssistantError):
        await press_reboot(hass)
    fake_phone.answer = Answer.OK
    phone = init_integration.runtime_data.phone
    # The phone's request starts a probe, not yet run, in the entry's name.
    phone.async_handle_request(f"event=idle_to_busy&mac={MAC}", "127.0.0.1")
    before = len(fake_phone.received)

    assert await hass.config_entries.async_unload(init_integration.entry_id)
    await hass.async_block_till_done(wait_background_tasks=True)
    async_fire_time_changed(hass, dt_util.utcnow() + RETRY_INTERVAL * 2)
    await hass.async_block_till_done(wait_background_tasks=True)
    assert len(fake_phone.received) == before


async def test_unload_ends_a_timed_probe_under_way(
    hass: HomeAssistant, init_integration: MockConfigEntry, fake_phone: FakePhone
) -> None:
    """The retry timer's probe is the entry's too: unloaded while the phone
    has not answered it yet, nothing of its answer is taken afterwards."""
    fake_phone.answer = Answer.HANG
    with pytest.raises(HomeAssistantError):
        await press_reboot(hass)
    web_access = init_integration.runtime_data.web_access
    assert web_access is not None
    sent = len(fake_phone.received)
    async_fire_time_changed(hass, dt_util.utcnow() + RETRY_INTERVAL)
    await fake_phone.wait_for_requests(sent + 1)  # the probe waits for an answer

    assert await hass.config_entries.async_unload(init_integration.entry_id)
    fake_phone.answer = Answer.OK
    await fake_phone.close()  # releases the held request
    async with asyncio.timeout(10):
        await hass.async_block_till_done(wait_background_tasks=True)
    assert web_access.last_result == "cannot_connect"
    assert not web_access.available


async def test_a_request_under_way_at_unload_changes_nothing_after(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    fake_phone: FakePhone,
    hass_storage: dict[str, Any],
) -> None:
    """DND switched while the entry unloads: the unloaded phone neither changes
    nor saves its state, and a failure starts no retry timer and no reauth."""
    fake_phone.gate = asyncio.Event()  # the phone holds the request
    turn_on = hass.async_create_task(
        hass.services.async_call(
            SWITCH_DOMAIN, SERVICE_TURN_ON, {ATTR_ENTITY_ID: DND_SWITCH}, blocking=True
        )
    )
    await fake_phone.wait_for_requests(1)
    assert await hass.config_entries.async_unload(init_integration.entry_id)
    key = f"sangoma_phone.{ENTRY_ID}"
    saved = copy.deepcopy(hass_storage[key])
    fake_phone.gate.set()
    await turn_on  # the phone accepted it, but the phone's entry is gone
    async_fire_time_changed(hass, dt_util.utcnow() + timedelta(minutes=5))
    await hass.async_block_till_done()
    assert hass_storage[key] == saved

    # The same with a failure: no retry probe, no reauthentication.
    assert await hass.config_entries.async_setup(init_integration.entry_id)
    await hass.async_block_till_done()
    fake_phone.answer = Answer.HANG
    turn_on = hass.async_create_task(
        hass.services.async_call(
            SWITCH_DOMAIN, SERVICE_TURN_ON, {ATTR_ENTITY_ID: DND_SWITCH}, blocking=True
        )
    )
    sent = len(fake_phone.received)
    await fake_phone.wait_for_requests(sent + 1)
    assert await hass.config_entries.async_unload(init_integration.entry_id)
    with pytest.raises(HomeAssistantError):
        await turn_on
    sent = len(fake_phone.received)
    async_fire_time_changed(hass, dt_util.utcnow() + RETRY_INTERVAL * 3)
    await hass.async_block_till_done()
    assert len(fake_phone.received) == sent
    assert not hass.config_entries.flow.async_progress_by_handler(DOMAIN)


async def test_one_probe_at_a_time(
    hass: HomeAssistant, init_integration: MockConfigEntry, fake_phone: FakePhone
) -> None:
    """While the web access is unreachable, a whole call's requests start one
    probe, not one each."""
    fake_phone.answer = Answer.HANG
    with pytest.raises(HomeAssistantError):
        await press_reboot(hass)
    phone = init_integration.runtime_data.phone
    for event in (
        "incoming_call",
        "idle_to_busy",
        "established",
        "terminated",
        "on_hook",
        "busy_to_idle",
        "registered",
    ):
        phone.async_handle_request(f"event={event}&mac={MAC}", "127.0.0.1")
    await hass.async_block_till_done(wait_background_tasks=True)
    probes = [r for r in fake_phone.received if r.line == line("/Phone_ActionURL")]
    assert len(probes) == 1


@pytest.mark.usefixtures("init_integration")
async def test_403_is_not_a_wrong_password(
    hass: HomeAssistant, fake_phone: FakePhone
) -> None:
    """A phone refusing Home Assistant's address (403) says so, names
    host:port, and opens no reauthentication."""
    fake_phone.answer = Answer.ERROR
    fake_phone.error_status = 403
    with pytest.raises(HomeAssistantError) as err:
        await press_reboot(hass)
    assert err.value.translation_key == "forbidden"
    assert err.value.translation_placeholders["host"] == f"127.0.0.1:{fake_phone.port}"
    await hass.async_block_till_done()
    assert not hass.config_entries.flow.async_progress_by_handler(DOMAIN)
