"""Repairs the user can fix from the UI."""

from typing import TYPE_CHECKING, Any

import voluptuous as vol

from homeassistant.components.repairs import RepairsFlow
from homeassistant.core import HomeAssistant

from .identity import async_mac_owner, async_pin_mac, pinned_mac
from .protocol import format_mac
from .views import NO_LOCAL_URL_ISSUE, async_check_local_url

if TYPE_CHECKING:  # not importable on Home Assistant 2026.3
    from homeassistant.components.repairs import RepairsFlowResult


class NoLocalUrlRepairFlow(RepairsFlow):
    """Check again, once the user has set a local URL."""

    async def async_step_init(
        self, user_input: dict[str, str] | None = None
    ) -> RepairsFlowResult:
        """Start with the confirmation."""
        return await self.async_step_confirm()

    async def async_step_confirm(
        self, user_input: dict[str, str] | None = None
    ) -> RepairsFlowResult:
        """Check the local URL when the user confirms."""
        errors: dict[str, str] = {}
        if user_input is not None:
            if async_check_local_url(self.hass):
                return self.async_create_entry(data={})
            errors["base"] = "still_no_local_url"
        return self.async_show_form(
            step_id="confirm", data_schema=vol.Schema({}), errors=errors
        )


class MacMismatchRepairFlow(RepairsFlow):
    """Pin the phone to the MAC address its requests now carry."""

    def __init__(self, entry_id: str, mac: str, ip: str) -> None:
        """Remember which phone, which MAC and where its requests came from."""
        self._entry_id = entry_id
        self._mac = mac
        self._ip = ip

    async def async_step_init(
        self, user_input: dict[str, str] | None = None
    ) -> RepairsFlowResult:
        """Start with the confirmation."""
        return await self.async_step_confirm()

    async def async_step_confirm(
        self, user_input: dict[str, str] | None = None
    ) -> RepairsFlowResult:
        """Re-pin the phone when the user confirms."""
        entry = self.hass.config_entries.async_get_entry(self._entry_id)
        if entry is None:
            return self.async_abort(reason="phone_removed")
        if user_input is not None:
            if other := async_mac_owner(self.hass, self._mac, entry.entry_id):
                return self.async_abort(
                    reason="mac_in_use", description_placeholders={"other": other.title}
                )
            async_pin_mac(self.hass, entry, self._mac)
            return self.async_create_entry(data={})
        return self.async_show_form(
            step_id="confirm",
            data_schema=vol.Schema({}),
            description_placeholders={
                "name": entry.title,
                "mac": format_mac(self._mac),
                "ip": self._ip,
                "pinned_mac": format_mac(pinned)
                if (pinned := pinned_mac(entry))
                else "-",
            },
        )


async def async_create_fix_flow(
    hass: HomeAssistant, issue_id: str, data: dict[str, Any] | None
) -> RepairsFlow:
    """Return the flow that fixes an issue."""
    if issue_id == NO_LOCAL_URL_ISSUE:
        return NoLocalUrlRepairFlow()
    assert data is not None
    return MacMismatchRepairFlow(
        str(data["entry_id"]), str(data["mac"]), str(data.get("ip", "?"))
    )
