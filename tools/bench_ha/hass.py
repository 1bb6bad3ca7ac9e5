"""A real Home Assistant for the benchmark: the E2E harness, a bench config.

Adds to tests/e2e/harness.py: the benchmark's configuration (recorder on with a
short commit interval, the DIY automation, the benchmark-only components), the
process's CPU time and RSS from /proc, waiting until it is quiet, and adding
phones (or stand-ins) through the config flow REST API.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from http import HTTPStatus
import os
from pathlib import Path
import re
import time
from typing import Any

from tests.e2e.harness import HOST, HassError, HassInstance

COMPONENTS = Path(__file__).resolve().parent / "components"
BENCH_COMPONENTS = ("sangoma_bench", "sangoma_standin")
CLK_TCK = os.sysconf("SC_CLK_TCK")
PAGE = os.sysconf("SC_PAGE_SIZE")
WEBHOOK_RE = re.compile(r"/api/webhook/([^/?<]+)")

# The recorder is on, as in every real installation; it commits every second
# (the default is 5 s) so that waiting for quiet stays short.
CONFIGURATION = """\
# Written by tools/bench_ha: scripts/bench --ha
homeassistant:
  name: Sangoma bench
  time_zone: UTC
  internal_url: http://{host}:{port}
http:
  server_host: {host}
  server_port: {port}
frontend:
config:
logbook:
recorder:
  commit_interval: 1
logger:
  default: warning
input_boolean:
  bench_in_call:
    name: Bench in call
input_text:
  bench_remote:
    name: Bench remote
    max: 255
automation:
  - id: bench_diy
    alias: Bench DIY phone
    mode: parallel
    max: 10000
    max_exceeded: silent
    triggers:
      - trigger: webhook
        webhook_id: bench_diy
        allowed_methods: [GET]
        local_only: true
    actions:
      - action: >-
          input_boolean.turn_{{{{ 'on' if trigger.query.event in
          ('established', 'hold', 'unhold', 'mute', 'unmute', 'outgoing_call')
          else 'off' }}}}
        target:
          entity_id: input_boolean.bench_in_call
      - action: input_text.set_value
        target:
          entity_id: input_text.bench_remote
        data:
          value: "{{{{ trigger.query.remote | default('') }}}}"
