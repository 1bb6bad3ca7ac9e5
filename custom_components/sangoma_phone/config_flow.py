"""Config and reconfigure flows for Sangoma Phone: a phone and who it is."""

import asyncio
import contextlib
from typing import Any, override

import voluptuous as vol

from homeassistant.config_entries import ConfigFlowResult
from homeassistant.const import CONF_NAME
from homeassistant.core import callback
from homeassistant.helpers.selector import BooleanSelector, TextSelector
from homeassistant.helpers.service_info.dhcp import DhcpServiceInfo

from .const import (
    CONF_LOCAL_ONLY,
    CONF_MAC,
    CONF_URL_BASE,
    CONF_WEB_ACCESS,
    CONF_WEBHOOK_ID,
    DEFAULT_LOCAL_ONLY,
    DEFAULT_NAME,
    DOMAIN,
    FIRST_REQUEST_WAIT,
)
from .identity import async_mac_owner, async_pin_mac, parse_mac, pinned_mac
from .models import SangomaPhoneConfigEntry
from .options_flow import SangomaPhoneOptionsFlow
from .protocol import format_mac, normalize_mac
from .texts import async_troubleshooting_url, async_ui_texts
from .urls import NO_LOCAL_URL, phone_base_url
from .urls.page import async_phone_urls
from .urls.stale import async_urls_given
from .web_access.flow import (
    WebAccessReauthFlow,
    async_check_web_access,
    web_access_schema,
    web_access_suggestions,
)
from .web_access.settings import async_track_phone_ip
from .webhook import WaitingWebhook, async_hand_over, new_webhook_id

CONF_REGENERATE_WEBHOOK = "regenerate_webhook"


