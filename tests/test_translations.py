"""The translations and icons cover every entity, state, event and form field."""

import json
from pathlib import Path
from typing import Any

from custom_components.sangoma_phone.binary_sensor import BINARY_SENSORS
from custom_components.sangoma_phone.button import RESET_MISSED_CALLS
from custom_components.sangoma_phone.event import PHONE_EVENT
from custom_components.sangoma_phone.protocol import EVENTS, CallState, EventKey
from custom_components.sangoma_phone.sensor import SENSORS
from custom_components.sangoma_phone.switch import DND

ROOT = Path(__file__).parent.parent / "custom_components" / "sangoma_phone"
EN: dict[str, Any] = json.loads((ROOT / "translations" / "en.json").read_text())
ICONS: dict[str, Any] = json.loads((ROOT / "icons.json").read_text())
ENTITIES = {
    "binary_sensor": [d.translation_key for d in BINARY_SENSORS],
    "sensor": [d.translation_key for d in SENSORS],
    "switch": [DND.translation_key],
    "button": [RESET_MISSED_CALLS.translation_key],
    "event": [PHONE_EVENT.translation_key],
}


def test_entity_names_and_icons() -> None:
    """Every entity has a name and an icon."""
    for platform, keys in ENTITIES.items():
        for key in keys:
            assert EN["entity"][platform][key]["name"], (platform, key)
            assert ICONS["entity"][platform][key]["default"].startswith("mdi:")


def test_event_names_come_from_the_catalogue() -> None:
    """Event types and the last-event sensor use Sangoma's event names."""
    names = {spec.key: spec.name for spec in EVENTS}
    event = EN["entity"]["event"]["phone_event"]["state_attributes"]["event_type"]
    assert event["state"] == names
    assert EN["entity"]["sensor"]["last_event"]["state"] == names


def test_event_types_are_the_event_keys() -> None:
    """The event entity offers every event key, in P-code order."""
    event = EN["entity"]["event"]["phone_event"]["state_attributes"]["event_type"]
    assert list(event["state"]) == list(EventKey)
    assert list(EN["entity"]["sensor"]["last_event"]["state"]) == list(EventKey)


def test_unverified_events_are_flagged_where_the_user_sees_them() -> None:
    """The opt-in option names exactly the events the catalogue marks unverified."""
    option = EN["options"]["step"]["settings"]
    text = (
        option["data"]["include_ip_changed"]
        + option["data_description"]["include_ip_changed"]
    )
    for spec in EVENTS:
        assert (spec.p_code in text) is not spec.verified, spec.key


def test_call_states_translated_and_iconed() -> None:
    """Every call state has a name and an icon."""
    states = {state.value for state in CallState}
    assert set(EN["entity"]["sensor"]["call_state"]["state"]) == states
    assert set(ICONS["entity"]["sensor"]["call_state"]["state"]) == states


def test_every_field_is_described() -> None:
    """Every form field has a label and a data_description."""
    for section in ("config", "options"):
        for step in EN[section]["step"].values():
            for field in step.get("data", {}):
                assert step["data_description"][field]


def _strings(node: Any) -> list[str]:
    if isinstance(node, dict):
        return [text for value in node.values() for text in _strings(value)]
    return [node] if isinstance(node, str) else []


def test_no_markup_the_frontend_would_misread() -> None:
    """The frontend formats strings as ICU messages: `<x>` reads as an open tag."""
    for text in _strings(EN):
        assert "<" not in text, text
        assert text.count("{") == text.count("}"), text
