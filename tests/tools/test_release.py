"""Release facts agree with each other: one public home, one version, one oldest release."""

import json
from pathlib import Path
import re

ROOT = Path(__file__).resolve().parents[2]
MANIFEST = json.loads(
    (ROOT / "custom_components/sangoma_phone/manifest.json").read_text()
)
HOME = MANIFEST["documentation"]
GITHUB = re.compile(r"https://(?:raw\.)?github(?:usercontent)?\.com/([\w.-]+/[\w.-]+)")


def linked_files() -> list[Path]:
    """Every file that may link to the project's home."""
    files = [ROOT / "README.md", ROOT / "CHANGELOG.md"]
    for folder in (ROOT / ".github/ISSUE_TEMPLATE", ROOT / "blueprints"):
        files += sorted(p for p in folder.rglob("*") if p.is_file())
    return [f for f in files if f.exists()]


def test_one_public_home() -> None:
    """Manifest, README, changelog, templates and blueprints name one repository."""
    repository = HOME.removeprefix("https://github.com/")
    assert re.fullmatch(r"[\w-]+/[\w.-]+", repository)
    assert MANIFEST["issue_tracker"] == f"{HOME}/issues"
    assert MANIFEST["codeowners"] == [f"@{repository.split('/')[0]}"]
    for path in linked_files():
        for found in GITHUB.findall(path.read_text(encoding="utf-8")):
            if found.split("/")[0] in {"home-assistant", "hacs", "actions"}:
                continue  # links to other projects
            assert found.removesuffix(".git") == repository, (path, found)


def test_version_is_in_the_changelog() -> None:
    """The manifest's version is the newest release in the changelog."""
    changelog = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    releases = re.findall(r"^## \[(\d+\.\d+\.\d+)\]", changelog, re.MULTILINE)
    assert releases
    assert releases[0] == MANIFEST["version"]


def test_oldest_release_declared_and_tested() -> None:
    """hacs.json's minimum is the release the oldest test environment pins."""
    hacs = json.loads((ROOT / "hacs.json").read_text())
    pins = (ROOT / "requirements_test_oldest.txt").read_text()
    assert f"homeassistant=={hacs['homeassistant']}" in pins
    assert hacs["homeassistant"] in (ROOT / "README.md").read_text(encoding="utf-8")
