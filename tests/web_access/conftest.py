"""Fixtures of the web access tests: a fake phone and a phone entry using it."""

from collections.abc import AsyncGenerator
from typing import Any
from unittest.mock import patch

import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.sangoma_phone.const import (
    CONF_AUTH,
    CONF_FOLLOW_PHONE_IP,
    CONF_HTTPS,
    CONF_LOCAL_ONLY,
    CONF_MAC,
    CONF_WEB_ACCESS,
    CONF_WEBHOOK_ID,
    DOMAIN,
)
from custom_components.sangoma_phone.web_access.client import WebAccessClient
from homeassistant.const import (
    CONF_HOST,
    CONF_PASSWORD,
    CONF_PORT,
    CONF_USERNAME,
    CONF_VERIFY_SSL,
)
from homeassistant.core import HomeAssistant

from ..conftest import ENTRY_ID, MAC, WEBHOOK_ID
from ..fake_phone import HOST, FakePhone

PASSWORD = "s3cret-Pa55w0rd"
FAST = 0.3  # seconds: the injected timeout for tests that wait for one
DND_SWITCH = "switch.desk_phone_do_not_disturb"
DND_SENSOR = "binary_sensor.desk_phone_do_not_disturb"
REBOOT = "button.desk_phone_reboot"
PROVISION = "button.desk_phone_provision_now"
WEB_ACCESS = "binary_sensor.desk_phone_web_access"


@pytest.fixture(autouse=True)
def sockets(socket_enabled: None) -> None:
    """The fake phone listens on 127.0.0.1; connections elsewhere stay blocked."""


@pytest.fixture(autouse=True)
def fast_timeouts() -> Any:
    """Let a hanging phone time out quickly."""
    with patch.object(WebAccessClient, "timeout", FAST):
        yield


@pytest.fixture(params=["basic", "digest"])
def scheme(request: pytest.FixtureRequest) -> str:
    """Run a test once per authentication scheme."""
    return str(request.param)


@pytest.fixture
async def fake_phone(scheme: str) -> AsyncGenerator[FakePhone]:
    """Return a running fake phone that enforces the scheme."""
    async with FakePhone(auth=scheme, password=PASSWORD) as phone:  # type: ignore[arg-type]
        yield phone


def web_access_data(phone: FakePhone, **changes: Any) -> dict[str, Any]:
    """Return stored web access settings for the fake phone, as the flow
    stores them: with the scheme that worked (Basic once the user allowed it)."""
    return {
        **({CONF_AUTH: phone.auth} if phone.auth else {}),
        CONF_HOST: HOST,
        CONF_FOLLOW_PHONE_IP: False,
        CONF_PORT: phone.port,
        CONF_HTTPS: False,
        CONF_VERIFY_SSL: True,
        CONF_USERNAME: "admin",
        CONF_PASSWORD: PASSWORD,
        **changes,
    }


@pytest.fixture
def mock_config_entry(fake_phone: FakePhone) -> MockConfigEntry:
    """Return a phone's config entry with web access to the fake phone."""
    return MockConfigEntry(
        domain=DOMAIN,
        title="Desk phone",
        unique_id=MAC,
        entry_id=ENTRY_ID,
        data={
            CONF_WEBHOOK_ID: WEBHOOK_ID,
            CONF_MAC: MAC,
            CONF_WEB_ACCESS: web_access_data(fake_phone),
        },
        options={CONF_LOCAL_ONLY: True},
    )


def line(target: str) -> bytes:
    """Return the request line a phone receives for a target."""
    return f"GET {target} HTTP/1.1".encode()


async def no_requests(hass: HomeAssistant, phone: FakePhone) -> bool:
    """Return whether the phone received nothing (after pending work ran)."""
    await hass.async_block_till_done()
    return phone.request_lines == []