sangoma_bench:
"""


# The thread groups of cpu_by_thread.
THREAD_GROUPS = ("loop", "recorder", "other")


@dataclass(kw_only=True)
class BenchHass(HassInstance):
    """The E2E harness's Home Assistant with the benchmark's configuration."""

    def write_config(self) -> None:
        """Write the harness's links, then the benchmark's configuration."""
        super().write_config()
        (self.config_dir / "configuration.yaml").write_text(
            CONFIGURATION.format(host=HOST, port=self.port)
        )
        custom = self.config_dir / "custom_components"
        for name in BENCH_COMPONENTS:
            if not (custom / name).exists():
                (custom / name).symlink_to(COMPONENTS / name)

    @property
    def pid(self) -> int:
        """Return the hass process id (the harness execs hass)."""
        if self.process is None:
            raise HassError("Home Assistant is not running")
        return self.process.pid

    def cpu_seconds(self) -> float:
        """Return the user + system CPU time of the process, all threads."""
        stat = Path(f"/proc/{self.pid}/stat").read_text()
        fields = stat.rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / CLK_TCK

    def cpu_by_thread(self) -> dict[str, float]:
        """Return the CPU seconds of the event loop, the recorder and the rest.

        The loop is the main thread; the recorder thread is named "Recorder";
        everything else (executor, database workers) is "other". A thread that
        ended since takes its time with it: compare over short spans only.
        """
        result = dict.fromkeys(THREAD_GROUPS, 0.0)
        for task in Path(f"/proc/{self.pid}/task").iterdir():
            try:
                stat = (task / "stat").read_text()
            except FileNotFoundError:  # the thread ended meanwhile
                continue
            name, fields = stat.split("(", 1)[1].rsplit(")", 1)
            numbers = fields.split()
            group = (
                "loop"
                if task.name == str(self.pid)
                else "recorder"
                if name.startswith("Recorder")
                else "other"
            )
            result[group] += (int(numbers[11]) + int(numbers[12])) / CLK_TCK
        return result

    def rss_bytes(self) -> int:
        """Return the resident set size of the process."""
        return int(Path(f"/proc/{self.pid}/statm").read_text().split()[1]) * PAGE

    async def idle_rate(self, windows: int = 3, seconds: float = 5.0) -> float:
        """Return the CPU seconds per second the process uses when idle.

        The lowest of a few windows: a periodic job in one of them is no idle.
        """
        await self.wait_quiet()
        rates = []
        for _ in range(windows):
            before, start = self.cpu_seconds(), time.monotonic()
            await asyncio.sleep(seconds)
            rates.append((self.cpu_seconds() - before) / (time.monotonic() - start))
        return min(rates)

    async def wait_quiet(
        self,
        idle: float = 0.0,
        window: float = 1.6,
        slack: float = 0.03,
        limit: float = 120.0,
    ) -> float:
        """Wait until the process used no more than idle CPU for `window` s.

        `window` is longer than the recorder's commit interval, so a pending
        commit is done when this returns; return the seconds waited.
        """
        started = time.monotonic()
        samples: list[tuple[float, float]] = []
        while time.monotonic() - started < limit:
            now = time.monotonic()
            samples.append((now, self.cpu_seconds()))
            old = [s for s in samples if now - s[0] >= window]
            if old:
                t0, c0 = old[-1]
                if samples[-1][1] - c0 <= idle * (now - t0) + slack:
                    return now - started
            await asyncio.sleep(0.2)
        return time.monotonic() - started

    async def restart(self) -> float:
        """Stop and start Home Assistant; return the seconds to RUNNING."""
        self.stop()
        self.start()
        return await self.wait_until_running()

    async def add_entry(self, domain: str, user_input: dict[str, Any]) -> str:
        """Add a config entry through the config flow REST API; return its id."""
        async with self.api() as api:
            form = await api.post(
                "/api/config/config_entries/flow",
                {"handler": domain, "show_advanced_options": False},
            )
            result = await api.post(
                f"/api/config/config_entries/flow/{form['flow_id']}", user_input
            )
            # Steps that only show something (the phone's URLs) are confirmed.
            while result.get("type") == "form" and not result.get("data_schema"):
                result = await api.post(
                    f"/api/config/config_entries/flow/{form['flow_id']}", {}
                )
        if result.get("type") != "create_entry":
            raise HassError(f"{domain} flow did not create an entry: {result}")
        entry_id: str = result["result"]["entry_id"]
        return entry_id

    async def set_rate_limit(self, entry_id: str, rate: int) -> None:
        """Raise a phone's flood limit through the options flow, as the UI does.

        The default (a few requests a second, as a real phone sends) would
        answer most of a benchmark burst with 429.
        """
        async with self.api() as api:
            menu = await api.post(
                "/api/config/config_entries/options/flow", {"handler": entry_id}
            )
            path = f"/api/config/config_entries/options/flow/{menu['flow_id']}"
            await api.post(path, {"next_step_id": "settings"})
            result = await api.post(path, {"local_only": True, "rate_limit": rate})
        if result.get("type") != "create_entry":
            raise HassError(f"rate limit of {entry_id} not set: {result}")

    async def provisioning(self, entry_id: str) -> str:
        """Return a phone's provisioning file (once the phone is loaded again
        after a change of its options)."""
        for _ in range(50):
            async with self.api() as api:
                status, _, body = await api.get_raw(
                    f"/api/sangoma_phone/{entry_id}/provisioning.xml"
                )
            if status != HTTPStatus.CONFLICT:
                break
            await asyncio.sleep(0.1)
        if status != 200:
            raise HassError(f"provisioning file of {entry_id}: {status}")
        return body.decode()


def mac_of(index: int, prefix: str = "00:50:58") -> str:
    """Return the MAC address of the index-th benchmark phone."""
    return f"{prefix}:{index >> 16 & 255:02x}:{index >> 8 & 255:02x}:{index & 255:02x}"
