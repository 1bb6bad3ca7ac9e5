"""Flow steps for the phone's web access: the form, its check, reauthentication.

Saving checks the settings with the harmless probe and answers a field error.
Rules: docs/web-access.md.
"""

from collections.abc import Mapping
from typing import Any, Final

import voluptuous as vol

from homeassistant.config_entries import ConfigFlow, ConfigFlowResult
from homeassistant.const import (
    CONF_HOST,
    CONF_PASSWORD,
    CONF_PORT,
    CONF_USERNAME,
    CONF_VERIFY_SSL,
)
from homeassistant.core import HomeAssistant
from homeassistant.helpers.selector import (
    BooleanSelector,
    NumberSelector,
    NumberSelectorConfig,
    NumberSelectorMode,
    TextSelector,
    TextSelectorConfig,
    TextSelectorType,
)

from ..const import (
    CONF_ALLOW_BASIC,
    CONF_AUTH,
    CONF_FOLLOW_PHONE_IP,
    CONF_HTTPS,
    CONF_WEB_ACCESS,
)
from . import error_key
from .client import DEFAULT_USERNAME, AuthScheme, WebAccessClient, WebAccessError
from .settings import client_settings, scheme_of, stored_settings

_ERROR_FIELD: Final = {
    "cannot_connect": CONF_HOST,
    "invalid_auth": CONF_PASSWORD,
    "basic_refused": CONF_ALLOW_BASIC,
    "forbidden": "base",
    "tls_error": CONF_HTTPS,
    "https_expected": CONF_HTTPS,
    "phone_refused": "base",
    "certificate_not_trusted": CONF_VERIFY_SSL,
}
_PASSWORD: Final = TextSelector(TextSelectorConfig(type=TextSelectorType.PASSWORD))


def web_access_schema() -> vol.Schema:
    """Return the form of the phone's web access."""
    return vol.Schema(
        {
            vol.Optional(CONF_HOST): TextSelector(),
            vol.Optional(CONF_PORT): NumberSelector(
                NumberSelectorConfig(
                    min=1, max=65535, step=1, mode=NumberSelectorMode.BOX
                )
            ),
            vol.Required(CONF_HTTPS, default=False): BooleanSelector(),
            # Phones have self-signed certificates: off unless the user knows better.
            vol.Required(CONF_VERIFY_SSL, default=False): BooleanSelector(),
            vol.Required(CONF_USERNAME, default=DEFAULT_USERNAME): TextSelector(),
            vol.Optional(CONF_PASSWORD): _PASSWORD,
            vol.Required(CONF_ALLOW_BASIC, default=False): BooleanSelector(),
        }
    )


def web_access_suggestions(
    current: Mapping[str, Any] | None, phone_ip: str | None
) -> dict[str, Any]:
    """Return the values the form suggests (never the password)."""
    if current is None:
        return {CONF_HOST: phone_ip or "", CONF_USERNAME: DEFAULT_USERNAME}
    return {
        **{k: v for k, v in current.items() if k not in (CONF_PASSWORD, CONF_AUTH)},
        CONF_ALLOW_BASIC: scheme_of(current) is AuthScheme.BASIC,
        CONF_HOST: phone_ip
        if current.get(CONF_FOLLOW_PHONE_IP)
        else current[CONF_HOST],
    }


async def async_probe(
    hass: HomeAssistant, data: Mapping[str, Any], errors: dict[str, str]
) -> AuthScheme | None:
    """Check the settings with the harmless probe; add a field error if it fails.

    Return the authentication scheme that worked (None: none was asked for).
    """
    client = WebAccessClient(hass, client_settings(data))
    try:
        await client.async_probe()
    except WebAccessError as err:
        key = error_key(err)
        key = key if key in _ERROR_FIELD else "unexpected_answer"
        errors[_ERROR_FIELD.get(key, "base")] = key
    return client.auth_scheme


async def async_check_web_access(
    hass: HomeAssistant,
    user_input: Mapping[str, Any],
    phone_ip: str | None,
    errors: dict[str, str],
    current: Mapping[str, Any] | None = None,
) -> dict[str, Any] | None:
    """Return the settings to store, once checked; None with errors."""
    host = str(user_input.get(CONF_HOST) or "").strip()
    follow = not host or host == phone_ip
    if follow and not phone_ip:
        errors[CONF_HOST] = "host_required"
        return None
    port = user_input.get(CONF_PORT)
    data: dict[str, Any] = {
        CONF_HOST: host or phone_ip,
        CONF_FOLLOW_PHONE_IP: follow,
        CONF_PORT: int(port) if port else None,
        CONF_HTTPS: bool(user_input.get(CONF_HTTPS)),
        CONF_VERIFY_SSL: bool(user_input.get(CONF_VERIFY_SSL, True)),
        CONF_USERNAME: str(user_input.get(CONF_USERNAME) or DEFAULT_USERNAME),
        # Empty: unchanged (the form never shows the stored password).
        CONF_PASSWORD: str(
            user_input.get(CONF_PASSWORD) or (current or {}).get(CONF_PASSWORD) or ""
        ),
    }
    if (
        current is not None
        and scheme_of(current) is AuthScheme.DIGEST
        and data[CONF_HOST] == current[CONF_HOST]
    ):
        # Digest worked with this host: re-saving never gives it up for Basic.
        data[CONF_AUTH] = AuthScheme.DIGEST.value
    elif user_input.get(CONF_ALLOW_BASIC):
        # Basic, where the phone asks for it, is the user's choice; Digest
        # still wins wherever the phone offers it.
        data[CONF_AUTH] = AuthScheme.BASIC.value
    scheme = await async_probe(hass, data, errors)
    if errors:
        return None
    if scheme is not None:
        data[CONF_AUTH] = scheme.value
    return data


class WebAccessReauthFlow(ConfigFlow):
    """Reauthentication: the phone rejected the web access credentials."""

    async def async_step_reauth(
        self, entry_data: Mapping[str, Any]
    ) -> ConfigFlowResult:
        """Start: ask for the new credentials."""
        entry = self._get_reauth_entry()
        current = stored_settings(entry) or {}
        # The card reads "Sangoma phone (<its name>, <host>)".
        host = str(current.get(CONF_HOST, "?"))
        self.context["title_placeholders"] = {"ip": f"{entry.title}, {host}"}
        return await self.async_step_reauth_confirm()

    async def async_step_reauth_confirm(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Ask for the user name and password; check them with the probe."""
        entry = self._get_reauth_entry()
        current = stored_settings(entry)
        if current is None:
            return self.async_abort(reason="web_access_not_configured")
        errors: dict[str, str] = {}
        if user_input is not None:
            data = {**current, **user_input}
            await async_probe(self.hass, data, errors)
            if not errors:
                return self.async_update_reload_and_abort(
                    entry, data_updates={CONF_WEB_ACCESS: data}
                )
        return self.async_show_form(
            step_id="reauth_confirm",
            data_schema=vol.Schema(
                {
                    vol.Required(
                        CONF_USERNAME, default=current.get(CONF_USERNAME)
                    ): TextSelector(),
                    vol.Required(CONF_PASSWORD): _PASSWORD,
                }
            ),
            errors=errors,
            description_placeholders={
                "name": entry.title,
                "host": str(current[CONF_HOST]),
            },
        )
