"""One configured phone at runtime: requests in, state and events out.

Every transport hands the raw query and the sender's address to
`SangomaPhone.async_handle_request`, the one code path: gate, parse, gate,
state machine, store, the entities whose fields changed, bus event.
Rules: docs/requests.md.
"""

from collections.abc import Iterable, Mapping
from http import HTTPStatus
from typing import Any, Final

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import CALLBACK_TYPE, HomeAssistant, callback
from homeassistant.helpers import issue_registry as ir
from homeassistant.helpers.storage import Store
from homeassistant.util import dt as dt_util

from .const import (
    CONF_WEBHOOK_ID,
    DOMAIN,
    EVENT_PHONE,
    LOGGER,
    STORAGE_SAVE_DELAY,
    STORAGE_VERSION,
)
from .counters import RequestCounters
from .gate import HTTP_STATUS, PhoneGate, Refusal, Rejection, proves_address
from .identity import async_update_device, device_details
from .models import PhoneUpdate, UpdateListener
from .protocol import (
    ParsedRequest,
    PhoneState,
    PhoneStateMachine,
    QueryError,
    parse_query,
)
from .protocol.accounts import account_of
from .protocol.query import AMP_SEPARATOR

AMP_HINT: Final = (
    ". Its URLs hold '&amp;' where '&' belongs: they were copied out of the"
    " provisioning file. The values were read as meant; enter the URLs again"
    " from Configure > Show the phone's URLs (or the text list)"
)


MAX_LOGGED_PROBLEMS: Final = 64  # distinct problems logged as warnings


class ProblemLog:
    """Log each distinct problem as a warning once (at most 64), then at debug."""

    def __init__(self) -> None:
        """Start with nothing logged."""
        self._seen: set[str] = set()

    def __call__(self, key: str, msg: str, *args: Any) -> None:
        """Log the problem `key`."""
        if key in self._seen or len(self._seen) >= MAX_LOGGED_PROBLEMS:
            LOGGER.debug(msg, *args)
            return
        self._seen.add(key)
        LOGGER.warning(msg, *args)


def phone_store(hass: HomeAssistant, entry_id: str) -> Store[dict[str, Any]]:
    """Return the store that keeps a phone's state across restarts."""
    return Store(hass, STORAGE_VERSION, f"{DOMAIN}.{entry_id}")


def restore_machine(stored: object, title: str = "") -> PhoneStateMachine:
    """Return the state machine with the stored state; unusable values: a warning."""
    state, dropped = PhoneState.restore(
        stored.get("state") if isinstance(stored, Mapping) else stored
    )
    if dropped:
        LOGGER.warning(
            "%s: dropped unusable stored values: %s", title, ", ".join(dropped)
        )
    machine = PhoneStateMachine(state)
    # Calls that may have ended while Home Assistant was not running.
    machine.forget_unfinished_calls(dt_util.utcnow())
    return machine


NO_REPORT: Final = "no_report"


def no_report_issue_id(entry_id: str) -> str:
    """Return the repair issue id of a phone that has never reported."""
    return f"{NO_REPORT}_{entry_id}"


