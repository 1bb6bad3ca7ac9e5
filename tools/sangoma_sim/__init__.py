"""Sangoma phone simulator: plays Action URL scenarios the way a phone would.

A Sangoma (Htek-based) phone sends an HTTP GET to the URL configured for an
event, after replacing every ``$variable`` in it with its current value. This
package does exactly that for named scenarios (boot, an answered incoming call,
a blind transfer, ...), with URLs taken from the provisioning file that Home
Assistant serves for the phone, or built from a base URL and a webhook id.

Requests go out through a tiny raw HTTP/1.1 client so that the request target
is sent byte for byte: with ``raw=True`` values are inserted unencoded, the way
a sloppy firmware might (Home Assistant's server answers 400 to a raw space or
non-ASCII byte before the integration sees the request). By default only
loopback addresses may be targeted.

Modules: ``scenarios`` (the named stories), ``options`` (phone identity and
playing options, with every default), ``client`` (raw HTTP), ``provisioning``
(where the URLs come from), ``simulator`` (the phone), ``cli``
(``scripts/simulate``, see ``--help``). The end-to-end tests use it too.
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
