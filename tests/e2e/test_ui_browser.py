"""In a real browser: add a phone through the UI and watch a call on its page.

Playwright drives Debian's Chromium (/usr/bin/chromium): log in, add the
integration, read the URLs the last step shows, play a call with the
simulator against them and see the device page go Ringing → In call → Idle;
then open the README's dashboard (docs/dashboard.yaml) during a call.
Screenshots go to .e2e/screenshots/; SANGOMA_UPDATE_SCREENSHOTS=1 also
writes the README's to docs/.
"""

import asyncio
from collections.abc import AsyncIterator
import os
from pathlib import Path
import re
from typing import Any

from PIL import Image
from playwright.async_api import Locator, Page, async_playwright, expect
import pytest
import pytest_asyncio
import yaml

from tests.fake_phone import HOST as FAKE_HOST, FakePhone
from tests.screenshots import record_screenshot
from tools.sangoma_sim import (
    Options,
    Party,
    PhoneIdentity,
    PhoneSimulator,
    load_provisioning,
)

from .conftest import CALL_FAILED, added_phone, phone_entities
from .harness import PASSWORD, ROOT, USERNAME, HassInstance

pytestmark = [pytest.mark.e2e, pytest.mark.browser]

# Debian's Chromium here; elsewhere (GitHub's runners) another Chromium build.
CHROMIUM = Path(os.environ.get("SANGOMA_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    # Belt and braces: the browser cannot even resolve another host.
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
]
NAME = "Reception phone"
MAC = "00:50:58:65:43:21"
SHOTS = ROOT / ".e2e" / "screenshots"
DOCS = ROOT / "docs"
WAIT_MS = 20_000
CONTROLLED = "Controlled phone"
DASHBOARD_PHONE = "Front desk"  # entity ids front_desk_*, as a user's would be
DASHBOARD_MAC = "00:50:58:11:22:33"
DASHBOARD_PATH = "front-desk-phone"
# The README's dashboard is written for a phone named "Desk phone".
DOCUMENTED_PREFIX = "desk_phone_"
FAKE_PASSWORD = "browser-Pa55"


@pytest.fixture
def chromium() -> Path:
    """Return Debian's Chromium; fail loudly (never skip) when it is missing."""
    if not CHROMIUM.exists():
        pytest.fail(
            f"{CHROMIUM} not found: the browser test needs Debian's Chromium "
            "(apt-get install -y chromium; .ci/run installs it). Deselect the "
            'browser test with -m "not browser".'
        )
    SHOTS.mkdir(parents=True, exist_ok=True)
    return CHROMIUM


@pytest_asyncio.fixture
async def page(chromium: Path, request: pytest.FixtureRequest) -> AsyncIterator[Page]:
    """A page in headless Chromium."""
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=str(chromium), args=CHROMIUM_ARGS
        )
        context = await browser.new_context(
            viewport={"width": 1100, "height": 760}, locale="en-US"
        )
        context.set_default_timeout(WAIT_MS)
        page = await context.new_page()
        try:
            yield page
            if request.node.stash.get(CALL_FAILED, False):
                await page.screenshot(path=SHOTS / "failure.png")
        finally:
            await context.close()
            await browser.close()


async def shot(
    page: Page, name: str, *, docs: bool = False, strings: tuple[str, ...] = ()
) -> None:
    """Save a screenshot; the documented ones also to docs/ when asked to, with
    the English UI strings they show (docs/screenshots.json: a unit test then
    notices when one of those strings changes)."""
    await page.screenshot(path=SHOTS / name)
    if docs and os.environ.get("SANGOMA_UPDATE_SCREENSHOTS") == "1":
        # 256 colours are plenty for the UI and keep the repository small.
        with Image.open(SHOTS / name) as image:
            image.quantize(256).save(DOCS / name, optimize=True)
        record_screenshot(name, strings)


