"""Shims for the older Home Assistant releases the integration supports.

Each names the release that lets it go: the first release checked to have
the new API. Once the oldest supported release (hacs.json,
requirements_test_oldest.txt; 2026.3 today) is at least that one, delete the
shim and use the new API directly.
"""

from collections.abc import Callable
from typing import Any

import aiohttp

try:
    from homeassistant.components.repairs import RepairsFlowResult
except ImportError:  # pragma: no cover  # Not in 2026.3; drop with 2026.10.
    from homeassistant.data_entry_flow import (  # type: ignore[assignment]
        FlowResult as RepairsFlowResult,
    )

__all__ = [
    "CheckerCompat",
    "RepairsFlowResult",
    "basic_auth_header",
    "device_entry_ids",
]


def basic_auth_header(login: str, password: str) -> str:
    """Return a Basic Authorization header value.

    Drop with 2026.10: its aiohttp 3.14 deprecates ``BasicAuth`` for
    ``encode_basic_auth``; aiohttp 3.13 (Home Assistant 2026.3) has only the former.
    """
    if (encode := getattr(aiohttp, "encode_basic_auth", None)) is not None:
        return str(encode(login, password))
    return aiohttp.BasicAuth(login, password).encode()  # pragma: no cover


def device_entry_ids(device: Any) -> tuple[str, ...]:
    """Return the config entries of a device.

    Drop with 2026.10: it gives a device one ``config_entry_id`` and
    deprecates ``config_entries``, the only one 2026.3 has.
    """
    if device is None:
        return ()
    if (entry_id := getattr(device, "config_entry_id", None)) is not None:
        return (str(entry_id),)
    return tuple(device.config_entries)  # pragma: no cover


class CheckerCompat:
    """A condition's checker as Home Assistant 2026.3 asks for it.

    Drop with 2026.4: from then on Home Assistant calls the condition's
    ``_async_check``.
    """

    def _async_check(self, **kwargs: Any) -> bool:
        raise NotImplementedError

    async def async_get_checker(self) -> Callable[..., bool]:
        """Return the checker (Home Assistant 2026.3)."""

        def checker(*args: Any, **kwargs: Any) -> bool:
            return self._async_check()

        return checker
