"""Tests of the state model: unknown until told, derived properties."""

from custom_components.sangoma_phone.protocol import PhoneState

from .machine_helpers import DERIVED, Phone


def test_fresh_state_is_unknown() -> None:
    state = PhoneState()
    assert all(value in (None, {}) for value in state.as_dict().values())
    assert all(getattr(state, name) is None for name in DERIVED)


def test_registered_property() -> None:
    phone = Phone()
    phone.send("register_failed")
    assert phone.state.registered is False
    assert "registered" in phone.send("registered")
    assert phone.state.registered is True
