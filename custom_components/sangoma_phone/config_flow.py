"""Config, options and reconfigure flows for Sangoma Phone."""

from collections.abc import Mapping
import ipaddress
import secrets
from typing import Any, override

import voluptuous as vol

from homeassistant.config_entries import (
    ConfigEntry,
    ConfigFlow,
    ConfigFlowResult,
    OptionsFlowWithReload,
)
from homeassistant.const import CONF_NAME
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers.network import NoURLAvailableError
from homeassistant.helpers.selector import (
    BooleanSelector,
    NumberSelector,
    NumberSelectorConfig,
    NumberSelectorMode,
    TextSelector,
    TextSelectorConfig,
)
from homeassistant.helpers.service_info.dhcp import DhcpServiceInfo

from .const import (
    CONF_ALLOWED_NETWORKS,
    CONF_LISTENER_ENABLED,
    CONF_LISTENER_PORT,
    CONF_LOCAL_ONLY,
    CONF_MAC,
    CONF_USE_LISTENER,
    CONF_WEBHOOK_ID,
    DEFAULT_LOCAL_ONLY,
    DEFAULT_NAME,
    DOMAIN,
)
from .listener import DATA_LISTENER, ListenerSettings
from .phone import async_mac_owner, async_pin_mac
from .protocol import format_mac, normalize_mac
from .views import url_placeholders

CONF_REGENERATE_WEBHOOK = "regenerate_webhook"
NO_LOCAL_URL = "no_local_url"


def new_webhook_id() -> str:
    """Return a fresh unguessable webhook id (128 random bits)."""
    return secrets.token_hex(16)


def _urls(
    hass: HomeAssistant,
    webhook_id: str,
    entry_id: str | None,
    options: Mapping[str, Any] | None = None,
) -> dict[str, str] | None:
    """Return the URL placeholders; None when Home Assistant has no local URL."""
    try:
        return url_placeholders(hass, webhook_id, entry_id, options)
    except NoURLAvailableError:
        return None


def _parse_mac(user_input: dict[str, Any], errors: dict[str, str]) -> str | None:
    """Return the normalised MAC of the form, None if empty; flag an invalid one."""
    if not (raw := str(user_input.get(CONF_MAC) or "").strip()):
        return None
    if (mac := normalize_mac(raw)) is None:
        errors[CONF_MAC] = "invalid_mac"
    return mac


