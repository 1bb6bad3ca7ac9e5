"""Profiles of one burst: cProfile inside hass, or py-spy from outside.

cProfile (services of the benchmark component) needs nothing installed but
sees every thread (Python 3.12+) and inflates small functions; py-spy
(`--py-spy BIN`, from PyPI) samples the process without changing it. The
summary attributes each event-loop sample to the innermost frame of the
integration on its stack: the integration's per-request costs, with what
Home Assistant does on its behalf included.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from pathlib import Path
import pstats
import signal
import subprocess
from typing import Any

INTEGRATION = "sangoma_phone/"  # py-spy shows module paths from the package
LOOP_THREAD = "MainThread"
IDLE_LEAF = "select (selectors.py"
# The recorder's thread runs Recorder.run; its idle samples end in the loop
# that waits for the queue.
RECORDER_THREAD = "Recorder.run ("
RECORDER_IDLE_LEAF = "Recorder._run_event_loop ("
RECORDER_JOBS = {
    "looking up new event data (SELECT by hash)": "EventDataManager._load_from_hashes (",
    "looking up new state attributes (SELECT by hash)": (
        "StateAttributesManager._load_from_hashes ("
    ),
    "committing the rows (ORM flush)": "Recorder._commit_event_session (",
    "turning state changes into rows": (
        "Recorder._process_state_changed_event_into_session ("
    ),
    "turning other events into rows": (
        "Recorder._process_non_state_changed_event_into_session ("
    ),
}


def print_cprofile(path: Path, lines: int = 25) -> None:
    """Print a cProfile dump: the integration's functions by cumulative time."""
    stats = pstats.Stats(str(path))
    print(f"\n--- cProfile {path.name}: integration functions, cumulative ---")
    stats.sort_stats("cumulative").print_stats("sangoma_phone", lines)
    print(f"\n--- cProfile {path.name}: all threads, own time ---")
    stats.sort_stats("tottime").print_stats(lines)


class PySpy:
    """`py-spy record` of a process while a block runs (raw collapsed stacks)."""

    def __init__(self, binary: str, pid: int, out: Path, rate: int = 250) -> None:
        """Prepare the command."""
        self.out = out
        self.command = [
            binary, "record", "--pid", str(pid), "--rate", str(rate),
            "--format", "raw", "--threads", "--output", str(out),
        ]  # fmt: skip
        self.process: subprocess.Popen[bytes] | None = None

    async def __aenter__(self) -> PySpy:
        """Start sampling."""
        self.process = subprocess.Popen(  # noqa: S603, ASYNC220 (returns at once)
            self.command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
        )
        await asyncio.sleep(1.0)  # py-spy attaches
        return self

    async def __aexit__(self, *exc: object) -> None:
        """Stop sampling; py-spy writes its file on SIGINT."""
        assert self.process is not None
        self.process.send_signal(signal.SIGINT)
        await asyncio.to_thread(self.process.wait, 60)


def _frames(line: str) -> tuple[list[str], int]:
    stack, _, count = line.rstrip().rpartition(" ")
    return stack.split(";"), int(count)


def summarize_collapsed(path: Path, top: int = 15) -> dict[str, Any]:
    """Return event-loop sample counts: busy, in the integration, per innermost
    integration frame, and per first frame below it (what it calls into);
    and the recorder thread's busy samples in each of its main jobs."""
    busy = in_integration = recorder_busy = 0
    own: Counter[str] = Counter()
    callee: Counter[str] = Counter()
    recorder: Counter[str] = Counter()
    for line in path.read_text().splitlines():
        if not line.strip():
            continue
        frames, count = _frames(line)
        if any(RECORDER_THREAD in f for f in frames[:4]):
            if RECORDER_IDLE_LEAF in frames[-1]:
                continue  # waiting for the next event
            recorder_busy += count
            for job, marker in RECORDER_JOBS.items():
                if any(marker in f for f in frames):
                    recorder[job] += count
            continue
        if LOOP_THREAD not in frames[0] or IDLE_LEAF in frames[-1]:
            continue
        busy += count
        inner = [i for i, f in enumerate(frames) if INTEGRATION in f]
        if not inner:
            continue
        in_integration += count
        last = inner[-1]
        own[_short(frames[last])] += count
        below = _short(frames[last + 1]) if last + 1 < len(frames) else "(own code)"
        callee[f"{_short(frames[last])} -> {below}"] += count
    return {
        "loop_busy_samples": busy,
        "integration_samples": in_integration,
        "integration_frames": own.most_common(top),
        "integration_calls": callee.most_common(top),
        "recorder_busy_samples": recorder_busy,
        "recorder_jobs": recorder.most_common(),
    }


def _short(frame: str) -> str:
    """Return `file:function` of a py-spy frame `function (path:line)`."""
    name, _, where = frame.partition(" (")
    file = where.rstrip(")").rsplit(":", 1)[0]
    return f"{file}:{name}"


def print_summary(summary: dict[str, Any]) -> None:
    """Print a py-spy summary (percentages of the event loop's busy samples)."""
    busy = summary["loop_busy_samples"] or 1
    share = summary["integration_samples"] / busy * 100
    print(
        f"\n--- py-spy: event loop busy in {busy} samples, "
        f"{share:.1f} % of them with the integration on the stack ---"
    )
    for key in ("integration_frames", "integration_calls"):
        print(f"\n--- py-spy: {key.replace('_', ' ')} (% of loop busy samples) ---")
        for name, n in summary[key]:
            print(f"{n:7d} {n / busy * 100:5.1f} %  {name}")
    recorder = summary.get("recorder_busy_samples") or 1
    print(
        f"\n--- py-spy: recorder thread busy in {recorder} samples; "
        "its jobs (% of them, a sample may be in two) ---"
    )
    for name, n in summary.get("recorder_jobs", []):
        print(f"{n:7d} {n / recorder * 100:5.1f} %  {name}")


def thread_share_line(seconds: dict[str, float]) -> str:
    """Return how the CPU of the profiled burst split between thread groups
    (from /proc: the shares to read the per-thread samples with)."""
    total = sum(seconds.values()) or 1.0
    shares = ", ".join(
        f"{group} {value:.2f} s ({value / total * 100:.0f} %)"
        for group, value in seconds.items()
    )
    return f"\nCPU while profiled, by thread (from /proc): {shares}"