async def log_in(page: Page, instance: HassInstance) -> None:
    """Log in as the owner on the real login page."""
    await page.goto(instance.base_url)
    await page.get_by_label("Username").fill(USERNAME)
    await page.get_by_label("Password", exact=True).fill(PASSWORD)
    await page.get_by_role("button", name="Log in").click()
    await page.wait_for_url("**/home/overview")
    # Shown when the http: settings from YAML are not confirmed yet (the
    # harness confirms them after onboarding, so normally it is not there).
    confirm = page.get_by_role("button", name="Confirm", exact=True)
    if await confirm.is_visible():
        await confirm.click()


def call_state_row(page: Page) -> Locator:
    """Return the device page's "Call state" row."""
    return page.locator("hui-sensor-entity-row", has_text="Call state")


async def test_add_phone_and_watch_a_call(
    hass_instance: HassInstance, page: Page
) -> None:
    """Settings → Devices & services → Add integration, then a call."""
    await log_in(page, hass_instance)

    # Add the integration the way a user does.
    await page.goto(f"{hass_instance.base_url}/config/integrations/dashboard")
    await page.get_by_role("button", name="Add integration").click()
    # Type into the dialog's search box itself: typed before it has the focus,
    # the letters would go to the frontend's shortcuts ("a" opens Assist).
    search = page.get_by_placeholder("Search for a brand name")
    await search.click()
    await expect(search).to_be_focused()
    await page.keyboard.type("Sangoma")
    await page.get_by_role("button", name="Sangoma Phone", exact=True).click()
    name = page.get_by_role("textbox", name=re.compile(r"^Name"))
    await expect(name).to_have_value("Sangoma phone")
    await name.fill(NAME)
    await page.get_by_role("textbox", name=re.compile("MAC address")).fill(MAC)
    await shot(
        page,
        "browser-add-phone.png",
        docs=True,
        strings=(
            "config.step.user.title",
            "config.step.user.description",
            "config.step.user.data.name",
            "config.step.user.data.mac",
            "config.step.user.data.web_access",
        ),
    )
    await page.get_by_role("button", name="Submit").click()

    # A step of its own shows every URL, each in its own block, the essential
    # ones first, before the phone is added.
    webhook = re.compile(
        re.escape(hass_instance.base_url) + r"/api/webhook/([0-9a-f]{32,64})\?"
    )
    blocks = page.locator("pre code")
    await expect(blocks.first).to_have_text(webhook)
    shown = await blocks.all_inner_texts()
    assert len(shown) == 33
    urls = {
        match.group(1): text.strip()
        for text in shown
        if (match := re.search(r"\?event=(\w+)&", text))
    }
    assert {"incoming_call", "established", "terminated"} <= set(urls)
    for url in urls.values():
        assert webhook.match(url), url
        assert "mac=$mac" in url
    await shot(
        page,
        "browser-phone-urls.png",
        docs=True,
        strings=(
            "config.step.urls.title",
            "config.step.urls.description",
            "config.step.urls.menu_options.test",
            "config.step.urls.menu_options.finish",
            "selector.texts.options.essential",
            "selector.texts.options.essential_intro",
        ),
    )
    # Not added before the user chooses.
    async with hass_instance.api() as api:
        assert not [
            e
            for e in await hass_instance.entries(api, "sangoma_phone")
            if e["title"] == NAME
        ]

    # The test: DND pressed on the phone, then Check.
    await page.get_by_text("Test: I entered the URLs in the phone").click()
    await expect(page.get_by_text("Check: I pressed DND on the phone")).to_be_visible()
    await shot(
        page,
        "browser-test.png",
        docs=True,
        strings=(
            "config.step.test.title",
            "config.step.test.description",
            "config.step.test.menu_options.check",
            "config.step.test.menu_options.finish",
        ),
    )
    phone = PhoneSimulator(urls, phone=PhoneIdentity(mac=MAC.replace(":", "")))
    assert (await phone.send("dnd_on")).status == 200
    await page.get_by_text("Check: I pressed DND on the phone").click()
    await expect(
        page.get_by_text(f"{NAME} works: Home Assistant received DND turned on")
    ).to_be_visible()
    await shot(
        page,
        "browser-tested.png",
        docs=True,
        strings=("config.create_entry.tested",),
    )
    await page.get_by_role("button", name=re.compile("finish", re.IGNORECASE)).click()
    async with hass_instance.api() as api:
        entries = await hass_instance.entries(api, "sangoma_phone")
    entry = next(e for e in entries if e["title"] == NAME)
    assert entry["state"] == "loaded"
    await page.wait_for_url("**/config/devices/device/*", timeout=60_000)
    row = call_state_row(page)
    await expect(row).to_contain_text("Unknown")

    # A call, with the simulator sending to exactly the URLs the UI showed.
    assert (await phone.send("incoming_call", "a")).status == 200
    await expect(row).to_contain_text("Ringing")
    await expect(page.get_by_text("Incoming call from Bob (1002)")).to_be_visible()
    await shot(
        page,
        "browser-device-ringing.png",
        docs=True,
        strings=(
            "entity.sensor.call_state.name",
            "entity.sensor.call_state.state.ringing",
        ),
    )
    assert (await phone.send("established", "a")).status == 200
    await expect(row).to_contain_text("In call")
    await shot(
        page,
        "browser-device-in-call.png",
        docs=True,
        strings=(
            "entity.sensor.call_state.name",
            "entity.sensor.call_state.state.connected",
        ),
    )
    assert (await phone.send("terminated", "a")).status == 200
    await expect(row).to_contain_text("Idle")
    await shot(page, "browser-device-idle.png")

    # The URL page (Configure → Show the phone's URLs): its top, downloads first.
    await page.set_viewport_size({"width": 1100, "height": 1000})
    await page.goto(
        f"{hass_instance.base_url}/config/integrations/integration/sangoma_phone"
    )
    # This phone's row (another phone of the session has 34 URLs: P3734 too).
    entry_row = page.locator("ha-config-entry-row", has_text=NAME)
    await entry_row.get_by_role("button", name="Configure").click()
    await page.get_by_text("Show the phone's URLs").click()
    await expect(page.locator("pre code").first).to_have_text(webhook)
    # 33 URLs, 34 if the phone listed first opted in to P3734 (IP Changed).
    assert len(await page.locator("pre code").all_inner_texts()) in {33, 34}
    footer = page.locator("ha-dialog-footer")
    await expect(footer.get_by_role("button", name="Close")).to_be_visible()
    await shot(
        page,
        "browser-url-page.png",
        docs=True,
        strings=("options.step.init.menu_options.urls", "options.abort.urls"),
    )


