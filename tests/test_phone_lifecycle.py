"""A phone's lifecycle: reload and options changes during traffic, a request
cut by an unload, removing and adding the phone again. (The listener's:
tests/listener/test_listener_lifecycle.py.)

Beyond what the test harness checks at teardown (no lingering task or timer),
each test asserts what is left behind: the webhooks registered, the stored
state (no delayed save still pending) and what the user configured.
"""

import asyncio
from collections.abc import AsyncIterator
from datetime import timedelta
from http import HTTPStatus
from typing import Any
from unittest.mock import patch

from aiohttp import ClientResponse
from aiohttp.web import Request
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_fire_time_changed,
)
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

from custom_components.sangoma_phone import webhook
from custom_components.sangoma_phone.const import (
    CONF_LOCAL_ONLY,
    CONF_MAC,
    CONF_RATE_LIMIT,
    CONF_WEBHOOK_ID,
    DOMAIN,
    STORAGE_SAVE_DELAY,
)
from custom_components.sangoma_phone.protocol.ratelimit import MAX_RATE
from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import (
    CONF_NAME,
    STATE_OFF,
    STATE_ON,
    STATE_UNAVAILABLE,
    STATE_UNKNOWN,
)
from homeassistant.core import Event, EventStateChangedData, HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.helpers import device_registry as dr, entity_registry as er
from homeassistant.helpers.event import async_track_state_change_event
from homeassistant.util import dt as dt_util

from .conftest import ENTRY_ID, MAC, WEBHOOK_ID, SendRequest, phone_device
from .flow_helpers import open_options_step

DND = "binary_sensor.desk_phone_do_not_disturb"  # (no web access set up)
MISSED = "sensor.desk_phone_missed_calls"
STORE_KEY = f"{DOMAIN}.{ENTRY_ID}"
TRAFFIC = 40  # requests sent while the entry reloads
# Faster than any phone: the traffic here is a burst of TRAFFIC requests.
OPTIONS = {CONF_LOCAL_ONLY: True, CONF_RATE_LIMIT: MAX_RATE}


def our_webhooks(hass: HomeAssistant) -> set[str]:
    """Return the ids of the webhooks the integration has registered."""
    handlers: dict[str, Any] = hass.data.get("webhook", {})
    # (a dict in 2026.3, a WebhookData later)
    return {
        wid
        for wid, info in handlers.items()
        if (info["domain"] if isinstance(info, dict) else info.domain) == DOMAIN
    }


def stored(hass_storage: dict[str, Any], key: str = STORE_KEY) -> Any:
    """Return the phone's stored data (None if there is none)."""
    return hass_storage.get(key, {}).get("data")


async def no_save_pending(hass: HomeAssistant, hass_storage: dict[str, Any]) -> None:
    """Assert that no delayed save of the phone's state is still pending."""
    before = stored(hass_storage)
    async_fire_time_changed(
        hass, dt_util.utcnow() + timedelta(seconds=STORAGE_SAVE_DELAY + 1)
    )
    await hass.async_block_till_done()
    assert stored(hass_storage) == before


def counters_of(hass_storage: dict[str, Any]) -> dict[str, Any]:
    """Return the phone's stored request counters."""
    data: dict[str, Any] = stored(hass_storage)["counters"]
    return data


@pytest.fixture
def mock_config_entry(mock_config_entry: MockConfigEntry) -> MockConfigEntry:
    """The phone, its rate limit raised for the bursts of these tests."""
    return MockConfigEntry(
        domain=DOMAIN,
        title=mock_config_entry.title,
        unique_id=mock_config_entry.unique_id,
        entry_id=ENTRY_ID,
        data=dict(mock_config_entry.data),
        options=OPTIONS,
    )


@pytest.fixture
async def dnd_states(hass: HomeAssistant) -> AsyncIterator[list[str]]:
    """Record every state the DND switch takes."""
    seen: list[str] = []

    def _changed(event: Event[EventStateChangedData]) -> None:
        if (new := event.data["new_state"]) is not None:
            seen.append(new.state)

    unsub = async_track_state_change_event(hass, [DND], _changed)
    yield seen
    unsub()


def assert_configured(entry: MockConfigEntry, options: dict[str, Any]) -> None:
    """Assert the entry still holds what the user configured."""
    assert entry.data[CONF_WEBHOOK_ID] == WEBHOOK_ID
    assert entry.data[CONF_MAC] == MAC  # the pinned MAC
    assert entry.unique_id == MAC
    assert dict(entry.options) == options


async def traffic(send: SendRequest) -> list[int]:
    """Send requests that leave DND on and count missed calls; return statuses."""
    responses = await asyncio.gather(
        *(
            send("missed_call", {"cid": str(n), "remote": "1002"})
            if n % 2
            else send("dnd_on")
            for n in range(TRAFFIC)
        )
    )
    return [response.status for response in responses]


async def test_reload_during_traffic(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    send: SendRequest,
    hass_storage: dict[str, Any],
    dnd_states: list[str],
) -> None:
    """Requests racing a reload: each is applied once or answered without
    effect; DND goes through unavailable back to on, never off; one webhook."""
    await send("dnd_on")
    statuses, reloaded = await asyncio.gather(
        traffic(send), hass.config_entries.async_reload(init_integration.entry_id)
    )
    await hass.async_block_till_done()
    assert reloaded
    assert init_integration.state is ConfigEntryState.LOADED
    # 200: applied, or (between unload and setup) Home Assistant's answer to
    # an unknown webhook; 503: the request reached the phone while it unloaded.
    assert set(statuses) <= {HTTPStatus.OK, HTTPStatus.SERVICE_UNAVAILABLE}
    assert set(dnd_states) <= {STATE_ON, STATE_UNAVAILABLE}
    assert dnd_states[0] == STATE_ON
    assert hass.states.get(DND).state == STATE_ON
    assert our_webhooks(hass) == {WEBHOOK_ID}
    assert_configured(init_integration, OPTIONS)

    # The state shown is the state stored; each missed call counted once.
    missed = int(hass.states.get(MISSED).state)
    assert 0 < missed <= TRAFFIC // 2
    assert await hass.config_entries.async_reload(init_integration.entry_id)
    await hass.async_block_till_done()
    assert hass.states.get(MISSED).state == str(missed)

    # The phone works afterwards.
    assert (await send("dnd_off")).status == HTTPStatus.OK
    assert hass.states.get(DND).state == STATE_OFF


