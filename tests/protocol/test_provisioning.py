"""Tests of the provisioning XML and the text list of URLs."""

import xml.etree.ElementTree as ET

from custom_components.sangoma_phone.protocol import (
    EVENTS,
    EventKey,
    event_urls,
    provisioning_xml,
    url_list_text,
)

URLS = event_urls("http://homeassistant.local:8123", "0123456789abcdef0123456789abcdef")


def test_provisioning_xml() -> None:
    xml = provisioning_xml(URLS)
    root = ET.fromstring(xml.encode())  # noqa: S314 - our own output
    assert root.tag == "hl_provision"
    assert root.get("version") == "1"
    (config,) = root
    assert config.tag == "config"
    assert config.get("version") == "1"
    assert [e.tag for e in config] == [f"P{code}" for code in range(3701, 3735)]
    for element, event in zip(config, EVENTS, strict=True):
        assert element.get("para") == event.para
        assert element.text == URLS[event.key]


def test_shape() -> None:
    lines = provisioning_xml(URLS).splitlines()
    assert lines[:3] == [
        '<?xml version="1.0" encoding="UTF-8" ?>',
        '<hl_provision version="1">',
        '<config version="1">',
    ]
    assert lines[3].startswith("<!-- Sangoma Phone for Home Assistant")
    assert "Action URLs P3701 to P3734." in lines[3]
    for event in EVENTS:  # the unverified codes are flagged in the file
        flagged = f"{event.p_code} ({event.name}) is unverified" in lines[3]
        assert flagged is not event.verified, event.key
    assert "P3734 (IP Changed) is unverified" in lines[3]
    assert lines[3].endswith("-->")
    assert lines[4].startswith('<P3701 para="ActionUrl.SetupCompleted">http://')
    assert "&amp;mac=$mac&amp;ip=$ip" in lines[4]
    assert len(lines) == 3 + 1 + 34 + 2
    assert lines[-2:] == ["</config>", "</hl_provision>"]


def test_escaping_and_partial_input() -> None:
    xml = provisioning_xml({"hold": "http://h/?a=<b>&c", "nope": "x"})
    assert '<P3722 para="ActionUrl.Hold">http://h/?a=&lt;b&gt;&amp;c</P3722>' in xml
    config = ET.fromstring(xml)[0]  # noqa: S314 - our own output
    assert [(e.tag, e.text) for e in config] == [("P3722", "http://h/?a=<b>&c")]
    assert [e.tag for e in ET.fromstring(provisioning_xml({}))[0]] == []  # noqa: S314


def test_url_list_text() -> None:
    urls = URLS
    text = url_list_text(urls)
    lines = text.splitlines()
    assert len(lines) == 34
    code, _, url = lines[6].partition("\t")
    assert code == "P3707"
    assert url == urls[EventKey.INCOMING_CALL]
    assert "&amp;" not in text
    assert "&mac=$mac" in url
    assert url_list_text({"bogus": "x", EventKey.DND_ON: "u"}) == "P3711\tu\n"
