"""The downloads: the provisioning file and the text list of URLs (auth, signing)."""

from datetime import timedelta
from http import HTTPStatus
from urllib.parse import urlsplit
import xml.etree.ElementTree as ET

from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

from custom_components.sangoma_phone.const import CONF_WEBHOOK_ID
from custom_components.sangoma_phone.protocol import EVENTS, parse_query
from custom_components.sangoma_phone.urls.views import link_fingerprint, url_list_path
from homeassistant.components.http.auth import async_sign_path
from homeassistant.core import HomeAssistant

from ..conftest import ENTRY_ID, LOCAL_URL, MAC, WEBHOOK_ID

PATH = f"/api/sangoma_phone/{ENTRY_ID}/provisioning.xml"
TEXT_PATH = f"/api/sangoma_phone/{ENTRY_ID}/urls.txt"
BASE = f"{LOCAL_URL}/api/webhook/{WEBHOOK_ID}"


async def test_provisioning_requires_auth(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    hass_client_no_auth: ClientSessionGenerator,
) -> None:
    """Without a token the file is not served."""
    client = await hass_client_no_auth()
    response = await client.get(PATH)
    assert response.status == HTTPStatus.UNAUTHORIZED


async def test_provisioning_file(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    hass_client: ClientSessionGenerator,
) -> None:
    """The file holds the 33 verified URLs, each parsing back to its own event."""
    client = await hass_client()
    response = await client.get(PATH)
    assert response.status == HTTPStatus.OK
    assert response.content_type == "application/xml"
    assert f'filename="cfg{MAC}.xml"' in response.headers["Content-Disposition"]
    body = await response.text()
    assert "&amp;" in body
    root = ET.fromstring(body)  # noqa: S314 - our own output
    assert root.tag == "hl_provision"
    elements = list(root.iter())
    by_code = {el.tag: el for el in elements if el.tag.startswith("P37")}
    assert len(by_code) == 33
    assert "P3734" not in by_code  # opt-in (options: include_ip_changed)
    for spec in (e for e in EVENTS if e.verified):
        element = by_code[spec.p_code]
        assert element.get("para") == spec.para
        url = urlsplit(element.text or "")
        assert f"{url.scheme}://{url.netloc}" == LOCAL_URL
        assert url.path == f"/api/webhook/{WEBHOOK_ID}"
        assert parse_query(url.query).event is spec
        assert len(element.text or "") <= 255


async def test_provisioning_signed_path(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    hass_client_no_auth: ClientSessionGenerator,
    hass_access_token: str,
) -> None:
    """A link signed for an administrator (as the UI shows) needs no header."""
    refresh_token = hass.auth.async_validate_access_token(hass_access_token)
    assert refresh_token is not None
    signed = async_sign_path(
        hass,
        f"{PATH}?webhook={link_fingerprint(WEBHOOK_ID)}",
        timedelta(minutes=1),
        refresh_token_id=refresh_token.id,
    )
    client = await hass_client_no_auth()
    response = await client.get(signed)
    assert response.status == HTTPStatus.OK


async def test_provisioning_unknown_phone(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    hass_client: ClientSessionGenerator,
) -> None:
    """An unknown or foreign entry id is 404."""
    client = await hass_client()
    response = await client.get("/api/sangoma_phone/nope/provisioning.xml")
    assert response.status == HTTPStatus.NOT_FOUND
    other = MockConfigEntry(domain="other")
    other.add_to_hass(hass)
    response = await client.get(f"/api/sangoma_phone/{other.entry_id}/provisioning.xml")
    assert response.status == HTTPStatus.NOT_FOUND


async def test_provisioning_unloaded_phone(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    hass_client: ClientSessionGenerator,
) -> None:
    """An unloaded phone has no file."""
    client = await hass_client()
    await hass.config_entries.async_unload(init_integration.entry_id)
    response = await client.get(PATH)
    assert response.status == HTTPStatus.CONFLICT


async def test_provisioning_without_local_url(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    hass_client: ClientSessionGenerator,
) -> None:
    """Without a local URL the file cannot be made: say so."""
    hass.config.internal_url = None
    hass.config.api = None
    client = await hass_client()
    response = await client.get(PATH)
    assert response.status == HTTPStatus.SERVICE_UNAVAILABLE
    assert "local URL" in await response.text()


async def test_provisioning_admin_only(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    hass_client: ClientSessionGenerator,
    hass_read_only_access_token: str,
) -> None:
    """The file holds the webhook id: only administrators get it."""
    client = await hass_client(hass_read_only_access_token)
    response = await client.get(PATH)
    assert response.status == HTTPStatus.UNAUTHORIZED


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
        hass,
        f"{url_list_path(ENTRY_ID)}?webhook={link_fingerprint(WEBHOOK_ID)}",
        timedelta(minutes=1),
        refresh_token_id=token.id,
    )
    assert (await (await hass_client_no_auth()).get(signed)).status == 200
    assert (await client.get("/api/sangoma_phone/nope/urls.txt")).status == 404


async def test_a_new_webhook_ends_the_old_links(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    hass_client_no_auth: ClientSessionGenerator,
    hass_access_token: str,
) -> None:
    """A link signed before the webhook was regenerated serves nothing (it
    would reveal the new address); a link made afterwards works."""
    token = hass.auth.async_validate_access_token(hass_access_token)
    assert token is not None

    def link(path: str, webhook_id: str | None) -> str:
        query = f"?webhook={link_fingerprint(webhook_id)}" if webhook_id else ""
        return async_sign_path(
            hass, f"{path}{query}", timedelta(minutes=1), refresh_token_id=token.id
        )

    paths = (PATH, url_list_path(ENTRY_ID))
    old = [link(path, WEBHOOK_ID) for path in paths]
    client = await hass_client_no_auth()
    assert (await client.get(old[1])).status == HTTPStatus.OK
    new_id = "f" * 32
    hass.config_entries.async_update_entry(
        init_integration, data={**init_integration.data, CONF_WEBHOOK_ID: new_id}
    )
    assert await hass.config_entries.async_reload(init_integration.entry_id)
    await hass.async_block_till_done()
    for signed in [*old, *(link(path, None) for path in paths)]:
        response = await client.get(signed)
        assert response.status == HTTPStatus.GONE
        assert new_id not in await response.text()
    response = await client.get(link(url_list_path(ENTRY_ID), new_id))
    assert response.status == HTTPStatus.OK
    assert new_id in await response.text()
