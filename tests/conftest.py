"""Fixtures for the Sangoma Phone tests."""

from collections.abc import Awaitable, Callable, Generator
from enum import StrEnum
import json
from pathlib import Path
from typing import Any
from unittest.mock import patch
from urllib.parse import quote

from aiohttp import ClientResponse
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.syrupy import (
    HomeAssistantSnapshotExtension,
    HomeAssistantSnapshotSerializer,
)
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator
from syrupy.assertion import SnapshotAssertion
from syrupy.types import SerializableData
from yarl import URL

# Bind the repository's `custom_components` package before the test harness puts
# its own testing config (which ships another `custom_components`) on sys.path.
import custom_components  # noqa: F401
from custom_components.sangoma_phone.const import (
    CONF_LOCAL_ONLY,
    CONF_MAC,
    CONF_WEBHOOK_ID,
    DOMAIN,
)
from custom_components.sangoma_phone.texts import Texts
from homeassistant.const import Platform
from homeassistant.core import HomeAssistant
from homeassistant.core_config import async_process_ha_core_config
from homeassistant.helpers import device_registry as dr, entity_registry as er

WEBHOOK_ID = "0123456789abcdef0123456789abcdef"
MAC = "001fc1aabbcc"
ENTRY_ID = "01JDESKPHONE000000000000000"
LOCAL_URL = "http://homeassistant.local:8123"

type SendRequest = Callable[..., Awaitable[ClientResponse]]


def phone_device(
    registry: dr.DeviceRegistry, entry_id: str = ENTRY_ID
) -> dr.DeviceEntry | None:
    """Return a phone's device through an API every supported release has.

    (`async_get_device_by_identifier` is new in 2026.10; `async_get_device` is
    deprecated there.)
    """
    return next(
        (
            device
            for device in dr.async_entries_for_config_entry(registry, entry_id)
            if (DOMAIN, entry_id) in device.identifiers
        ),
        None,
    )


@pytest.fixture(autouse=True)
def auto_enable_custom_integrations(enable_custom_integrations: None) -> None:
    """Load the integration from custom_components/ in every test."""


class PortableSnapshotSerializer(HomeAssistantSnapshotSerializer):
    """Home Assistant's snapshot format, written alike by every supported release.

    Two things core represents differently between releases, neither of them the
    integration's: attribute keys (plain strings in 2026.3, StrEnum members later)
    and entity registry aliases (a set in 2026.3; later an ordered list holding
    `None` for "the entity's own name"). Keys are written as plain strings and
    aliases as the user-given ones only, so one snapshot file serves every release.
    """

    @classmethod
    def _serialize(cls, data: SerializableData, **kwargs: Any) -> str:
        if isinstance(data, dict) and any(isinstance(key, StrEnum) for key in data):
            data = type(data)(
                {
                    str(key) if isinstance(key, StrEnum) else key: value
                    for key, value in data.items()
                }
            )
        return super()._serialize(data, **kwargs)

    @classmethod
    def _serializable_entity_registry_entry(
        cls, data: er.RegistryEntry
    ) -> SerializableData:
        serialized = super()._serializable_entity_registry_entry(data)
        assert isinstance(serialized, dict)
        serialized["aliases"] = sorted(a for a in serialized["aliases"] if a)
        return serialized


class PortableSnapshotExtension(HomeAssistantSnapshotExtension):
    """Home Assistant's snapshot extension with the portable serializer."""

    serializer_class = PortableSnapshotSerializer


@pytest.fixture
def snapshot(snapshot: SnapshotAssertion) -> SnapshotAssertion:
    """Return snapshots in Home Assistant's format."""
    return snapshot.use_extension(PortableSnapshotExtension)


@pytest.fixture
def platforms() -> list[Platform]:
    """Return the platforms to load (all of them unless a test narrows it)."""
    return [
        Platform.BINARY_SENSOR,
        Platform.BUTTON,
        Platform.EVENT,
        Platform.SENSOR,
        Platform.SWITCH,
    ]


@pytest.fixture
def mock_config_entry() -> MockConfigEntry:
    """Return a phone's config entry with a pinned MAC."""
    return MockConfigEntry(
        domain=DOMAIN,
        title="Desk phone",
        unique_id=MAC,
        entry_id=ENTRY_ID,
        data={CONF_WEBHOOK_ID: WEBHOOK_ID, CONF_MAC: MAC},
        options={CONF_LOCAL_ONLY: True},
    )


@pytest.fixture
async def local_url(hass: HomeAssistant) -> str:
    """Give Home Assistant a local URL."""
    await async_process_ha_core_config(hass, {"internal_url": LOCAL_URL})
    return LOCAL_URL


@pytest.fixture
def enable_all_entities() -> Generator[None]:
    """Enable entities that are disabled by default."""
    with patch(
        "homeassistant.helpers.entity.Entity.entity_registry_enabled_default",
        return_value=True,
    ):
        yield


@pytest.fixture
async def init_integration(
    hass: HomeAssistant,
    mock_config_entry: MockConfigEntry,
    local_url: str,
    platforms: list[Platform],
) -> MockConfigEntry:
    """Set the phone up."""
    mock_config_entry.add_to_hass(hass)
    with patch("custom_components.sangoma_phone.PLATFORMS", platforms):
        assert await hass.config_entries.async_setup(mock_config_entry.entry_id)
        await hass.async_block_till_done()
    return mock_config_entry


def build_query(event: str | None, params: dict[str, Any] | str) -> str:
    """Return a query string as a phone sends it (values percent-encoded)."""
    if isinstance(params, str):
        rest = params
    else:
        rest = "&".join(
            f"{name}={quote(str(value), safe='')}" for name, value in params.items()
        )
    head = f"event={event}" if event is not None else ""
    return "&".join(part for part in (head, rest) if part)


@pytest.fixture
async def send(hass_client_no_auth: ClientSessionGenerator) -> SendRequest:
    """Return a function that sends a phone request to a webhook (GET)."""
    client = await hass_client_no_auth()

    async def _send(
        event: str | None,
        params: dict[str, Any] | str | None = None,
        *,
        webhook_id: str = WEBHOOK_ID,
        mac: str | None = MAC,
    ) -> ClientResponse:
        values: dict[str, Any] | str = params if params is not None else {}
        if isinstance(values, dict) and mac is not None:
            values = {"mac": mac, **values}
        # encoded=True: the request target goes out exactly as built here.
        return await client.get(
            URL(f"/api/webhook/{webhook_id}?{build_query(event, values)}", encoded=True)
        )

    return _send


def en_texts() -> Texts:
    """Return the integration's texts in English (as Home Assistant loads them)."""
    path = (
        Path(__file__).parent.parent
        / "custom_components/sangoma_phone/translations/en.json"
    )
    flat: dict[str, str] = {}

    def walk(node: Any, prefix: str) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                walk(value, f"{prefix}{key}.")
        else:
            flat[prefix[:-1]] = node

    walk(json.loads(path.read_text(encoding="utf-8")), "")
    return Texts(flat)
