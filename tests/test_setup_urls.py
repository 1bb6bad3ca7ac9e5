"""Setting a phone up right: every URL grouped and copyable, downloads, &amp;, accounts."""

from datetime import UTC, datetime, timedelta
from http import HTTPStatus
import json
import logging
from pathlib import Path
import re

import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_capture_events,
)
from pytest_homeassistant_custom_component.components.diagnostics import (
    get_diagnostics_for_config_entry,
)
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

from custom_components.sangoma_phone.binary_sensor import BINARY_SENSORS
from custom_components.sangoma_phone.const import (
    CONF_INCLUDE_UNVERIFIED,
    CONF_LOCAL_ONLY,
    CONF_WEBHOOK_ID,
    EVENT_PHONE,
)
from custom_components.sangoma_phone.event import PHONE_EVENT
from custom_components.sangoma_phone.logbook import phone_event_message
from custom_components.sangoma_phone.protocol import (
    EVENTS,
    PhoneStateMachine,
    parse_query,
)
from custom_components.sangoma_phone.urls.groups import (
    ALWAYS_FED,
    ENTITY_NAMES,
    FEEDS,
    feed_table,
)
from custom_components.sangoma_phone.sensor import SENSORS
from custom_components.sangoma_phone.switch import DND
from custom_components.sangoma_phone.urls.views import url_list_path
from homeassistant.components.http.auth import async_sign_path
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.setup import async_setup_component

from .conftest import ENTRY_ID, LOCAL_URL, WEBHOOK_ID, SendRequest
from .flow_helpers import open_options_step

ROOT = Path(__file__).parent.parent
EN = json.loads(
    (ROOT / "custom_components/sangoma_phone/translations/en.json").read_text()
)
TEXT_PATH = f"/api/sangoma_phone/{ENTRY_ID}/urls.txt"
BASE = f"{LOCAL_URL}/api/webhook/{WEBHOOK_ID}"


def _blocks(markdown: str) -> list[str]:
    return re.findall(r"```\n(.*?)\n```", markdown)


