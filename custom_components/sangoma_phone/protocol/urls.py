"""Build the Action URLs the phone calls, one per event."""

from .events import EVENT_PARAM, EVENTS, PARAMS_BY_NAME, EventSpec
from .query import normalize_ip


def webhook_path(webhook_id: str) -> str:
    """Return the path of Home Assistant's webhook endpoint."""
    return f"/api/webhook/{webhook_id}"


def event_query(event: EventSpec) -> str:
    """Return the query of an event's URL; the phone fills in the $variables."""
    params = "".join(
        f"&{name}={PARAMS_BY_NAME[name].variable}" for name in event.params
    )
    return f"{EVENT_PARAM}={event.key}{params}"


def event_url(base_url: str, webhook_id: str, event: EventSpec) -> str:
    """Return the full Action URL of one event."""
    return f"{base_url.rstrip('/')}{webhook_path(webhook_id)}?{event_query(event)}"


def event_urls(
    base_url: str, webhook_id: str, *, unverified: bool = True
) -> dict[str, str]:
    """Return the Action URL of every event by key; unverified ones if asked."""
    return {
        event.key: event_url(base_url, webhook_id, event)
        for event in EVENTS
        if event.verified or unverified
    }


def configuration_url(ip: str | None) -> str | None:
    """Return the phone's web UI address; None if there is none (never raises)."""
    if ip is None or normalize_ip(ip) != ip or "%" in ip:
        return None
    return f"http://[{ip}]" if ":" in ip else f"http://{ip}"
