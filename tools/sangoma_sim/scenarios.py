"""Named phone scenarios: sequences of Action URL events, each a known story.

Event keys are checked against the protocol's catalogue when a step is made, so
a mistyped key fails at import.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from custom_components.sangoma_phone.protocol import EVENTS_BY_KEY

from .errors import SimulatorError

CALL_A = "a"  # the main call, with Options.remote
CALL_B = "b"  # a second incoming call (call waiting), with Options.second
CALL_T = "t"  # the consultation call of an attended transfer

# What a step waits for after its request, besides Options.delay.
RING = "ring"  # Options.ring: a call rings
TALK = "talk"  # Options.talk: a call is connected
WAITS: tuple[str, ...] = (RING, TALK)


@dataclass(frozen=True)
class Step:
    """One request: the event, the call it concerns (if any), a wait after it."""

    event: str  # a key of the protocol's event catalogue
    call: str | None = None
    wait: str | None = None  # RING, TALK or None
    new_ip: bool = False  # the phone's IP changes before this request
    lost: bool = False  # the request is lost: never sent (a network blip)
    restart: bool = False  # Home Assistant restarts before this request

    def __post_init__(self) -> None:
        """Refuse an event the catalogue does not know, or an unknown wait."""
        if self.event not in EVENTS_BY_KEY:
            raise SimulatorError(f"unknown event {self.event!r}")
        if self.wait is not None and self.wait not in WAITS:
            raise SimulatorError(f"unknown wait {self.wait!r}")


@dataclass(frozen=True, kw_only=True)
class Scenario:
    """A named sequence of requests that starts and ends in a known state."""

    name: str
    description: str
    steps: tuple[Step, ...]

    @property
    def needs_restart(self) -> bool:
        """Return whether Home Assistant must restart during the scenario."""
        return any(step.restart for step in self.steps)


def _answered(call: str) -> tuple[Step, ...]:
    return (
        Step("incoming_call", call),
        Step("idle_to_busy", call, wait=RING),
        Step("off_hook"),
        Step("established", call, wait=TALK),
    )


def _hang_up(call: str, *, lost: bool = False) -> tuple[Step, ...]:
    return (
        Step("on_hook", lost=lost),
        Step("terminated", call, lost=lost),
        Step("busy_to_idle", call, lost=lost),
    )


def _scenarios() -> tuple[Scenario, ...]:
    a, b, t = CALL_A, CALL_B, CALL_T
    return (
        Scenario(
            name="boot",
            description="the phone boots and registers its account",
            steps=(Step("setup_completed"), Step("registered")),
        ),
        Scenario(
            name="unregister",
            description="the account unregisters",
            steps=(Step("unregistered"),),
        ),
        Scenario(
            name="incoming-answered",
            description="an incoming call rings, is answered and hung up",
            steps=(*_answered(a), *_hang_up(a)),
        ),
        Scenario(
            name="incoming-missed",
            description="an incoming call rings and nobody answers",
            steps=(
                Step("incoming_call", a),
                Step("idle_to_busy", a, wait=RING),
                Step("missed_call", a),
                Step("busy_to_idle", a),
            ),
        ),
        Scenario(
            name="incoming-rejected",
            description="an incoming call rings and is rejected",
            steps=(
                Step("incoming_call", a),
                Step("idle_to_busy", a, wait=RING),
                Step("reject_incoming_call", a),
                Step("busy_to_idle", a),
            ),
        ),
        Scenario(
            name="outgoing",
            description="the phone dials out, the call is answered and hung up",
            steps=(
                Step("off_hook"),
                Step("idle_to_busy"),
                Step("outgoing_call", a, wait=RING),
                Step("established", a, wait=TALK),
                *_hang_up(a),
            ),
        ),
        Scenario(
            name="hold",
            description="a call is put on hold and resumed",
            steps=(
                *_answered(a),
                Step("hold", a, wait=TALK),
                Step("unhold", a, wait=TALK),
                *_hang_up(a),
            ),
        ),
        Scenario(
            name="mute",
            description="the microphone is muted and unmuted during a call",
            steps=(
                *_answered(a),
                Step("mute", a, wait=TALK),
                Step("unmute", a, wait=TALK),
                *_hang_up(a),
            ),
        ),
        Scenario(
            name="call-waiting",
            description="a second call arrives during a call and is answered; "
            "the first one waits on hold, then is resumed",
            steps=(
                *_answered(a),
                Step("incoming_call", b, wait=RING),
                Step("answer_new_incall", b, wait=TALK),
                Step("terminated", b),
                Step("unhold", a, wait=TALK),
                *_hang_up(a),
            ),
        ),
        Scenario(
            name="blind-transfer",
            description="a call is transferred without consultation",
            steps=(
                *_answered(a),
                Step("hold", a),
                Step("transfer_call", a),
                Step("blind_transfer", a),
                Step("transfer_finished", a),
                Step("on_hook"),
                Step("busy_to_idle", a),
            ),
        ),
        Scenario(
            name="attended-transfer",
            description="a call is held, the target is called and the call "
            "is transferred to it",
            steps=(
                *_answered(a),
                Step("hold", a),
                Step("transfer_call", a),
                Step("outgoing_call", t, wait=RING),
                Step("established", t, wait=TALK),
                Step("attended_transfer", t),
                Step("transfer_finished", a),
                Step("terminated", t),
                Step("on_hook"),
                Step("busy_to_idle", t),
            ),
        ),
        Scenario(
            name="lost-hang-up",
            description="a call is answered; its hang-up never arrives "
            "(lost requests); the next call rings, is answered and hung up",
            steps=(*_answered(a), *_hang_up(a, lost=True), *_answered(b), *_hang_up(b)),
        ),
        Scenario(
            name="restart-in-call",
            description="Home Assistant restarts during a call (the simulator "
            "waits); the call is held, resumed and hung up",
            steps=(
                *_answered(a),
                Step("hold", a, wait=TALK, restart=True),
                Step("unhold", a, wait=TALK),
                *_hang_up(a),
            ),
        ),
        Scenario(
            name="dnd-on",
            description="Do Not Disturb is switched on",
            steps=(Step("dnd_on"),),
        ),
        Scenario(
            name="dnd-off",
            description="Do Not Disturb is switched off",
            steps=(Step("dnd_off"),),
        ),
        Scenario(
            name="forwards-on",
            description="always, busy and no-answer forwarding are switched on",
            steps=(
                Step("always_forward_on"),
                Step("busy_forward_on"),
                Step("no_answer_forward_on"),
            ),
        ),
        Scenario(
            name="forwards-off",
            description="always, busy and no-answer forwarding are switched off",
            steps=(
                Step("always_forward_off"),
                Step("busy_forward_off"),
                Step("no_answer_forward_off"),
            ),
        ),
        Scenario(
            name="ip-change",
            description="the phone gets a new IP address (Options.new_ip) and "
            "registers again",
            steps=(Step("ip_changed", new_ip=True), Step("registered")),
        ),
    )


SCENARIOS: Mapping[str, Scenario] = {s.name: s for s in _scenarios()}
