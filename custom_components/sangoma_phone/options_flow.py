"""Options of a phone: its URLs, how its requests are accepted, the listener.

Who the phone is (its MAC) changes in the reconfigure flow. The listener step
is the shared listener's own form, applied through the listener; only whether
this phone's URLs use it is this phone's option. See docs/listener.md.
"""

import ipaddress
from typing import Any

import voluptuous as vol

from homeassistant.config_entries import ConfigFlowResult, OptionsFlowWithReload
from homeassistant.helpers.network import NoURLAvailableError
from homeassistant.helpers.selector import (
    BooleanSelector,
    NumberSelector,
    NumberSelectorConfig,
    NumberSelectorMode,
    TextSelector,
    TextSelectorConfig,
)

from .const import (
    CONF_ALLOWED_NETWORKS,
    CONF_INCLUDE_UNVERIFIED,
    CONF_LISTENER_ENABLED,
    CONF_LISTENER_PORT,
    CONF_LOCAL_ONLY,
    CONF_RATE_LIMIT,
    CONF_URL_BASE,
    CONF_USE_LISTENER,
    CONF_WEB_ACCESS,
    CONF_WEBHOOK_ID,
    DEFAULT_LOCAL_ONLY,
    DOMAIN,
    NOTHING,
)
from .gate import MAX_NETWORKS
from .listener import DATA_LISTENER, ListenerSettings
from .models import SangomaPhoneConfigEntry
from .protocol.ratelimit import DEFAULT_RATE, MAX_RATE, MIN_RATE
from .texts import async_docs_url
from .urls import NO_LOCAL_URL, phone_base_url
from .urls.page import async_phone_urls
from .urls.stale import async_check_stale_urls, async_urls_given
from .web_access.flow import (
    async_check_web_access,
    web_access_schema,
    web_access_suggestions,
)
from .web_access.settings import stored_settings

CONF_ENABLED = "enabled"


