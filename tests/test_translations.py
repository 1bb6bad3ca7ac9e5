"""The translations and icons cover every entity, state, event and form field."""

import json
from pathlib import Path
from typing import Any

import yaml

from custom_components.sangoma_phone.binary_sensor import (
    BINARY_SENSORS,
    DND as DND_SENSOR,
)
from custom_components.sangoma_phone.button import KEY_BUTTONS, RESET_MISSED_CALLS
from custom_components.sangoma_phone.condition import CONDITIONS
from custom_components.sangoma_phone.event import PHONE_EVENT
from custom_components.sangoma_phone.protocol import EVENTS, CallState, EventKey
from custom_components.sangoma_phone.sensor import SENSORS
from custom_components.sangoma_phone.switch import DND
from custom_components.sangoma_phone.trigger import TRIGGERS

ROOT = Path(__file__).parent.parent / "custom_components" / "sangoma_phone"
EN: dict[str, Any] = json.loads((ROOT / "translations" / "en.json").read_text())
ICONS: dict[str, Any] = json.loads((ROOT / "icons.json").read_text())
ENTITIES = {
    "binary_sensor": [d.translation_key for d in (*BINARY_SENSORS, DND_SENSOR)],
    "sensor": [d.translation_key for d in SENSORS],
    "switch": [DND.translation_key],
    "button": [d.translation_key for d in (RESET_MISSED_CALLS, *KEY_BUTTONS)],
    "event": [PHONE_EVENT.translation_key],
}


def test_entity_names_and_icons() -> None:
    """Every entity has a name and an icon."""
    for platform, keys in ENTITIES.items():
        for key in keys:
            assert EN["entity"][platform][key]["name"], (platform, key)
            assert ICONS["entity"][platform][key]["default"].startswith("mdi:")


def test_event_labels_come_from_the_catalogue() -> None:
    """Event types, the last-event sensor and device triggers use the plain
    labels, one for every event of the catalogue."""
    event = EN["entity"]["event"]["phone_event"]["state_attributes"]["event_type"]
    labels = event["state"]
    assert set(labels) == {spec.key for spec in EVENTS}
    assert EN["entity"]["sensor"]["last_event"]["state"] == labels
    assert EN["device_automation"]["trigger_type"] == labels


def test_labels_are_plain() -> None:
    """No firmware jargon or P-codes where users read event labels."""
    labels = EN["entity"]["event"]["phone_event"]["state_attributes"]["event_type"]
    for spec in EVENTS:
        label = labels["state"][spec.key]
        assert spec.p_code not in label
        for jargon in ("Open ", "Close ", "UnHold", "New-InCall", "Established"):
            assert jargon not in label, label


def test_triggers_and_conditions_translated_and_iconed() -> None:
    """Every target trigger and condition has a name, a description and an icon."""
    for section, keys, icon in (
        ("triggers", TRIGGERS, "trigger"),
        ("conditions", CONDITIONS, "condition"),
    ):
        assert set(EN[section]) == set(keys)
        assert set(ICONS[section]) == set(keys)
        for key in keys:
            assert EN[section][key]["name"]
            assert EN[section][key]["description"]
            assert ICONS[section][key][icon].startswith("mdi:")


def test_trigger_and_condition_fields_described() -> None:
    """Every field in triggers.yaml and conditions.yaml is translated."""
    for section, yaml_file in (
        ("triggers", "triggers.yaml"),
        ("conditions", "conditions.yaml"),
    ):
        described = yaml.safe_load((ROOT / yaml_file).read_text())
        for key, description in described.items():
            if key.startswith("."):
                continue
            for field in description.get("fields", {}):
                text = EN[section][key]["fields"][field]
                assert text["name"], (key, field)
                assert text["description"], (key, field)
                options = description["fields"][field]["selector"].get("select")
                if options:
                    selector = EN["selector"][options["translation_key"]]["options"]
                    assert set(selector) == set(options["options"])


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
