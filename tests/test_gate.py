"""Tests for who may send: local-only, allowed networks and the MAC, per transport."""

from http import HTTPStatus
import logging
from unittest.mock import patch

import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_capture_events,
)

from custom_components.sangoma_phone.const import (
    CONF_ALLOWED_NETWORKS,
    CONF_LOCAL_ONLY,
    CONF_MAC,
    CONF_WEBHOOK_ID,
    DOMAIN,
    EVENT_PHONE,
)
from custom_components.sangoma_phone.gate import source_in_networks
from homeassistant.config_entries import SOURCE_IGNORE
from homeassistant.const import STATE_ON, STATE_UNKNOWN
from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr

from .conftest import MAC, SendRequest, phone_device

DND = "binary_sensor.desk_phone_do_not_disturb"
# Patched where the gate looks: Home Assistant's own test of a local address.
IS_LOCAL = "homeassistant.util.network.is_local"
IS_CLOUD = "custom_components.sangoma_phone.webhook.is_cloud_connection"

pytestmark = pytest.mark.usefixtures("enable_all_entities", "init_integration")


async def set_options(
    hass: HomeAssistant, entry: MockConfigEntry, **options: object
) -> None:
    """Give the phone new options (they apply to the next request)."""
    hass.config_entries.async_update_entry(entry, options=options)


async def test_mac_mismatch_rejected(
    hass: HomeAssistant, send: SendRequest, caplog: pytest.LogCaptureFixture
) -> None:
    """A request from another phone changes nothing and is logged once."""
    bus_events = async_capture_events(hass, EVENT_PHONE)
    with caplog.at_level(logging.WARNING):
        for _ in range(2):
            response = await send("dnd_on", mac="001fc1000001")
            assert response.status == HTTPStatus.FORBIDDEN
    await hass.async_block_till_done()
    assert bus_events == []
    assert (
        hass.states.get("binary_sensor.desk_phone_do_not_disturb").state
        == STATE_UNKNOWN
    )
    assert caplog.text.count("mac_mismatch") == 1
    assert "00:1F:C1:00:00:01" in caplog.text


async def test_request_without_mac_accepted(
    hass: HomeAssistant, send: SendRequest
) -> None:
    """A request whose MAC the phone left empty is still the pinned phone's."""
    response = await send("dnd_on", mac=None)
    assert response.status == HTTPStatus.OK
    assert hass.states.get("binary_sensor.desk_phone_do_not_disturb").state == STATE_ON


async def test_non_local_request_ignored(
    hass: HomeAssistant, send: SendRequest, caplog: pytest.LogCaptureFixture
) -> None:
    """With local-only on, a request from the internet changes nothing.

    The webhook answers it 200, as Home Assistant answers its own local-only
    webhooks, so webhook ids cannot be probed; the refusal is logged once.
    """
    bus_events = async_capture_events(hass, EVENT_PHONE)
    with patch(IS_LOCAL, return_value=False), caplog.at_level(logging.WARNING):
        for _ in range(2):
            response = await send("dnd_on")
            assert response.status == HTTPStatus.OK
    await hass.async_block_till_done()
    assert bus_events == []
    assert hass.states.get(DND).state == STATE_UNKNOWN
    assert caplog.text.count("not_local") == 1


async def test_local_only_off_accepts_any_source(
    hass: HomeAssistant, send: SendRequest, init_integration: MockConfigEntry
) -> None:
    """With local-only off, a request from the internet is accepted."""
    await set_options(hass, init_integration, **{CONF_LOCAL_ONLY: False})
    with patch(IS_LOCAL, return_value=False):
        response = await send("dnd_on")
    assert response.status == HTTPStatus.OK
    assert hass.states.get(DND).state == STATE_ON


