"""The first hour: the setup's test of the phone, the "no report yet" repair,
and when the phone last reported."""

from datetime import timedelta
from http import HTTPStatus
from unittest.mock import patch

from freezegun.api import FrozenDateTimeFactory
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_fire_time_changed,
)

from custom_components.sangoma_phone.const import CONF_WEBHOOK_ID, DOMAIN
from custom_components.sangoma_phone.webhook import MAX_WAITING_REQUESTS
from homeassistant.components import webhook
from homeassistant.config_entries import SOURCE_USER
from homeassistant.const import CONF_NAME
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResult, FlowResultType
from homeassistant.helpers import issue_registry as ir
from homeassistant.setup import async_setup_component

from .conftest import MAC, SendRequest

ISSUE = "no_report_{}"
LAST_REPORT = "sensor.desk_last_report"
TROUBLESHOOTING = (
    "https://github.com/sangoma-phone-ha/ha-sangoma-phone/blob/main/docs/"
    "troubleshooting.md"
)


@pytest.fixture(autouse=True)
async def web(hass: HomeAssistant) -> None:
    """The integration and its web views, set up before the web server starts
    (as at Home Assistant's start)."""
    assert await async_setup_component(hass, DOMAIN, {})


async def start(hass: HomeAssistant, **user: str) -> FlowResult:
    """Name the phone: the flow shows its URLs (a menu: test or add now)."""
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": SOURCE_USER}
    )
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_NAME: "Desk", **user}
    )
    assert result["type"] is FlowResultType.MENU
    assert result["step_id"] == "urls"
    assert result["description_placeholders"]["name"] == "Desk"
    return result


def webhook_of(result: FlowResult) -> str:
    return result["description_placeholders"]["base_url"].rpartition("/")[2]


async def choose(hass: HomeAssistant, result: FlowResult, step: str) -> FlowResult:
    return await hass.config_entries.flow.async_configure(
        result["flow_id"], {"next_step_id": step}
    )


def no_report_issue(hass: HomeAssistant, entry_id: str) -> ir.IssueEntry | None:
    return ir.async_get(hass).async_get_issue(DOMAIN, f"no_report_{entry_id}")


@pytest.mark.usefixtures("local_url")
async def test_the_test_confirms_the_phone(
    hass: HomeAssistant, send: SendRequest
) -> None:
    """DND pressed on the phone during setup: Check adds the phone, says what
    arrived from where, and the phone shows it (DND on) at once; no repair."""
    result = await start(hass)
    webhook_id = webhook_of(result)
    result = await choose(hass, result, "test")
    assert result["type"] is FlowResultType.MENU
    assert result["step_id"] == "test"
    assert result["menu_options"] == ["check", "finish"]

    assert (await send("dnd_on", webhook_id=webhook_id)).status == HTTPStatus.OK
    assert hass.config_entries.async_entries(DOMAIN) == []  # nothing added yet
    result = await choose(hass, result, "check")
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["description"] == "tested"
    assert result["description_placeholders"] == {
        "name": "Desk",
        "event": "DND turned on",
        "source": "127.0.0.1",
    }
    await hass.async_block_till_done()
    entry = result["result"]
    assert entry.data[CONF_WEBHOOK_ID] == webhook_id
    assert hass.states.get("binary_sensor.desk_do_not_disturb").state == "on"
    assert hass.states.get(LAST_REPORT).state != "unknown"
    assert no_report_issue(hass, entry.entry_id) is None
    # The phone's own webhook took over: the next request changes it.
    assert (await send("dnd_off", webhook_id=webhook_id)).status == HTTPStatus.OK
    assert hass.states.get("binary_sensor.desk_do_not_disturb").state == "off"


