"""Who may send: the one check every transport's requests pass.

The source (local only, allowed networks) and the rate first, then the MAC
once the query is parsed. The gate answers a `Refusal` or None, never HTTP:
each transport maps a refusal to its status. Rules: docs/requests.md.
"""

from collections import Counter
from collections.abc import Callable, Mapping
import contextlib
from dataclasses import dataclass
from enum import StrEnum
import functools
from http import HTTPStatus
import ipaddress
from time import monotonic
from types import MappingProxyType
from typing import Final

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import issue_registry as ir
from homeassistant.util import network as network_util

from .const import (
    CONF_ALLOWED_NETWORKS,
    CONF_LOCAL_ONLY,
    CONF_RATE_LIMIT,
    DEFAULT_LOCAL_ONLY,
    DOMAIN,
    LOGGER,
)
from .identity import (
    async_mac_owner,
    async_pin_mac,
    async_raise_duplicate,
    mac_mismatch_issue_id,
    pinned_mac,
)
from .protocol import ParsedRequest, format_mac
from .protocol.ratelimit import DEFAULT_RATE, TokenBucket, Verdict

type IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network
type IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

MAX_NETWORKS: Final = 64  # allowed networks a phone may have
MAC_MISMATCH_REPAIR_AFTER: Final = 3
MAX_FOREIGN_MACS: Final = 16  # other phones' MACs counted for that repair


class Rejection(StrEnum):
    """Why the gate refused a request."""

    NOT_LOCAL = "not_local"
    SOURCE_NOT_ALLOWED = "source_not_allowed"
    MAC_IN_USE = "mac_in_use"
    MAC_MISMATCH = "mac_mismatch"
    RATE_LIMITED = "rate_limited"


# What a plain HTTP transport answers to each refusal.
HTTP_STATUS: Final[Mapping[Rejection, HTTPStatus]] = MappingProxyType(
    {
        **dict.fromkeys(Rejection, HTTPStatus.FORBIDDEN),
        Rejection.RATE_LIMITED: HTTPStatus.TOO_MANY_REQUESTS,
    }
)


@dataclass(frozen=True, slots=True)
class Refusal:
    """A refused request: why, and (for a MAC) which one."""

    reason: Rejection
    detail: str = ""


def local_only(entry: ConfigEntry) -> bool:
    """Return whether the phone accepts requests from the local network only."""
    return bool(entry.options.get(CONF_LOCAL_ONLY, DEFAULT_LOCAL_ONLY))


def rate_limit(entry: ConfigEntry) -> float:
    """Return the requests a second a phone accepts, sustained."""
    return float(entry.options.get(CONF_RATE_LIMIT, DEFAULT_RATE))


def is_local_source(source: str | None, *, cloud: bool = False) -> bool:
    """Return whether a request comes from the local network, as webhooks decide."""
    if cloud or source is None:
        return False
    try:
        address = ipaddress.ip_address(source)
    except ValueError:
        return False
    return network_util.is_local(address)


@functools.lru_cache(maxsize=64)
def _parsed(networks: tuple[str, ...]) -> tuple[IPNetwork, ...]:
    """Return the networks parsed once (the options change rarely)."""
    parsed: list[IPNetwork] = []
    for network in networks[:MAX_NETWORKS]:
        with contextlib.suppress(ValueError):  # the options flow checked them
            parsed.append(ipaddress.ip_network(network, strict=False))
    return tuple(parsed)


def source_in_networks(source: str | None, networks: list[str]) -> bool:
    """Return whether a source address is in one of the networks.

    An IPv4 address also matches the IPv6 networks that hold its IPv4-mapped
    form (``::/0`` allows every address, ``::ffff:0:0/96`` every IPv4 one).
    """
    try:
        address = ipaddress.ip_address(source or "")
    except ValueError:
        return False
    forms: list[IPAddress] = [address]
    if isinstance(address, ipaddress.IPv4Address):
        forms.append(ipaddress.IPv6Address(f"::ffff:{address}"))
    elif address.ipv4_mapped is not None:
        forms.append(address.ipv4_mapped)
    return any(
        form.version == network.version and form in network
        for network in _parsed(tuple(networks))
        for form in forms
    )


