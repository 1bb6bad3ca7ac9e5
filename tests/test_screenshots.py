"""The documented screenshots match the UI: every browser screenshot in docs/
is in docs/screenshots.json, and the strings it shows are still the UI's."""

import re

import pytest

from .screenshots import MANIFEST, ROOT, english, load_manifest

DOCUMENTED = sorted(path.name for path in (ROOT / "docs").glob("browser-*.png"))


def test_every_browser_screenshot_is_recorded() -> None:
    assert MANIFEST.exists()
    assert sorted(load_manifest()) == DOCUMENTED


@pytest.mark.parametrize("name", DOCUMENTED)
def test_the_strings_a_screenshot_shows_are_current(name: str) -> None:
    """Changed? Regenerate: SANGOMA_UPDATE_SCREENSHOTS=1 scripts/test -m browser."""
    shown = load_manifest()[name]
    assert shown, name
    for key, text in shown.items():
        assert english(key) == text, f"{name}: {key} changed since it was taken"


def test_docs_show_only_recorded_screenshots() -> None:
    """Pages show browser screenshots only from docs/ (the recorded ones)."""
    pages = [ROOT / "README.md", *(ROOT / "docs").glob("*.md")]
    for page in pages:
        for shown in re.findall(r"browser-[\w-]+\.png", page.read_text("utf-8")):
            assert shown in DOCUMENTED, (page.name, shown)
