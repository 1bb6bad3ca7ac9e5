"""Fixtures for the end-to-end tests: one real Home Assistant for the session."""

import asyncio
from collections.abc import AsyncIterator, Generator
from dataclasses import dataclass
import re
import time
from typing import Any

import pytest
import pytest_asyncio

from tools.sangoma_sim import (
    Options,
    PhoneIdentity,
    PhoneSimulator,
    load_provisioning,
)

from .harness import HassInstance, allow_loopback_sockets, free_port

DOMAIN = "sangoma_phone"
PHONE_NAME = "E2E desk"
PHONE_MAC = "00:50:58:12:34:56"
PHONE_MAC_DIGITS = "005058123456"

# Every entity a phone has, by the key its unique id ends with.
ENTITY_KEYS = (
    "in_call",
    "ringing",
    "off_hook",
    "registered",
    "on_hold",
    "muted",
    "always_forward",
    "busy_forward",
    "no_answer_forward",
    "phone_event",
    "call_state",
    "remote_number",
    "remote_name",
    "last_event",
    "missed_calls",
    "last_call_duration",
    "ip_address",  # disabled by default
    "dnd",
    "reset_missed_calls",
    "last_report",
)
# Rarely needed: disabled until the user enables them on the device page.
DISABLED_BY_DEFAULT = frozenset(
    {"muted", "off_hook", "busy_forward", "no_answer_forward", "last_event"}
)


@pytest.fixture(autouse=True)
def auto_enable_custom_integrations() -> None:
    """Override the unit tests' fixture: no in-process Home Assistant here."""


@pytest.fixture(autouse=True)
def loopback_sockets() -> None:
    """Allow sockets to 127.0.0.1 (and nowhere else) in every test."""
    allow_loopback_sockets()


# Measured while the tests run; printed in pytest's terminal summary.
TIMINGS: dict[str, float] = {}
_WALL = {"e2e": 0.0, "browser": 0.0}


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    """Add up the time the end-to-end and browser tests take."""
    if "tests/e2e/" in report.nodeid.replace("\\", "/"):
        part = "browser" if "test_ui_browser.py" in report.nodeid else "e2e"
        _WALL[part] += report.duration


def pytest_terminal_summary(terminalreporter: Any) -> None:
    """Print the timings of the end-to-end and browser tests."""
    if not TIMINGS and not any(_WALL.values()):
        return
    terminalreporter.write_sep("-", "end-to-end timings")
    for name, seconds in {
        **TIMINGS,
        **{f"{k} tests": v for k, v in _WALL.items()},
    }.items():
        terminalreporter.write_line(f"{name}: {seconds:.1f} s")


CALL_FAILED = pytest.StashKey[bool]()


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    """Let fixtures know whether the test itself failed (for screenshots)."""
    report = yield
    if report.when == "call":
        item.stash[CALL_FAILED] = report.failed
    return report


@pytest.fixture(scope="session")
def timings() -> dict[str, float]:
    """Where tests record what they measured."""
    return TIMINGS


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def hass_instance(
    tmp_path_factory: pytest.TempPathFactory, timings: dict[str, float]
) -> AsyncIterator[HassInstance]:
    """Start a real, onboarded Home Assistant; stop it cleanly at the end."""
    allow_loopback_sockets()
    instance = HassInstance(
        config_dir=tmp_path_factory.mktemp("hass-config"), port=free_port()
    )
    instance.write_config()
    started = time.monotonic()
    instance.start()
    try:
        timings[
            "first hass start (web server up)"
        ] = await instance.wait_until_running()
        await instance.onboard()
        # Now with a token: wait for the end of the start (on the first start
        # in a fresh .venv Home Assistant installs its runtime requirements).
        await instance.wait_until_running()
        timings["first hass start (running, onboarded)"] = time.monotonic() - started
        yield instance
    finally:
        code = instance.stop()
    assert code == 0, f"hass exited with {code}:\n{instance.log_tail()}"
    # The integration logged no error in the whole session.
    errors = [
        line
        for line in instance.log_text().splitlines()
        if ("ERROR" in line or "Traceback" in line) and "sangoma_phone" in line
    ]
    assert not errors, "\n".join(errors)


@dataclass(kw_only=True)
class Phone:
    """A phone added through the config flow, and where its URLs came from."""

    entry_id: str
    flow_result: dict[str, Any]
    urls: dict[str, str]
    entities: dict[str, str]  # key -> entity id
    device_id: str
    mac_digits: str = PHONE_MAC_DIGITS  # the MAC the simulated phone sends

    def simulator(self, options: Options | None = None) -> PhoneSimulator:
        """Return a simulated phone that calls this phone's URLs."""
        return PhoneSimulator(
            self.urls,
            phone=PhoneIdentity(mac=self.mac_digits),
            options=options or Options(),
        )


async def add_phone(
    instance: HassInstance, name: str, mac: str | None
) -> dict[str, Any]:
    """Add a phone the way the frontend does; return the flow's final result."""
    async with instance.api() as api:
        form = await api.post(
            "/api/config/config_entries/flow",
            {"handler": DOMAIN, "show_advanced_options": False},
        )
        assert form["type"] == "form"
        assert form["step_id"] == "user"
        assert [field["name"] for field in form["data_schema"]] == [
            "name",
            "mac",
            "web_access",
        ]
        user_input = {"name": name} | ({"mac": mac} if mac else {})
        shown = await api.post(
            f"/api/config/config_entries/flow/{form['flow_id']}", user_input
        )
        # Every URL is shown in a step of its own, before the phone is added;
        # "Add now" adds it without the test.
        assert shown["type"] == "menu", shown
        assert shown["step_id"] == "urls"
        result: dict[str, Any] = await api.post(
            f"/api/config/config_entries/flow/{form['flow_id']}",
            {"next_step_id": "finish"},
        )
        result["urls_step"] = shown
        return result


