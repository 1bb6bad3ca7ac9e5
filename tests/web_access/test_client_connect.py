"""Where the web access client connects: URLs, hosts, nothing listening, TLS."""

import asyncio
from datetime import UTC, datetime, timedelta
import ipaddress
from pathlib import Path
import socket
import ssl
import threading

from aiohttp import web
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
import pytest

from custom_components.sangoma_phone.web_access.client import (
    CannotConnect,
    CertificateNotTrusted,
    ClientSettings,
    HttpsExpected,
    PhoneRefused,
    TlsError,
    WebAccessClient,
    phone_url,
)
from homeassistant.core import HomeAssistant

from ..fake_phone import HOST, Answer, FakePhone

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
        with pytest.raises(TlsError) as err:
            await WebAccessClient(hass, settings).async_probe()
        assert not isinstance(err.value, CannotConnect)  # reachable: a setting
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


def _self_signed(directory: Path) -> ssl.SSLContext:
    """Return a server context with a fresh self-signed certificate for 127.0.0.1."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "phone")])
    now = datetime.now(UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address(HOST))]),
            critical=False,
        )
        .sign(key, hashes.SHA256())
    )
    (directory / "cert.pem").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    (directory / "key.pem").write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(directory / "cert.pem", directory / "key.pem")
    return context


class _TlsPhone:
    """An HTTPS web server on its own thread and event loop (a failed handshake
    there is the server's business, not Home Assistant's loop's)."""

    def __init__(self, context: ssl.SSLContext) -> None:
        self._context = context
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self.port = 0

    async def _start(self) -> web.AppRunner:
        async def ok(request: web.Request) -> web.Response:
            return web.Response(text="OK")

        app = web.Application()
        app.router.add_get("/{tail:.*}", ok)
        runner = web.AppRunner(app)
        await runner.setup()
        await web.TCPSite(runner, HOST, 0, ssl_context=self._context).start()
        self.port = runner.addresses[0][1]
        return runner

    def __enter__(self) -> _TlsPhone:
        self._thread.start()
        self._runner = asyncio.run_coroutine_threadsafe(
            self._start(), self._loop
        ).result(10)
        return self

    def __exit__(self, *exc: object) -> None:
        asyncio.run_coroutine_threadsafe(self._runner.cleanup(), self._loop).result(10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)
        self._loop.close()


async def test_a_self_signed_phone(hass: HomeAssistant, tmp_path: Path) -> None:
    """An untrusted certificate is named as such (not "cannot connect"); with
    Verify the phone's certificate off, the same phone answers."""
    with _TlsPhone(_self_signed(tmp_path)) as phone:
        verified = ClientSettings(
            host=HOST, port=phone.port, https=True, verify_ssl=True
        )
        with pytest.raises(CertificateNotTrusted):
            await WebAccessClient(hass, verified).async_probe()
        trusted = ClientSettings(
            host=HOST, port=phone.port, https=True, verify_ssl=False
        )
        await WebAccessClient(hass, trusted).async_probe()


class _NginxLikePhone:
    """HTTPS on one port that answers plain HTTP with a 400, as nginx does
    (a thread: peek at the first byte, TLS if it is a handshake)."""

    def __init__(self, context: ssl.SSLContext) -> None:
        self._context = context
        self._server = socket.create_server((HOST, 0))
        self._server.settimeout(0.1)
        self.port = self._server.getsockname()[1]
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self._server.accept()
            except TimeoutError:
                continue
            conn.settimeout(5)
            with conn:
                try:
                    if conn.recv(1, socket.MSG_PEEK) == b"\x16":
                        with self._context.wrap_socket(conn, server_side=True):
                            pass  # the handshake is all a check needs
                    else:
                        conn.recv(4096)
                        conn.sendall(
                            b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n"
                            b"Connection: close\r\n\r\n"
                        )
                except OSError:
                    pass

    def __enter__(self) -> _NginxLikePhone:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(10)
        self._server.close()


async def test_http_to_an_https_phone(hass: HomeAssistant, tmp_path: Path) -> None:
    """Plain HTTP to a port that speaks HTTPS names the setting to change
    (Use HTTPS), whether the phone hangs up or answers 400 as nginx does."""
    with _TlsPhone(_self_signed(tmp_path)) as phone:
        plain = ClientSettings(host=HOST, port=phone.port, https=False)
        with pytest.raises(HttpsExpected):
            await WebAccessClient(hass, plain).async_probe()
    with _NginxLikePhone(_self_signed(tmp_path)) as phone:
        plain = ClientSettings(host=HOST, port=phone.port, https=False)
        with pytest.raises(HttpsExpected):
            await WebAccessClient(hass, plain).async_probe()


async def test_a_plain_400_is_no_https_hint(hass: HomeAssistant) -> None:
    """A plain HTTP phone's 400 stays a refusal: its port speaks no HTTPS."""
    async with FakePhone(auth=None) as phone:
        phone.answer = Answer.ERROR
        phone.error_status = 400
        plain = ClientSettings(host=HOST, port=phone.port, https=False)
        with pytest.raises(PhoneRefused) as err:
            await WebAccessClient(hass, plain).async_probe()
        assert not isinstance(err.value, TlsError)
        assert err.value.status == 400
