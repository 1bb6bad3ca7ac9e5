"""Sangoma phone simulator: plays Action URL scenarios the way a phone would.

Like a phone, it fills the ``$variables`` of each event's URL (from the
provisioning file Home Assistant serves, or a base URL and webhook id) and
sends an HTTP GET, through a raw HTTP/1.1 client so the target goes out byte
for byte (``raw=True``: unencoded, as a sloppy firmware might). Only loopback
addresses may be targeted by default. Modules: ``scenarios``, ``options``,
``client``, ``provisioning``, ``simulator``, ``cli`` (``scripts/simulate``).
"""

from .cli import build_parser, main, options_from_args, phone_from_args
from .client import Response, http_get
from .errors import SimulatorError
from .options import COMMAND_LINE_OPTIONS, Options, Party, PhoneIdentity
from .provisioning import load_provisioning, parse_provisioning, urls_from_webhook
from .scenarios import CALL_A, CALL_B, CALL_T, SCENARIOS, Scenario, Step
from .simulator import VARIABLES, PhoneSimulator, SentRequest, substitute

__all__ = [
    "CALL_A",
    "CALL_B",
    "CALL_T",
    "COMMAND_LINE_OPTIONS",
    "SCENARIOS",
    "VARIABLES",
    "Options",
    "Party",
    "PhoneIdentity",
    "PhoneSimulator",
    "Response",
    "Scenario",
    "SentRequest",
    "SimulatorError",
    "Step",
    "build_parser",
    "http_get",
    "load_provisioning",
    "main",
    "options_from_args",
    "parse_provisioning",
    "phone_from_args",
    "substitute",
    "urls_from_webhook",
]
