"""Repairs the user can fix from the UI: no local URL, another phone's MAC,
stale URLs, and a phone added twice."""

from typing import Any

import voluptuous as vol

from homeassistant.components.repairs import RepairsFlow
from homeassistant.const import CONF_HOST
from homeassistant.core import HomeAssistant
from homeassistant.helpers import issue_registry as ir
from homeassistant.helpers.network import NoURLAvailableError

from .compat import RepairsFlowResult
from .const import CONF_FOLLOW_PHONE_IP, CONF_WEBHOOK_ID, DOMAIN, NOTHING
from .identity import (
    DUPLICATE_PHONE,
    async_mac_owner,
    async_merge,
    async_pin_mac,
    mac_mismatch_issue_id,
    pinned_mac,
)
from .protocol import format_mac
from .urls import NO_LOCAL_URL, async_check_local_url, phone_base_url
from .urls.page import async_phone_urls
from .urls.stale import STALE_URLS, async_urls_given, quiet_phones
from .web_access.settings import (
    WEB_ACCESS_MOVED,
    async_track_phone_ip,
    moved_issue_id,
    stored_settings,
)


class _ConfirmRepairFlow(RepairsFlow):
    """A repair that starts with its confirmation (the init data is the issue)."""

    async def async_step_init(
        self, user_input: dict[str, str] | None = None
    ) -> RepairsFlowResult:
        """Start with the confirmation."""
        return await self.async_step_confirm()

    async def async_step_confirm(
        self, user_input: dict[str, str] | None = None
    ) -> RepairsFlowResult:
        """Show the confirmation; act once the user confirms."""
        raise NotImplementedError


class NoLocalUrlRepairFlow(_ConfirmRepairFlow):
    """Check again, once the user has set a local URL."""

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
                else NOTHING,
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
        placeholders = await async_phone_urls(
            self.hass, entry.data[CONF_WEBHOOK_ID], entry.entry_id, entry.options
        )
        if placeholders is None:
            return self.async_abort(reason=NO_LOCAL_URL)
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
            return self.async_abort(reason=NO_LOCAL_URL)
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


class DuplicatePhoneRepairFlow(_ConfirmRepairFlow):
    """Merge a phone added twice into the entry that had it first."""

    def __init__(self, entry_id: str, owner_id: str) -> None:
        """Remember the duplicate and the entry that owns the phone."""
        self._entry_id = entry_id
        self._owner_id = owner_id

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


class WebAccessMovedRepairFlow(_ConfirmRepairFlow):
    """Follow an address the phone reported without proving it, once confirmed."""

    def __init__(self, entry_id: str, ip: str) -> None:
        """Remember which phone and which address."""
        self._entry_id = entry_id
        self._ip = ip

    async def async_step_confirm(
        self, user_input: dict[str, str] | None = None
    ) -> RepairsFlowResult:
        """Move the web access host to the address once the user confirms."""
        entry = self.hass.config_entries.async_get_entry(self._entry_id)
        if entry is None:
            return self.async_abort(reason="phone_removed")
        current = stored_settings(entry)
        if current is None or not current.get(CONF_FOLLOW_PHONE_IP):
            ir.async_delete_issue(self.hass, DOMAIN, moved_issue_id(self._entry_id))
            return self.async_abort(
                reason="not_following", description_placeholders={"name": entry.title}
            )
        if user_input is not None:
            async_track_phone_ip(self.hass, entry, self._ip)
            return self.async_create_entry(data={})
        issue = ir.async_get(self.hass).async_get_issue(
            DOMAIN, moved_issue_id(self._entry_id)
        )
        placeholders = dict(issue.translation_placeholders or {}) if issue else {}
        return self.async_show_form(
            step_id="confirm",
            data_schema=vol.Schema({}),
            description_placeholders={
                "source": "?",
                **placeholders,
                "name": entry.title,
                "ip": self._ip,
                "host": str(current[CONF_HOST]),
            },
        )


async def async_create_fix_flow(
    hass: HomeAssistant, issue_id: str, data: dict[str, Any] | None
) -> RepairsFlow:
    """Return the flow that fixes an issue."""
    if issue_id == NO_LOCAL_URL:
        return NoLocalUrlRepairFlow()
    assert data is not None
    if issue_id.startswith(STALE_URLS):
        return StaleUrlsRepairFlow(str(data["entry_id"]))
    if issue_id.startswith(WEB_ACCESS_MOVED):
        return WebAccessMovedRepairFlow(str(data["entry_id"]), str(data["ip"]))
    if issue_id.startswith(DUPLICATE_PHONE):
        return DuplicatePhoneRepairFlow(str(data["entry_id"]), str(data["owner_id"]))
    return MacMismatchRepairFlow(
        str(data["entry_id"]), str(data["mac"]), str(data.get("ip", "?"))
    )