async def test_options_change_during_traffic(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    send: SendRequest,
    hass_storage: dict[str, Any],
    dnd_states: list[str],
) -> None:
    """Saving the options while the phone sends: saved, reloaded, nothing lost."""
    await send("dnd_on")
    result = await open_options_step(hass, init_integration.entry_id, "settings")

    async def _save() -> None:
        done = await hass.config_entries.options.async_configure(
            result["flow_id"], {CONF_LOCAL_ONLY: True, CONF_RATE_LIMIT: MAX_RATE - 1}
        )
        assert done["type"] is FlowResultType.CREATE_ENTRY

    statuses, _ = await asyncio.gather(traffic(send), _save())
    await hass.async_block_till_done()
    assert set(statuses) <= {HTTPStatus.OK, HTTPStatus.SERVICE_UNAVAILABLE}
    assert init_integration.state is ConfigEntryState.LOADED
    assert init_integration.options[CONF_RATE_LIMIT] == MAX_RATE - 1
    assert init_integration.options[CONF_LOCAL_ONLY] is True
    assert init_integration.data[CONF_WEBHOOK_ID] == WEBHOOK_ID
    assert init_integration.data[CONF_MAC] == MAC
    assert set(dnd_states) <= {STATE_ON, STATE_UNAVAILABLE}
    assert our_webhooks(hass) == {WEBHOOK_ID}
    # What the loaded phone shows is what it saves (after the save delay).
    async_fire_time_changed(
        hass, dt_util.utcnow() + timedelta(seconds=STORAGE_SAVE_DELAY + 1)
    )
    await hass.async_block_till_done()
    assert stored(hass_storage)["state"]["missed_calls"] == int(
        hass.states.get(MISSED).state
    )
    assert counters_of(hass_storage)["event_counts"]["dnd_on"] >= 1
    assert (await send("dnd_off")).status == HTTPStatus.OK
    assert hass.states.get(DND).state == STATE_OFF


async def test_request_cut_by_unload_changes_nothing(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    hass_client_no_auth: ClientSessionGenerator,
    hass_storage: dict[str, Any],
) -> None:
    """A POST whose body arrives after the phone unloaded is answered 503 and
    changes nothing: no state, no later save over the stored state."""
    client = await hass_client_no_auth()
    body_may_come = asyncio.Event()
    reading = asyncio.Event()
    read_query = webhook.async_read_query

    async def _slow_body() -> AsyncIterator[bytes]:
        yield b"event=dnd_on"
        await body_may_come.wait()
        yield f"&mac={MAC}".encode()

    async def _reading(request: Request) -> str | bytes:
        reading.set()
        return await read_query(request)

    with patch.object(webhook, "async_read_query", _reading):
        task: asyncio.Task[ClientResponse] = asyncio.create_task(
            client.post(f"/api/webhook/{WEBHOOK_ID}", data=_slow_body())
        )
        await reading.wait()  # the webhook handler is waiting for the body
        assert await hass.config_entries.async_unload(init_integration.entry_id)
        await hass.async_block_till_done()
        saved = stored(hass_storage)
        body_may_come.set()
        response = await task
    assert response.status == HTTPStatus.SERVICE_UNAVAILABLE
    await no_save_pending(hass, hass_storage)
    assert stored(hass_storage) == saved
    assert saved["state"].get("dnd") is not True
    assert our_webhooks(hass) == set()


async def test_remove_and_add_again(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    send: SendRequest,
    hass_storage: dict[str, Any],
    device_registry: dr.DeviceRegistry,
    entity_registry: er.EntityRegistry,
) -> None:
    """Removing leaves nothing behind; the phone added again starts afresh."""
    await send("dnd_on")
    await send("missed_call", {"cid": "1", "remote": "1002"})
    await hass.config_entries.async_remove(init_integration.entry_id)
    await hass.async_block_till_done()
    assert our_webhooks(hass) == set()
    assert STORE_KEY not in hass_storage
    assert phone_device(device_registry) is None
    assert er.async_entries_for_config_entry(entity_registry, ENTRY_ID) == []
    assert hass.states.get(DND) is None
    # The old URL reaches nothing (200: webhook ids cannot be probed).
    assert (await send("dnd_off")).status == HTTPStatus.OK

    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": "user"}
    )
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_NAME: "Desk phone", CONF_MAC: MAC}
    )
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"next_step_id": "finish"}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done()
    entry = result["result"]
    assert entry.state is ConfigEntryState.LOADED
    new_id = entry.data[CONF_WEBHOOK_ID]
    assert new_id != WEBHOOK_ID
    assert our_webhooks(hass) == {new_id}
    # Nothing of the removed phone comes back.
    assert hass.states.get(DND).state not in (STATE_ON, STATE_OFF)
    assert hass.states.get(MISSED).state in ("0", STATE_UNKNOWN)  # not 1
    assert (await send("dnd_on", webhook_id=new_id)).status == HTTPStatus.OK
    assert hass.states.get(DND).state == STATE_ON
    assert phone_device(device_registry, entry.entry_id) is not None
