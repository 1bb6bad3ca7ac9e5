"""End to end: Home Assistant's address changes, the phone's repair shows it."""

from typing import Any

import pytest

from .conftest import DOMAIN, Phone
from .harness import HassInstance

pytestmark = pytest.mark.e2e


async def _issues(instance: HassInstance) -> dict[str, dict[str, Any]]:
    async with instance.websocket() as ws:
        listed = await ws.call("repairs/list_issues")
    return {i["issue_id"]: i for i in listed["issues"] if i["domain"] == DOMAIN}


async def test_internal_url_change_raises_stale_url_repair(
    hass_instance: HassInstance, phone: Phone
) -> None:
    """config/core/update changes the internal URL: a repair with the new URLs."""
    issue_id = f"stale_urls_{phone.entry_id}"
    assert issue_id not in await _issues(hass_instance)
    async with hass_instance.websocket() as ws:
        before = await ws.call("get_config")
    new_url = hass_instance.base_url.replace("127.0.0.1", "localhost")
    try:
        async with hass_instance.websocket() as ws:
            await ws.call("config/core/update", internal_url=new_url)
        issue = (await _issues(hass_instance))[issue_id]
        assert issue["is_fixable"]
        assert issue["translation_placeholders"]["new"] == new_url

        async with hass_instance.api() as api:
            shown = await api.post(
                "/api/repairs/issues/fix", {"handler": DOMAIN, "issue_id": issue_id}
            )
            assert shown["type"] == "menu"
            placeholders = shown["description_placeholders"]
            assert placeholders["base_url"].startswith(f"{new_url}/api/webhook/")
            assert f"```\n{new_url}/api/webhook/" in placeholders["urls"]
            quiet = await api.post(
                f"/api/repairs/issues/fix/{shown['flow_id']}",
                {"next_step_id": "quiet"},
            )
            assert "E2E desk" in quiet["description_placeholders"]["phones"]
            await api.post(f"/api/repairs/issues/fix/{shown['flow_id']}", {})
            done = await api.post(
                f"/api/repairs/issues/fix/{shown['flow_id']}",
                {"next_step_id": "confirm"},
            )
            assert done["type"] == "create_entry"
        assert issue_id not in await _issues(hass_instance)
    finally:
        async with hass_instance.websocket() as ws:
            await ws.call("config/core/update", internal_url=before["internal_url"])
    # Confirmed on the new address: back on the old one, the repair is back;
    # confirm it again so the rest of the session is as before.
    if issue_id in await _issues(hass_instance):
        async with hass_instance.api() as api:
            shown = await api.post(
                "/api/repairs/issues/fix", {"handler": DOMAIN, "issue_id": issue_id}
            )
            await api.post(
                f"/api/repairs/issues/fix/{shown['flow_id']}",
                {"next_step_id": "confirm"},
            )
    assert issue_id not in await _issues(hass_instance)
