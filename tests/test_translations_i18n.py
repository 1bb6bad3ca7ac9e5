"""Every language file mirrors en.json: same keys, same placeholders, no gaps."""

import json
from pathlib import Path
import re
from typing import Any

import pytest

from custom_components.sangoma_phone.const import DOMAIN
from homeassistant.core import HomeAssistant
from homeassistant.helpers.translation import async_get_translations

TRANSLATIONS = (
    Path(__file__).parent.parent
    / "custom_components"
    / "sangoma_phone"
    / "translations"
)
EN: dict[str, Any] = json.loads((TRANSLATIONS / "en.json").read_text())
LANGUAGES = ("de", "es", "fr", "nl")
PLACEHOLDER = re.compile(r"\{(\w+)\}")
CODE_SPAN = re.compile(r"`[^`]*`")


def _flatten(node: Any, path: str = "") -> dict[str, Any]:
    """Map every leaf's dotted key path to its value."""
    if isinstance(node, dict):
        leaves: dict[str, Any] = {}
        for key, value in node.items():
            leaves.update(_flatten(value, f"{path}.{key}" if path else key))
        return leaves
    return {path: node}


EN_STRINGS = _flatten(EN)


def _load(language: str) -> dict[str, Any]:
    return json.loads((TRANSLATIONS / f"{language}.json").read_text(encoding="utf-8"))


def test_languages_are_the_files() -> None:
    """The test covers exactly the language files that ship."""
    shipped = {path.stem for path in TRANSLATIONS.glob("*.json")} - {"en"}
    assert shipped == set(LANGUAGES)


@pytest.mark.parametrize("language", LANGUAGES)
def test_same_keys_as_english(language: str) -> None:
    """Every key path of en.json is translated, and nothing else is."""
    strings = _flatten(_load(language))
    missing = sorted(set(EN_STRINGS) - set(strings))
    extra = sorted(set(strings) - set(EN_STRINGS))
    assert not missing, f"{language}.json lacks:\n" + "\n".join(missing)
    assert not extra, f"{language}.json has keys en.json lacks:\n" + "\n".join(extra)


@pytest.mark.parametrize("language", LANGUAGES)
def test_same_key_order_as_english(language: str) -> None:
    """Keys follow en.json's order, so the files diff side by side."""
    keys = list(_flatten(_load(language)))
    assert keys == [key for key in EN_STRINGS if key in set(keys)]


@pytest.mark.parametrize("language", LANGUAGES)
def test_placeholders_match_english(language: str) -> None:
    """Every string offers the frontend exactly the placeholders en.json does."""
    wrong = []
    for key, text in _flatten(_load(language)).items():
        english = EN_STRINGS.get(key)
        if not isinstance(english, str):
            continue
        expected = set(PLACEHOLDER.findall(english))
        found = set(PLACEHOLDER.findall(text))
        if found != expected:
            wrong.append(f"{key}: {sorted(found)} != {sorted(expected)}")
    assert not wrong, f"{language}.json placeholders differ:\n" + "\n".join(wrong)


@pytest.mark.parametrize("language", LANGUAGES)
def test_strings_are_well_formed(language: str) -> None:
    """No empty strings, no ICU pitfalls, code spans and ★ kept as in English."""
    for key, text in _flatten(_load(language)).items():
        english = EN_STRINGS.get(key)
        assert isinstance(text, str), key
        assert text.strip(), key
        # The frontend formats strings as ICU messages: `<x>` reads as a tag,
        # and an apostrophe right before a brace starts quoted text.
        assert "<" not in text, key
        assert text.count("{") == text.count("}"), key
        assert "'{" not in text, key
        assert "'}" not in text, key
        if isinstance(english, str):
            assert sorted(CODE_SPAN.findall(text)) == sorted(
                CODE_SPAN.findall(english)
            ), key
            assert text.count("★") == english.count("★"), key
            assert text.count("\n") == english.count("\n"), key


@pytest.mark.parametrize(
    ("language", "name"),
    [
        ("de", "Nicht stören"),
        ("es", "No molestar"),
        ("fr", "Ne pas déranger"),
        ("nl", "Niet storen"),
    ],
)
async def test_home_assistant_serves_the_language(
    hass: HomeAssistant, language: str, name: str
) -> None:
    """Home Assistant loads each file and names entities in that language."""
    strings = await async_get_translations(hass, language, "entity", {DOMAIN})
    assert strings[f"component.{DOMAIN}.entity.switch.dnd.name"] == name
    english = await async_get_translations(hass, "en", "entity", {DOMAIN})
    assert set(strings) == set(english)