async def test_dnd_switch_on_the_device_page(
    hass_instance: HassInstance, page: Page
) -> None:
    """The DND switch toggled on the device page sends key=DNDOn to the phone."""
    async with FakePhone(auth="basic", password=FAKE_PASSWORD) as fake_phone:
        async with hass_instance.api() as api:
            form = await api.post(
                "/api/config/config_entries/flow",
                {"handler": "sangoma_phone", "show_advanced_options": False},
            )
            form = await api.post(
                f"/api/config/config_entries/flow/{form['flow_id']}",
                {"name": CONTROLLED, "web_access": True},
            )
            result = await api.post(
                f"/api/config/config_entries/flow/{form['flow_id']}",
                {
                    "host": FAKE_HOST,
                    "port": fake_phone.port,
                    "username": "admin",
                    "password": FAKE_PASSWORD,
                    "allow_basic": True,  # this phone offers nothing else
                },
            )
            # The URLs are shown before the phone is added.
            assert result["step_id"] == "urls", result
            result = await api.post(
                f"/api/config/config_entries/flow/{form['flow_id']}",
                {"next_step_id": "finish"},
            )
            assert result["type"] == "create_entry", result
        entry_id = result["result"]["entry_id"]
        _, device_id = await phone_entities(hass_instance, entry_id)
        # The phone reports DND off first: the row then shows a real toggle.
        urls = await load_provisioning(
            f"{hass_instance.base_url}/api/sangoma_phone/{entry_id}/provisioning.xml",
            token=hass_instance.token,
        )
        phone = PhoneSimulator(urls, phone=PhoneIdentity(mac="005058000202"))
        assert (await phone.send("dnd_off")).status == 200
        await log_in(page, hass_instance)
        await page.goto(f"{hass_instance.base_url}/config/devices/device/{device_id}")
        row = page.locator("hui-toggle-entity-row", has_text="Do not disturb")
        toggle = row.get_by_role("switch")
        await expect(toggle).not_to_be_checked()
        before = len(fake_phone.received)
        await row.locator("ha-switch").click()  # as a user clicks it
        async with asyncio.timeout(WAIT_MS / 1000):
            # A new client: challenged once (Basic), then authenticated.
            await fake_phone.wait_for_requests(before + 2)
        await expect(toggle).to_be_checked()
        assert fake_phone.actions[-1] == b"GET /Phone_ActionURL&key=DNDOn HTTP/1.1"
        await shot(page, "browser-dnd-switch.png")
        async with hass_instance.api() as api:
            await api.delete(f"/api/config/config_entries/entry/{entry_id}")


