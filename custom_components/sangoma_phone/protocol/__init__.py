"""Sangoma Action URL protocol: events, query parsing, URLs, provisioning, state.

Pure Python, no Home Assistant imports. Layers, lowest first: events (the
catalogue), query, urls, provisioning; model, accounts, persist, state, late,
calls, machine; action_uri and ratelimit stand alone. Rules: docs/protocol.md.
"""

from .events import (
    EVENT_KEYS,
    EVENT_PARAM,
    EVENTS,
    EVENTS_BY_KEY,
    PARAMS,
    PARAMS_BY_NAME,
    EventKey,
    EventSpec,
    ParamSpec,
)
from .machine import EFFECTS, Effect, PhoneStateMachine
from .model import Call, CallState, Registration
from .provisioning import provisioning_xml, url_list_text
from .query import (
    MAX_VALUE_LENGTH,
    ParsedRequest,
    PhoneVariables,
    QueryError,
    format_mac,
    normalize_mac,
    number_from_uri,
    parse_query,
)
from .state import PhoneState
from .urls import configuration_url, event_query, event_url, event_urls, webhook_path

__all__ = [
    "EFFECTS",
    "EVENTS",
    "EVENTS_BY_KEY",
    "EVENT_KEYS",
    "EVENT_PARAM",
    "MAX_VALUE_LENGTH",
    "PARAMS",
    "PARAMS_BY_NAME",
    "Call",
    "CallState",
    "Effect",
    "EventKey",
    "EventSpec",
    "ParamSpec",
    "ParsedRequest",
    "PhoneState",
    "PhoneStateMachine",
    "PhoneVariables",
    "QueryError",
    "Registration",
    "configuration_url",
    "event_query",
    "event_url",
    "event_urls",
    "format_mac",
    "normalize_mac",
    "number_from_uri",
    "parse_query",
    "provisioning_xml",
    "url_list_text",
    "webhook_path",
]
