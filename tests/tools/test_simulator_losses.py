"""The simulator's lost requests (--drop, lost steps) and restart points."""

import asyncio
import builtins
from collections.abc import AsyncIterator

import pytest

from tools.sangoma_sim import (
    SCENARIOS,
    Options,
    PhoneSimulator,
    SentRequest,
    SimulatorError,
    Step,
    main,
    urls_from_webhook,
)

from .stub_server import Stub, stub_server
from .test_simulator import WEBHOOK


@pytest.fixture
async def stub(socket_enabled: None) -> AsyncIterator[Stub]:
    async with stub_server() as server:
        yield server


def _events(stub: Stub) -> list[str]:
    return [r.split(b"event=")[1].split(b"&")[0].decode() for r in stub.requests]


async def test_drop_loses_every_request_of_an_event(stub: Stub) -> None:
    urls = urls_from_webhook(stub.url, WEBHOOK)
    simulator = PhoneSimulator(urls, options=Options(drop=frozenset({"terminated"})))
    sent = await simulator.play("incoming-answered")
    steps = SCENARIOS["incoming-answered"].steps
    assert [s.event for s in sent] == [s.event for s in steps]
    assert [s.lost for s in sent] == [s.event == "terminated" for s in steps]
    assert "terminated" not in _events(stub)
    assert len(stub.requests) == len(steps) - 1
    lost = next(s for s in sent if s.lost)
    assert (lost.status, lost.p_code) == (0, "P3710")
    assert b"cid=" in lost.target  # what would have been sent


async def test_lost_steps_are_not_sent(stub: Stub) -> None:
    simulator = PhoneSimulator(urls_from_webhook(stub.url, WEBHOOK))
    sent = await simulator.play("lost-hang-up")
    assert [s.event for s in sent if s.lost] == [
        "on_hook",
        "terminated",
        "busy_to_idle",
    ]
    assert _events(stub).count("incoming_call") == 2
    # The two calls are different calls.
    calls = {s.variables["call_id"] for s in sent if s.variables["call_id"]}
    assert len(calls) == 2


async def test_restart_point_awaits_the_restart(stub: Stub) -> None:
    simulator = PhoneSimulator(urls_from_webhook(stub.url, WEBHOOK))
    with pytest.raises(SimulatorError, match="needs a restart"):
        await simulator.play("restart-in-call")
    assert stub.requests == []
    order: list[str] = []

    async def on_step(step: Step, sent: SentRequest) -> None:
        order.append(step.event)

    async def on_restart() -> None:
        order.append("RESTART")

    await simulator.play("restart-in-call", on_step=on_step, on_restart=on_restart)
    assert order[order.index("RESTART") + 1] == "hold"
    assert order.count("RESTART") == 1
    assert SCENARIOS["restart-in-call"].needs_restart
    assert not SCENARIOS["lost-hang-up"].needs_restart


async def test_command_line_drop_and_restart(
    stub: Stub, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    argv = ["--base-url", stub.url, "--webhook-id", WEBHOOK, "--delay", "0"]
    argv += ["--ring", "0", "--talk", "0", "--drop", "terminated", "--drop", "on_hook"]
    assert await asyncio.to_thread(main, [*argv, "incoming-answered"]) == 0
    out = capsys.readouterr().out
    assert "P3710 terminated             -> lost" in out
    assert "P3706 on_hook                -> lost" in out
    assert "FAILED" not in out
    assert {"terminated", "on_hook"}.isdisjoint(_events(stub))
    prompts: list[str] = []
    monkeypatch.setattr(builtins, "input", lambda prompt: prompts.append(prompt) or "")
    assert await asyncio.to_thread(main, [*argv, "restart-in-call"]) == 0
    assert len(prompts) == 1
    assert "Restart Home Assistant" in prompts[0]


def test_command_line_refuses_an_unknown_event_to_drop(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(SystemExit):
        main(["--drop", "nap", "boot"])
    assert "invalid choice: 'nap'" in capsys.readouterr().err
