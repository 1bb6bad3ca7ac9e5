"""Where the Action URL templates come from: a provisioning file, or a webhook."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from pathlib import Path
import xml.etree.ElementTree as ET

from custom_components.sangoma_phone.protocol import EVENTS, event_urls

from .client import DEFAULT_TIMEOUT, http_get
from .errors import SimulatorError

_P_CODES: Mapping[str, str] = {event.p_code: event.key for event in EVENTS}


def parse_provisioning(xml: str | bytes) -> dict[str, str]:
    """Return the Action URL templates of a provisioning file, by event key."""
    try:
        root = ET.fromstring(xml)  # noqa: S314 - a file the user hands us
    except ET.ParseError as err:
        raise SimulatorError(f"not a provisioning file: {err}") from err
    urls: dict[str, str] = {}
    for element in root.iter():
        if (key := _P_CODES.get(element.tag)) is not None and element.text:
            urls[key] = element.text.strip()
    if not urls:
        raise SimulatorError("the provisioning file holds no Action URL")
    return urls


async def load_provisioning(
    source: str,
    *,
    token: str | None = None,
    time_limit: float = DEFAULT_TIMEOUT,
    loopback_only: bool = True,
) -> dict[str, str]:
    """Read a provisioning file from a path or download it from a URL."""
    if source.startswith(("http://", "https://")):
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        response = await http_get(
            source, headers=headers, time_limit=time_limit, loopback_only=loopback_only
        )
        if response.status != 200:
            raise SimulatorError(
                f"downloading {source} answered {response.status}: "
                f"{response.body[:200].decode(errors='replace').strip()}"
            )
        return parse_provisioning(response.body)
    return parse_provisioning(await asyncio.to_thread(Path(source).read_bytes))


def urls_from_webhook(base_url: str, webhook_id: str) -> dict[str, str]:
    """Return the Action URL templates for a Home Assistant base URL and webhook."""
    return event_urls(base_url, webhook_id)
