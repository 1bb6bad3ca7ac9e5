"""Benchmark-only paths for scripts/bench --ha; never shipped.

- ``bench_floor``: a GET webhook that does nothing (the floor, path a);
- ``bench_ideal``: a GET webhook that parses the phone's request and sets the
  visible states (in call, ringing, call state, remote number, last event)
  directly with ``hass.states.async_set``, plus one bus event (path i);
- ``bench_same``: the same, but with the states the integration shows by
  default (an event state with its event type; call state, in call, ringing,
  on hold, remote number, remote name, last call duration) and a bus event
  with every value of the query, as the integration fires (path s): the
  integration's output without its entities, device, restore or checks;
- services ``sangoma_bench.profile_start`` / ``profile_stop`` run cProfile in
  the event loop thread and dump the statistics to a file.
"""

from __future__ import annotations

import cProfile
import time
from typing import Any

from aiohttp import hdrs, web

from homeassistant.components import webhook
from homeassistant.core import HomeAssistant, ServiceCall, callback
from homeassistant.helpers.typing import ConfigType
from homeassistant.util import dt as dt_util

DOMAIN = "sangoma_bench"
FLOOR_ID = "bench_floor"
IDEAL_ID = "bench_ideal"
IDEAL_EVENT = "bench_ideal_event"
SAME_ID = "bench_same"
SAME_EVENT = "bench_same_event"

# event key -> (call state, in call, ringing); None keeps what was there.
_CALL: dict[str, tuple[str, bool, bool] | None] = {
    "incoming_call": ("ringing", False, True),
    "outgoing_call": ("dialing", True, False),
    "established": ("connected", True, False),
    "hold": ("held", True, False),
    "unhold": ("connected", True, False),
    "mute": None,
    "unmute": None,
    "terminated": ("idle", False, False),
    "busy_to_idle": ("idle", False, False),
}


async def async_setup(hass: HomeAssistant, config: ConfigType) -> bool:
    """Register the two webhooks and the profiler services."""
    methods = [hdrs.METH_GET]
    webhook.async_register(
        hass, DOMAIN, "floor", FLOOR_ID, _async_floor, local_only=True,
        allowed_methods=methods,
    )  # fmt: skip
    webhook.async_register(
        hass, DOMAIN, "ideal", IDEAL_ID, _async_ideal, local_only=True,
        allowed_methods=methods,
    )  # fmt: skip
    webhook.async_register(
        hass, DOMAIN, "same", SAME_ID, _async_same, local_only=True,
        allowed_methods=methods,
    )  # fmt: skip
    profiler: dict[str, cProfile.Profile] = {}

    @callback
    def _start(call: ServiceCall) -> None:
        profiler["p"] = cProfile.Profile()
        profiler["p"].enable()

    @callback
    def _stop(call: ServiceCall) -> None:
        if (profile := profiler.pop("p", None)) is not None:
            profile.disable()
            profile.dump_stats(call.data["path"])

    hass.services.async_register(DOMAIN, "profile_start", _start)
    hass.services.async_register(DOMAIN, "profile_stop", _stop)
    return True


async def _async_floor(
    hass: HomeAssistant, webhook_id: str, request: web.Request
) -> None:
    """Do nothing (answered 200)."""


def _key_and_mac(query: Any) -> tuple[str, str] | None:
    """Return the request's event key and MAC, None if it is no call event."""
    key, mac = query.get("event", ""), query.get("mac", "")
    return (key, mac) if key in _CALL and mac else None


def _set_call(states: Any, prefix: str, key: str, remote: str) -> str | None:
    """Set remote number, in call, ringing and call state, as the ideal shows
    them; return the call state, None if the event keeps it."""
    if number := remote.removeprefix("sip:").split("@", 1)[0]:
        _set(states, f"sensor.{prefix}_remote_number", number)
    if (call := _CALL[key]) is None:
        return None
    call_state, in_call, ringing = call
    _set(states, f"binary_sensor.{prefix}_in_call", "on" if in_call else "off")
    _set(states, f"binary_sensor.{prefix}_ringing", "on" if ringing else "off")
    _set(states, f"sensor.{prefix}_call_state", call_state)
    return call_state


async def _async_ideal(
    hass: HomeAssistant, webhook_id: str, request: web.Request
) -> web.Response:
    """Set the visible states of the phone in the query, fire one event."""
    query = request.query
    if (found := _key_and_mac(query)) is None:
        return web.Response(status=400, text="Bad Request\n")
    key, mac = found
    prefix = f"bench_ideal_{mac}"
    remote = query.get("remote", "")
    _set_call(hass.states, prefix, key, remote)
    _set(hass.states, f"sensor.{prefix}_last_event", key)
    hass.bus.async_fire(IDEAL_EVENT, {"event": key, "mac": mac, "remote": remote})
    return web.Response(text="OK\n")


# When each phone's current call was answered (for the last call's duration).
_ANSWERED: dict[str, float] = {}


async def _async_same(
    hass: HomeAssistant, webhook_id: str, request: web.Request
) -> web.Response:
    """Set the states the integration shows, fire its bus event, hand-written."""
    query = request.query
    if (found := _key_and_mac(query)) is None:
        return web.Response(status=400, text="Bad Request\n")
    key, mac = found
    prefix = f"bench_same_{mac}"
    states = hass.states
    if call_state := _set_call(states, prefix, key, query.get("remote", "")):
        held = "on" if call_state == "held" else "off"
        _set(states, f"binary_sensor.{prefix}_on_hold", held)
        now = time.time()
        if key == "established":
            _ANSWERED[mac] = now
        elif call_state == "idle" and (answered := _ANSWERED.pop(mac, None)):
            _set(states, f"sensor.{prefix}_last_call_duration", f"{now - answered:.0f}")
    if name := query.get("dr", ""):
        _set(states, f"sensor.{prefix}_remote_name", name)
    states.async_set(
        f"event.{prefix}_phone_event",
        dt_util.utcnow().isoformat(timespec="milliseconds"),
        {"event_type": key},
    )
    hass.bus.async_fire(SAME_EVENT, {"event": key, **query})
    return web.Response(text="OK\n")


def _set(states: Any, entity_id: str, state: str) -> None:
    states.async_set(entity_id, state)
