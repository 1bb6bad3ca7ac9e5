"""Who the simulated phone is, who it talks to, and how it plays scenarios.

Every default is named here once: the library uses the dataclasses as they
are, and ``scripts/simulate`` reads its option defaults from them (with
``COMMAND_LINE_OPTIONS``, which paces the scenarios for a person to follow).
"""

from __future__ import annotations

from dataclasses import dataclass

from .client import DEFAULT_TIMEOUT

# What a variable without value becomes: nothing, or "$name" left as is.
MISSING_EMPTY = "empty"
MISSING_LITERAL = "literal"
MISSING_VALUES: tuple[str, ...] = (MISSING_EMPTY, MISSING_LITERAL)


@dataclass(frozen=True, kw_only=True)
class PhoneIdentity:
    """The phone being simulated; ``ip`` changes with the ip-change scenario."""

    mac: str = "005058123456"
    ip: str = "192.0.2.50"
    model: str = "S505"
    firmware: str = "2.0.4.60"
    user: str = "1001"
    host: str = "pbx.example"
    display_name: str = "Front desk"

    @property
    def account_uri(self) -> str:
        """Return the SIP URI of the phone's account."""
        return f"sip:{self.user}@{self.host}"


@dataclass(frozen=True, kw_only=True)
class Party:
    """The other party of a call."""

    number: str
    name: str


@dataclass(frozen=True, kw_only=True)
class Options:
    """How the simulator plays scenarios."""

    remote: Party = Party(number="1002", name="Bob")
    second: Party = Party(number="1003", name="Carol")
    transfer_to: Party = Party(number="1004", name="Dave")
    new_ip: str = "192.0.2.51"
    delay: float = 0.0  # after every request
    ring: float = 0.0  # extra wait while a call rings
    talk: float = 0.0  # extra wait while a call is connected
    raw: bool = False  # send values unencoded
    missing: str = MISSING_EMPTY  # one of MISSING_VALUES
    call_ids: bool = True  # send $call_id (else it is empty)
    drop: frozenset[str] = frozenset()  # events whose requests are lost (not sent)
    timeout: float = DEFAULT_TIMEOUT


# The defaults of scripts/simulate: paced so that a person can follow the calls.
COMMAND_LINE_OPTIONS = Options(delay=0.3, ring=2.0, talk=3.0)
