"""Benchmark-only paths for scripts/bench --ha; never shipped. GET webhooks:

- ``bench_floor``: does nothing (path a);
- ``bench_ideal``: sets the visible states with ``hass.states.async_set`` and
  fires one bus event (path i);
- ``bench_same``: the same with the states and bus event the integration
  shows by default (path s): its output without entities, device or checks.
"""

from __future__ import annotations

import time

from aiohttp import web

from homeassistant.components import webhook
from homeassistant.core import HomeAssistant
from homeassistant.helpers.typing import ConfigType
from homeassistant.util import dt as dt_util

DOMAIN = "sangoma_bench"
# event key -> (call state, in call, ringing); None keeps what was there.
CALL: dict[str, tuple[str, bool, bool] | None] = {
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
ANSWERED: dict[str, float] = {}  # when each phone's call was answered


async def async_setup(hass: HomeAssistant, config: ConfigType) -> bool:
    """Register the three webhooks."""
    for name, handler in (("floor", _floor), ("ideal", _ideal), ("same", _ideal)):
        webhook.async_register(
            hass, DOMAIN, name, f"bench_{name}", handler, local_only=True,
            allowed_methods=["GET"],
        )  # fmt: skip
    return True


async def _floor(hass: HomeAssistant, webhook_id: str, request: web.Request) -> None:
    """Do nothing (answered 200)."""


async def _ideal(
    hass: HomeAssistant, webhook_id: str, request: web.Request
) -> web.Response:
    """Set the phone's states by hand, fire one bus event (paths i and s)."""
    query, same = request.query, webhook_id == "bench_same"
    key, mac = query.get("event", ""), query.get("mac", "")
    if key not in CALL or not mac:
        return web.Response(status=400, text="Bad Request\n")
    prefix, put = f"{webhook_id}_{mac}", hass.states.async_set
    remote = query.get("remote", "")
    if number := remote.removeprefix("sip:").split("@", 1)[0]:
        put(f"sensor.{prefix}_remote_number", number)
    if (call := CALL[key]) is not None:
        call_state, in_call, ringing = call
        put(f"binary_sensor.{prefix}_in_call", "on" if in_call else "off")
        put(f"binary_sensor.{prefix}_ringing", "on" if ringing else "off")
        put(f"sensor.{prefix}_call_state", call_state)
    if not same:
        put(f"sensor.{prefix}_last_event", key)
        hass.bus.async_fire(
            f"{webhook_id}_event", {"event": key, "mac": mac, "remote": remote}
        )
        return web.Response(text="OK\n")
    if call is not None:
        put(f"binary_sensor.{prefix}_on_hold", "on" if call[0] == "held" else "off")
        if key == "established":
            ANSWERED[mac] = time.time()
        elif call[0] == "idle" and (answered := ANSWERED.pop(mac, None)):
            put(f"sensor.{prefix}_last_call_duration", f"{time.time() - answered:.0f}")
    if name := query.get("dr", ""):
        put(f"sensor.{prefix}_remote_name", name)
    put(
        f"event.{prefix}_phone_event",
        dt_util.utcnow().isoformat(timespec="milliseconds"),
        {"event_type": key},
    )
    hass.bus.async_fire(f"{webhook_id}_event", {"event": key, **query})
    return web.Response(text="OK\n")
