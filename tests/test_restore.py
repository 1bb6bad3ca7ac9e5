"""A crafted request or damaged stored state never breaks a phone."""

from typing import Any

import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.sangoma_phone.const import DOMAIN
from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr

from .conftest import SendRequest, phone_device
from .test_init import start_with_stored

CRAFTED = "fe80::1%25a%5Db"  # an IPv6 scope id holding "]"


def _configuration_url(hass: HomeAssistant) -> str | None:
    device = phone_device(dr.async_get(hass))
    assert device is not None
    return device.configuration_url


async def test_crafted_ip_changes_nothing(
    hass: HomeAssistant, init_integration: MockConfigEntry, send: SendRequest
) -> None:
    """Refused before any state changes; later requests and a reload work."""
    assert (await send("registered", {"ip": "192.0.2.50"})).status == 200
    response = await send("registered", f"ip={CRAFTED}")
    assert response.status == 200  # the event counts, the address does not
    assert (await send("registered", "ip=$ip")).status == 200
    assert _configuration_url(hass) == "http://192.0.2.50"
    assert await hass.config_entries.async_reload(init_integration.entry_id)
    await hass.async_block_till_done()
    assert init_integration.state is ConfigEntryState.LOADED
    assert _configuration_url(hass) == "http://192.0.2.50"


async def test_scoped_ipv6_has_no_configuration_url(
    hass: HomeAssistant, init_integration: MockConfigEntry, send: SendRequest
) -> None:
    assert (await send("registered", {"ip": "fe80::1%eth0"})).status == 200
    assert _configuration_url(hass) is None
    assert (await send("registered", {"ip": "fe80::1"})).status == 200
    assert _configuration_url(hass) == "http://[fe80::1]"


@pytest.mark.parametrize(
    ("stored", "dropped"),
    [
        ({"state": {"ip": "fe80::1%a]b", "dnd": True}}, "ip"),
        ({"state": {"mac": "not a mac", "dnd": True}}, "mac"),
        ({"state": {"missed_calls": -3, "dnd": True}}, "missed_calls"),
        ({"state": {"calls": {"c1": "garbage"}, "dnd": True}}, "calls"),
        ({"state": ["garbage"]}, "state"),
        (["garbage"], "state"),
    ],
)
async def test_stored_state_that_does_not_load_is_dropped(
    hass: HomeAssistant,
    hass_storage: dict[str, Any],
    mock_config_entry: MockConfigEntry,
    local_url: str,
    caplog: pytest.LogCaptureFixture,
    stored: Any,
    dropped: str,
) -> None:
    """Never a setup error: the unusable part goes, with a warning."""
    await start_with_stored(hass, hass_storage, mock_config_entry, stored)
    assert mock_config_entry.state is ConfigEntryState.LOADED
    assert f"dropped unusable stored values: {dropped}" in caplog.text
    if isinstance(stored, dict) and isinstance(stored["state"], dict):
        assert hass.states.get("binary_sensor.desk_phone_do_not_disturb").state == "on"
    assert _configuration_url(hass) is None


async def test_unreadable_store_is_dropped(
    hass: HomeAssistant,
    hass_storage: dict[str, Any],
    mock_config_entry: MockConfigEntry,
    local_url: str,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A store without its version (hand-edited, say) does not stop setup."""
    key = f"{DOMAIN}.{mock_config_entry.entry_id}"
    hass_storage[key] = {"key": key, "data": {"state": {}}}
    mock_config_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(mock_config_entry.entry_id)
    await hass.async_block_till_done()
    assert mock_config_entry.state is ConfigEntryState.LOADED
    assert "dropped its unreadable stored state" in caplog.text
