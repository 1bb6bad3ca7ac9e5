"""The end-to-end requirements match what Home Assistant itself would install."""

import json
from pathlib import Path
import re

from homeassistant.components import frontend

from .harness import ROOT


def _pins(path: Path) -> dict[str, str]:
    pins = {}
    for line in path.read_text().splitlines():
        if match := re.fullmatch(r"([A-Za-z0-9_.-]+)==(\S+)", line.strip()):
            pins[match.group(1).lower()] = match.group(2)
    return pins


def test_frontend_pin_matches_home_assistant() -> None:
    """The pinned frontend is the one hass requires (else it installs its own)."""
    manifest = json.loads(
        (Path(frontend.__file__).parent / "manifest.json").read_text()
    )
    name, _, version = manifest["requirements"][0].partition("==")
    assert _pins(ROOT / "requirements_e2e.txt")[name.lower()] == version


def test_setup_installs_the_e2e_requirements() -> None:
    """scripts/setup installs requirements_e2e.txt with the test requirements."""
    setup = (ROOT / "scripts" / "setup").read_text()
    assert re.search(r"^REQUIREMENTS=\(.*requirements_e2e\.txt.*\)$", setup, re.M)
