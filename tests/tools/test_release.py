"""Release facts agree with each other: one public home, one version, one oldest release."""

import json
from pathlib import Path
import re
import shutil
import subprocess

ROOT = Path(__file__).resolve().parents[2]
MANIFEST = json.loads(
    (ROOT / "custom_components/sangoma_phone/manifest.json").read_text()
)
HOME = MANIFEST["documentation"]
GITHUB = re.compile(r"https://(?:raw\.)?github(?:usercontent)?\.com/([\w.-]+/[\w.-]+)")


def linked_files() -> list[Path]:
    """Every file that may link to the project's home (scripts/set-repository
    rewrites the same ones)."""
    files = sorted(ROOT.glob("*.md")) + sorted((ROOT / "docs").glob("*.md"))
    for folder in (ROOT / ".github/ISSUE_TEMPLATE", ROOT / "blueprints"):
        files += sorted(p for p in folder.rglob("*") if p.is_file())
    return [f for f in files if f.exists()]


def test_one_public_home() -> None:
    """Manifest, the Markdown pages, templates and blueprints name one repository."""
    repository = HOME.removeprefix("https://github.com/")
    assert re.fullmatch(r"[\w-]+/[\w.-]+", repository)
    assert MANIFEST["issue_tracker"] == f"{HOME}/issues"
    assert MANIFEST["codeowners"] == [f"@{repository.split('/')[0]}"]
    for path in linked_files():
        for found in GITHUB.findall(path.read_text(encoding="utf-8")):
            if found.split("/")[0] in {"home-assistant", "hacs", "actions"}:
                continue  # links to other projects
            assert found.removesuffix(".git") == repository, (path, found)


def test_set_repository_rewrites_every_linked_file(tmp_path: Path) -> None:
    """scripts/set-repository points every linked file at the new home."""
    for path in [*linked_files(), ROOT / "scripts/set-repository"]:
        copy = tmp_path / path.relative_to(ROOT)
        copy.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(path, copy)
    manifest = tmp_path / "custom_components/sangoma_phone/manifest.json"
    manifest.parent.mkdir(parents=True)
    manifest.write_text(json.dumps(MANIFEST))
    bash = shutil.which("bash")
    assert bash is not None
    subprocess.run(  # noqa: S603 (our own script, in a temporary copy)
        [bash, str(tmp_path / "scripts/set-repository"), "new-owner/new.name"],
        check=True,
        capture_output=True,
    )
    moved = json.loads(manifest.read_text())
    assert moved["documentation"] == "https://github.com/new-owner/new.name"
    assert moved["codeowners"] == ["@new-owner"]
    links = 0
    for path in linked_files():
        text = (tmp_path / path.relative_to(ROOT)).read_text(encoding="utf-8")
        for found in GITHUB.findall(text):
            if found.split("/")[0] not in {"home-assistant", "hacs", "actions"}:
                assert found.removesuffix(".git") == "new-owner/new.name", path
                links += 1
    assert links > 20


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
