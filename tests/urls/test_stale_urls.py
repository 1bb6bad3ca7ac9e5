"""Stale URLs: Home Assistant's address changed after the phone was given its URLs."""

from http import HTTPStatus
from typing import Any

import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

from custom_components.sangoma_phone.const import (
    CONF_LOCAL_ONLY,
    CONF_MAC,
    CONF_URL_BASE,
    CONF_WEBHOOK_ID,
    DOMAIN,
)
from homeassistant.core import HomeAssistant
from homeassistant.helpers import issue_registry as ir
from homeassistant.setup import async_setup_component

from ..conftest import ENTRY_ID, LOCAL_URL, MAC, WEBHOOK_ID, SendRequest

ISSUE = f"stale_urls_{ENTRY_ID}"
NEW_URL = "http://192.168.1.99:8123"


@pytest.fixture(autouse=True)
async def setup_repairs(hass: HomeAssistant) -> None:
    """Set up repairs before any test client freezes the HTTP routes."""
    assert await async_setup_component(hass, "repairs", {})


async def _start(client: Any, issue_id: str) -> dict[str, Any]:
    response = await client.post(
        "/api/repairs/issues/fix", json={"handler": DOMAIN, "issue_id": issue_id}
    )
    assert response.status == HTTPStatus.OK
    result: dict[str, Any] = await response.json()
    return result


async def _next(client: Any, flow_id: str, answer: dict[str, Any]) -> dict[str, Any]:
    response = await client.post(f"/api/repairs/issues/fix/{flow_id}", json=answer)
    assert response.status == HTTPStatus.OK
    result: dict[str, Any] = await response.json()
    return result


async def test_local_url_change_raises_repair_with_new_urls(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    send: SendRequest,
    issue_registry: ir.IssueRegistry,
    hass_client: ClientSessionGenerator,
) -> None:
    """A new local URL: a fixable repair with the new URLs, cleared on confirm."""
    assert init_integration.data[CONF_URL_BASE] == LOCAL_URL  # learned at start
    assert issue_registry.async_get_issue(DOMAIN, ISSUE) is None
    await send("dnd_on")

    await hass.config.async_update(internal_url=NEW_URL)
    await hass.async_block_till_done()
    issue = issue_registry.async_get_issue(DOMAIN, ISSUE)
    assert issue is not None
    assert issue.is_fixable
    assert issue.translation_placeholders == {
        "name": "Desk phone",
        "old": LOCAL_URL,
        "new": NEW_URL,
    }

    client = await hass_client()
    shown = await _start(client, ISSUE)
    assert shown["type"] == "menu"
    assert shown["menu_options"] == ["confirm", "quiet"]
    placeholders = shown["description_placeholders"]
    assert placeholders["base_url"] == f"{NEW_URL}/api/webhook/{WEBHOOK_ID}"
    assert (
        f"```\n{NEW_URL}/api/webhook/{WEBHOOK_ID}?event=incoming_call&"
        in (placeholders["urls"])
    )
    assert "provisioning.xml" in placeholders["provisioning_link"]

    # One click: which phones have sent nothing since the change.
    quiet = await _next(client, shown["flow_id"], {"next_step_id": "quiet"})
    assert quiet["step_id"] == "quiet"
    assert (
        "**Desk phone**: last request 20" in quiet["description_placeholders"]["phones"]
    )
    await send("dnd_off")  # the phone calls again (its new URLs)
    again = await _next(client, shown["flow_id"], {})
    assert again["type"] == "menu"
    shown = await _start(client, ISSUE)
    quiet = await _next(client, shown["flow_id"], {"next_step_id": "quiet"})
    assert quiet["description_placeholders"]["phones"] == "—"

    done = await _next(client, shown["flow_id"], {})
    done = await _next(client, shown["flow_id"], {"next_step_id": "confirm"})
    assert done["type"] == "create_entry"
    assert issue_registry.async_get_issue(DOMAIN, ISSUE) is None
    assert init_integration.data[CONF_URL_BASE] == NEW_URL
    # Back to the old address: the phone was given the new one, so again.
    await hass.config.async_update(internal_url=LOCAL_URL)
    await hass.async_block_till_done()
    assert issue_registry.async_get_issue(DOMAIN, ISSUE) is not None
    await hass.config.async_update(internal_url=NEW_URL)
    await hass.async_block_till_done()
    assert issue_registry.async_get_issue(DOMAIN, ISSUE) is None


async def test_stale_urls_found_at_start(
    hass: HomeAssistant,
    local_url: str,
    issue_registry: ir.IssueRegistry,
    hass_client: ClientSessionGenerator,
) -> None:
    """A phone given another base before the restart gets the repair at start."""
    entry = MockConfigEntry(
        domain=DOMAIN,
        title="Desk phone",
        unique_id=MAC,
        entry_id=ENTRY_ID,
        data={
            CONF_WEBHOOK_ID: WEBHOOK_ID,
            CONF_MAC: MAC,
            CONF_URL_BASE: "http://10.0.0.2:8123",
        },
        options={CONF_LOCAL_ONLY: True},
    )
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    issue = issue_registry.async_get_issue(DOMAIN, ISSUE)
    assert issue is not None
    assert issue.translation_placeholders["new"] == LOCAL_URL
    client = await hass_client()
    shown = await _start(client, ISSUE)
    quiet = await _next(client, shown["flow_id"], {"next_step_id": "quiet"})
    assert quiet["description_placeholders"]["phones"] == (
        "- **Desk phone**: last request never"
    )
    # No local URL: the repair cannot show URLs, and says so.
    hass.config.internal_url = None
    hass.config.api = None
    assert (await _start(client, ISSUE))["reason"] == "no_local_url"
    await hass.config_entries.async_remove(entry.entry_id)
    assert issue_registry.async_get_issue(DOMAIN, ISSUE) is None
