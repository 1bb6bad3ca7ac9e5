"""The typed config entry and what a loaded phone holds at runtime.

A leaf: at run time it imports only the pure protocol; the runtime classes it
names are imported for type checking only.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from homeassistant.config_entries import ConfigEntry

from .protocol import ParsedRequest

if TYPE_CHECKING:
    from .phone import SangomaPhone
    from .web_access import WebAccess


@dataclass(frozen=True, slots=True)
class PhoneUpdate:
    """A change of the phone's state: the fields changed and, if the phone
    sent it, the request (None for a change made in Home Assistant)."""

    request: ParsedRequest | None
    changed: frozenset[str]
    # The sender's address of that request, if known.
    source: str | None = None
    # Whether that request proved the address it reports (its pinned MAC,
    # sent from that address): only such a request moves a following host.
    proven: bool = False


type UpdateListener = Callable[[PhoneUpdate], None]


@dataclass(slots=True)
class SangomaPhoneData:
    """The runtime data of a phone's entry: the phone, and its web access if set."""

    phone: SangomaPhone
    web_access: WebAccess | None


type SangomaPhoneConfigEntry = ConfigEntry[SangomaPhoneData]
