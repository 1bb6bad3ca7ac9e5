"""A real Home Assistant process, and REST and websocket clients for it.

`HassInstance` runs `hass` from .venv on a free loopback port with a temporary
configuration (the same environment as scripts/develop, see scripts/_env.sh),
onboards it through the REST API and talks to it over REST and the websocket
API. The end-to-end tests (tests/e2e/harness.py) and the benchmark
(tools/bench_ha) use it. Nothing here mocks anything, and nothing talks to
anything but 127.0.0.1.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Mapping
import contextlib
from dataclasses import dataclass, field
import os
from pathlib import Path
import signal
import socket
import subprocess
import time
from typing import Any

import aiohttp

ROOT = Path(__file__).resolve().parents[1]
# Stand-ins for the integrations onboarding starts (they reach for the
# internet); they are files that Home Assistant loads, not imported here.
STUBS = ROOT / "tools" / "onboarding_standins"
HOST = "127.0.0.1"
OWNER_NAME = "Owner"
USERNAME = "owner"
PASSWORD = "e2e-Password-2026"  # noqa: S105 (a throwaway instance on loopback)

# Integrations the onboarding core_config step starts; they reach for the
# internet, so the configuration replaces them with stand-ins (STUBS).
ONBOARDING_INTEGRATIONS = ("google_translate", "met", "radio_browser", "shopping_list")

CONFIGURATION = """\
# Written by tools/hass_process.py: what the end-to-end and browser tests need.
homeassistant:
  name: Sangoma E2E
  time_zone: UTC
  internal_url: http://{host}:{port}
http:
  server_host: {host}
  server_port: {port}
frontend:
config:
automation: !include automations.yaml
logbook:
recorder:
  commit_interval: 0
logger:
  default: warning
  logs:
    custom_components.sangoma_phone: debug
"""


def free_port() -> int:
    """Return a TCP port that is free on the loopback address."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        port: int = sock.getsockname()[1]
        return port


class HassError(Exception):
    """Home Assistant did not behave."""


