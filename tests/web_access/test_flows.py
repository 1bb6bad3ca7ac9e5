"""Web access in the flows: setup, options step, reauthentication, DHCP updates."""

from pathlib import Path
from typing import Any

import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.sangoma_phone.const import (
    CONF_FOLLOW_PHONE_IP,
    CONF_WEB_ACCESS,
    DOMAIN,
)
from homeassistant.config_entries import SOURCE_DHCP, SOURCE_USER
from homeassistant.const import CONF_HOST, CONF_NAME, CONF_PASSWORD, CONF_PORT
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.helpers.service_info.dhcp import DhcpServiceInfo

from ..conftest import MAC, SendRequest
from ..fake_phone import HOST, Answer, FakePhone
from ..flow_helpers import open_options_step, suggested
from .conftest import DND_SENSOR, DND_SWITCH, PASSWORD, web_access_data
from .test_client_connect import _self_signed, _TlsPhone

FORM = {CONF_HOST: HOST, "https": False, "verify_ssl": True, "username": "admin"}


def form(phone: FakePhone, **changes: Any) -> dict[str, Any]:
    """Return the web access form for the fake phone (Basic allowed for a
    phone that accepts nothing else)."""
    return {
        **FORM,
        CONF_PORT: phone.port,
        CONF_PASSWORD: PASSWORD,
        "allow_basic": phone.auth == "basic",
        **changes,
    }


async def past_the_urls(hass: HomeAssistant, result: Any) -> Any:
    """Go on from the URL page the first setup shows before adding the phone."""
    assert result["step_id"] == "urls", result
    return await hass.config_entries.flow.async_configure(
        result["flow_id"], {"next_step_id": "finish"}
    )


@pytest.mark.usefixtures("local_url")
async def test_setup_without_web_access(
    hass: HomeAssistant, fake_phone: FakePhone
) -> None:
    """Web access is optional: skipped, the phone is added without it."""
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": SOURCE_USER}
    )
    result = await past_the_urls(
        hass,
        await hass.config_entries.flow.async_configure(
            result["flow_id"], {CONF_NAME: "Desk phone", "web_access": False}
        ),
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert CONF_WEB_ACCESS not in result["data"]
    assert fake_phone.request_lines == []


@pytest.mark.usefixtures("local_url")
@pytest.mark.parametrize(
    ("change", "answer", "errors"),
    [
        ({CONF_PASSWORD: "wrong"}, Answer.OK, {CONF_PASSWORD: "invalid_auth"}),
        ({}, Answer.HANG, {CONF_HOST: "cannot_connect"}),
        ({}, Answer.ERROR, {"base": "phone_refused"}),
        ({}, Answer.GARBAGE, {"base": "unexpected_answer"}),
        ({CONF_HOST: ""}, Answer.OK, {CONF_HOST: "host_required"}),
    ],
)
async def test_setup_with_web_access(
    hass: HomeAssistant,
    fake_phone: FakePhone,
    change: dict[str, Any],
    answer: Answer,
    errors: dict[str, str],
) -> None:
    """The web access step checks with the probe, answers field errors, recovers."""
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": SOURCE_USER}
    )
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_NAME: "Desk phone", "web_access": True}
    )
    assert result["step_id"] == "web_access"
    assert suggested(result)["username"] == "admin"
    fake_phone.answer = answer
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], form(fake_phone, **change)
    )
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == errors
    fake_phone.answer = Answer.OK
    result = await past_the_urls(
        hass,
        await hass.config_entries.flow.async_configure(
            result["flow_id"], form(fake_phone)
        ),
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["data"][CONF_WEB_ACCESS] == web_access_data(fake_phone)
    # Only the harmless probe was sent.
    assert set(fake_phone.actions) == {b"GET /Phone_ActionURL HTTP/1.1"}


@pytest.mark.usefixtures("local_url")
async def test_discovered_phone_follows_its_ip(
    hass: HomeAssistant, fake_phone: FakePhone
) -> None:
    """A discovered phone's host is pre-filled with its IP and follows it."""
    result = await hass.config_entries.flow.async_init(
        DOMAIN,
        context={"source": SOURCE_DHCP},
        data=DhcpServiceInfo(ip=HOST, hostname="s505", macaddress=MAC),
    )
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_NAME: "Desk phone", "web_access": True}
    )
    assert suggested(result)[CONF_HOST] == HOST
    result = await past_the_urls(
        hass,
        await hass.config_entries.flow.async_configure(
            result["flow_id"], form(fake_phone)
        ),
    )
    assert result["data"][CONF_WEB_ACCESS][CONF_FOLLOW_PHONE_IP] is True
    entry = hass.config_entries.async_entries(DOMAIN)[0]
    result = await hass.config_entries.flow.async_init(
        DOMAIN,
        context={"source": SOURCE_DHCP},
        data=DhcpServiceInfo(ip="192.168.1.60", hostname="s505", macaddress=MAC),
    )
    assert result["reason"] == "already_configured"
    assert entry.data[CONF_WEB_ACCESS][CONF_HOST] == "192.168.1.60"


