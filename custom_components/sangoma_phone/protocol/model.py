"""The values a phone's state is made of: call states, registration, calls."""

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


class CallState(StrEnum):
    """State of one call, or the summary state of the phone."""

    IDLE = "idle"
    RINGING = "ringing"
    DIALING = "dialing"
    CONNECTED = "connected"
    ON_HOLD = "on_hold"


class Registration(StrEnum):
    """SIP registration state, as last reported."""

    REGISTERED = "registered"
    UNREGISTERED = "unregistered"
    REGISTER_FAILED = "register_failed"


# Call directions.
INCOMING = "incoming"
OUTGOING = "outgoing"
UNKNOWN = "unknown"
DIRECTIONS = (INCOMING, OUTGOING, UNKNOWN)

# At most this many calls are kept (the oldest go first).
MAX_CALLS = 8

# Calls in these states are under way: the phone is in a call.
ACTIVE = (CallState.CONNECTED, CallState.ON_HOLD)
# Calls in these states have not been connected yet.
NOT_CONNECTED = (CallState.RINGING, CallState.DIALING)
# The phone's call_state: the first of these any call is in (else IDLE).
SUMMARY = (CallState.CONNECTED, CallState.ON_HOLD, CallState.RINGING, CallState.DIALING)
# The current call (whose party is shown): the first state here, most recent first.
CURRENT = (CallState.CONNECTED, CallState.RINGING, CallState.DIALING, CallState.ON_HOLD)


@dataclass(slots=True, kw_only=True)
class Call:
    """One call the phone has."""

    call_id: str | None
    state: CallState
    direction: str  # INCOMING, OUTGOING or UNKNOWN
    remote: str | None = None
    remote_number: str | None = None
    remote_name: str | None = None
    connected_at: datetime | None = None
    # When the phone reported the call first (None: restored from an older version).
    started_at: datetime | None = None


def is_call_id(key: str) -> bool:
    """Return whether a leg's key is a call id (legs without one: "", " 2", ...)."""
    return bool(key) and key == key.strip()
