"""The phone listener's settings: one per Home Assistant instance, in one Store.

Anything unusable in the store falls back to the default, field by field.
"""

from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Any

from homeassistant.core import HomeAssistant
from homeassistant.helpers.storage import Store

from ..const import (
    DEFAULT_LISTENER_PORT,
    LISTENER_STORAGE_KEY,
    LISTENER_STORAGE_VERSION,
)


@dataclass(frozen=True, slots=True, kw_only=True)
class ListenerSettings:
    """The instance-wide settings of the phone listener."""

    enabled: bool = False
    port: int = DEFAULT_LISTENER_PORT

    @classmethod
    def from_dict(cls, data: Any) -> ListenerSettings:
        """Read stored settings; anything unusable falls back to the default."""
        if not isinstance(data, Mapping):
            return cls()
        port = data.get("port")
        if not isinstance(port, int) or isinstance(port, bool) or not 0 < port < 65536:
            port = DEFAULT_LISTENER_PORT
        return cls(enabled=data.get("enabled") is True, port=port)

    def as_dict(self) -> dict[str, Any]:
        """Return the settings to store."""
        return asdict(self)


class ListenerSettingsStore:
    """Load, save and delete the listener's settings."""

    def __init__(self, hass: HomeAssistant) -> None:
        """Open the store (nothing is read yet)."""
        self._store: Store[dict[str, Any]] = Store(
            hass, LISTENER_STORAGE_VERSION, LISTENER_STORAGE_KEY
        )

    async def async_load(self) -> ListenerSettings:
        """Return the stored settings, or the default ones."""
        return ListenerSettings.from_dict(await self._store.async_load())

    async def async_save(self, settings: ListenerSettings) -> None:
        """Store the settings."""
        await self._store.async_save(settings.as_dict())

    async def async_remove(self) -> None:
        """Delete the stored settings."""
        await self._store.async_remove()