class SangomaPhoneConfigFlow(ConfigFlow, domain=DOMAIN):
    """Add a Sangoma phone."""

    VERSION = 1

    _discovered_ip: str | None = None
    _discovered_mac: str | None = None
    _new_webhook_id: str | None = None
    _new_title: str | None = None

    @staticmethod
    @callback
    @override
    def async_get_options_flow(config_entry: ConfigEntry) -> SangomaPhoneOptionsFlow:
        """Return the options flow."""
        return SangomaPhoneOptionsFlow()

    async def async_step_user(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Ask for a name and, optionally, the phone's MAC address."""
        errors: dict[str, str] = {}
        if user_input is not None:
            mac = _parse_mac(user_input, errors)
            if not errors:
                if mac is not None:
                    await self.async_set_unique_id(mac)
                    self._abort_if_unique_id_configured()
                return self._create_phone(user_input[CONF_NAME], mac)
        return self.async_show_form(
            step_id="user",
            data_schema=self.add_suggested_values_to_schema(
                vol.Schema(
                    {
                        vol.Required(CONF_NAME, default=DEFAULT_NAME): TextSelector(),
                        vol.Optional(CONF_MAC): TextSelector(),
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
            return self._create_phone(user_input[CONF_NAME], self._discovered_mac)
        return self.async_show_form(
            step_id="discovery_confirm",
            data_schema=vol.Schema(
                {vol.Required(CONF_NAME, default=DEFAULT_NAME): TextSelector()}
            ),
            description_placeholders={
                "ip": self._discovered_ip or "",
                "mac": format_mac(self._discovered_mac),
            },
        )

    def _create_phone(self, name: str, mac: str | None) -> ConfigFlowResult:
        webhook_id = new_webhook_id()
        urls = _urls(self.hass, webhook_id, None)
        return self.async_create_entry(
            title=name.strip() or DEFAULT_NAME,
            data={CONF_WEBHOOK_ID: webhook_id, CONF_MAC: mac},
            options={CONF_LOCAL_ONLY: DEFAULT_LOCAL_ONLY},
            # The last screen: the URLs, or (no local URL) how to get them.
            description=None if urls else NO_LOCAL_URL,
            description_placeholders=urls,
        )

    async def async_step_reconfigure(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Rename the phone, or give it a new webhook id."""
        entry = self._get_reconfigure_entry()
        if user_input is not None:
            title = user_input[CONF_NAME].strip() or entry.title
            if user_input.get(CONF_REGENERATE_WEBHOOK):
                self._new_title = title
                self._new_webhook_id = new_webhook_id()
                return await self.async_step_reconfigure_confirm()
            return self.async_update_reload_and_abort(entry, title=title)
        return self.async_show_form(
            step_id="reconfigure",
            data_schema=vol.Schema(
                {
                    vol.Required(CONF_NAME, default=entry.title): TextSelector(),
                    vol.Optional(
                        CONF_REGENERATE_WEBHOOK, default=False
                    ): BooleanSelector(),
                }
            ),
        )

    async def async_step_reconfigure_confirm(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Show the new URLs; the old ones stop working once confirmed."""
        entry = self._get_reconfigure_entry()
        assert self._new_webhook_id is not None
        urls = _urls(self.hass, self._new_webhook_id, None, entry.options)
        if user_input is not None or urls is None:
            return self.async_update_reload_and_abort(
                entry,
                title=self._new_title or entry.title,
                data_updates={CONF_WEBHOOK_ID: self._new_webhook_id},
                reason="webhook_regenerated",
            )
        return self.async_show_form(
            step_id="reconfigure_confirm", description_placeholders=urls
        )


class SangomaPhoneOptionsFlow(OptionsFlowWithReload):
    """Show the phone's URLs; change how its requests are accepted."""

    async def async_step_init(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Offer the URL page and the settings."""
        return self.async_show_menu(
            step_id="init", menu_options=["urls", "settings", "listener"]
        )

    async def async_step_urls(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Show the URLs to give the phone and the provisioning file."""
        if user_input is not None:
            return self.async_create_entry(data=dict(self.config_entry.options))
        urls = _urls(
            self.hass,
            self.config_entry.data[CONF_WEBHOOK_ID],
            self.config_entry.entry_id,
            self.config_entry.options,
        )
        if urls is None:
            return self.async_abort(reason=NO_LOCAL_URL)
        return self.async_show_form(step_id="urls", description_placeholders=urls)

    async def async_step_settings(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Change local-only, the pinned MAC and the allowed networks."""
        errors: dict[str, str] = {}
        entry = self.config_entry
        if user_input is not None:
            mac = _parse_mac(user_input, errors)
            if mac is not None and async_mac_owner(self.hass, mac, entry.entry_id):
                errors[CONF_MAC] = "mac_in_use"
            networks: list[str] = []
            for network in user_input.get(CONF_ALLOWED_NETWORKS) or []:
                if not (network := network.strip()):
                    continue
                try:
                    networks.append(str(ipaddress.ip_network(network, strict=False)))
                except ValueError:
                    errors[CONF_ALLOWED_NETWORKS] = "invalid_network"
            if not errors:
                if mac != entry.data.get(CONF_MAC):
                    async_pin_mac(self.hass, entry, mac)
                return self.async_create_entry(
                    data={
                        **entry.options,
                        CONF_LOCAL_ONLY: user_input[CONF_LOCAL_ONLY],
                        CONF_ALLOWED_NETWORKS: networks,
                    }
                )
        suggested = {
            CONF_LOCAL_ONLY: entry.options.get(CONF_LOCAL_ONLY, DEFAULT_LOCAL_ONLY),
            CONF_MAC: format_mac(mac) if (mac := entry.data.get(CONF_MAC)) else "",
            CONF_ALLOWED_NETWORKS: entry.options.get(CONF_ALLOWED_NETWORKS, []),
        }
        return self.async_show_form(
            step_id="settings",
            data_schema=self.add_suggested_values_to_schema(
                vol.Schema(
                    {
                        vol.Required(CONF_LOCAL_ONLY): BooleanSelector(),
                        vol.Optional(CONF_MAC): TextSelector(),
                        vol.Optional(CONF_ALLOWED_NETWORKS): TextSelector(
                            TextSelectorConfig(multiple=True)
                        ),
                    }
                ),
                user_input or suggested,
            ),
            errors=errors,
        )

    async def async_step_listener(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Switch the instance's phone listener, its port, and its use here."""
        listener = self.hass.data[DATA_LISTENER]
        entry = self.config_entry
        errors: dict[str, str] = {}
        placeholders = {"phones": ""}
        if user_input is not None:
            enabled = bool(user_input[CONF_LISTENER_ENABLED])
            port = int(user_input[CONF_LISTENER_PORT])
            use = bool(user_input[CONF_USE_LISTENER])
            if use and not enabled:
                errors[CONF_USE_LISTENER] = "listener_off"
            others = [
                other.title
                for other in self.hass.config_entries.async_entries(DOMAIN)
                if other.entry_id != entry.entry_id
                and other.options.get(CONF_USE_LISTENER)
            ]
            if others and not enabled:
                errors[CONF_LISTENER_ENABLED] = "listener_in_use"
                placeholders["phones"] = ", ".join(sorted(others))
            if enabled and not listener.port_available(port):
                errors[CONF_LISTENER_PORT] = "port_unavailable"
            if not errors:
                await listener.async_set_settings(
                    ListenerSettings(enabled=enabled, port=port)
                )
                return self.async_create_entry(
                    data={**entry.options, CONF_USE_LISTENER: use}
                )
        suggested = user_input or {
            CONF_LISTENER_ENABLED: listener.settings.enabled,
            CONF_LISTENER_PORT: listener.settings.port,
            CONF_USE_LISTENER: bool(entry.options.get(CONF_USE_LISTENER)),
        }
        return self.async_show_form(
            step_id="listener",
            data_schema=self.add_suggested_values_to_schema(
                vol.Schema(
                    {
                        vol.Required(CONF_LISTENER_ENABLED): BooleanSelector(),
                        vol.Required(CONF_LISTENER_PORT): NumberSelector(
                            NumberSelectorConfig(
                                min=1, max=65535, step=1, mode=NumberSelectorMode.BOX
                            )
                        ),
                        vol.Required(CONF_USE_LISTENER): BooleanSelector(),
                    }
                ),
                suggested,
            ),
            errors=errors,
            description_placeholders=placeholders,
        )
