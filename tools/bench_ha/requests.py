"""The requests the benchmark sends: phone call cycles, from provisioning files.

The Action URL templates come from a phone's provisioning file (what a real
phone is given); the phone's $variables are filled in here, the way the phone
does, with values percent-encoded.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
import re
from urllib.parse import parse_qs, quote, urlsplit
import xml.etree.ElementTree as ET

# A realistic call: ring, answer, hold, resume, mute, unmute, hang up, idle.
CALL_CYCLE = (
    "incoming_call",
    "established",
    "hold",
    "unhold",
    "mute",
    "unmute",
    "terminated",
    "busy_to_idle",
)
VARIABLE = re.compile(r"\$[a-z_]+")


def templates_from_provisioning(xml: str) -> tuple[str, dict[str, str]]:
    """Return the webhook path and the query template of each event key."""
    path = ""
    templates: dict[str, str] = {}
    # The file comes from the Home Assistant this benchmark started.
    for element in ET.fromstring(xml).iter():  # noqa: S314
        text = (element.text or "").strip()
        if not text.startswith("http"):
            continue
        url = urlsplit(text)
        path = url.path
        key = parse_qs(url.query)["event"][0]
        templates[key] = url.query
    return path, templates


def phone_values(phone: int, cycle: int, mac: str) -> dict[str, str]:
    """Return the values a phone substitutes for its $variables."""
    return {
        "$mac": mac.replace(":", "").lower(),
        "$ip": f"192.168.{50 + phone // 250}.{phone % 250 + 1}",
        "$model": "S505",
        "$firmware": "2.0.4.89",
        "$call_id": f"{phone}-{cycle}",
        "$local": f"sip:2{phone:03d}@pbx.example",
        "$remote": f"sip:+1555{(cycle * 7 + phone) % 10000:04d}@pbx.example",
        "$active_user": f"2{phone:03d}",
        "$active_host": "pbx.example",
        "$active_url": f"sip:2{phone:03d}@pbx.example",
        "$display_local": f"Desk {phone}",
        "$display_remote": f"Caller & Sons {cycle}",
    }


def fill(template: str, values: Mapping[str, str]) -> str:
    """Substitute the $variables of a query template (percent-encoded)."""
    return VARIABLE.sub(lambda m: quote(values.get(m[0], ""), safe=""), template)


@dataclass
class RequestStream:
    """Call cycles over a group of phones, each phone's events in order.

    Request k goes to phone k mod N, at step k // N of its call cycles.
    """

    templates: Mapping[str, str]
    phones: list[tuple[int, str, str]]  # (index, MAC, webhook path)
    position: int = field(default=0)

    def take(self, count: int) -> list[str]:
        """Return the next `count` relative URLs (path and query)."""
        return [self._url(k) for k in range(self.position, self._advance(count))]

    def _advance(self, count: int) -> int:
        self.position += count
        return self.position

    def _url(self, k: int) -> str:
        n = len(self.phones)
        index, mac, path = self.phones[k % n]
        step, cycle = divmod(k // n, len(CALL_CYCLE))[::-1]
        query = fill(self.templates[CALL_CYCLE[step]], phone_values(index, cycle, mac))
        return f"{path}?{query}"
