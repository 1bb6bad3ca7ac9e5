"""Property-based call sequences: 1-3 legs per busy period, random
interleavings, lost requests and restarts, with and without call ids.

Each leg keeps its own events' order; legs interleave at random; any request
may be lost; unique remote numbers tell the legs apart without call ids.
SANGOMA_CALL_EXAMPLES=3000 runs many more than the default 60 examples.
"""

from dataclasses import dataclass, field
from datetime import datetime, timedelta
import os

from hypothesis import HealthCheck, given, settings, strategies as st

from custom_components.sangoma_phone.protocol import (
    CallState,
    PhoneState,
    PhoneStateMachine,
    parse_query,
)
from custom_components.sangoma_phone.protocol.late import LATE_WINDOW

from .machine_helpers import T0, check_invariants

# Modest by default (scripts/test); SANGOMA_CALL_EXAMPLES=3000 for a thorough run.
EXAMPLES = settings(
    max_examples=int(os.environ.get("SANGOMA_CALL_EXAMPLES", "60")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)

ACTIVE = (CallState.CONNECTED, CallState.ON_HOLD)
ENDS = ("terminated", "missed_call", "reject_incoming_call", "forward_incoming_call")
ENDS_CONNECTED = ("terminated", "transfer_finished")
CONNECTING = ("established", "answer_new_incall", "hold", "unhold")


@dataclass
class Leg:
    number: str
    name: str
    started: datetime | None = None
    connected: datetime | None = None
    known_over: datetime | None = None  # first delivered proof that it ended
    ended: bool = False
    seen_connected: bool = False  # a connecting event was delivered


@st.composite
def leg_script(draw: st.DrawFn, first: bool, incoming: bool) -> list[str]:
    """The events of one leg, in order (the first leg's start comes apart)."""
    if incoming:
        answer = "established" if first else "answer_new_incall"
        if draw(st.booleans()):
            return [draw(st.sampled_from(ENDS[1:]))]
        script = [answer]
    else:  # outgoing
        script = ["established"] if draw(st.booleans()) else []
    script += ["hold", "unhold"] * draw(st.integers(0, 2))
    return [*script, draw(st.sampled_from(ENDS_CONNECTED))]


@st.composite
def period(draw: st.DrawFn) -> list[tuple[int, str]]:
    """One busy period: (leg index, event) in order; -1: not about a leg."""
    legs = draw(st.integers(1, 3))
    incoming = draw(st.booleans())
    start = [(0, "incoming_call"), (-1, "idle_to_busy")]
    if not incoming:
        start = [(-1, "idle_to_busy"), (0, "outgoing_call")]
    scripts = [draw(leg_script(first=True, incoming=incoming))]
    scripts += [
        ["incoming_call", *draw(leg_script(first=False, incoming=True))]
        for _ in range(1, legs)
    ]
    if scripts[0][0] != "established" and not incoming:
        scripts[0] = [e for e in scripts[0] if e not in ("hold", "unhold")]
    merged: list[tuple[int, str]] = []
    positions = [0] * legs
    while any(p < len(s) for p, s in zip(positions, scripts, strict=True)):
        ready = [i for i in range(legs) if positions[i] < len(scripts[i])]
        i = draw(st.sampled_from(ready))
        merged.append((i, scripts[i][positions[i]]))
        positions[i] += 1
    return [*start, *merged, (-1, "busy_to_idle")]


GAPS = st.sampled_from([0.0, 0.5, 1.0, 3.0, 6.0, 30.0])
trace = st.lists(
    st.tuples(
        period(),
        st.lists(st.booleans(), max_size=40),
        st.sampled_from([0, 0, 30, 18000]),
    ),
    min_size=1,
    max_size=4,
)


@dataclass
class World:
    """The truth (legs as the phone had them) and the machine that saw part of it."""

    call_ids: bool
    machine: PhoneStateMachine = field(default_factory=PhoneStateMachine)
    now: datetime = T0
    legs: list[Leg] = field(default_factory=list)
    missed_parties: set[tuple[str, str]] = field(default_factory=set)

    def send(self, leg: Leg | None, event: str, delivered: bool) -> None:
        if leg is not None:
            self._truth(leg, event, delivered)
        if event in ("idle_to_busy", "busy_to_idle") and delivered:
            for other in self.legs:
                if other.ended and other.known_over is None and not self._recent(other):
                    other.known_over = self.now
        if not delivered:
            return
        query = f"event={event}"
        if leg is not None:
            cid = leg.number if self.call_ids else ""
            query += f"&cid={cid}&remote=sip:{leg.number}@pbx&dr={leg.name}"
        self.machine.apply(parse_query(query), self.now)

    def _truth(self, leg: Leg, event: str, delivered: bool) -> None:
        if event in ("incoming_call", "outgoing_call"):
            leg.started = self.now
        elif event in CONNECTING:
            leg.connected = leg.connected or self.now
            leg.seen_connected = leg.seen_connected or delivered
        elif event in (*ENDS, *ENDS_CONNECTED):
            leg.ended = True
            if delivered:
                leg.known_over = self.now
            if event == "missed_call" and delivered:
                self.missed_parties.add((leg.number, leg.name))

    def _recent(self, leg: Leg) -> bool:
        """A leg not connected that started within LATE_WINDOW before now: to
        the machine it may be the call that made the phone busy."""
        return (
            not leg.seen_connected
            and leg.started is not None
            and self.now - leg.started <= LATE_WINDOW
        )

    def restart(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)
        state, dropped = PhoneState.restore(self.machine.state.as_dict())
        assert dropped == ()
        self.machine = PhoneStateMachine(state)
        self.machine.forget_unfinished_calls(self.now)

    def check(self, event: str, delivered: bool, busy_leg: Leg | None) -> None:
        state = self.machine.state
        check_invariants(state)
        calls = list(state.calls.values())
        unknown_end = {leg.number for leg in self.legs if leg.known_over is None}
        if calls:  # the shown caller: a live leg's, or one whose end is unknown
            assert (state.remote_number, state.remote_name) in {
                (c.remote_number, c.remote_name) for c in calls
            }
            assert state.remote_number in unknown_end | {None}  # None: placeholder
        # In call <=> a connected or held leg.
        assert bool(state.in_call) == any(c.state in ACTIVE for c in calls)
        # After idle_to_busy, nothing older than it is shown (LATE_WINDOW: the
        # phone may send the new call's start just before it).
        if delivered and event == "idle_to_busy":
            assert not any(c.state in ACTIVE for c in calls)
            recent = {leg.number for leg in self.legs if self._recent(leg)}
            assert {c.remote_number for c in calls} <= {None, *recent}
        if state.last_call_duration is not None:  # never longer than possible
            assert state.last_call_duration <= max(
                ((leg.known_over or self.now) - leg.connected).total_seconds()
                for leg in self.legs
                if leg.connected is not None
            )
        if state.last_missed_number is not None:  # only a missed call's caller
            assert (state.last_missed_number, state.last_missed_name) in (
                self.missed_parties
            )


def play(
    world: World,
    periods: list[tuple[list[tuple[int, str]], list[bool], int]],
    gaps: list[float],
) -> None:
    n = 0
    for script, drops, restart in periods:
        legs = [
            Leg(number=f"55{len(world.legs) + i:04d}", name=f"P{len(world.legs) + i}")
            for i in range(3)
        ]
        world.legs += legs
        for index, (leg_index, event) in enumerate(script):
            world.now += timedelta(
                seconds=gaps[n % len(gaps)] if event != "idle_to_busy" else 0.5
            )
            n += 1
            delivered = not (drops[index] if index < len(drops) else False)
            leg = legs[leg_index] if leg_index >= 0 else None
            world.send(leg, event, delivered)
            world.check(event, delivered, legs[0])
        if restart:
            world.restart(restart)


@EXAMPLES
@given(
    periods=trace, gaps=st.lists(GAPS, min_size=1, max_size=8), call_ids=st.booleans()
)
def test_random_call_sequences_never_lie(
    periods: list[tuple[list[tuple[int, str]], list[bool], int]],
    gaps: list[float],
    call_ids: bool,
) -> None:
    play(World(call_ids=call_ids), periods, gaps)


@EXAMPLES
@given(
    periods=trace, gaps=st.lists(GAPS, min_size=1, max_size=8), call_ids=st.booleans()
)
def test_without_losses_every_period_ends_idle(
    periods: list[tuple[list[tuple[int, str]], list[bool], int]],
    gaps: list[float],
    call_ids: bool,
) -> None:
    world = World(call_ids=call_ids)
    play(world, [(script, [], restart) for script, _, restart in periods], gaps)
    assert world.machine.state.call_state is CallState.IDLE
    assert world.machine.state.calls == {}
