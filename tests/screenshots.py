"""The documented screenshots and the English UI strings each one shows.

The browser test records them in docs/screenshots.json when it regenerates
the pictures (SANGOMA_UPDATE_SCREENSHOTS=1); tests/test_screenshots.py fails
when one of those strings has changed since, so no picture in the docs shows
words the UI no longer uses.
"""

import json
from pathlib import Path
from typing import Any

ROOT = Path(__file__).parent.parent
MANIFEST = ROOT / "docs" / "screenshots.json"
EN = ROOT / "custom_components" / "sangoma_phone" / "translations" / "en.json"


def english(key: str) -> str:
    """Return the English text at a dotted key of translations/en.json."""
    node: Any = json.loads(EN.read_text(encoding="utf-8"))
    for part in key.split("."):
        node = node[part]
    if not isinstance(node, str):
        raise TypeError(f"{key} is not a string")
    return node


def load_manifest() -> dict[str, dict[str, str]]:
    """Return {screenshot file name: {translation key: its English text}}."""
    if not MANIFEST.exists():
        return {}
    data: dict[str, dict[str, str]] = json.loads(MANIFEST.read_text(encoding="utf-8"))
    return data


def record_screenshot(name: str, keys: tuple[str, ...]) -> None:
    """Record the strings a regenerated screenshot shows, as they are now."""
    manifest = load_manifest()
    manifest[name] = {key: english(key) for key in keys}
    MANIFEST.write_text(
        json.dumps(dict(sorted(manifest.items())), ensure_ascii=False, indent=2) + "\n",
        encoding="utf-8",
    )