async def test_options_keep_the_stored_password(
    hass: HomeAssistant, init_integration: MockConfigEntry, fake_phone: FakePhone
) -> None:
    """The password is never shown: left empty, the stored one is kept."""
    result = await open_options_step(hass, init_integration.entry_id, "web_access")
    values = {**form(fake_phone), "enabled": True}
    del values[CONF_PASSWORD]
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], values
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done()
    assert init_integration.data[CONF_WEB_ACCESS][CONF_PASSWORD] == PASSWORD


async def test_options_remove_and_add_web_access(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    fake_phone: FakePhone,
    send: SendRequest,
) -> None:
    """The options step removes web access and sets it again (checked)."""
    result = await open_options_step(hass, init_integration.entry_id, "web_access")
    assert suggested(result)[CONF_HOST] == HOST
    assert suggested(result).get(CONF_PASSWORD) is None  # never shown
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {**form(fake_phone), "enabled": False}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done()
    assert CONF_WEB_ACCESS not in init_integration.data
    assert hass.states.get(DND_SWITCH) is None
    assert hass.states.get(DND_SENSOR) is not None

    await send("idle_to_busy", {"ip": HOST})
    result = await open_options_step(hass, init_integration.entry_id, "web_access")
    assert suggested(result)[CONF_HOST] == HOST  # the IP the phone reported
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {**form(fake_phone, password="bad"), "enabled": True}
    )
    assert result["errors"] == {CONF_PASSWORD: "invalid_auth"}
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {**form(fake_phone), "enabled": True}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done()
    assert init_integration.data[CONF_WEB_ACCESS][CONF_FOLLOW_PHONE_IP] is True
    assert hass.states.get(DND_SWITCH) is not None
    assert hass.states.get(DND_SENSOR) is None


async def test_reauth(
    hass: HomeAssistant, init_integration: MockConfigEntry, fake_phone: FakePhone
) -> None:
    """The reauth flow checks the new password and reloads the phone."""
    fake_phone.password = "new-password"
    result = await init_integration.start_reauth_flow(hass)
    assert result["step_id"] == "reauth_confirm"
    (flow,) = hass.config_entries.flow.async_progress_by_handler(DOMAIN)
    # The card names the phone and where it is.
    assert flow["context"]["title_placeholders"] == {"ip": f"Desk phone, {HOST}"}
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"username": "admin", CONF_PASSWORD: "still-wrong"}
    )
    assert result["errors"] == {CONF_PASSWORD: "invalid_auth"}
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"username": "admin", CONF_PASSWORD: "new-password"}
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reauth_successful"
    assert init_integration.data[CONF_WEB_ACCESS][CONF_PASSWORD] == "new-password"


async def test_reauth_without_web_access(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> None:
    """A reauth flow for a phone without web access closes."""
    data = {k: v for k, v in init_integration.data.items() if k != CONF_WEB_ACCESS}
    hass.config_entries.async_update_entry(init_integration, data=data)
    result = await init_integration.start_reauth_flow(hass)
    assert result["reason"] == "web_access_not_configured"


async def test_the_form_offers_only_a_proven_address(
    hass: HomeAssistant, init_integration: MockConfigEntry, fake_phone: FakePhone
) -> None:
    """An address reported without proof (no MAC, or not sent from there) is
    never offered as the host; the phone's own report is."""
    data = {k: v for k, v in init_integration.data.items() if k != CONF_WEB_ACCESS}
    hass.config_entries.async_update_entry(init_integration, data=data)
    await hass.config_entries.async_reload(init_integration.entry_id)
    await hass.async_block_till_done()
    phone = init_integration.runtime_data.phone
    phone.async_handle_request("event=registered&ip=127.0.0.5", "127.0.0.6")
    phone.async_handle_request(f"event=registered&mac={MAC}&ip=127.0.0.5", "127.0.0.6")
    result = await open_options_step(hass, init_integration.entry_id, "web_access")
    assert suggested(result)[CONF_HOST] == ""
    assert result["description_placeholders"]["phone_ip"] == "—"
    phone.async_handle_request(f"event=registered&mac={MAC}&ip={HOST}", HOST)
    result = await open_options_step(hass, init_integration.entry_id, "web_access")
    assert suggested(result)[CONF_HOST] == HOST


async def test_resaving_keeps_digest(
    hass: HomeAssistant, init_integration: MockConfigEntry, fake_phone: FakePhone
) -> None:
    """Digest that worked is kept when the form is saved again with Allow
    Basic ticked: nothing can bring Basic back for this host."""
    if fake_phone.auth != "digest":
        pytest.skip("a Digest phone")
    result = await open_options_step(hass, init_integration.entry_id, "web_access")
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {**form(fake_phone), "allow_basic": True, "enabled": True}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done()
    assert init_integration.data[CONF_WEB_ACCESS]["auth"] == "digest"


@pytest.mark.usefixtures("local_url")
async def test_plain_http_to_an_https_phone_names_use_https(
    hass: HomeAssistant, tmp_path: Path
) -> None:
    """The form says which setting to change: Use HTTPS."""
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": SOURCE_USER}
    )
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_NAME: "Desk phone", "web_access": True}
    )
    with _TlsPhone(_self_signed(tmp_path)) as phone:
        result = await hass.config_entries.flow.async_configure(
            result["flow_id"],
            {**FORM, CONF_PORT: phone.port, CONF_PASSWORD: PASSWORD},
        )
    assert result["errors"] == {"https": "https_expected"}