@dataclass(kw_only=True)
class HassInstance:
    """One Home Assistant process and its configuration directory."""

    config_dir: Path
    port: int
    token: str = ""
    wrapper: tuple[str, ...] = ()  # e.g. ("strace", "-f", ...) to debug
    process: subprocess.Popen[bytes] | None = None
    start_times: list[float] = field(default_factory=list)

    @property
    def base_url(self) -> str:
        """Return the URL Home Assistant answers on."""
        return f"http://{HOST}:{self.port}"

    @property
    def client_id(self) -> str:
        """Return the OAuth client id the tests use (like the frontend's)."""
        return f"{self.base_url}/"

    @property
    def log_path(self) -> Path:
        """Return the file that collects Home Assistant's output."""
        return self.config_dir / "hass-output.log"

    def write_config(self) -> None:
        """Write the minimal configuration and link the integration in."""
        self.config_dir.mkdir(parents=True, exist_ok=True)
        (self.config_dir / "configuration.yaml").write_text(
            CONFIGURATION.format(host=HOST, port=self.port)
        )
        # Where the automation editor (config REST API) saves automations.
        automations = self.config_dir / "automations.yaml"
        if not automations.exists():
            automations.write_text("[]\n")
        # The integration from this working tree, and stand-ins for the
        # integrations onboarding starts (see onboarding_standins/stub.py).
        custom = self.config_dir / "custom_components"
        custom.mkdir(exist_ok=True)
        links = {"sangoma_phone": ROOT / "custom_components" / "sangoma_phone"}
        links["stub.py"] = STUBS / "stub.py"
        links |= {domain: STUBS / domain for domain in ONBOARDING_INTEGRATIONS}
        for name, target in links.items():
            if not (custom / name).exists():
                (custom / name).symlink_to(target)

    def start(self) -> None:
        """Start `hass` in the background (see wait_until_running)."""
        if self.process is not None and self.process.poll() is None:
            raise HassError("Home Assistant is already running")
        env = {
            name: value
            for name, value in os.environ.items()
            if not name.startswith(("COV_CORE_", "COVERAGE_", "PYTEST_"))
            and name != "PYTHONPATH"  # the repository's custom_components would win
        }
        env["ROOT"] = str(ROOT)
        # As scripts/develop: on the first start in a fresh .venv Home Assistant
        # installs the requirements of its default integrations (hassil,
        # pymicro-vad built from source, ...) from PyPI; later starts find them.
        # The frontend comes pinned from requirements_e2e.txt.
        script = (
            '. "$ROOT/scripts/_env.sh" && '
            'exec "${@:2}" "$ROOT/.venv/bin/hass" --config "$1"'
        )
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(  # noqa: S603
                [
                    "/bin/bash",
                    "-c",
                    script,
                    "hass-e2e",
                    str(self.config_dir),
                    *self.wrapper,
                ],
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,
                cwd=self.config_dir,
            )

    async def wait_until_running(self, limit: float = 900.0) -> float:
        """Wait until Home Assistant answers and is running; return the seconds."""
        started = time.monotonic()
        deadline = started + limit
        async with aiohttp.ClientSession() as session:
            while True:
                if self.process is None or self.process.poll() is not None:
                    raise HassError(
                        f"Home Assistant exited during start:\n{self.log_tail()}"
                    )
                if await self._running(session):
                    break
                if time.monotonic() > deadline:
                    raise HassError(f"Home Assistant did not start:\n{self.log_tail()}")
                await asyncio.sleep(0.2)
        seconds = time.monotonic() - started
        self.start_times.append(seconds)
        return seconds

    async def _running(self, session: aiohttp.ClientSession) -> bool:
        try:
            if not self.token:  # not onboarded yet
                async with session.get(f"{self.base_url}/api/onboarding") as resp:
                    return resp.status == 200
            headers = {"Authorization": f"Bearer {self.token}"}
            async with session.get(
                f"{self.base_url}/api/config", headers=headers
            ) as resp:
                if resp.status != 200:
                    return False
                return bool((await resp.json()).get("state") == "RUNNING")
        except aiohttp.ClientError:
            return False

    def stop(self, timeout: float = 60.0) -> int:
        """Stop Home Assistant with SIGTERM, as a service manager would."""
        process = self.process
        if process is None:
            return 0
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGKILL)
                process.wait(10)
                raise HassError(
                    f"Home Assistant did not stop within {timeout} s:\n"
                    f"{self.log_tail()}"
                ) from None
        self.process = None
        return process.returncode

    def log_tail(self, lines: int = 60) -> str:
        """Return the end of Home Assistant's output."""
        try:
            text = self.log_path.read_text(errors="replace")
        except FileNotFoundError:
            return "(no output)"
        return "\n".join(text.splitlines()[-lines:])

    def log_text(self) -> str:
        """Return all of Home Assistant's output so far."""
        return self.log_path.read_text(errors="replace")

    @contextlib.asynccontextmanager
    async def api(self) -> AsyncIterator[Api]:
        """Open a REST client (with the owner's token, once there is one)."""
        async with aiohttp.ClientSession(base_url=self.base_url) as session:
            yield Api(session, self.token)

    @contextlib.asynccontextmanager
    async def websocket(self) -> AsyncIterator[WebSocket]:
        """Open an authenticated websocket connection."""
        async with (
            aiohttp.ClientSession() as session,
            session.ws_connect(f"{self.base_url}/api/websocket") as ws,
        ):
            client = WebSocket(ws)
            await client.authenticate(self.token)
            async with client.running():
                yield client

    async def onboard(self) -> None:
        """Create the owner and a token and finish onboarding, via REST only."""
        async with self.api() as api:
            created = await api.post(
                "/api/onboarding/users",
                {
                    "client_id": self.client_id,
                    "name": OWNER_NAME,
                    "username": USERNAME,
                    "password": PASSWORD,
                    "language": "en",
                },
            )
            tokens = await api.form(
                "/auth/token",
                {
                    "grant_type": "authorization_code",
                    "code": created["auth_code"],
                    "client_id": self.client_id,
                },
            )
            api.token = self.token = tokens["access_token"]
            await api.post("/api/onboarding/core_config", {})
            await api.post("/api/onboarding/analytics", {})
            await api.post(
                "/api/onboarding/integration",
                {
                    "client_id": self.client_id,
                    "redirect_uri": f"{self.client_id}?auth_callback=1",
                },
            )
            status = await api.get("/api/onboarding", expect=(200, 404))
            if status not in (None, []) and not all(s["done"] for s in status):
                raise HassError(f"onboarding not finished: {status}")
        async with self.websocket() as ws:
            self.token = await ws.call(
                "auth/long_lived_access_token", client_name="e2e tests", lifespan=1
            )
            # The http: settings from configuration.yaml start as a trial that
            # reverts to the defaults (all interfaces, port 8123) after five
            # minutes unless confirmed: confirm them, as the UI's dialog does.
            http = await ws.call("http/config")
            if http["pending"] is not None:
                await ws.call("http/config/promote")
            http = await ws.call("http/config")
            stable = http["stable"]
            if (
                http["revert_at"] is not None
                or stable.get("server_port") != self.port
                or stable.get("server_host") != [HOST]
            ):
                raise HassError(f"HTTP settings not confirmed: {http}")
        if removed := await self.remove_onboarding_integrations():
            raise HassError(f"onboarding set up {removed}: the stand-ins failed")

    async def remove_onboarding_integrations(self, limit: float = 30.0) -> list[str]:
        """Delete the entries onboarding's core_config step starts (internet).

        With the stand-ins in place there are none: return what was deleted.
        """
        deadline = time.monotonic() + limit
        async with self.api() as api, self.websocket() as ws:
            quiet = 0  # polls in a row without one of their flows in progress
            while quiet < 3 and time.monotonic() < deadline:
                flows = await ws.call("config_entries/flow/progress")
                pending = [f for f in flows if f["handler"] in ONBOARDING_INTEGRATIONS]
                quiet = 0 if pending else quiet + 1
                await asyncio.sleep(0.2)
            removed = []
            for entry in await self.entries(api):
                if entry["domain"] in ONBOARDING_INTEGRATIONS:
                    await api.delete(
                        f"/api/config/config_entries/entry/{entry['entry_id']}"
                    )
                    removed.append(entry["domain"])
            return removed

    @staticmethod
    async def entries(api: Api, domain: str | None = None) -> list[dict[str, Any]]:
        """Return the config entries, of one domain or all."""
        query = f"?domain={domain}" if domain else ""
        result: list[dict[str, Any]] = await api.get(
            f"/api/config/config_entries/entry{query}"
        )
        return result