async def opt_in_unverified(instance: HassInstance, entry_id: str) -> None:
    """Include P3734 (IP Changed) in the phone's URLs, as a user opts in."""
    async with instance.api() as api:
        menu = await api.post(
            "/api/config/config_entries/options/flow", {"handler": entry_id}
        )
        form = await api.post(
            f"/api/config/config_entries/options/flow/{menu['flow_id']}",
            {"next_step_id": "settings"},
        )
        done = await api.post(
            f"/api/config/config_entries/options/flow/{form['flow_id']}",
            {"local_only": True, "include_ip_changed": True},
        )
        assert done["type"] == "create_entry", done
    # The options reload the phone: wait until it is loaded again.
    for _ in range(100):
        async with instance.api() as api:
            entries = await instance.entries(api, DOMAIN)
        if any(e["entry_id"] == entry_id and e["state"] == "loaded" for e in entries):
            return
        await asyncio.sleep(0.05)
    raise AssertionError(f"{entry_id} did not load again")


async def enable_entities(
    instance: HassInstance, entry_id: str, keys: frozenset[str]
) -> None:
    """Enable disabled entities of a phone, as a user does on the device page,
    and wait for Home Assistant's reload that follows (about 30 s later: an
    earlier reload of our own would not cancel it, and it would then come in
    the middle of a test)."""
    async with instance.websocket() as ws:
        registry = await ws.call("config/entity_registry/list")
        disabled = {
            entity["unique_id"].removeprefix(f"{entry_id}_"): entity["entity_id"]
            for entity in registry
            if entity["config_entry_id"] == entry_id
            and entity["disabled_by"] == "integration"
        }
        assert set(disabled) == {*keys, "ip_address"}, disabled
        for key in keys:
            await ws.call(
                "config/entity_registry/update",
                entity_id=disabled[key],
                disabled_by=None,
            )
    deadline = asyncio.get_running_loop().time() + 60
    while keys:
        async with instance.api() as api:
            status, _, _ = await api.get_raw(f"/api/states/{disabled[min(keys)]}")
        if status == 200:
            return
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"{sorted(keys)} were not enabled")
        await asyncio.sleep(0.5)


async def phone_entities(
    instance: HassInstance, entry_id: str
) -> tuple[dict[str, str], str]:
    """Return the phone's entity ids by key, and its device id."""
    async with instance.websocket() as ws:
        registry = await ws.call("config/entity_registry/list")
    entities: dict[str, str] = {}
    device_ids = set()
    for entity in registry:
        if entity["config_entry_id"] != entry_id or entity["disabled_by"]:
            continue  # (the IP address sensor is disabled by default)
        key = entity["unique_id"].removeprefix(f"{entry_id}_")
        entities[key] = entity["entity_id"]
        device_ids.add(entity["device_id"])
    assert len(device_ids) == 1
    return entities, device_ids.pop()


async def added_phone(instance: HassInstance, name: str, mac: str) -> Phone:
    """Add a phone through the config flow REST API; URLs from its file."""
    result = await add_phone(instance, name, mac)
    assert result["type"] == "create_entry", result
    entry_id = result["result"]["entry_id"]
    # The simulator plays every event, P3734 (opt-in) too.
    await opt_in_unverified(instance, entry_id)
    url = f"{instance.base_url}/api/sangoma_phone/{entry_id}/provisioning.xml"
    urls = await load_provisioning(url, token=instance.token)
    entities, device_id = await phone_entities(instance, entry_id)
    return Phone(
        entry_id=entry_id,
        flow_result=result,
        urls=urls,
        entities=entities,
        device_id=device_id,
        mac_digits=mac.replace(":", "").lower(),
    )


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def phone(hass_instance: HassInstance) -> Phone:
    """A phone added through the config flow REST API, URLs from its file."""
    allow_loopback_sockets()
    added = await added_phone(hass_instance, PHONE_NAME, PHONE_MAC)
    # Every entity takes part in the scenarios, the rarely needed ones too.
    await enable_entities(hass_instance, added.entry_id, DISABLED_BY_DEFAULT)
    added.entities, _ = await phone_entities(hass_instance, added.entry_id)
    # The scenarios are played back to back, far faster than a phone sends.
    await set_rate_limit(hass_instance, added, 1000)
    return added


async def set_rate_limit(instance: HassInstance, phone: Phone, rate: int) -> None:
    """Set the phone's rate limit through the options flow, as the UI does.

    The other settings are submitted as the form suggests them (unchanged).
    """
    async with instance.api() as api:
        menu = await api.post(
            "/api/config/config_entries/options/flow", {"handler": phone.entry_id}
        )
        path = f"/api/config/config_entries/options/flow/{menu['flow_id']}"
        form = await api.post(path, {"next_step_id": "settings"})
        values = {
            field["name"]: field["description"]["suggested_value"]
            for field in form["data_schema"]
            if "suggested_value" in (field.get("description") or {})
        }
        result = await api.post(path, {**values, "rate_limit": rate})
        assert result["type"] == "create_entry", result
    await asyncio.sleep(1)  # the entry reloads


def webhook_id_of(url: str) -> str:
    """Return the webhook id in a phone URL."""
    match = re.search(r"/api/webhook/([^/?]+)", url)
    assert match is not None, url
    return match.group(1)
