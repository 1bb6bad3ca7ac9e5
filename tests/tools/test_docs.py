"""The documented dashboard and blueprint links match the files and the entities."""

import json
from pathlib import Path
from urllib.parse import quote

import pytest
import yaml

from homeassistant.core import HomeAssistant

ROOT = Path(__file__).parents[2]
README = (ROOT / "README.md").read_text()
AUTOMATIONS = (ROOT / "docs" / "automations.md").read_text()
DASHBOARD = (ROOT / "docs" / "dashboard.yaml").read_text()
BLUEPRINTS = sorted(
    (ROOT / "blueprints" / "automation" / "sangoma_phone").glob("*.yaml")
)
MANIFEST = json.loads(
    (ROOT / "custom_components" / "sangoma_phone" / "manifest.json").read_text()
)


class _Loader(yaml.SafeLoader):
    """Reads blueprints (their `!input` tags)."""


_Loader.add_constructor("!input", lambda loader, node: loader.construct_scalar(node))  # type: ignore[arg-type]


def test_dashboard_documented() -> None:
    """docs/automations.md shows docs/dashboard.yaml as it is, with its
    screenshot; the README shows the screenshot and links to it."""
    assert f"```yaml\n{DASHBOARD}```" in AUTOMATIONS
    assert "](dashboard-in-call.png)" in AUTOMATIONS
    raw = MANIFEST["documentation"].replace(
        "https://github.com/", "https://raw.githubusercontent.com/"
    )
    assert f"]({raw}/main/docs/dashboard-in-call.png)" in README
    page = f"{MANIFEST['documentation']}/blob/main/docs/automations.md"
    assert f"]({page}#a-dashboard-for-the-phone)" in README


@pytest.mark.usefixtures("init_integration", "enable_all_entities")
async def test_dashboard_entities_exist(hass: HomeAssistant) -> None:
    """Every entity the dashboard shows exists for a phone named Desk phone."""
    config = yaml.safe_load(DASHBOARD)
    ids: list[str] = []
    for card in config["views"][0]["cards"]:
        ids += [card["entity"]] if "entity" in card else card["entities"]
    for entity_id in ids:
        assert hass.states.get(entity_id) is not None, entity_id


def test_blueprints_importable_from_the_docs() -> None:
    """Each blueprint's source URL is under the documentation URL, and its
    import link is in the README and in docs/automations.md."""
    assert len(BLUEPRINTS) == 4
    for path in BLUEPRINTS:
        blueprint = yaml.load(path.read_text(), Loader=_Loader)["blueprint"]  # noqa: S506 (a SafeLoader)
        url = blueprint["source_url"]
        assert url.startswith(MANIFEST["documentation"] + "/blob/main/blueprints/")
        assert url.endswith(f"/{path.name}")
        assert quote(url, safe="") in README, path.name
        assert quote(url, safe="") in AUTOMATIONS, path.name
