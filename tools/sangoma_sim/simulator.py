"""The simulated phone: fills in its $variables and sends its Action URL requests."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, replace
import re
import secrets
from urllib.parse import quote, urlsplit

from custom_components.sangoma_phone.protocol import EVENTS_BY_KEY, PARAMS

from .client import check_host, http_get
from .errors import SimulatorError
from .options import MISSING_LITERAL, Options, Party, PhoneIdentity
from .scenarios import CALL_A, CALL_B, CALL_T, RING, SCENARIOS, TALK, Scenario, Step

# The variables a phone substitutes, as the catalogue's URL parameters name them.
VARIABLES: tuple[str, ...] = tuple(p.variable.removeprefix("$") for p in PARAMS)
_VARIABLE = re.compile(r"\$([A-Za-z_]+)")


@dataclass(frozen=True, kw_only=True)
class SentRequest:
    """One request the phone sent and what came back."""

    event: str
    p_code: str
    url: str
    target: bytes
    variables: Mapping[str, str]
    status: int  # 0 if the request was lost (not sent)

    @property
    def lost(self) -> bool:
        """Return whether the request was lost (dropped, never sent)."""
        return self.status == 0


@dataclass(kw_only=True)
class _Call:
    call_id: str
    party: Party


def substitute(template: str, values: Mapping[str, str], options: Options) -> bytes:
    """Return the request target of an Action URL with its $variables replaced."""
    parts = urlsplit(template)
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")

    def value(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in values:
            return match.group(0)  # not a phone variable: left as is
        text = values[name]
        if not text and options.missing == MISSING_LITERAL:
            return match.group(0)
        return text if options.raw else quote(text, safe="")

    return _VARIABLE.sub(value, target).encode()


class PhoneSimulator:
    """A simulated phone that sends its Action URL requests."""

    def __init__(
        self,
        urls: Mapping[str, str],
        *,
        phone: PhoneIdentity | None = None,
        options: Options | None = None,
        loopback_only: bool = True,
    ) -> None:
        """Use the given URL templates (event key -> URL)."""
        unknown = set(urls) - set(EVENTS_BY_KEY)
        if unknown:
            raise SimulatorError(f"unknown events: {sorted(unknown)}")
        self.urls = dict(urls)
        self.phone = phone or PhoneIdentity()
        self.options = options or Options()
        self.loopback_only = loopback_only
        for url in self.urls.values():
            host = urlsplit(url).hostname or ""
            check_host(host, loopback_only=loopback_only)
        self._calls: dict[str, _Call] = {}

    def variables(self, call: str | None) -> dict[str, str]:
        """Return the values of the phone's variables for a request."""
        phone = self.phone
        values = dict.fromkeys(VARIABLES, "")
        values.update(
            mac=phone.mac,
            ip=phone.ip,
            model=phone.model,
            firmware=phone.firmware,
            active_url=phone.account_uri,
            active_user=phone.user,
            active_host=phone.host,
        )
        if call is not None:
            current = self._call(call)
            values.update(
                local=phone.account_uri,
                remote=f"sip:{current.party.number}@{phone.host}",
                display_local=phone.display_name,
                display_remote=current.party.name,
                call_id=current.call_id if self.options.call_ids else "",
            )
        return values

    def _call(self, label: str) -> _Call:
        if (call := self._calls.get(label)) is None:
            party = {
                CALL_A: self.options.remote,
                CALL_B: self.options.second,
                CALL_T: self.options.transfer_to,
            }.get(label, self.options.remote)
            call = _Call(call_id=secrets.token_hex(8), party=party)
            self._calls[label] = call
        return call

    def target(self, event: str, call: str | None = None) -> tuple[str, bytes]:
        """Return the URL template and the request target of one event."""
        if (url := self.urls.get(event)) is None:
            raise SimulatorError(f"no URL for event {event!r}")
        return url, substitute(url, self.variables(call), self.options)

    async def send(self, event: str, call: str | None = None) -> SentRequest:
        """Send the request of one event, as the phone would."""
        url, target = self.target(event, call)
        response = await http_get(
            url,
            target,
            time_limit=self.options.timeout,
            loopback_only=self.loopback_only,
        )
        return self._sent(event, call, url, target, response.status)

    def _sent(
        self, event: str, call: str | None, url: str, target: bytes, status: int
    ) -> SentRequest:
        return SentRequest(
            event=event,
            p_code=EVENTS_BY_KEY[event].p_code,
            url=url,
            target=target,
            variables=self.variables(call),
            status=status,
        )

    def begin(self, scenario: Scenario | str) -> Scenario:
        """Start a scenario (each call in it gets a fresh call id); return it."""
        if isinstance(scenario, str):
            if (found := SCENARIOS.get(scenario)) is None:
                raise SimulatorError(f"unknown scenario {scenario!r}")
            scenario = found
        self._calls.clear()
        return scenario

    def is_lost(self, step: Step) -> bool:
        """Return whether a step's request is lost (the step's or --drop)."""
        return step.lost or step.event in self.options.drop

    def before(self, step: Step) -> None:
        """Apply what happens to the phone before a step's request."""
        if step.new_ip:
            self.phone = replace(self.phone, ip=self.options.new_ip)

    def pause(self, step: Step) -> float:
        """Return the seconds to wait after a step's request."""
        return self.options.delay + {
            RING: self.options.ring,
            TALK: self.options.talk,
        }.get(step.wait or "", 0.0)

    async def play(
        self,
        scenario: Scenario | str,
        on_step: Callable[[Step, SentRequest], Awaitable[None]] | None = None,
        on_restart: Callable[[], Awaitable[None]] | None = None,
    ) -> list[SentRequest]:
        """Play a scenario; a lost request is reported with status 0.

        ``on_restart`` is awaited where Home Assistant restarts (a step's
        ``restart``); without it the scenario cannot be played.
        """
        scenario = self.begin(scenario)
        if on_restart is None and any(step.restart for step in scenario.steps):
            raise SimulatorError(f"{scenario.name} needs a restart of Home Assistant")
        sent: list[SentRequest] = []
        for step in scenario.steps:
            self.before(step)
            if step.restart and on_restart is not None:
                await on_restart()
            if self.is_lost(step):
                url, target = self.target(step.event, step.call)
                request = self._sent(step.event, step.call, url, target, 0)
            else:
                request = await self.send(step.event, step.call)
            sent.append(request)
            if on_step is not None:
                await on_step(step, request)
            if (pause := self.pause(step)) > 0:
                await asyncio.sleep(pause)
        return sent
