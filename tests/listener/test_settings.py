"""The listener's settings: stored values and the URLs the phones are given."""

from typing import Any

import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.sangoma_phone.const import (
    CONF_LOCAL_ONLY,
    CONF_USE_LISTENER,
    DEFAULT_LISTENER_PORT,
)
from custom_components.sangoma_phone.listener import DATA_LISTENER, ListenerSettings
from custom_components.sangoma_phone.urls import phone_event_urls
from custom_components.sangoma_phone.urls.page import async_url_placeholders
from homeassistant.core import HomeAssistant
from homeassistant.core_config import async_process_ha_core_config

from ..conftest import WEBHOOK_ID
from .conftest import PATH


@pytest.mark.parametrize(
    "data",
    [
        None,
        "garbage",
        {"enabled": "yes", "port": "8125"},
        {"enabled": True, "port": True},
        {"enabled": True, "port": 70000},
        {"enabled": True, "port": 0},
    ],
)
def test_damaged_settings(data: Any) -> None:
    """Damaged settings fall back to the default, field by field."""
    settings = ListenerSettings.from_dict(data)
    assert settings.port == DEFAULT_LISTENER_PORT
    assert settings.enabled is (isinstance(data, dict) and data["enabled"] is True)


def test_settings_round_trip() -> None:
    """Stored settings read back as they were."""
    settings = ListenerSettings(enabled=True, port=8125)
    assert settings.as_dict() == {"enabled": True, "port": 8125}
    assert ListenerSettings.from_dict(settings.as_dict()) == settings


async def test_urls_use_the_listener(
    hass: HomeAssistant, listener: int, init_integration: MockConfigEntry
) -> None:
    """A phone set to the listener gets its base URL; only the base differs."""
    webhook_url = phone_event_urls(hass, init_integration)["incoming_call"]
    hass.config_entries.async_update_entry(
        init_integration, options={CONF_LOCAL_ONLY: True, CONF_USE_LISTENER: True}
    )
    listener_url = phone_event_urls(hass, init_integration)["incoming_call"]
    assert listener_url == webhook_url.replace(
        "http://homeassistant.local:8123", f"http://homeassistant.local:{listener}"
    )
    placeholders = await async_url_placeholders(
        hass, WEBHOOK_ID, options=init_integration.options
    )
    assert placeholders["base_url"] == (
        f"http://homeassistant.local:{listener}/api/webhook/{WEBHOOK_ID}"
    )

    # A listener switched off falls back to Home Assistant's URL.
    await hass.data[DATA_LISTENER].async_set_settings(
        ListenerSettings(enabled=False, port=listener)
    )
    assert phone_event_urls(hass, init_integration)["incoming_call"] == webhook_url


async def test_listener_url_ipv6(hass: HomeAssistant, listener: int) -> None:
    """The host of an IPv6 local URL keeps its brackets, the port is replaced."""
    await async_process_ha_core_config(hass, {"internal_url": "https://[fd00::5]:8123"})
    placeholders = await async_url_placeholders(
        hass, WEBHOOK_ID, options={CONF_USE_LISTENER: True}
    )
    assert placeholders["base_url"] == f"http://[fd00::5]:{listener}{PATH.decode()}"
