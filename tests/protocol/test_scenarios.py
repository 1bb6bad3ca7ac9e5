"""Every simulator scenario, request by request, with and without call ids.

Also each scenario with each of its events lost, and with a restart of Home
Assistant between any two of its requests: the state may then be less
precise, but never a lie (see check_truth).
"""

from datetime import timedelta

import pytest

from custom_components.sangoma_phone.protocol import CallState
from tools.sangoma_sim import SCENARIOS

from .machine_helpers import T0
from .scenario_player import Player
from .scenario_views import VIEWS

CALL_SCENARIOS = [n for n, s in SCENARIOS.items() if any(t.call for t in s.steps)]
IDS = pytest.mark.parametrize("call_ids", [True, False], ids=["ids", "no_ids"])
# After each scenario: missed calls, last missed number and name, duration.
ENDS = {
    "incoming-answered": (None, None, None, 12.0),
    "incoming-missed": (1, "1002", "Bob", None),
    "incoming-rejected": (None, None, None, None),
    "outgoing": (None, None, None, 12.0),
    "hold": (None, None, None, 34.0),
    "mute": (None, None, None, 34.0),
    "call-waiting": (None, None, None, 38.0),
    "blind-transfer": (None, None, None, 14.0),
    "attended-transfer": (None, None, None, 13.0),
    # The lost call's duration is unknown; the next call's is known.
    "lost-hang-up": (None, None, None, 12.0),
    # The restart's 30 s are part of the call.
    "restart-in-call": (None, None, None, 64.0),
}


def check_truth(player: Player, event: str, lost: bool) -> None:
    """What the state shows is true, or unknown, never a lie."""
    state = player.state
    live = list(state.calls.values())
    if live:  # the shown party is one of the live legs'
        assert (state.remote_number, state.remote_name) in {
            (c.remote_number, c.remote_name) for c in live
        }
    if state.in_call is not None:
        assert state.in_call == any(
            c.state in (CallState.CONNECTED, CallState.ON_HOLD) for c in live
        )
    if not lost and event == "idle_to_busy":
        assert all(
            c.state not in (CallState.CONNECTED, CallState.ON_HOLD) for c in live
        )
    if not lost and event == "busy_to_idle":
        assert state.call_state is CallState.IDLE
    if state.last_call_duration is not None:
        assert state.last_call_duration <= (player.now - T0).total_seconds()


@IDS
@pytest.mark.parametrize("name", list(SCENARIOS))
def test_every_step_of_every_scenario(name: str, call_ids: bool) -> None:
    player = Player(call_ids=call_ids)
    views = player.play(name)
    assert [str(v) for v in views] == list(VIEWS[name])
    state = player.state
    missed, number, who, duration = ENDS.get(name, (None, None, None, None))
    assert (state.missed_calls, state.last_missed_number) == (missed, number)
    assert (state.last_missed_name, state.last_call_duration) == (who, duration)


def test_the_views_cover_every_scenario() -> None:
    assert set(VIEWS) == set(SCENARIOS)
    assert set(ENDS) == set(CALL_SCENARIOS)


def _play_checked(player: Player, name: str) -> None:
    simulator = player.simulator
    for step in simulator.begin(name).steps:
        player.now += timedelta(seconds=1)
        player.step(step)
        check_truth(player, step.event, simulator.is_lost(step))


@IDS
@pytest.mark.parametrize(
    ("name", "event"),
    [
        (n, e)
        for n in CALL_SCENARIOS
        for e in dict.fromkeys(t.event for t in SCENARIOS[n].steps)
    ],
)
def test_scenario_with_a_lost_event(name: str, event: str, call_ids: bool) -> None:
    """Each request of an event lost (--drop EVENT), twice in a row."""
    player = Player(call_ids=call_ids, drop=[event])
    _play_checked(player, name)
    _play_checked(player, name)
    # Whatever was lost, the phone's busy_to_idle (if not lost) ends all calls.
    if event != "busy_to_idle" and name != "lost-hang-up":
        assert player.state.call_state is CallState.IDLE


@IDS
@pytest.mark.parametrize(
    ("name", "at"),
    [(n, i) for n in CALL_SCENARIOS for i in range(1, len(SCENARIOS[n].steps))],
)
def test_restart_between_two_events(name: str, at: int, call_ids: bool) -> None:
    """Home Assistant restarts between request ``at - 1`` and request ``at``."""
    player = Player(call_ids=call_ids)
    simulator = player.simulator
    for index, step in enumerate(simulator.begin(name).steps):
        if index == at:
            player.restart()
        player.now += timedelta(seconds=1)
        player.step(step)
        check_truth(player, step.event, simulator.is_lost(step))
    if name != "lost-hang-up":
        assert player.state.call_state in (CallState.IDLE, None)
