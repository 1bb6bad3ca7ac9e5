"""Tests for setting up the integration."""

from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.sangoma_phone.const import DOMAIN
from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import HomeAssistant


async def test_setup_and_unload(hass: HomeAssistant) -> None:
    """The integration loads and unloads."""
    entry = MockConfigEntry(domain=DOMAIN, title="Desk", data={"name": "Desk"})
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    assert entry.state is ConfigEntryState.LOADED
    assert await hass.config_entries.async_unload(entry.entry_id)
    assert entry.state is ConfigEntryState.NOT_LOADED
