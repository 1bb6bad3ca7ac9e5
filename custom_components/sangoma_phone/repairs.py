"""Repairs the user can fix from the UI."""

from typing import TYPE_CHECKING, Any

import voluptuous as vol

from homeassistant.components.repairs import RepairsFlow
from homeassistant.core import HomeAssistant
from homeassistant.helpers import issue_registry as ir

from .const import DOMAIN
from .duplicates import DUPLICATE_PHONE
from .identity import async_mac_owner, async_pin_mac, mac_mismatch_issue_id, pinned_mac
from .protocol import format_mac
from .repair_flows import DuplicatePhoneRepairFlow, StaleUrlsRepairFlow
from .stale_urls import STALE_URLS
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
    """Another phone's requests: pin the phone to it, or keep the current one."""

    def __init__(self, entry_id: str, mac: str, ip: str) -> None:
        """Remember which phone, which MAC and where its requests came from."""
        self._entry_id = entry_id
        self._mac = mac
        self._ip = ip

    async def async_step_init(
        self, user_input: dict[str, str] | None = None
    ) -> RepairsFlowResult:
        """Offer both choices: the phone was replaced, or keep the current one."""
        entry = self.hass.config_entries.async_get_entry(self._entry_id)
        if entry is None:
            return self.async_abort(reason="phone_removed")
        return self.async_show_menu(
            step_id="init",
            menu_options=["pin", "keep"],
            description_placeholders={
                "name": entry.title,
                "mac": format_mac(self._mac),
                "ip": self._ip,
                "pinned_mac": format_mac(pinned)
                if (pinned := pinned_mac(entry))
                else "-",
            },
        )

    async def async_step_pin(
        self, user_input: dict[str, str] | None = None
    ) -> RepairsFlowResult:
        """The phone was replaced: pin the new MAC."""
        entry = self.hass.config_entries.async_get_entry(self._entry_id)
        if entry is None:
            return self.async_abort(reason="phone_removed")
        if other := async_mac_owner(self.hass, self._mac, entry.entry_id):
            return self.async_abort(
                reason="mac_in_use", description_placeholders={"other": other.title}
            )
        async_pin_mac(self.hass, entry, self._mac)
        return self.async_create_entry(data={})

    async def async_step_keep(
        self, user_input: dict[str, str] | None = None
    ) -> RepairsFlowResult:
        """Keep the current phone: the other phone's requests stay ignored."""
        ir.async_ignore_issue(
            self.hass, DOMAIN, mac_mismatch_issue_id(self._entry_id), True
        )
        return self.async_abort(
            reason="kept", description_placeholders={"mac": format_mac(self._mac)}
        )


async def async_create_fix_flow(
    hass: HomeAssistant, issue_id: str, data: dict[str, Any] | None
) -> RepairsFlow:
    """Return the flow that fixes an issue."""
    if issue_id == NO_LOCAL_URL_ISSUE:
        return NoLocalUrlRepairFlow()
    assert data is not None
    if issue_id.startswith(STALE_URLS):
        return StaleUrlsRepairFlow(str(data["entry_id"]))
    if issue_id.startswith(DUPLICATE_PHONE):
        return DuplicatePhoneRepairFlow(str(data["entry_id"]), str(data["owner_id"]))
    return MacMismatchRepairFlow(
        str(data["entry_id"]), str(data["mac"]), str(data.get("ip", "?"))
    )