async def test_cloud_request_is_never_local(
    hass: HomeAssistant, send: SendRequest, init_integration: MockConfigEntry
) -> None:
    """A request through Home Assistant Cloud is not local, whatever its source."""
    with patch(IS_CLOUD, return_value=True):
        response = await send("dnd_on")
        assert response.status == HTTPStatus.OK
        assert hass.states.get(DND).state == STATE_UNKNOWN
        await set_options(hass, init_integration, **{CONF_LOCAL_ONLY: False})
        response = await send("dnd_on")
    assert response.status == HTTPStatus.OK
    assert hass.states.get(DND).state == STATE_ON


async def test_other_transports_get_403(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> None:
    """Through the one entry point, a refused source is answered 403 by default."""
    phone = init_integration.runtime_data.phone
    assert phone.async_handle_request(b"event=dnd_on", "203.0.113.5") == 403
    assert phone.async_handle_request(b"event=dnd_on", None) == 403
    assert phone.async_handle_request(b"event=dnd_on", "not-an-address") == 403
    assert phone.async_handle_request(b"event=dnd_on", "127.0.0.1", cloud=True) == 403
    assert hass.states.get(DND).state == STATE_UNKNOWN
    assert phone.async_handle_request(b"event=dnd_on", "192.168.1.50") == 200
    assert hass.states.get(DND).state == STATE_ON


async def test_two_phones_isolated(
    hass: HomeAssistant, send: SendRequest, init_integration: MockConfigEntry
) -> None:
    """Each phone's requests change only that phone."""
    other = MockConfigEntry(
        domain=DOMAIN,
        title="Reception",
        unique_id="001fc1000002",
        data={CONF_WEBHOOK_ID: "f" * 32, CONF_MAC: "001fc1000002"},
        options={CONF_LOCAL_ONLY: True},
    )
    other.add_to_hass(hass)
    assert await hass.config_entries.async_setup(other.entry_id)
    await hass.async_block_till_done()

    await send("dnd_on", webhook_id="f" * 32, mac="001fc1000002")
    assert hass.states.get("binary_sensor.reception_do_not_disturb").state == STATE_ON
    assert (
        hass.states.get("binary_sensor.desk_phone_do_not_disturb").state
        == STATE_UNKNOWN
    )
    # A phone cannot use another phone's webhook.
    response = await send("dnd_off", webhook_id="f" * 32)
    assert response.status == HTTPStatus.FORBIDDEN
    assert hass.states.get("binary_sensor.reception_do_not_disturb").state == STATE_ON


async def test_allowed_networks(
    hass: HomeAssistant, send: SendRequest, init_integration: MockConfigEntry
) -> None:
    """Requests from outside the allowed networks change nothing."""
    hass.config_entries.async_update_entry(
        init_integration,
        options={CONF_LOCAL_ONLY: True, CONF_ALLOWED_NETWORKS: ["192.168.1.0/24"]},
    )
    await hass.config_entries.async_reload(init_integration.entry_id)
    await hass.async_block_till_done()
    response = await send("dnd_on")  # the test client is 127.0.0.1
    assert response.status == HTTPStatus.FORBIDDEN
    assert (
        hass.states.get("binary_sensor.desk_phone_do_not_disturb").state
        == STATE_UNKNOWN
    )

    hass.config_entries.async_update_entry(
        init_integration,
        options={CONF_LOCAL_ONLY: True, CONF_ALLOWED_NETWORKS: ["127.0.0.0/8"]},
    )
    response = await send("dnd_on")
    assert response.status == HTTPStatus.OK


async def add_hall_phone(hass: HomeAssistant) -> MockConfigEntry:
    """Add and set up a second phone, "Hall", without a MAC."""
    entry = MockConfigEntry(
        domain=DOMAIN,
        title="Hall",
        data={CONF_WEBHOOK_ID: "e" * 32, CONF_MAC: None},
        options={CONF_LOCAL_ONLY: True},
    )
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    return entry


async def test_mac_learned_from_first_request(
    hass: HomeAssistant,
    send: SendRequest,
    init_integration: MockConfigEntry,
    device_registry: dr.DeviceRegistry,
) -> None:
    """A phone added without a MAC learns it, and then holds to it."""
    entry = await add_hall_phone(hass)

    # The MAC of an already configured phone cannot be learned.
    response = await send("dnd_on", webhook_id="e" * 32, mac=MAC)
    assert response.status == HTTPStatus.FORBIDDEN
    assert entry.unique_id is None

    response = await send("dnd_on", webhook_id="e" * 32, mac="00-1F-C1-00-00-03")
    assert response.status == HTTPStatus.OK
    assert entry.unique_id == "001fc1000003"
    assert entry.data[CONF_MAC] == "001fc1000003"
    device = phone_device(device_registry, entry.entry_id)
    assert (dr.CONNECTION_NETWORK_MAC, "00:1f:c1:00:00:03") in device.connections

    response = await send("dnd_off", webhook_id="e" * 32, mac="001fc1000004")
    assert response.status == HTTPStatus.FORBIDDEN
    assert hass.states.get("binary_sensor.hall_do_not_disturb").state == STATE_ON


async def test_unknown_source_not_allowed(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> None:
    """With allowed networks set, a request without a usable source is refused.

    (Local-only is off here: it would refuse such a request first.)
    """
    hass.config_entries.async_update_entry(
        init_integration,
        options={CONF_LOCAL_ONLY: False, CONF_ALLOWED_NETWORKS: ["127.0.0.0/8"]},
    )
    phone = init_integration.runtime_data.phone
    assert phone.async_handle_request(b"event=dnd_on", None) == HTTPStatus.FORBIDDEN
    assert phone.async_handle_request(b"event=dnd_on", "x") == HTTPStatus.FORBIDDEN
    assert phone.async_handle_request(b"event=dnd_on", "127.0.0.9") == HTTPStatus.OK


async def test_log_flood_is_bounded(
    hass: HomeAssistant, send: SendRequest, caplog: pytest.LogCaptureFixture
) -> None:
    """Requests with ever new MACs stop producing warnings after a while."""
    with caplog.at_level(logging.WARNING):
        for index in range(80):
            await send("dnd_on", mac=f"001fc1{index:06x}")
    warnings = [r for r in caplog.records if "mac_mismatch" in r.getMessage()]
    assert 0 < len(warnings) <= 64


async def test_mac_learned_despite_ignored_discovery(
    hass: HomeAssistant,
    send: SendRequest,
    init_integration: MockConfigEntry,
    device_registry: dr.DeviceRegistry,
) -> None:
    """An ignored discovery of the same phone does not keep it from learning."""
    ignored = MockConfigEntry(
        domain=DOMAIN, source=SOURCE_IGNORE, unique_id="001fc1000005"
    )
    ignored.add_to_hass(hass)
    entry = await add_hall_phone(hass)

    response = await send("dnd_on", webhook_id="e" * 32, mac="001fc1000005")
    assert response.status == HTTPStatus.OK
    await hass.async_block_till_done()
    assert entry.data[CONF_MAC] == "001fc1000005"
    assert entry.unique_id == "001fc1000005"
    assert hass.config_entries.async_get_entry(ignored.entry_id) is None
    assert hass.states.get("binary_sensor.hall_do_not_disturb").state == STATE_ON


@pytest.mark.parametrize(
    ("source", "networks", "allowed"),
    [
        ("192.168.1.5", ["::/0"], True),  # every address
        ("192.168.1.5", ["::ffff:0:0/96"], True),  # every IPv4 address
        ("192.168.1.5", ["2001:db8::/32"], False),
        ("::ffff:192.168.1.5", ["192.168.1.0/24"], True),  # a dual-stack socket
        ("2001:db8::5", ["192.168.1.0/24"], False),
        ("2001:db8::5", ["2001:db8::/32"], True),
        ("192.168.2.5", ["192.168.1.0/24"], False),
        (None, ["::/0"], False),
        ("not an address", ["::/0"], False),
    ],
)
def test_source_in_networks(
    source: str | None, networks: list[str], allowed: bool
) -> None:
    """IPv4 phones match the IPv6 networks that hold their mapped form."""
    assert source_in_networks(source, networks) is allowed
