"""Stand-ins for the integrations onboarding starts on its own.

Onboarding's core_config step starts met, radio_browser, google_translate and
shopping_list. Set up for real, some of them reach for the internet at once
(weather, DNS lookups of radio servers), before the tests could delete their
entries; nothing in the end-to-end tests may send a packet anywhere but
127.0.0.1. The test configuration's custom_components/ therefore holds these
stand-ins, which override the core integrations and add nothing.
"""

from typing import Any

from homeassistant.config_entries import ConfigFlow, ConfigFlowResult
from homeassistant.core import HomeAssistant
from homeassistant.helpers.typing import ConfigType


async def async_setup(hass: HomeAssistant, config: ConfigType) -> bool:
    """Set up nothing."""
    return True


class StubFlow(ConfigFlow):
    """A flow that never creates an entry."""

    async def async_step_onboarding(
        self, data: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Abort the flow onboarding starts."""
        return self.async_abort(reason="not_in_e2e_tests")

    async def async_step_user(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Abort a flow started by hand."""
        return self.async_abort(reason="not_in_e2e_tests")
