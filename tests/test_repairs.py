"""Tests for the repairs the user can fix from the UI (the stale URLs' repair:
tests/urls/test_stale_urls.py)."""

from http import HTTPStatus
from typing import Any

import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

from custom_components.sangoma_phone.const import (
    CONF_LOCAL_ONLY,
    CONF_MAC,
    CONF_WEBHOOK_ID,
    DOMAIN,
)
from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr, issue_registry as ir
from homeassistant.setup import async_setup_component

from .conftest import ENTRY_ID, SendRequest, phone_device

ISSUE_MAC = f"mac_mismatch_{ENTRY_ID}"


@pytest.fixture(autouse=True)
async def setup_repairs(hass: HomeAssistant) -> None:
    """Set up repairs before any test client freezes the HTTP routes."""
    assert await async_setup_component(hass, "repairs", {})


async def _fix(
    hass: HomeAssistant, client: Any, issue_id: str, choice: str | None = None
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Start a repair's fix flow and submit its first step (or menu choice)."""
    response = await client.post(
        "/api/repairs/issues/fix", json={"handler": DOMAIN, "issue_id": issue_id}
    )
    assert response.status == HTTPStatus.OK
    shown = await response.json()
    answer = {"next_step_id": choice} if choice else {}
    response = await client.post(
        f"/api/repairs/issues/fix/{shown['flow_id']}", json=answer
    )
    assert response.status == HTTPStatus.OK
    return shown, await response.json()


async def test_mac_mismatch_repair(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    send: SendRequest,
    issue_registry: ir.IssueRegistry,
    device_registry: dr.DeviceRegistry,
    hass_client: ClientSessionGenerator,
) -> None:
    """Requests that keep coming from another MAC raise a repair that re-pins."""
    await send("dnd_on", mac="001fc1000001")
    await send("dnd_on", mac="001fc1000001")
    assert issue_registry.async_get_issue(DOMAIN, ISSUE_MAC) is None
    await send("dnd_on", {"ip": "192.168.1.77"}, mac="001fc1000001")
    issue = issue_registry.async_get_issue(DOMAIN, ISSUE_MAC)
    assert issue is not None
    assert issue.is_fixable
    assert issue.translation_placeholders == {
        "name": "Desk phone",
        "mac": "00:1F:C1:00:00:01",
        "pinned_mac": "00:1F:C1:AA:BB:CC",
        "ip": "192.168.1.77",
    }

    client = await hass_client()
    shown, done = await _fix(hass, client, ISSUE_MAC, "pin")
    assert shown["type"] == "menu"
    assert shown["menu_options"] == ["pin", "keep"]
    assert shown["description_placeholders"] == {
        "name": "Desk phone",
        "mac": "00:1F:C1:00:00:01",
        "ip": "192.168.1.77",
        "pinned_mac": "00:1F:C1:AA:BB:CC",
    }
    assert done["type"] == "create_entry"
    await hass.async_block_till_done()
    assert init_integration.data[CONF_MAC] == "001fc1000001"
    assert init_integration.unique_id == "001fc1000001"
    device = phone_device(device_registry)
    assert device is not None
    assert device.connections == {(dr.CONNECTION_NETWORK_MAC, "00:1f:c1:00:00:01")}
    assert issue_registry.async_get_issue(DOMAIN, ISSUE_MAC) is None
    response = await send("dnd_on", mac="001fc1000001")
    assert response.status == HTTPStatus.OK


async def test_mac_mismatch_repair_mac_taken(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    send: SendRequest,
    hass_client: ClientSessionGenerator,
) -> None:
    """Re-pinning to a MAC another phone uses is refused."""
    for _ in range(3):
        await send("dnd_on", mac="001fc1000002")
    MockConfigEntry(
        domain=DOMAIN, title="Reception", unique_id="001fc1000002"
    ).add_to_hass(hass)
    _, done = await _fix(hass, await hass_client(), ISSUE_MAC, "pin")
    assert done["type"] == "abort"
    assert done["reason"] == "mac_in_use"


async def test_mac_mismatch_repair_keep_current_phone(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    send: SendRequest,
    issue_registry: ir.IssueRegistry,
    hass_client: ClientSessionGenerator,
) -> None:
    """Keeping the current phone changes nothing and ignores the repair."""
    for _ in range(3):
        await send("dnd_on", mac="001fc1000002")
    _, done = await _fix(hass, await hass_client(), ISSUE_MAC, "keep")
    assert done["type"] == "abort"
    assert done["reason"] == "kept"
    assert done["description_placeholders"] == {"mac": "00:1F:C1:00:00:02"}
    assert init_integration.data[CONF_MAC] == "001fc1aabbcc"
    issue = issue_registry.async_get_issue(DOMAIN, ISSUE_MAC)
    assert issue is not None
    assert issue.dismissed_version is not None
    # The other phone's requests stay refused, without raising it again.
    response = await send("dnd_on", mac="001fc1000002")
    assert response.status == HTTPStatus.FORBIDDEN
    issue = issue_registry.async_get_issue(DOMAIN, ISSUE_MAC)
    assert issue is not None
    assert issue.dismissed_version is not None
    assert hass.states.get("binary_sensor.desk_phone_do_not_disturb").state == "unknown"


async def test_mac_mismatch_repair_phone_removed(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    send: SendRequest,
    hass_client: ClientSessionGenerator,
    issue_registry: ir.IssueRegistry,
) -> None:
    """Removing the phone removes its repair."""
    for _ in range(3):
        await send("dnd_on", mac="001fc1000002")
    client = await hass_client()
    response = await client.post(
        "/api/repairs/issues/fix", json={"handler": DOMAIN, "issue_id": ISSUE_MAC}
    )
    shown = await response.json()
    await hass.config_entries.async_remove(init_integration.entry_id)
    await hass.async_block_till_done()
    assert issue_registry.async_get_issue(DOMAIN, ISSUE_MAC) is None
    response = await client.post(
        f"/api/repairs/issues/fix/{shown['flow_id']}", json={"next_step_id": "pin"}
    )
    done = await response.json()
    assert done["type"] == "abort"
    assert done["reason"] == "phone_removed"


async def test_no_local_url_repair(
    hass: HomeAssistant,
    mock_config_entry: MockConfigEntry,
    issue_registry: ir.IssueRegistry,
    hass_client: ClientSessionGenerator,
) -> None:
    """Without a local URL a repair asks for one, and goes once it is set."""
    hass.config.api = None
    mock_config_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(mock_config_entry.entry_id)
    await hass.async_block_till_done()
    issue = issue_registry.async_get_issue(DOMAIN, "no_local_url")
    assert issue is not None
    assert issue.severity is ir.IssueSeverity.ERROR

    client = await hass_client()
    _, done = await _fix(hass, client, "no_local_url")
    assert done["type"] == "form"
    assert done["errors"] == {"base": "still_no_local_url"}

    await hass.config.async_update(internal_url="http://192.168.1.10:8123")
    await hass.async_block_till_done()
    # Setting the URL clears the issue by itself...
    assert issue_registry.async_get_issue(DOMAIN, "no_local_url") is None
    # ...and a fix flow started before then also succeeds.
    response = await client.post(f"/api/repairs/issues/fix/{done['flow_id']}", json={})
    assert (await response.json())["type"] == "create_entry"


async def test_no_local_url_repair_goes_with_the_last_phone(
    hass: HomeAssistant,
    mock_config_entry: MockConfigEntry,
    issue_registry: ir.IssueRegistry,
) -> None:
    """Without phones, Home Assistant's local URL is no longer this repair's."""
    hass.config.api = None
    mock_config_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(mock_config_entry.entry_id)
    await hass.async_block_till_done()
    assert issue_registry.async_get_issue(DOMAIN, "no_local_url") is not None
    await hass.config_entries.async_remove(mock_config_entry.entry_id)
    await hass.async_block_till_done()
    assert issue_registry.async_get_issue(DOMAIN, "no_local_url") is None


async def test_phone_added_twice_is_merged(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    send: SendRequest,
    issue_registry: ir.IssueRegistry,
    hass_client: ClientSessionGenerator,
) -> None:
    """The second entry never takes the phone; the repair merges the two."""
    second = MockConfigEntry(
        domain=DOMAIN,
        title="Desk again",
        data={CONF_WEBHOOK_ID: "f" * 32, CONF_MAC: None},
        options={CONF_LOCAL_ONLY: True},
    )
    second.add_to_hass(hass)
    assert await hass.config_entries.async_setup(second.entry_id)
    await hass.async_block_till_done()

    response = await send("dnd_on", webhook_id="f" * 32)
    assert response.status == HTTPStatus.FORBIDDEN  # mac_in_use: nothing changes
    assert second.data[CONF_MAC] is None
    assert hass.states.get("binary_sensor.desk_phone_do_not_disturb").state == "unknown"
    issue_id = f"duplicate_phone_{second.entry_id}"
    issue = issue_registry.async_get_issue(DOMAIN, issue_id)
    assert issue is not None
    assert issue.translation_placeholders == {
        "name": "Desk again",
        "other": "Desk phone",
        "mac": "00:1F:C1:AA:BB:CC",
    }

    client = await hass_client()
    shown, done = await _fix(hass, client, issue_id)
    assert shown["description_placeholders"] == {
        "name": "Desk again",
        "other": "Desk phone",
    }
    assert done["type"] == "create_entry"
    await hass.async_block_till_done()
    assert hass.config_entries.async_get_entry(second.entry_id) is None
    assert init_integration.data[CONF_WEBHOOK_ID] == "f" * 32
    assert issue_registry.async_get_issue(DOMAIN, issue_id) is None
    # The URLs the phone calls now feed the first entry.
    assert (await send("dnd_on", webhook_id="f" * 32)).status == HTTPStatus.OK
    assert hass.states.get("binary_sensor.desk_phone_do_not_disturb").state == "on"
    # A flow for a removed phone aborts.
    from custom_components.sangoma_phone.repairs import (
        DuplicatePhoneRepairFlow,
        StaleUrlsRepairFlow,
    )

    for flow in (
        DuplicatePhoneRepairFlow("gone", ENTRY_ID),
        StaleUrlsRepairFlow("gone"),
    ):
        flow.hass = hass
        assert (await flow.async_step_init())["reason"] == "phone_removed"
    stale = StaleUrlsRepairFlow("gone")
    stale.hass = hass
    assert (await stale.async_step_confirm())["reason"] == "phone_removed"