def same_address(source: str | None, ip: str) -> bool:
    """Return whether a request's sender is the address it reports."""
    try:
        sender = ipaddress.ip_address(source or "")
        reported = ipaddress.ip_address(ip)
    except ValueError:
        return False
    if isinstance(sender, ipaddress.IPv6Address) and sender.ipv4_mapped:
        sender = sender.ipv4_mapped
    return sender == reported


def proves_address(
    entry: ConfigEntry, request: ParsedRequest, source: str | None
) -> bool:
    """Return whether a request proves the phone's address: it carries the
    pinned MAC and comes from the address it reports."""
    mac, ip = request.variables.mac, request.variables.ip
    return (
        ip is not None
        and mac is not None
        and mac == pinned_mac(entry)
        and same_address(source, ip)
    )


class PhoneGate:
    """Decide which requests may change one phone."""

    def __init__(
        self,
        hass: HomeAssistant,
        entry: ConfigEntry,
        clock: Callable[[], float] | None = None,
    ) -> None:
        """Check requests against the entry's options and pinned MAC."""
        self.hass = hass
        self.entry = entry
        self._clock = clock or monotonic
        self._bucket = TokenBucket(rate_limit(entry))
        # Requests from other phones' MACs, since the phone was pinned to one.
        self._foreign_macs: Counter[str] = Counter()
        self._foreign_for: str | None = None

    def check_source(
        self, source: str | None, *, cloud: bool = False
    ) -> Refusal | None:
        """Refuse a request from outside the local or the allowed networks."""
        if local_only(self.entry) and not is_local_source(source, cloud=cloud):
            return Refusal(Rejection.NOT_LOCAL)
        networks = self.entry.options.get(CONF_ALLOWED_NETWORKS)
        if networks and not source_in_networks(source, networks):
            return Refusal(Rejection.SOURCE_NOT_ALLOWED)
        return None

    def check_rate(self, source: str | None) -> Refusal | None:
        """Refuse a request beyond the phone's rate limit; log a flood once."""
        verdict = self._bucket.take(self._clock())
        if verdict is Verdict.REFUSE_FLOOD_START:
            LOGGER.warning(
                "%s: more than %g requests a second (from %s and maybe others); "
                "answering 429 and changing nothing until they slow down",
                self.entry.title,
                self._bucket.rate,
                source,
            )
        elif verdict is Verdict.ACCEPT_FLOOD_OVER:
            LOGGER.info(
                "%s: the flood of requests is over; %d requests were refused",
                self.entry.title,
                self._bucket.refused,
            )
        return None if verdict.accepted else Refusal(Rejection.RATE_LIMITED)

    @callback
    def check_mac(self, request: ParsedRequest, source: str | None) -> Refusal | None:
        """Refuse a request from another phone; learn the MAC if none is pinned."""
        mac = request.variables.mac
        if mac is None:
            return None
        pinned = pinned_mac(self.entry)
        if pinned is None:
            if owner := async_mac_owner(self.hass, mac, self.entry.entry_id):
                async_raise_duplicate(self.hass, self.entry, owner, mac)
                return Refusal(Rejection.MAC_IN_USE, format_mac(mac))
            LOGGER.info(
                "%s: learned the phone's MAC address %s",
                self.entry.title,
                format_mac(mac),
            )
            async_pin_mac(self.hass, self.entry, mac)
            return None
        if mac == pinned:
            return None
        self._count_foreign(pinned, mac, request.variables.ip or source or "?")
        return Refusal(Rejection.MAC_MISMATCH, format_mac(mac))

    def _count_foreign(self, pinned: str, mac: str, ip: str) -> None:
        """Count another phone's request; raise a repair once it keeps coming."""
        if pinned != self._foreign_for:
            self._foreign_macs.clear()
            self._foreign_for = pinned
        if mac in self._foreign_macs or len(self._foreign_macs) < MAX_FOREIGN_MACS:
            self._foreign_macs[mac] += 1
        if self._foreign_macs[mac] < MAC_MISMATCH_REPAIR_AFTER:
            return
        ir.async_create_issue(
            self.hass,
            DOMAIN,
            mac_mismatch_issue_id(self.entry.entry_id),
            is_fixable=True,
            severity=ir.IssueSeverity.WARNING,
            translation_key="mac_mismatch",
            translation_placeholders={
                "name": self.entry.title,
                "mac": format_mac(mac),
                "pinned_mac": format_mac(pinned),
                "ip": ip,
            },
            data={"entry_id": self.entry.entry_id, "mac": mac, "ip": ip},
        )