class SangomaPhoneConfigFlow(WebAccessReauthFlow, domain=DOMAIN):
    """Add a Sangoma phone; rename it, re-pin its MAC or renew its webhook."""

    VERSION = 1

    _discovered_ip: str | None = None
    _discovered_mac: str | None = None
    _new_webhook_id: str | None = None
    _new_title: str | None = None
    _new_mac: str | None = None
    _name: str = DEFAULT_NAME
    _mac: str | None = None
    _web_access: dict[str, Any] | None = None
    _waiting: WaitingWebhook | None = None
    _base_url = ""  # the phone's webhook URL the URL step showed

    @staticmethod
    @callback
    @override
    def async_get_options_flow(
        config_entry: SangomaPhoneConfigEntry,
    ) -> SangomaPhoneOptionsFlow:
        """Return the options flow."""
        return SangomaPhoneOptionsFlow()

    async def async_step_user(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Ask for a name and, optionally, the phone's MAC address."""
        errors: dict[str, str] = {}
        if user_input is not None:
            mac = parse_mac(user_input, errors)
            if not errors:
                if mac is not None:
                    await self.async_set_unique_id(mac)
                    self._abort_if_unique_id_configured()
                return await self._async_next(user_input, mac)
        return self.async_show_form(
            step_id="user",
            data_schema=self.add_suggested_values_to_schema(
                vol.Schema(
                    {
                        vol.Required(CONF_NAME, default=DEFAULT_NAME): TextSelector(),
                        vol.Optional(CONF_MAC): TextSelector(),
                        vol.Required(CONF_WEB_ACCESS, default=False): BooleanSelector(),
                    }
                ),
                user_input,
            ),
            errors=errors,
        )

    async def async_step_dhcp(
        self, discovery_info: DhcpServiceInfo
    ) -> ConfigFlowResult:
        """Offer a phone that DHCP discovery found."""
        mac = normalize_mac(discovery_info.macaddress)
        if mac is None:
            return self.async_abort(reason="invalid_mac")
        entry = self.hass.config_entries.async_entry_for_domain_unique_id(DOMAIN, mac)
        if entry is not None:  # a following web access host moves with the phone
            async_track_phone_ip(self.hass, entry, discovery_info.ip)
        await self.async_set_unique_id(mac)
        self._abort_if_unique_id_configured()
        self._discovered_ip = discovery_info.ip
        self._discovered_mac = mac
        self.context["title_placeholders"] = {"ip": discovery_info.ip}
        return await self.async_step_discovery_confirm()

    async def async_step_discovery_confirm(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Confirm adding a discovered phone; its MAC is pinned."""
        assert self._discovered_mac is not None
        if user_input is not None:
            return await self._async_next(user_input, self._discovered_mac)
        return self.async_show_form(
            step_id="discovery_confirm",
            data_schema=vol.Schema(
                {
                    vol.Required(CONF_NAME, default=DEFAULT_NAME): TextSelector(),
                    vol.Required(CONF_WEB_ACCESS, default=False): BooleanSelector(),
                }
            ),
            description_placeholders={
                "ip": self._discovered_ip or "",
                "mac": format_mac(self._discovered_mac),
            },
        )

    async def _async_next(
        self, user_input: dict[str, Any], mac: str | None
    ) -> ConfigFlowResult:
        """Show the URLs and add the phone, or first ask for its web access."""
        self._name, self._mac = user_input[CONF_NAME], mac
        if user_input.get(CONF_WEB_ACCESS):
            return await self.async_step_web_access()
        return await self._create_phone(self._name, mac)

    async def async_step_web_access(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Ask for the phone's web access (to control it) and check it."""
        errors: dict[str, str] = {}
        if user_input is not None:
            data = await async_check_web_access(
                self.hass, user_input, self._discovered_ip, errors
            )
            if data is not None:
                self._web_access = data
                return await self._create_phone(self._name, self._mac)
        return self.async_show_form(
            step_id="web_access",
            data_schema=self.add_suggested_values_to_schema(
                web_access_schema(),
                user_input or web_access_suggestions(None, self._discovered_ip),
            ),
            errors=errors,
            description_placeholders={"name": self._name},
        )

    async def _create_phone(self, name: str, mac: str | None) -> ConfigFlowResult:
        """Show the phone's URLs and offer the test (step "urls"), then add it."""
        self._new_title = name.strip() or DEFAULT_NAME
        self._new_mac = mac
        self._new_webhook_id = new_webhook_id()
        return await self.async_step_urls()

    async def async_step_urls(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Show the URLs (the minimal set first); add the phone now or test it."""
        assert self._new_webhook_id is not None
        urls = await async_phone_urls(self.hass, self._new_webhook_id, None)
        if urls is None:  # no local URL: the phone is added, the message says how
            return await self.async_step_finish()
        if self._waiting is None:
            self._waiting = WaitingWebhook(
                self.hass, self._new_webhook_id, self._new_title or "", self._new_mac
            )
        self._waiting.async_open()
        self._base_url = urls["base_url"]  # what the test's steps name
        return self.async_show_menu(
            step_id="urls",
            menu_options=["test", "finish"],
            description_placeholders={**urls, "name": self._new_title or ""},
        )

    async def async_step_test(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Ask for an event from the phone (DND pressed), then check for it."""
        return self.async_show_menu(
            step_id="test",
            menu_options=["check", "finish"],
            description_placeholders=self._test_placeholders(),
        )

    async def async_step_check(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Add the phone if it reported, or say what to check."""
        assert self._waiting is not None
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(FIRST_REQUEST_WAIT):
                await self._waiting.async_wait()
            return await self.async_step_finish()
        return await self.async_step_not_received()

    async def async_step_not_received(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Say what to check when nothing arrived; check again or add anyway."""
        return self.async_show_menu(
            step_id="not_received",
            menu_options=["check", "finish"],
            description_placeholders={
                **self._test_placeholders(),
                "troubleshooting": await async_troubleshooting_url(self.hass),
            },
        )

    def _test_placeholders(self) -> dict[str, str]:
        return {"name": self._new_title or "", "base_url": self._base_url}

    async def async_step_finish(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Add the phone, with the requests it sent during the setup."""
        assert self._new_webhook_id is not None
        urls = await async_phone_urls(self.hass, self._new_webhook_id, None)
        data: dict[str, Any] = {
            CONF_WEBHOOK_ID: self._new_webhook_id,
            CONF_MAC: self._new_mac,
        }
        if urls is not None:  # the base the phone was given (urls/stale.py)
            data[CONF_URL_BASE] = phone_base_url(self.hass, None)
        if self._web_access is not None:
            data[CONF_WEB_ACCESS] = self._web_access
        placeholders: dict[str, str] = {}
        description: str | None = None if urls else NO_LOCAL_URL
        if (waiting := self._waiting) is not None:
            waiting.async_close()  # the phone's own webhook takes over
            async_hand_over(self.hass, self._new_webhook_id, waiting.requests)
            if waiting.first is not None:
                description = "tested"
                placeholders = {
                    "name": self._new_title or DEFAULT_NAME,
                    "event": (await async_ui_texts(self.hass)).event_label(
                        waiting.first.event.key
                    ),
                    "source": waiting.first_source or "?",
                }
        return self.async_create_entry(
            title=self._new_title or DEFAULT_NAME,
            data=data,
            options={CONF_LOCAL_ONLY: DEFAULT_LOCAL_ONLY},
            # Without a local URL the URLs could not be shown: how to get them.
            description=description,
            description_placeholders=placeholders,
        )

    @callback
    @override
    def async_remove(self) -> None:
        """Give a waiting webhook up when the setup is closed."""
        if self._waiting is not None:
            self._waiting.async_close()

    async def async_step_reconfigure(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Rename the phone, pin it to another MAC, or give it a new webhook id."""
        entry = self._get_reconfigure_entry()
        errors: dict[str, str] = {}
        if user_input is not None:
            mac = parse_mac(user_input, errors)
            if mac is not None and async_mac_owner(self.hass, mac, entry.entry_id):
                errors[CONF_MAC] = "mac_in_use"
            if not errors:
                self._new_title = user_input[CONF_NAME].strip() or entry.title
                self._new_mac = mac
                if user_input.get(CONF_REGENERATE_WEBHOOK):
                    self._new_webhook_id = new_webhook_id()
                    return await self.async_step_reconfigure_confirm()
                return await self._async_reconfigure()
        suggested = user_input or {
            CONF_NAME: entry.title,
            CONF_MAC: format_mac(mac) if (mac := pinned_mac(entry)) else "",
        }
        return self.async_show_form(
            step_id="reconfigure",
            data_schema=self.add_suggested_values_to_schema(
                vol.Schema(
                    {
                        vol.Required(CONF_NAME, default=entry.title): TextSelector(),
                        vol.Optional(CONF_MAC): TextSelector(),
                        vol.Optional(
                            CONF_REGENERATE_WEBHOOK, default=False
                        ): BooleanSelector(),
                    }
                ),
                suggested,
            ),
            errors=errors,
        )

    async def async_step_reconfigure_confirm(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Show the new URLs; the old ones stop working once confirmed."""
        entry = self._get_reconfigure_entry()
        assert self._new_webhook_id is not None
        urls = await async_phone_urls(
            self.hass, self._new_webhook_id, None, entry.options
        )
        if user_input is not None or urls is None:
            return await self._async_reconfigure()
        return self.async_show_form(
            step_id="reconfigure_confirm", description_placeholders=urls
        )

    async def _async_reconfigure(self) -> ConfigFlowResult:
        """Apply the reconfiguration: MAC (through identity), name, webhook id."""
        entry = self._get_reconfigure_entry()
        if self._new_mac != pinned_mac(entry):
            async_pin_mac(self.hass, entry, self._new_mac)
        if self._new_webhook_id is None:
            return self.async_update_reload_and_abort(
                entry, title=self._new_title or entry.title
            )
        # The confirmation shows the new URLs (the last thing the user sees).
        urls = await async_phone_urls(
            self.hass, self._new_webhook_id, entry.entry_id, entry.options
        )
        self.hass.config_entries.async_update_entry(
            entry,
            title=self._new_title or entry.title,
            data={**entry.data, CONF_WEBHOOK_ID: self._new_webhook_id},
        )
        if urls is not None:
            async_urls_given(self.hass, entry, phone_base_url(self.hass, entry.options))
        self.hass.config_entries.async_schedule_reload(entry.entry_id)
        return self.async_abort(
            reason="webhook_regenerated" if urls else "webhook_regenerated_no_url",
            description_placeholders=urls,
        )
