"""Config flow for Sangoma Phone."""

from typing import Any

from homeassistant.config_entries import ConfigFlow, ConfigFlowResult
import voluptuous as vol

from .const import DOMAIN


class SangomaPhoneConfigFlow(ConfigFlow, domain=DOMAIN):
    """Add a Sangoma phone."""

    VERSION = 1

    async def async_step_user(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Ask for the phone's name."""
        if user_input is not None:
            return self.async_create_entry(title=user_input["name"], data=user_input)
        return self.async_show_form(
            step_id="user", data_schema=vol.Schema({vol.Required("name"): str})
        )
