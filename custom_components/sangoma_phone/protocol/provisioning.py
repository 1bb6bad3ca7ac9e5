"""S-series provisioning XML that sets the Action URLs on the phone."""

from collections.abc import Mapping
from xml.sax.saxutils import escape

from .events import EVENTS

_UNVERIFIED = "".join(
    f" {e.p_code} ({e.name}) is unverified on some firmware (opt-in)."
    for e in EVENTS
    if not e.verified
)
_HEADER = (
    '<?xml version="1.0" encoding="UTF-8" ?>\n'
    '<hl_provision version="1">\n'
    '<config version="1">\n'
    "<!-- Sangoma Phone for Home Assistant: Action URLs"
    f" {EVENTS[0].p_code} to {EVENTS[-1].p_code}.{_UNVERIFIED} -->\n"
)
_FOOTER = "</config>\n</hl_provision>\n"


def provisioning_xml(urls: Mapping[str, str]) -> str:
    """Return the provisioning XML for the given event URLs (key -> URL)."""
    lines = [
        f'<{e.p_code} para="{e.para}">{escape(urls[e.key])}</{e.p_code}>\n'
        for e in EVENTS
        if e.key in urls
    ]
    return _HEADER + "".join(lines) + _FOOTER


def url_list_text(urls: Mapping[str, str]) -> str:
    """Return the URLs as plain text: one ``P37xx<TAB>URL`` line each, unescaped."""
    return "".join(f"{e.p_code}\t{urls[e.key]}\n" for e in EVENTS if e.key in urls)
