"""Play simulator scenarios through the parser and the state machine, offline.

Every request is built by the simulator (byte-exact, as sent over HTTP),
parsed by the protocol's parser and applied with a clock: each request one
second after the one before, a ringing call RING_SECONDS longer, a connected
one TALK_SECONDS longer. A restart stores and restores the state the way
Home Assistant does, RESTART_SECONDS later. What a user sees after every
request is returned as a View.

RawPhone does the same for hand-written raw query strings.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta

from custom_components.sangoma_phone.protocol import (
    PhoneState,
    PhoneStateMachine,
    parse_query,
)
from tools.sangoma_sim import (
    Options,
    PhoneSimulator,
    Scenario,
    Step,
    urls_from_webhook,
)
from tools.sangoma_sim.scenarios import RING, TALK

from .machine_helpers import T0, check_invariants

RING_SECONDS = 2.0
TALK_SECONDS = 10.0
RESTART_SECONDS = 30.0
URLS = urls_from_webhook("http://127.0.0.1:8123", "w")


@dataclass(frozen=True, slots=True)
class View:
    """What the phone's entities show: call state, party, binary sensors."""

    call_state: str | None
    number: str | None
    name: str | None
    flags: str  # I in call, R ringing, H on hold, M muted, O off hook

    def __str__(self) -> str:
        return f"{self.call_state} {self.number} {self.name} {self.flags}".rstrip()


def view(state: PhoneState) -> View:
    """Return what the user sees of a state."""
    flags = zip(
        "IRHMO",
        (state.in_call, state.ringing, state.on_hold, state.muted, state.off_hook),
        strict=True,
    )
    return View(
        call_state=None if state.call_state is None else state.call_state.value,
        number=state.remote_number,
        name=state.remote_name,
        flags="".join(letter for letter, value in flags if value),
    )


class Player:
    """A state machine fed by a simulated phone, with a clock."""

    def __init__(self, *, call_ids: bool = True, drop: Iterable[str] = ()) -> None:
        options = Options(call_ids=call_ids, drop=frozenset(drop))
        self.simulator = PhoneSimulator(URLS, options=options)
        self.machine = PhoneStateMachine()
        self.now = T0

    @property
    def state(self) -> PhoneState:
        return self.machine.state

    def restart(self) -> None:
        """Store the state, restart, restore it (as the integration does)."""
        self.now += timedelta(seconds=RESTART_SECONDS)
        state, dropped = PhoneState.restore(self.state.as_dict())
        assert dropped == ()
        self.machine = PhoneStateMachine(state)
        self.machine.forget_unfinished_calls(self.now)

    def play(self, scenario: Scenario | str) -> list[View]:
        """Play a scenario; return the view after every step (lost ones too)."""
        views: list[View] = []
        for step in self.simulator.begin(scenario).steps:
            if step.restart:
                self.restart()
            self.now += timedelta(seconds=1)
            self.step(step)
            views.append(view(self.state))
            self.now += timedelta(
                seconds={RING: RING_SECONDS, TALK: TALK_SECONDS}.get(step.wait or "", 0)
            )
        return views

    def step(self, step: Step) -> None:
        """Send one step's request now (unless it is lost)."""
        simulator = self.simulator
        simulator.before(step)
        if not simulator.is_lost(step):
            target = simulator.target(step.event, step.call)[1]
            request = parse_query(target.partition(b"?")[2])
            self.machine.apply(request, self.now)
        check_invariants(self.state)


class RawPhone:
    """A state machine fed with raw query strings, with a clock."""

    def __init__(self) -> None:
        self.machine = PhoneStateMachine()
        self.now = T0

    @property
    def state(self) -> PhoneState:
        return self.machine.state

    def send(self, event: str, query: str = "", *, after: float = 1) -> str:
        """Apply one request; return what the user sees then."""
        self.now += timedelta(seconds=after)
        text = f"event={event}&{query}" if query else f"event={event}"
        self.machine.apply(parse_query(text), self.now)
        check_invariants(self.state)
        return str(view(self.state))

    def restart(self, after: float) -> None:
        self.now += timedelta(seconds=after)
        state, dropped = PhoneState.restore(self.state.as_dict())
        assert dropped == ()
        self.machine = PhoneStateMachine(state)
        self.machine.forget_unfinished_calls(self.now)
