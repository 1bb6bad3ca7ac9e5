"""The integration's texts that code puts together, in Home Assistant's language.

Headings and lists of the URL page, logbook lines, confirmations: every word
comes from translations/ (English where a language lacks one), so nothing a
user reads is English-only. Links to the documentation pages are here too.
"""

from collections.abc import Mapping

from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers.translation import (
    async_get_cached_translations,
    async_load_integrations,
)
from homeassistant.loader import async_get_integration

from .const import DOCS_PAGE, DOMAIN, TROUBLESHOOTING_PAGE

_PREFIX = f"component.{DOMAIN}."
_CATEGORIES = ("entity", "selector")


class Texts:
    """Translated texts, looked up by their place in translations/*.json."""

    def __init__(self, strings: Mapping[str, str]) -> None:
        """Keep the strings (keys without the `component.<domain>.` prefix)."""
        self._strings = strings

    def get(self, key: str, /, **placeholders: str) -> str:
        """Return one text with its `{placeholders}` filled in (the key if none)."""
        text = self._strings.get(key, key)
        for name, value in placeholders.items():
            text = text.replace(f"{{{name}}}", value)
        return text

    def phrase(self, phrase: str, /, **placeholders: str) -> str:
        """Return a phrase of the URL page and its kin (`selector.texts`)."""
        return self.get(f"selector.texts.options.{phrase}", **placeholders)

    def entity_name(self, key: str) -> str:
        """Return an entity's name by its key (whatever its platform)."""
        for platform in ("binary_sensor", "sensor", "switch", "button", "event"):
            if (name := self._strings.get(f"entity.{platform}.{key}.name")) is not None:
                return name
        return key

    def event_label(self, key: str) -> str:
        """Return the label of a phone event (as the event entity shows it)."""
        return self.get(
            f"entity.event.phone_event.state_attributes.event_type.state.{key}"
        )


async def async_load_texts(hass: HomeAssistant) -> None:
    """Load the translations in Home Assistant's language (cached by it)."""
    await async_load_integrations(hass, {DOMAIN})


async def async_ui_texts(hass: HomeAssistant) -> Texts:
    """Return the texts in Home Assistant's language, loading them if needed."""
    await async_load_texts(hass)  # at once when loaded (Home Assistant caches)
    return ui_texts(hass)


@callback
def ui_texts(hass: HomeAssistant) -> Texts:
    """Return the texts in Home Assistant's language (loaded: `async_load_texts`)."""
    strings: dict[str, str] = {}
    for category in _CATEGORIES:
        cached = async_get_cached_translations(
            hass, hass.config.language, category, DOMAIN
        )
        strings.update(
            (key.removeprefix(_PREFIX), value)
            for key, value in cached.items()
            if key.startswith(_PREFIX)
        )
    return Texts(strings)


async def async_docs_url(hass: HomeAssistant, page: str) -> str:
    """Return the URL of a page of docs/ (manifest.json's documentation home)."""
    integration = await async_get_integration(hass, DOMAIN)
    return DOCS_PAGE.format(home=integration.documentation, page=page)


async def async_troubleshooting_url(hass: HomeAssistant) -> str:
    """Return the troubleshooting page's URL."""
    return await async_docs_url(hass, TROUBLESHOOTING_PAGE)
