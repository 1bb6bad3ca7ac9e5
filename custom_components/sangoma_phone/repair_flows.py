"""Repair flows: stale URLs and a phone added twice."""

from typing import TYPE_CHECKING

import voluptuous as vol

from homeassistant.components.repairs import RepairsFlow
from homeassistant.helpers.network import NoURLAvailableError

from .const import CONF_WEBHOOK_ID
from .duplicates import async_merge
from .flow_helpers import phone_urls
from .stale_urls import async_urls_given, quiet_phones
from .views import phone_base_url

if TYPE_CHECKING:  # not importable on Home Assistant 2026.3
    from homeassistant.components.repairs import RepairsFlowResult

NOTHING = "—"


class StaleUrlsRepairFlow(RepairsFlow):
    """Show a phone's new URLs; confirm once the phone has them."""

    def __init__(self, entry_id: str) -> None:
        """Remember which phone."""
        self._entry_id = entry_id

    async def async_step_init(
        self, user_input: dict[str, str] | None = None
    ) -> RepairsFlowResult:
        """Show the new URLs, with two choices: done, or which phones are quiet."""
        entry = self.hass.config_entries.async_get_entry(self._entry_id)
        if entry is None:
            return self.async_abort(reason="phone_removed")
        placeholders = phone_urls(
            self.hass, entry.data[CONF_WEBHOOK_ID], entry.entry_id, entry.options
        )
        if placeholders is None:
            return self.async_abort(reason="no_local_url")
        return self.async_show_menu(
            step_id="init",
            menu_options=["confirm", "quiet"],
            description_placeholders={"name": entry.title, **placeholders},
        )

    async def async_step_confirm(
        self, user_input: dict[str, str] | None = None
    ) -> RepairsFlowResult:
        """The phone has its new URLs: remember the base, clear the repair."""
        entry = self.hass.config_entries.async_get_entry(self._entry_id)
        if entry is None:
            return self.async_abort(reason="phone_removed")
        try:
            base = phone_base_url(self.hass, entry.options)
        except NoURLAvailableError:
            return self.async_abort(reason="no_local_url")
        async_urls_given(self.hass, entry, base)
        return self.async_create_entry(data={})

    async def async_step_quiet(
        self, user_input: dict[str, str] | None = None
    ) -> RepairsFlowResult:
        """List the phones that have sent nothing since their URLs changed."""
        if user_input is not None:
            return await self.async_step_init()
        lines = [
            f"- **{name}**: last request "
            + (last.isoformat(timespec="seconds") if last else "never")
            for name, last in quiet_phones(self.hass)
        ]
        return self.async_show_form(
            step_id="quiet",
            data_schema=vol.Schema({}),
            description_placeholders={"phones": "\n".join(lines) or NOTHING},
        )


class DuplicatePhoneRepairFlow(RepairsFlow):
    """Merge a phone added twice into the entry that had it first."""

    def __init__(self, entry_id: str, owner_id: str) -> None:
        """Remember the duplicate and the entry that owns the phone."""
        self._entry_id = entry_id
        self._owner_id = owner_id

    async def async_step_init(
        self, user_input: dict[str, str] | None = None
    ) -> RepairsFlowResult:
        """Start with the confirmation (the init data is the issue, not input)."""
        return await self.async_step_confirm()

    async def async_step_confirm(
        self, user_input: dict[str, str] | None = None
    ) -> RepairsFlowResult:
        """Merge when the user confirms."""
        entries = self.hass.config_entries
        duplicate = entries.async_get_entry(self._entry_id)
        owner = entries.async_get_entry(self._owner_id)
        if duplicate is None or owner is None:
            return self.async_abort(reason="phone_removed")
        if user_input is not None:
            await async_merge(self.hass, duplicate, owner)
            return self.async_create_entry(data={})
        return self.async_show_form(
            step_id="confirm",
            data_schema=vol.Schema({}),
            description_placeholders={"name": duplicate.title, "other": owner.title},
        )
