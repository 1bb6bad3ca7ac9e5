"""A crafted IP address: refused by the parser, never half
applied, dropped from stored state."""

from custom_components.sangoma_phone.protocol import (
    PhoneState,
    configuration_url,
    parse_query,
)

from .scenario_player import RawPhone

CRAFTED = "fe80::1%25a%5Db"  # an IPv6 scope id holding "]"


def test_bug4_crafted_ip_is_refused_and_nothing_half_applied() -> None:
    phone = RawPhone()
    phone.send("registered", "ip=192.0.2.50")
    request = parse_query(f"event=registered&ip={CRAFTED}")
    assert request.variables.ip is None
    assert "invalid_ip" in request.problems
    phone.send("registered", f"ip={CRAFTED}")
    phone.send("registered", "ip=$ip")
    assert phone.state.ip == "192.0.2.50"
    assert configuration_url(phone.state.ip) == "http://192.0.2.50"


def test_bug4_a_stored_crafted_ip_is_dropped_on_restore() -> None:
    data = PhoneState(ip="192.0.2.50", dnd=True).as_dict() | {"ip": "fe80::1%a]b"}
    state, dropped = PhoneState.restore(data)
    assert (state.ip, state.dnd, dropped) == (None, True, ("ip",))
    assert configuration_url("fe80::1%a]b") is None