class Api:
    """A small JSON REST client for Home Assistant."""

    def __init__(self, session: aiohttp.ClientSession, token: str) -> None:
        """Use an open session; the token may be set later."""
        self.session = session
        self.token = token

    def _headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"} if self.token else {}

    async def request(
        self,
        method: str,
        path: str,
        *,
        expect: tuple[int, ...] = (200,),
        **kwargs: Any,
    ) -> Any:
        """Send a request; return the decoded JSON (or None)."""
        async with self.session.request(
            method, path, headers=self._headers(), **kwargs
        ) as resp:
            body = await resp.read()
            if resp.status not in expect:
                raise HassError(
                    f"{method} {path} answered {resp.status}: {body[:500]!r}"
                )
            if resp.content_type == "application/json" and body:
                return await resp.json()
            return None

    async def get(self, path: str, *, expect: tuple[int, ...] = (200,)) -> Any:
        """GET a JSON resource."""
        return await self.request("GET", path, expect=expect)

    async def get_raw(self, path: str, *, auth: bool = True) -> tuple[int, str, bytes]:
        """GET anything; return the status, content type and body."""
        headers = self._headers() if auth else {}
        async with self.session.get(path, headers=headers) as resp:
            return resp.status, resp.content_type, await resp.read()

    async def post(self, path: str, data: Mapping[str, Any]) -> Any:
        """POST JSON."""
        return await self.request("POST", path, json=data)

    async def form(self, path: str, data: Mapping[str, str]) -> Any:
        """POST a form."""
        return await self.request("POST", path, data=dict(data))

    async def delete(self, path: str) -> Any:
        """DELETE a resource."""
        return await self.request("DELETE", path)

    async def states(self) -> dict[str, dict[str, Any]]:
        """Return every entity's state, by entity id."""
        states = await self.get("/api/states")
        return {state["entity_id"]: state for state in states}