async def test_url_page_lists_every_url_grouped(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> None:
    """All URLs, each its own code block, grouped, minimal set marked; Close."""
    result = await open_options_step(hass, init_integration.entry_id, "urls")
    assert result["type"] is FlowResultType.ABORT  # a page that closes
    placeholders = result["description_placeholders"]
    urls = placeholders["urls"]
    blocks = _blocks(urls)
    assert len(blocks) == 33 == int(placeholders["count"])
    assert all(b.startswith(f"{BASE}?event=") and "\n" not in b for b in blocks)
    for title in ("Calls", "DND and forwards", "Hook and mute", "Registration"):
        assert f"#### {title}\n\nWithout these, *" in urls
    assert "Without these, *Off hook, Muted* stay unknown." in urls
    assert urls.count("★ minimal set") == 9 == int(placeholders["minimal_count"])
    # Labels stay outside the blocks.
    assert "**Incoming Call** (P3707) ★ minimal set\n\n```\n" in urls
    assert "urls.txt?authSig=" in placeholders["url_list_link"]
    assert "provisioning.xml?authSig=" in placeholders["provisioning_link"]


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
    assert "**IP Changed** (P3734) — unverified on some firmware" in urls
    text = await (await client.get(TEXT_PATH)).text()
    assert "P3734\t" in text
    xml = await (
        await client.get(f"/api/sangoma_phone/{ENTRY_ID}/provisioning.xml")
    ).text()
    assert '<P3734 para="ActionUrl.IPChanged">' in xml


async def test_text_url_list(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    hass_client: ClientSessionGenerator,
    hass_client_no_auth: ClientSessionGenerator,
    hass_access_token: str,
) -> None:
    """One P37xx<TAB>URL line each, unescaped; auth and signing as the XML."""
    assert (await (await hass_client_no_auth()).get(TEXT_PATH)).status == 401
    client = await hass_client()
    response = await client.get(TEXT_PATH)
    assert response.status == HTTPStatus.OK
    assert response.content_type == "text/plain"
    assert (
        'filename="sangoma-urls-001fc1aabbcc.txt"'
        in (response.headers["Content-Disposition"])
    )
    text = await response.text()
    assert "&amp;" not in text
    lines = text.splitlines()
    assert len(lines) == 33
    verified = [e for e in EVENTS if e.verified]
    for spec, line in zip(verified, lines, strict=True):
        code, url = line.split("\t")
        assert code == spec.p_code
        assert url.startswith(f"{BASE}?")
        assert parse_query(url.partition("?")[2]).event is spec
    token = hass.auth.async_validate_access_token(hass_access_token)
    assert token is not None
    signed = async_sign_path(
        hass, url_list_path(ENTRY_ID), timedelta(minutes=1), refresh_token_id=token.id
    )
    assert (await (await hass_client_no_auth()).get(signed)).status == 200
    assert (await client.get("/api/sangoma_phone/nope/urls.txt")).status == 404


@pytest.fixture
async def diagnostics_ready(hass: HomeAssistant) -> None:
    """Set diagnostics up before a test client freezes the HTTP routes."""
    assert await async_setup_component(hass, "diagnostics", {})


async def test_amp_separators_tolerated(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    diagnostics_ready: None,
    send: SendRequest,
    hass_client: ClientSessionGenerator,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A URL copied out of the XML: read as meant, hinted once, counted."""
    caplog.set_level(logging.WARNING)
    query = "mac=001fc1aabbcc&amp;cid=7&amp;remote=1002&amp;dr=Bob"
    for _ in range(2):
        response = await send("incoming_call", f"&amp;{query}", mac=None)
        assert response.status == HTTPStatus.OK
    assert hass.states.get("sensor.desk_phone_remote_name").state == "Bob"
    assert hass.states.get("sensor.desk_phone_remote_number").state == "1002"
    hints = [r for r in caplog.records if "&amp;" in r.getMessage()]
    assert len(hints) == 1
    assert "enter the URLs again" in hints[0].getMessage()
    diagnostics = await get_diagnostics_for_config_entry(
        hass, hass_client, init_integration
    )
    assert diagnostics["problem_counts"] == {"amp_separator": 2}


async def test_accounts(
    hass: HomeAssistant, init_integration: MockConfigEntry, send: SendRequest
) -> None:
    """SIP registration: on only while every account is; account in events."""
    events = async_capture_events(hass, EVENT_PHONE)
    entity = "binary_sensor.desk_phone_sip_registration"
    await send("registered", {"au": "1001", "ah": "pbx.example"})
    state = hass.states.get(entity)
    assert state.state == "on"
    assert state.attributes["accounts"] == {"1001@pbx.example": "registered"}
    await send("register_failed", {"au": "2002", "ah": "sip.example"})
    state = hass.states.get(entity)
    assert state.state == "off"
    assert state.attributes["accounts"] == {
        "1001@pbx.example": "registered",
        "2002@sip.example": "register_failed",
    }
    await hass.async_block_till_done()
    assert [e.data["account"] for e in events] == [
        "1001@pbx.example",
        "2002@sip.example",
    ]
    assert phone_event_message(events[1].data) == (
        "Registration failed: account 2002@sip.example"
    )
    assert state.name == "Desk phone SIP registration"


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


def test_feed_map_names_and_readme() -> None:
    """The map's entities exist and are named as translated; the README has it."""
    keys = {d.key for d in (*BINARY_SENSORS, *SENSORS, DND, PHONE_EVENT)}
    assert set(ENTITY_NAMES) == keys
    names = {
        key: item["name"]
        for platform in EN["entity"].values()
        for key, item in platform.items()
    }
    for key, name in ENTITY_NAMES.items():
        assert names[key] == name, key
    assert feed_table() in (ROOT / "README.md").read_text()


def test_feed_map_matches_the_state_machine() -> None:
    """Each event feeds exactly the entities its effect can change."""
    descriptions = {d.key: d.fields for d in (*BINARY_SENSORS, *SENSORS, DND)}
    starts = [
        "",
        "incoming_call&cid=1&remote=1002&dr=Bob",
        "established&cid=1&remote=1002&dr=Bob",
        "hold&cid=1&remote=1002&dr=Bob",
        "mute",
        "off_hook",
    ]
    for spec in EVENTS:
        fed: set[str] = set()
        for start in starts:
            machine = PhoneStateMachine()
            now = datetime(2026, 1, 1, tzinfo=UTC)
            if start:
                machine.apply(parse_query(f"event={start}"), now)
            changed = machine.apply(
                parse_query(f"event={spec.key}&cid=1&remote=1003&dr=Ann&au=1&ah=h"),
                now.replace(minute=1),
            )
            fed |= {k for k, f in descriptions.items() if f & changed}
        fed -= set(ALWAYS_FED)
        assert fed <= set(FEEDS[spec.key]), (spec.key, fed - set(FEEDS[spec.key]))
