"""The URL page: every URL grouped and copyable, P3734 opt-in everywhere, the
new URLs after a regenerated webhook."""

import re

from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

from custom_components.sangoma_phone.const import (
    CONF_INCLUDE_UNVERIFIED,
    CONF_LOCAL_ONLY,
    CONF_WEBHOOK_ID,
)
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType

from ..conftest import ENTRY_ID, LOCAL_URL, WEBHOOK_ID
from ..flow_helpers import open_options_step

TEXT_PATH = f"/api/sangoma_phone/{ENTRY_ID}/urls.txt"
BASE = f"{LOCAL_URL}/api/webhook/{WEBHOOK_ID}"


def _blocks(markdown: str) -> list[str]:
    return re.findall(r"```\n(.*?)\n```", markdown)


async def test_url_page_lists_every_url_grouped(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> None:
    """All URLs, each its own code block: the essential ones first, then the
    others by group, each group saying what it updates; Close."""
    result = await open_options_step(hass, init_integration.entry_id, "urls")
    assert result["type"] is FlowResultType.ABORT  # a page that closes
    placeholders = result["description_placeholders"]
    urls = placeholders["urls"]
    blocks = _blocks(urls)
    assert len(blocks) == 33 == int(placeholders["count"])
    assert all(b.startswith(f"{BASE}?event=") and "\n" not in b for b in blocks)
    essential, _, others = urls.partition("### The other 24 URLs")
    assert essential.startswith("### The 9 essential URLs ★")
    assert len(_blocks(essential)) == 9 == int(placeholders["minimal_count"])
    assert essential.count(" ★ (P") == 9
    for title in ("Calls", "DND and forwarding", "Handset and mute", "Registration"):
        assert f"#### {title}\n\nUpdates: " in others
    assert "#### Handset and mute\n\nUpdates: Off hook, Muted." in others
    assert "★" not in others
    # Field names stay outside the blocks.
    assert "**Incoming Call** ★ (P3707)\n\n```\n" in urls
    assert "urls.txt?webhook=" in placeholders["url_list_link"]
    assert "provisioning.xml?webhook=" in placeholders["provisioning_link"]
    assert "authSig=" in placeholders["provisioning_link"]
    assert WEBHOOK_ID not in placeholders["provisioning_link"]


async def test_p3734_is_opt_in_everywhere(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    hass_client: ClientSessionGenerator,
) -> None:
    """Off by default; when on, URL page, text list and XML hold P3734."""
    client = await hass_client()
    assert "P3734" not in await (await client.get(TEXT_PATH)).text()
    result = await open_options_step(hass, init_integration.entry_id, "settings")
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {CONF_LOCAL_ONLY: True, CONF_INCLUDE_UNVERIFIED: True}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done()
    result = await open_options_step(hass, init_integration.entry_id, "urls")
    urls = result["description_placeholders"]["urls"]
    assert len(_blocks(urls)) == 34
    assert "**IP Changed** (P3734) — not confirmed on every firmware" in urls
    text = await (await client.get(TEXT_PATH)).text()
    assert "P3734\t" in text
    xml = await (
        await client.get(f"/api/sangoma_phone/{ENTRY_ID}/provisioning.xml")
    ).text()
    assert '<P3734 para="ActionUrl.IPChanged">' in xml


async def test_regenerated_webhook_shows_new_urls(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> None:
    """The confirmation of a new webhook address shows the new URLs."""
    result = await init_integration.start_reconfigure_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"name": "Desk phone", "regenerate_webhook": True}
    )
    result = await hass.config_entries.flow.async_configure(result["flow_id"], {})
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "webhook_regenerated"
    new_id = init_integration.data[CONF_WEBHOOK_ID]
    blocks = _blocks(result["description_placeholders"]["urls"])
    assert len(blocks) == 33
    assert all(f"/api/webhook/{new_id}?" in b for b in blocks)
    assert "provisioning.xml" in result["description_placeholders"]["provisioning_link"]
    await hass.async_block_till_done()