class SangomaPhoneOptionsFlow(OptionsFlowWithReload):
    """Show the phone's URLs; change how its requests are accepted."""

    async def async_step_init(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Offer the URL page, the phone's settings and the shared listener."""
        return self.async_show_menu(
            step_id="init",
            menu_options=["urls", "settings", "web_access", "listener"],
            description_placeholders={"name": self.config_entry.title},
        )

    async def async_step_urls(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Show the URLs to give the phone and the provisioning file; close."""
        urls = await async_phone_urls(
            self.hass,
            self.config_entry.data[CONF_WEBHOOK_ID],
            self.config_entry.entry_id,
            self.config_entry.options,
        )
        # A page to read, not a form: it closes without saving anything.
        return self.async_abort(
            reason="urls" if urls else NO_LOCAL_URL,
            description_placeholders={**(urls or {}), "name": self.config_entry.title},
        )

    async def async_step_settings(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Change local-only, the allowed networks and the rate limit."""
        errors: dict[str, str] = {}
        options = self.config_entry.options
        if user_input is not None:
            networks: list[str] = []
            given = user_input.get(CONF_ALLOWED_NETWORKS) or []
            if len(given) > MAX_NETWORKS:
                errors[CONF_ALLOWED_NETWORKS] = "too_many_networks"
                given = []
            for network in given:
                if not (network := network.strip()):
                    continue
                try:
                    networks.append(str(ipaddress.ip_network(network, strict=False)))
                except ValueError:
                    errors[CONF_ALLOWED_NETWORKS] = "invalid_network"
            if not errors:
                return self.async_create_entry(
                    data={
                        **options,
                        CONF_LOCAL_ONLY: user_input[CONF_LOCAL_ONLY],
                        CONF_ALLOWED_NETWORKS: networks,
                        CONF_RATE_LIMIT: int(
                            user_input.get(CONF_RATE_LIMIT, DEFAULT_RATE)
                        ),
                        CONF_INCLUDE_UNVERIFIED: bool(
                            user_input.get(CONF_INCLUDE_UNVERIFIED, False)
                        ),
                    }
                )
        suggested = user_input or {
            CONF_LOCAL_ONLY: options.get(CONF_LOCAL_ONLY, DEFAULT_LOCAL_ONLY),
            CONF_ALLOWED_NETWORKS: options.get(CONF_ALLOWED_NETWORKS, []),
            CONF_RATE_LIMIT: options.get(CONF_RATE_LIMIT, DEFAULT_RATE),
            CONF_INCLUDE_UNVERIFIED: options.get(CONF_INCLUDE_UNVERIFIED, False),
        }
        return self.async_show_form(
            step_id="settings",
            description_placeholders={"name": self.config_entry.title},
            data_schema=self.add_suggested_values_to_schema(
                vol.Schema(
                    {
                        vol.Required(CONF_LOCAL_ONLY): BooleanSelector(),
                        vol.Optional(CONF_ALLOWED_NETWORKS): TextSelector(
                            TextSelectorConfig(multiple=True)
                        ),
                        vol.Optional(CONF_RATE_LIMIT): NumberSelector(
                            NumberSelectorConfig(
                                min=MIN_RATE,
                                max=MAX_RATE,
                                step=1,
                                mode=NumberSelectorMode.BOX,
                                unit_of_measurement="requests/s",
                            )
                        ),
                        vol.Optional(CONF_INCLUDE_UNVERIFIED): BooleanSelector(),
                    }
                ),
                suggested,
            ),
            errors=errors,
        )

    async def _async_listener_saved(self, options: dict[str, Any]) -> ConfigFlowResult:
        """Save; when this phone's URLs changed, the confirmation shows them."""
        entry = self.config_entry
        others = [
            other
            for other in self.hass.config_entries.async_loaded_entries(DOMAIN)
            if other.entry_id != entry.entry_id
        ]
        async_check_stale_urls(self.hass, others)  # a new port changes theirs
        try:
            base = phone_base_url(self.hass, options)
        except NoURLAvailableError:
            return self.async_create_entry(data=options)
        if base == entry.data.get(CONF_URL_BASE):
            return self.async_create_entry(data=options)
        async_urls_given(self.hass, entry, base)
        return self.async_create_entry(
            data=options,
            description="urls_changed",
            description_placeholders=await async_phone_urls(
                self.hass, entry.data[CONF_WEBHOOK_ID], entry.entry_id, options
            ),
        )

    def _phones_on_listener(self, *, others_only: bool = False) -> list[str]:
        """Return the names of the phones set to use the listener."""
        return sorted(
            entry.title
            for entry in self.hass.config_entries.async_entries(DOMAIN)
            if entry.options.get(CONF_USE_LISTENER)
            and not (others_only and entry.entry_id == self.config_entry.entry_id)
        )

    async def async_step_listener(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """The listener's settings (all phones), and whether this phone uses it."""
        if (listener := self.hass.data.get(DATA_LISTENER)) is None:
            # Every phone is disabled: the integration (and its listener) is
            # not set up, so there is nothing to configure yet.
            return self.async_abort(reason="listener_not_loaded")
        errors: dict[str, str] = {}
        placeholders = {
            "docs_url": await async_docs_url(self.hass, "listener"),
            "used_by": ", ".join(self._phones_on_listener()) or NOTHING,
            "phones": "",
        }
        if user_input is not None:
            settings = ListenerSettings(
                enabled=bool(user_input[CONF_LISTENER_ENABLED]),
                port=int(user_input[CONF_LISTENER_PORT]),
            )
            use = bool(user_input[CONF_USE_LISTENER])
            if use and not settings.enabled:
                errors[CONF_USE_LISTENER] = "listener_off"
            if not settings.enabled and (
                others := self._phones_on_listener(others_only=True)
            ):
                errors[CONF_LISTENER_ENABLED] = "listener_in_use"
                placeholders["phones"] = ", ".join(others)
            if settings.enabled and not listener.port_available(settings.port):
                errors[CONF_LISTENER_PORT] = "port_unavailable"
            if not errors:
                # The listener owns its settings: it stores and applies them.
                if settings != listener.settings:
                    await listener.async_set_settings(settings)
                return await self._async_listener_saved(
                    {**self.config_entry.options, CONF_USE_LISTENER: use}
                )
        suggested = user_input or {
            CONF_LISTENER_ENABLED: listener.settings.enabled,
            CONF_LISTENER_PORT: listener.settings.port,
            CONF_USE_LISTENER: bool(self.config_entry.options.get(CONF_USE_LISTENER)),
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
            description_placeholders={**placeholders, "name": self.config_entry.title},
        )

    async def async_step_web_access(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Set, change or remove the phone's web access (to control it)."""
        entry: SangomaPhoneConfigEntry = self.config_entry
        current = stored_settings(entry)
        data = getattr(entry, "runtime_data", None)  # None while not loaded
        # Only an address the phone proved is offered (a request can report any).
        phone_ip = data.phone.proven_ip if data is not None else None
        errors: dict[str, str] = {}
        if user_input is not None:
            settings: dict[str, Any] | None = None
            if user_input[CONF_ENABLED]:
                settings = await async_check_web_access(
                    self.hass,
                    user_input,
                    phone_ip,
                    errors,
                    stored_settings(self.config_entry),
                )
            if not errors:
                new = {k: v for k, v in entry.data.items() if k != CONF_WEB_ACCESS}
                if settings is not None:
                    new[CONF_WEB_ACCESS] = settings
                # Entities change with web access: the phone is reloaded.
                self.hass.config_entries.async_update_entry(entry, data=new)
                self.hass.config_entries.async_schedule_reload(entry.entry_id)
                return self.async_create_entry(data=dict(entry.options))
        suggested = user_input or {
            CONF_ENABLED: True,
            **web_access_suggestions(current, phone_ip),
        }
        return self.async_show_form(
            step_id="web_access",
            data_schema=self.add_suggested_values_to_schema(
                web_access_schema().extend(
                    {vol.Required(CONF_ENABLED): BooleanSelector()}
                ),
                suggested,
            ),
            errors=errors,
            description_placeholders={
                "phone_ip": phone_ip or NOTHING,
                "name": self.config_entry.title,
            },
        )
