"""Where the web access client connects: URLs, hosts, nothing listening, TLS."""

import socket

import pytest

from custom_components.sangoma_phone.web_access.client import (
    CannotConnect,
    ClientSettings,
    WebAccessClient,
    phone_url,
)
from homeassistant.core import HomeAssistant

from ..fake_phone import HOST, FakePhone

# Only 127.0.0.1 is ever contacted; LAN addresses below are data, never dialled.
pytestmark = pytest.mark.usefixtures("socket_enabled")


async def test_nothing_listening(hass: HomeAssistant) -> None:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        port = sock.getsockname()[1]
    settings = ClientSettings(host=HOST, port=port, password="222222")
    with pytest.raises(CannotConnect, match="cannot reach the phone"):
        await WebAccessClient(hass, settings).async_probe()


async def test_https_to_a_plain_http_phone(hass: HomeAssistant) -> None:
    async with FakePhone() as phone:
        settings = ClientSettings(
            host=HOST, port=phone.port, https=True, verify_ssl=False
        )
        with pytest.raises(CannotConnect):
            await WebAccessClient(hass, settings).async_probe()
        assert phone.received == []  # the TLS hello is no HTTP request


@pytest.mark.parametrize("host", ["", "evil@127.0.0.1", "127.0.0.1/x", "a b", "h?x"])
async def test_invalid_host(hass: HomeAssistant, host: str) -> None:
    with pytest.raises(CannotConnect, match="not valid"):
        await WebAccessClient(hass, ClientSettings(host=host)).async_probe()


@pytest.mark.parametrize(
    ("settings", "url"),
    [
        (ClientSettings(host="192.0.2.7"), "http://192.0.2.7/Phone_ActionURL&key=OK"),
        (ClientSettings(host="192.0.2.7", https=True, port=443), "https://192.0.2.7/Phone_ActionURL&key=OK"),
        (ClientSettings(host="phone.lan", port=8080), "http://phone.lan:8080/Phone_ActionURL&key=OK"),
        (ClientSettings(host="fe80::1"), "http://[fe80::1]/Phone_ActionURL&key=OK"),
        (ClientSettings(host="[fe80::1]", port=81), "http://[fe80::1]:81/Phone_ActionURL&key=OK"),
    ],
)  # fmt: skip
def test_phone_url(settings: ClientSettings, url: str) -> None:
    """URLs are only built here (LAN addresses as data, nothing is sent)."""
    built = phone_url(settings, "/Phone_ActionURL&key=OK")
    assert str(built) == url
    assert built.raw_path_qs == "/Phone_ActionURL&key=OK"
    assert built.user is None
    assert built.password is None