class WebSocket:
    """A websocket API client: commands and event subscriptions."""

    def __init__(self, ws: aiohttp.ClientWebSocketResponse) -> None:
        """Wrap an open websocket."""
        self.ws = ws
        self._next_id = 1
        self._results: dict[int, asyncio.Future[Any]] = {}
        self.events: asyncio.Queue[tuple[int, dict[str, Any]]] = asyncio.Queue()

    async def authenticate(self, token: str) -> None:
        """Do the auth handshake."""
        hello = await self.ws.receive_json()
        if hello.get("type") != "auth_required":
            raise HassError(f"unexpected websocket greeting: {hello}")
        await self.ws.send_json({"type": "auth", "access_token": token})
        answer = await self.ws.receive_json()
        if answer.get("type") != "auth_ok":
            raise HassError(f"websocket auth failed: {answer}")

    @contextlib.asynccontextmanager
    async def running(self) -> AsyncIterator[None]:
        """Dispatch incoming messages while the block runs."""
        reader = asyncio.create_task(self._read())
        try:
            yield
        finally:
            reader.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await reader
            await self.ws.close()

    async def _read(self) -> None:
        async for message in self.ws:
            if message.type is not aiohttp.WSMsgType.TEXT:
                continue
            data = message.json()
            for item in data if isinstance(data, list) else [data]:
                if item.get("type") == "event":
                    self.events.put_nowait((item["id"], item["event"]))
                elif (
                    future := self._results.pop(item.get("id"), None)
                ) is not None and not future.done():
                    future.set_result(item)

    async def call(self, command: str, **fields: Any) -> Any:
        """Send a command; return its result or raise on an error."""
        message_id = self._next_id
        self._next_id += 1
        future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        self._results[message_id] = future
        await self.ws.send_json({"id": message_id, "type": command, **fields})
        async with asyncio.timeout(30):
            answer = await future
        if not answer.get("success"):
            raise HassError(f"{command} failed: {answer.get('error')}")
        return answer.get("result")

    async def subscribe(self, event_type: str) -> int:
        """Subscribe to a bus event type; return the subscription id."""
        subscription = self._next_id
        await self.call("subscribe_events", event_type=event_type)
        return subscription

    async def subscribe_to(self, command: str, **fields: Any) -> int:
        """Send another subscription command; return the subscription id.

        For example ``config_entries/subscribe``: its messages are queued like
        bus events and read with `collect` and `drain`.
        """
        subscription = self._next_id
        await self.call(command, **fields)
        return subscription

    async def collect(
        self, subscription: int, count: int, limit: float = 15.0
    ) -> list[dict[str, Any]]:
        """Wait for `count` events of a subscription, keeping the others queued."""
        got: list[dict[str, Any]] = []
        others: list[tuple[int, dict[str, Any]]] = []
        try:
            async with asyncio.timeout(limit):
                while len(got) < count:
                    sub, event = await self.events.get()
                    if sub == subscription:
                        got.append(event)
                    else:
                        others.append((sub, event))
        except TimeoutError:
            raise HassError(
                f"got {len(got)} of {count} events: {[e['data'] for e in got]}"
            ) from None
        finally:
            for item in others:
                self.events.put_nowait(item)
        return got

    def drain(self, subscription: int) -> list[dict[str, Any]]:
        """Return the events of a subscription received so far."""
        got: list[tuple[int, dict[str, Any]]] = []
        others: list[tuple[int, dict[str, Any]]] = []
        while not self.events.empty():
            sub, event = self.events.get_nowait()
            (got if sub == subscription else others).append((sub, event))
        for item in others:
            self.events.put_nowait(item)
        return [event for _, event in got]