def documented_dashboard(prefix: str) -> dict[str, Any]:
    """Return docs/dashboard.yaml with the entity ids of a phone's prefix.

    Exactly what the README asks a user to do: replace ``desk_phone`` by the
    phone's own id prefix.
    """
    text = (DOCS / "dashboard.yaml").read_text()
    assert DOCUMENTED_PREFIX in text
    config: dict[str, Any] = yaml.safe_load(text.replace(DOCUMENTED_PREFIX, prefix))
    return config


def dashboard_entities(config: dict[str, Any]) -> set[str]:
    """Return every entity id the dashboard's cards show."""
    found: set[str] = set()
    for view in config["views"]:
        for card in view["cards"]:
            if "entity" in card:
                found.add(card["entity"])
            found.update(card.get("entities", []))
    return found


async def test_documented_dashboard_during_a_call(
    hass_instance: HassInstance, page: Page
) -> None:
    """The README's dashboard, created on the real Home Assistant, in a call."""
    phone = await added_phone(hass_instance, DASHBOARD_PHONE, DASHBOARD_MAC)
    try:
        prefix = phone.entities["call_state"].removeprefix("sensor.")
        prefix = prefix.removesuffix("call_state")
        assert prefix == "front_desk_"
        config = documented_dashboard(prefix)
        # Every entity the documented dashboard shows exists (and is enabled).
        assert dashboard_entities(config) <= set(phone.entities.values())
        async with hass_instance.websocket() as ws:
            await ws.call(
                "lovelace/dashboards/create",
                url_path=DASHBOARD_PATH,
                title=config["title"],
                icon="mdi:phone",
                mode="storage",
            )
            await ws.call(
                "lovelace/config/save", url_path=DASHBOARD_PATH, config=config
            )

        # Some history for the call history card, then a call in progress.
        missed = phone.simulator(Options(remote=Party(number="1003", name="Carol")))
        assert {r.status for r in await missed.play("incoming-missed")} == {200}
        call = phone.simulator(Options(remote=Party(number="1002", name="Alice")))
        assert (await call.send("incoming_call", "a")).status == 200
        assert (await call.send("established", "a")).status == 200

        await log_in(page, hass_instance)
        await page.set_viewport_size({"width": 1100, "height": 900})
        view = config["views"][0]["path"]
        await page.goto(f"{hass_instance.base_url}/{DASHBOARD_PATH}/{view}")
        call_state = page.locator("hui-tile-card", has_text="Call state")
        await expect(call_state).to_contain_text("In call")
        await expect(page.locator("hui-tile-card", has_text="Caller")).to_contain_text(
            "Alice"
        )
        await expect(
            page.locator("hui-tile-card", has_text=re.compile(r"^\s*Missed calls"))
        ).to_contain_text("1")
        history = page.locator("hui-logbook-card")
        # The card lists the event entity's own lines: the events in plain
        # words (the integration's longer lines, with the caller, are in the
        # Activity panel; see the README's known limitations).
        await expect(history.get_by_text("Call answered", exact=True)).to_be_visible()
        await expect(history.get_by_text("Missed call", exact=True)).to_be_visible()
        await shot(page, "dashboard-in-call.png", docs=True)

        assert (await call.send("terminated", "a")).status == 200
        await expect(call_state).to_contain_text("Idle")
    finally:
        async with hass_instance.api() as api:
            await api.delete(f"/api/config/config_entries/entry/{phone.entry_id}")
