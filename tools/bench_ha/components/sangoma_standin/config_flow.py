"""Config flow of the stand-in: a name and a MAC, nothing checked."""

from typing import Any

import voluptuous as vol

from homeassistant.config_entries import ConfigFlow, ConfigFlowResult

from . import DOMAIN


class StandInFlow(ConfigFlow, domain=DOMAIN):
    """Add a stand-in phone: a name and a MAC."""

    VERSION = 1

    async def async_step_user(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Create the entry at once."""
        if user_input is None:
            return self.async_show_form(
                step_id="user",
                data_schema=vol.Schema(
                    {vol.Required("name"): str, vol.Required("mac"): str}
                ),
            )
        await self.async_set_unique_id(user_input["mac"])
        self._abort_if_unique_id_configured()
        return self.async_create_entry(
            title=user_input["name"], data={"mac": user_input["mac"]}
        )
