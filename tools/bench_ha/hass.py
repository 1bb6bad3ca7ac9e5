"""The benchmark's Home Assistant: tools/hass_process.py with a bench config,
its CPU time and RSS from /proc, and phones added through the config flow."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from http import HTTPStatus
import os
from pathlib import Path
import time

from tools.hass_process import HOST, HassError, HassInstance

COMPONENTS = Path(__file__).resolve().parent / "components"
CLK_TCK = os.sysconf("SC_CLK_TCK")

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
input_boolean: {{bench_in_call: {{name: Bench in call}}}}
input_text: {{bench_remote: {{name: Bench remote, max: 255}}}}
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


def _cpu(stat: str) -> float:
    """Return user + system seconds of a /proc stat line."""
    fields = stat.rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLK_TCK


def mac_of(index: int) -> str:
    """Return the MAC address of the index-th benchmark phone."""
    return f"00:50:58:{index >> 16 & 255:02x}:{index >> 8 & 255:02x}:{index & 255:02x}"


@dataclass(kw_only=True)
class BenchHass(HassInstance):
    """Home Assistant with the benchmark's configuration and components."""

    def write_config(self) -> None:
        """Write the harness's links, then the benchmark's configuration."""
        super().write_config()
        (self.config_dir / "configuration.yaml").write_text(
            CONFIGURATION.format(host=HOST, port=self.port)
        )
        for name in ("sangoma_bench", "sangoma_standin"):
            if not (link := self.config_dir / "custom_components" / name).exists():
                link.symlink_to(COMPONENTS / name)

    @property
    def proc(self) -> Path:
        """Return the /proc folder of hass (the harness execs it)."""
        assert self.process is not None
        return Path(f"/proc/{self.process.pid}")

    def cpu_seconds(self) -> float:
        """Return the CPU time of the process, all threads (ended ones too)."""
        return _cpu((self.proc / "stat").read_text())

    def cpu_by_thread(self) -> dict[str, float]:
        """Return the CPU seconds of the event loop (the main thread), the
        recorder thread and the rest; an ended thread takes its time along."""
        result = dict.fromkeys(("loop", "recorder", "other"), 0.0)
        for task in (self.proc / "task").iterdir():
            try:
                stat = (task / "stat").read_text()
            except FileNotFoundError:  # ended meanwhile
                continue
            group = "recorder" if "(Recorder" in stat else "other"
            result["loop" if task.name == self.proc.name else group] += _cpu(stat)
        return result

    def rss_mb(self) -> float:
        """Return the resident set size of the process."""
        pages = int((self.proc / "statm").read_text().split()[1])
        return pages * os.sysconf("SC_PAGE_SIZE") / 2**20

    async def idle_rate(self) -> float:
        """Return the CPU seconds per second when idle: the lowest of three
        windows (a periodic job in one of them is no idle)."""
        await self.wait_quiet()
        rates = []
        for _ in range(3):
            before, start = self.cpu_seconds(), time.monotonic()
            await asyncio.sleep(5)
            rates.append((self.cpu_seconds() - before) / (time.monotonic() - start))
        return min(rates)

    async def wait_quiet(self, idle: float = 0.0, window: float = 1.6) -> None:
        """Wait (up to 2 minutes) until the process used no more than idle CPU
        for `window` s: longer than the recorder's commit interval, so a
        pending commit is done too."""
        for _ in range(int(120 / window)):
            before = self.cpu_seconds()
            await asyncio.sleep(window)
            if self.cpu_seconds() - before <= (idle + 0.02) * window:
                return

    async def boot(self) -> None:
        """Write the configuration, start, onboard; return once RUNNING."""
        self.write_config()
        self.start()
        await self.wait_until_running()
        await self.onboard()
        await self.wait_until_running()

    async def add_entry(self, domain: str, index: int) -> str:
        """Add phone `index` through the config flow REST API; return its id."""
        flows = "/api/config/config_entries/flow"
        user_input = {"name": f"Bench phone {index}", "mac": mac_of(index)}
        async with self.api() as api:
            form = await api.post(flows, {"handler": domain})
            result = await api.post(f"{flows}/{form['flow_id']}", user_input)
            # Steps that only show something (the phone's URLs) are confirmed.
            while result["type"] == "form" and not result.get("data_schema"):
                result = await api.post(f"{flows}/{form['flow_id']}", {})
        if result["type"] != "create_entry":
            raise HassError(f"{domain} flow did not create an entry: {result}")
        return str(result["result"]["entry_id"])

    async def add_phone(self, index: int) -> tuple[str, str]:
        """Add a phone that accepts 1 000 requests a second (the options
        flow's maximum; the default answers a burst with 429) through the
        UI's flows; return its entry id and provisioning file."""
        entry_id = await self.add_entry("sangoma_phone", index)
        options = "/api/config/config_entries/options/flow"
        async with self.api() as api:
            menu = await api.post(options, {"handler": entry_id})
            await api.post(f"{options}/{menu['flow_id']}", {"next_step_id": "settings"})
            await api.post(
                f"{options}/{menu['flow_id']}", {"local_only": True, "rate_limit": 1000}
            )
            # 409 while the phone loads again with its new options.
            for _ in range(50):
                url = f"/api/sangoma_phone/{entry_id}/provisioning.xml"
                status, _, body = await api.get_raw(url)
                if status != HTTPStatus.CONFLICT:
                    break
                await asyncio.sleep(0.1)
        if status != HTTPStatus.OK:
            raise HassError(f"provisioning file of {entry_id}: {status}")
        return entry_id, body.decode()