class SangomaPhone:
    """One phone at runtime: its state, its gate, its store, its subscribers."""

    def __init__(
        self,
        hass: HomeAssistant,
        entry: ConfigEntry,
        store: Store[dict[str, Any]],
        machine: PhoneStateMachine,
        device_id: str,
    ) -> None:
        """Hold the phone's state; its device exists already."""
        self.hass = hass
        self.entry = entry
        # The id the webhook is registered under; entry data may change first
        # (a new webhook id is stored before the entry reloads).
        self.webhook_id: str = entry.data[CONF_WEBHOOK_ID]
        self.device_id = device_id
        self.machine = machine
        self.gate = PhoneGate(hass, entry)
        # Stored with the state; async_setup_entry restores them.
        self.counters = RequestCounters()
        self._store = store
        self._save_scheduled = False
        self._log_once = ProblemLog()
        # Subscribers in subscription order: field -> {order: listener};
        # _every: those called for every update.
        self._by_field: dict[str, dict[int, UpdateListener]] = {}
        self._every: dict[int, UpdateListener] = {}
        self._subscriptions = 0
        self.proven_ip: str | None = None
        self._closed = False  # unloaded: its state is saved, it takes nothing
        self._never_reported = False  # its "no report yet" repair is open

    @callback
    def async_check_reported(self, learn_more_url: str) -> None:
        """Open the "no report yet" repair if the phone never sent a request.

        It closes by itself with the phone's first accepted request.
        """
        if self.state.last_event_time is not None:
            ir.async_delete_issue(
                self.hass, DOMAIN, no_report_issue_id(self.entry.entry_id)
            )
            return
        self._never_reported = True
        ir.async_create_issue(
            self.hass,
            DOMAIN,
            no_report_issue_id(self.entry.entry_id),
            is_fixable=False,
            severity=ir.IssueSeverity.WARNING,
            translation_key=NO_REPORT,
            translation_placeholders={"name": self.entry.title},
            learn_more_url=learn_more_url,
        )

    @property
    def closed(self) -> bool:
        """Return whether the phone was unloaded (it takes and saves nothing)."""
        return self._closed

    @property
    def state(self) -> PhoneState:
        """Return the phone's current state."""
        return self.machine.state

    @callback
    def async_handle_request(
        self,
        raw_query: str | bytes,
        source: str | None,
        *,
        cloud: bool = False,
        statuses: Mapping[Rejection, HTTPStatus] = HTTP_STATUS,
    ) -> HTTPStatus:
        """Check, parse and apply one phone request; return the status to answer.

        `cloud`: it came through Home Assistant Cloud; `statuses`: how the
        transport answers each refusal of the gate.
        """
        if self._closed:  # unloaded (a POST whose body came late): change nothing
            return HTTPStatus.SERVICE_UNAVAILABLE
        if refusal := self.gate.check_source(source, cloud=cloud):
            return self._reject(refusal, source, statuses)
        if refusal := self.gate.check_rate(source):  # logged once per flood
            return self._reject(refusal, source, statuses)
        try:
            request = parse_query(raw_query)
        except QueryError as err:
            return self._count_rejection(err.reason, "", source, HTTPStatus.BAD_REQUEST)
        for problem in request.problems:
            self.counters.count_problem(problem)
            self._log_once(
                f"problem:{problem}",
                "%s: request from %s: %s (the event was accepted)%s",
                self.entry.title,
                source,
                problem,
                AMP_HINT if problem == AMP_SEPARATOR else "",
            )
        if refusal := self.gate.check_mac(request, source):
            return self._reject(refusal, source, statuses)
        self._accept(request, source)
        return HTTPStatus.OK

    def _reject(
        self,
        refusal: Refusal,
        source: str | None,
        statuses: Mapping[Rejection, HTTPStatus],
    ) -> HTTPStatus:
        return self._count_rejection(
            refusal.reason, refusal.detail, source, statuses[refusal.reason]
        )

    def _count_rejection(
        self, reason: str, detail: str, source: str | None, status: HTTPStatus
    ) -> HTTPStatus:
        self.counters.count_rejection(reason, detail, dt_util.utcnow())
        self._schedule_save()
        if reason == Rejection.RATE_LIMITED:
            return status
        self._log_once(
            f"reject:{reason}:{detail}",
            "%s: rejected a request from %s: %s%s (nothing was changed)",
            self.entry.title,
            source,
            reason,
            f" ({detail})" if detail else "",
        )
        return status

    @callback
    def async_subscribe(
        self, fields: Iterable[str] | None, listener: UpdateListener
    ) -> CALLBACK_TYPE:
        """Call `listener` with every update that changed one of `fields`
        (None: every update); return the function that unsubscribes."""
        order = self._subscriptions = self._subscriptions + 1
        targets = (
            [self._every]
            if fields is None
            else [self._by_field.setdefault(name, {}) for name in fields]
        )
        for target in targets:
            target[order] = listener

        @callback
        def unsubscribe() -> None:
            for target in targets:
                target.pop(order, None)

        return unsubscribe

    def _notify(self, update: PhoneUpdate) -> None:
        """Call the subscribers concerned, in subscription order, each once."""
        chosen = dict(self._every)
        by_field = self._by_field
        for name in update.changed:
            if (listeners := by_field.get(name)) is not None:
                chosen.update(listeners)
        for order in sorted(chosen):
            try:
                chosen[order](update)
            except Exception:
                # As a dispatcher would: one failing entity stops no other.
                LOGGER.exception("%s: error updating an entity", self.entry.title)

    def _schedule_save(self) -> None:
        """Save the state after a delay; one save covers all changes until then."""
        if not self._save_scheduled:
            self._save_scheduled = True
            self._store.async_delay_save(self._data_to_store, STORAGE_SAVE_DELAY)

    def _accept(self, request: ParsedRequest, source: str | None) -> None:
        before = device_details(self.state)
        changed = self.machine.apply(request, dt_util.utcnow())
        if proven := proves_address(self.entry, request, source):
            # The address the phone proved (not just reported): what a form
            # may offer as its web access host.
            self.proven_ip = request.variables.ip
        self.counters.count_event(request.event.key)
        if self._never_reported:
            self._never_reported = False
            ir.async_delete_issue(
                self.hass, DOMAIN, no_report_issue_id(self.entry.entry_id)
            )
        if device_details(self.state) != before:
            async_update_device(self.hass, self.device_id, self.state)
        self._schedule_save()
        self._notify(PhoneUpdate(request, changed, source, proven))
        self.hass.bus.async_fire(
            EVENT_PHONE,
            {
                "device_id": self.device_id,
                "entry_id": self.entry.entry_id,
                "event": request.event.key,
                "p_code": request.event.p_code,
                "account": account_of(request.variables),
                **request.variables.as_dict(),
            },
        )

    @callback
    def _data_to_store(self) -> dict[str, Any]:
        # The store takes the data now: a later change needs a save again.
        self._save_scheduled = False
        return {"state": self.state.as_dict(), "counters": self.counters.as_dict()}

    @callback
    def async_set_dnd(self, on: bool) -> None:
        """Record DND as switched from Home Assistant (the phone accepted it)."""
        if self._closed:  # unloaded while the request was under way
            return
        changed = self.machine.set_dnd(on)
        self._schedule_save()
        self._notify(PhoneUpdate(None, changed))

    @callback
    def async_clear_missed_calls(self) -> None:
        """Reset the missed call counter."""
        if self._closed:
            return
        changed = self.machine.clear_missed_calls()
        self._schedule_save()
        self._notify(PhoneUpdate(None, changed))

    async def async_close(self) -> None:
        """Take no more requests and write the state now (on unload)."""
        # Nothing changes it afterwards: no delayed save outlives the phone to
        # write over what the next setup stores.
        self._closed = True
        await self._store.async_save(self._data_to_store())