@pytest.mark.usefixtures("local_url")
async def test_nothing_arrived_then_added_anyway(
    hass: HomeAssistant, send: SendRequest
) -> None:
    """No request: Check says what to check and links the troubleshooting
    page; the phone can still be added. Repairs then says it has not reported
    (across a reload), until its first request."""
    result = await start(hass)
    webhook_id = webhook_of(result)
    result = await choose(hass, result, "test")
    with patch("custom_components.sangoma_phone.config_flow.FIRST_REQUEST_WAIT", 0):
        result = await choose(hass, result, "check")
    assert result["type"] is FlowResultType.MENU
    assert result["step_id"] == "not_received"
    assert result["menu_options"] == ["check", "finish"]
    placeholders = result["description_placeholders"]
    assert placeholders["troubleshooting"] == TROUBLESHOOTING
    assert placeholders["base_url"].endswith(webhook_id)

    result = await choose(hass, result, "finish")
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["description"] is None
    await hass.async_block_till_done()
    entry = result["result"]
    issue = no_report_issue(hass, entry.entry_id)
    assert issue is not None
    assert issue.learn_more_url == TROUBLESHOOTING
    assert issue.translation_placeholders == {"name": "Desk"}
    assert hass.states.get(LAST_REPORT).state == "unknown"

    assert await hass.config_entries.async_reload(entry.entry_id)
    await hass.async_block_till_done()
    assert no_report_issue(hass, entry.entry_id) is not None  # still true

    assert (await send("registered", webhook_id=webhook_id)).status == HTTPStatus.OK
    assert no_report_issue(hass, entry.entry_id) is None
    assert await hass.config_entries.async_reload(entry.entry_id)
    await hass.async_block_till_done()
    assert no_report_issue(hass, entry.entry_id) is None  # reported: stored


@pytest.mark.usefixtures("local_url")
async def test_adding_now_skips_the_test(hass: HomeAssistant) -> None:
    """ "Add now" adds the phone at once; closing the setup frees the URL."""
    result = await start(hass)
    result = await choose(hass, result, "finish")
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done()

    result = await start(hass, mac="00:1f:c1:00:00:02")
    webhook_id = webhook_of(result)
    assert webhook_id in hass.data[webhook.DOMAIN]  # waiting for the phone
    hass.config_entries.flow.async_abort(result["flow_id"])
    assert webhook_id not in hass.data[webhook.DOMAIN]


@pytest.mark.usefixtures("local_url")
async def test_what_the_waiting_url_takes(
    hass: HomeAssistant, send: SendRequest
) -> None:
    """While waiting: another phone's MAC is refused, a malformed request too;
    at most MAX_WAITING_REQUESTS are kept; none of them changes anything."""
    result = await start(hass, mac=MAC)
    webhook_id = webhook_of(result)
    other = await send("dnd_on", webhook_id=webhook_id, mac="001fc1999999")
    assert other.status == HTTPStatus.FORBIDDEN
    assert (await send("no_such_event", webhook_id=webhook_id)).status == 400
    for _ in range(MAX_WAITING_REQUESTS):
        assert (await send("dnd_on", webhook_id=webhook_id)).status == HTTPStatus.OK
    too_many = await send("dnd_off", webhook_id=webhook_id)
    assert too_many.status == HTTPStatus.TOO_MANY_REQUESTS
    result = await choose(hass, result, "test")
    result = await choose(hass, result, "check")
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done()
    # The kept requests were the phone's (DND on), not the refused ones.
    assert hass.states.get("binary_sensor.desk_do_not_disturb").state == "on"


async def test_last_report_to_the_minute(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    send: SendRequest,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Last report shows the first request's time, then moves once a minute
    at most (a call's burst writes it once)."""
    sensor = "sensor.desk_phone_last_report"
    assert hass.states.get(sensor).state == "unknown"
    await send("incoming_call", {"cid": "1", "remote": "1002"})
    first = hass.states.get(sensor).state
    assert first != "unknown"
    freezer.tick(timedelta(seconds=30))
    await send("established", {"cid": "1", "remote": "1002"})
    assert hass.states.get(sensor).state == first
    freezer.tick(timedelta(seconds=31))
    await send("terminated", {"cid": "1", "remote": "1002"})
    assert hass.states.get(sensor).state != first
    async_fire_time_changed(hass)
