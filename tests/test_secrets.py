"""No secret in the integration's own log lines (at any level) or diagnostics.

The webhook id, the URLs built from it and the signed provisioning link are
secrets: whoever has the id can make a phone look ringing. Debug logging is on
for the whole run; every path a request or a flow can take is walked; then
every log record of the integration is searched for each secret.
(Home Assistant's own webhook component logs an unknown id itself, and its
web server logs an oversize request line verbatim: those are not ours. The
listener never logs or echoes a request line.)
"""

import html
import logging
from typing import Any

import pytest
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator
from yarl import URL

from custom_components.sangoma_phone.const import (
    CONF_MAC,
    CONF_WEBHOOK_ID,
    DOMAIN,
)
from custom_components.sangoma_phone.diagnostics import (
    async_get_config_entry_diagnostics,
)
from homeassistant.config_entries import SOURCE_RECONFIGURE, SOURCE_USER, ConfigEntry
from homeassistant.core import HomeAssistant
from homeassistant.setup import async_setup_component

from .flow_helpers import free_port, open_options_step
from .listener.conftest import exchange, get

PACKAGE = "custom_components.sangoma_phone"


def our_log(caplog: pytest.LogCaptureFixture) -> str:
    """Return every log line of the integration, with tracebacks."""
    lines = []
    for record in caplog.records:
        if record.name.startswith(PACKAGE):
            lines.append(record.getMessage())
            if record.exc_info or record.exc_text:
                lines.append(logging.Formatter().formatException(record.exc_info))  # type: ignore[arg-type]
    return "\n".join(lines)


@pytest.mark.usefixtures("socket_enabled", "local_url")
async def test_no_secret_in_logs_or_diagnostics(
    hass: HomeAssistant,
    hass_client_no_auth: ClientSessionGenerator,
    hass_client: ClientSessionGenerator,
    hass_storage: dict[str, Any],
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Walk every path with debug logging; grep for the secrets."""
    caplog.set_level(logging.DEBUG)
    assert await async_setup_component(hass, "diagnostics", {})
    secrets: set[str] = set()

    # Add a phone; learn-the-MAC mode (no MAC given).
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": SOURCE_USER}
    )
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"name": "Desk"}
    )
    # The URLs are shown before the phone is added.
    secrets.add(result["description_placeholders"]["base_url"])
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"next_step_id": "finish"}
    )
    entry: ConfigEntry = result["result"]
    await hass.async_block_till_done()
    webhook_id = entry.data[CONF_WEBHOOK_ID]
    secrets.add(webhook_id)

    # Its URL page, with the signed download link.
    page = await open_options_step(hass, entry.entry_id, "urls")
    link = page["description_placeholders"]["provisioning_link"]
    signed = html.unescape(link.split('href="', 1)[1].split('"', 1)[0])
    secrets |= {signed, URL(signed).query["authSig"]}
    client = await hass_client_no_auth()
    await client.get(URL(signed, encoded=True))  # (signed for no user here)
    assert (await (await hass_client()).get(URL(signed).path)).status == 200

    # Requests: accepted, learnt MAC, problems, refusals, flood, POST.
    path = f"/api/webhook/{webhook_id}"
    queries = [
        "event=incoming_call&mac=001fc1aabbcc&cid=1&remote=1002",
        f"event=dnd_on&mac={webhook_id}&ip=x%zz%FF&remote={webhook_id}",
        f"event={webhook_id}",
        "event=established&event=terminated",
        "nothing=at_all",
        "event=" + "x" * 9000,
        *["event=dnd_on&mac=001fc1000001"] * 4,  # another phone: repair
        *["event=dnd_off"] * 200,  # a flood (the burst is 150)
    ]
    for query in queries:
        await client.get(URL(f"{path}?{query}", encoded=True))
    await client.post(path, data=b"event=dnd_on")
    await client.get(f"/api/webhook/{webhook_id[:-1]}x?event=dnd_on")
    phone = entry.runtime_data.phone
    phone.async_handle_request("event=dnd_on", "203.0.113.9")  # not local
    phone.async_handle_request("event=dnd_on", None, cloud=True)
    assert entry.data[CONF_MAC] == "001fc1aabbcc"  # learnt, then kept

    # The listener, its refusals included.
    listener_client = await hass_client()
    port = free_port()
    flow = await open_options_step(hass, entry.entry_id, "listener")
    await hass.config_entries.options.async_configure(
        flow["flow_id"],
        {"listener_enabled": True, "listener_port": port, "use_listener": True},
    )
    await hass.async_block_till_done()
    for target in (
        f"{path}?event=terminated".encode(),
        path.encode() + b"x?event=dnd_on",
        b"/" + webhook_id.encode() * 200,
        path.encode() + b"?" + b"a" * 9000,
    ):
        await exchange(port, get(target))

    # Reconfigure: a new webhook id.
    flow = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": SOURCE_RECONFIGURE, "entry_id": entry.entry_id}
    )
    flow = await hass.config_entries.flow.async_configure(
        flow["flow_id"], {"name": "Desk", "regenerate_webhook": True}
    )
    secrets.add(flow["description_placeholders"]["base_url"])
    await hass.config_entries.flow.async_configure(flow["flow_id"], {})
    await hass.async_block_till_done()
    secrets.add(entry.data[CONF_WEBHOOK_ID])

    diagnostics = await async_get_config_entry_diagnostics(hass, entry)
    response = await listener_client.get(
        f"/api/diagnostics/config_entry/{entry.entry_id}"
    )
    assert response.status == 200
    dumped = str(diagnostics) + await response.text()

    assert await hass.config_entries.async_unload(entry.entry_id)
    await hass.config_entries.async_remove(entry.entry_id)
    await hass.async_block_till_done()

    log = our_log(caplog)
    assert "rejected a request" in log  # the paths were taken
    assert "more than 5 requests a second" in log
    for secret in secrets:
        assert secret not in log
        assert secret not in dumped
    assert webhook_id[:16] not in log
