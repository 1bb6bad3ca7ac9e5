"""The web access client's requests against the fake phone (Basic and Digest):
exact request lines, authentication, errors, timeouts, one request at a time,
no secret in the logs."""

import asyncio
import base64
from collections.abc import AsyncGenerator
import logging

import pytest

from custom_components.sangoma_phone.protocol.action_uri import (
    KEYS,
    InvalidActionValue,
    Key,
)
from custom_components.sangoma_phone.web_access.client import (
    DEFAULT_TIMEOUT,
    DEFAULT_USERNAME,
    AuthScheme,
    BasicRefused,
    CannotConnect,
    ClientSettings,
    Forbidden,
    InvalidAuth,
    PhoneRefused,
    StaleNonce,
    UnexpectedAnswer,
    WebAccessClient,
)
from homeassistant.core import HomeAssistant

from ..fake_phone import HOST, OLD_DIGEST, Answer, FakePhone

# The fake phone listens on 127.0.0.1; connections elsewhere stay blocked.
pytestmark = pytest.mark.usefixtures("socket_enabled")

PASSWORD = "s3cret-Pa55w0rd"
FAST = 0.2  # seconds: the injected timeout for tests that wait for one


@pytest.fixture(params=[AuthScheme.BASIC, AuthScheme.DIGEST])
def scheme(request: pytest.FixtureRequest) -> AuthScheme:
    """Run a test once per authentication scheme."""
    return AuthScheme(request.param)


@pytest.fixture
async def phone(scheme: AuthScheme) -> AsyncGenerator[FakePhone]:
    """Return a running fake phone that enforces the scheme."""
    async with FakePhone(auth=scheme.value, password=PASSWORD) as phone:
        yield phone


def client(
    hass: HomeAssistant,
    phone: FakePhone,
    *,
    timeout: float = DEFAULT_TIMEOUT,
    **settings: object,
) -> WebAccessClient:
    """Return a client for the fake phone (Basic allowed for a Basic phone)."""
    values: dict[str, object] = {
        "host": HOST,
        "port": phone.port,
        "password": PASSWORD,
        "scheme": AuthScheme.BASIC if phone.auth == "basic" else None,
    }
    return WebAccessClient(
        hass, ClientSettings(**{**values, **settings}), timeout=timeout
    )  # type: ignore[arg-type]


def line(target: str) -> bytes:
    """Return the request line a phone receives for a target."""
    return f"GET {target} HTTP/1.1".encode()


@pytest.mark.parametrize(
    ("call", "target"),
    [
        (lambda c: c.async_dial("4003", 1), "/Phone_ActionURL&Command=1&Number=4003&Account=1"),
        (lambda c: c.async_dial("4003"), "/Phone_ActionURL&Command=1&Number=4003"),
        (lambda c: c.async_dial("+4930*12#", 16), "/Phone_ActionURL&Command=1&Number=%2B4930*12%23&Account=16"),
        (lambda c: c.async_hang_up(), "/Phone_ActionURL&Command=2"),
        (lambda c: c.async_send_key(Key.DND_ON), "/Phone_ActionURL&key=DNDOn"),
        (lambda c: c.async_send_key(Key.DND_OFF), "/Phone_ActionURL&key=DNDOff"),
        (lambda c: c.async_send_key(Key.REBOOT), "/Phone_ActionURL&key=Reboot"),
        (lambda c: c.async_send_key(Key.AUTO_PROVISION), "/Phone_ActionURL&key=AutoP"),
        (lambda c: c.async_probe(), "/Phone_ActionURL"),
    ],
)  # fmt: skip
async def test_request_line_received(
    hass: HomeAssistant, phone: FakePhone, scheme: AuthScheme, call, target: str
) -> None:
    """The phone gets the exact target; the scheme is found from the challenge."""
    if scheme is AuthScheme.DIGEST and "%" in target and OLD_DIGEST:
        pytest.xfail(
            "aiohttp < 3.14 (Home Assistant < 2026.10) signs the decoded path: "
            "a phone that checks the digest uri refuses a number with + or #"
        )
    control = client(hass, phone)
    assert control.auth_scheme is None
    await call(control)
    assert phone.actions == [line(target)]
    # First contact: one unauthenticated request, answered with the challenge.
    assert phone.request_lines == [line(target), line(target)]
    assert phone.received[0].authorization is None
    assert phone.received[1].authorization == scheme.value.capitalize()
    assert control.auth_scheme is scheme


async def test_every_key_one_request_each(
    hass: HomeAssistant, phone: FakePhone, scheme: AuthScheme
) -> None:
    """Once the scheme is known, every request authenticates at once."""
    control = client(hass, phone)
    for key in KEYS:
        await control.async_send_key(key)
    expected = [line(f"/Phone_ActionURL&key={key}") for key in KEYS]
    assert phone.actions == expected
    assert phone.request_lines == [expected[0], *expected]
    assert b"GET /Phone_ActionURL&key=* HTTP/1.1" in expected


@pytest.mark.parametrize(
    "number",
    ["10;02&key=Reboot", "10&Command=2", "100 200", "", "1" * 33, "١٢٣", "49+30"],
)
async def test_refused_numbers_send_nothing(
    hass: HomeAssistant, phone: FakePhone, number: str
) -> None:
    control = client(hass, phone)
    with pytest.raises(InvalidActionValue):
        await control.async_dial(number)
    with pytest.raises(InvalidActionValue):
        await control.async_dial("4003", 17)
    with pytest.raises(InvalidActionValue):
        await control.async_send_key("dndon")
    assert phone.received == []


async def test_wrong_password(
    hass: HomeAssistant, phone: FakePhone, scheme: AuthScheme
) -> None:
    control = client(hass, phone, password="wrong")
    with pytest.raises(InvalidAuth):
        await control.async_probe()
    assert phone.actions == []
    assert len(phone.request_lines) == 2  # challenge, one try: no retry loop
    assert control.auth_scheme is scheme


async def test_401_after_setup(hass: HomeAssistant, phone: FakePhone) -> None:
    control = client(hass, phone)
    await control.async_probe()
    phone.answer = Answer.UNAUTHORIZED  # e.g. the password was changed
    with pytest.raises(InvalidAuth):
        await control.async_send_key(Key.DND_ON)


@pytest.mark.parametrize(
    ("status", "error"),
    [
        (500, PhoneRefused),
        (404, PhoneRefused),
        (403, Forbidden),
        (302, UnexpectedAnswer),
    ],
)
async def test_error_status(
    hass: HomeAssistant, phone: FakePhone, status: int, error: type[Exception]
) -> None:
    phone.answer = Answer.ERROR
    phone.error_status = status
    with pytest.raises(error) as err:
        await client(hass, phone).async_hang_up()
    if isinstance(err.value, PhoneRefused):
        assert err.value.status == status
        assert str(status) in str(err.value)


async def test_not_http(hass: HomeAssistant, phone: FakePhone) -> None:
    phone.answer = Answer.GARBAGE
    with pytest.raises(UnexpectedAnswer):
        await client(hass, phone).async_probe()


async def test_hanging_phone(hass: HomeAssistant, phone: FakePhone) -> None:
    phone.answer = Answer.HANG
    control = client(hass, phone, timeout=FAST)
    async with asyncio.timeout(5):  # a guard, not a speed target
        with pytest.raises(CannotConnect, match=r"no answer within 0\.2 s"):
            await control.async_probe()
    assert len(phone.received) == 1


async def test_401_without_challenge(hass: HomeAssistant) -> None:
    async with FakePhone(auth=None) as phone:
        phone.answer = Answer.ERROR
        phone.error_status = 401
        with pytest.raises(InvalidAuth):
            await client(hass, phone).async_probe()
        assert len(phone.received) == 1


async def test_colon_in_user_name(hass: HomeAssistant, phone: FakePhone) -> None:
    """Neither scheme can carry a ':' in the user name; the digest try says so."""
    with pytest.raises(InvalidAuth, match="user name"):
        await client(hass, phone, username="ad:min").async_probe()
    assert phone.received == []


async def test_basic_gives_way_to_digest(hass: HomeAssistant) -> None:
    """Where Basic was allowed, a phone that now asks for Digest gets Digest."""
    async with FakePhone(auth="basic", password=PASSWORD) as phone:
        control = client(hass, phone)
        await control.async_probe()
        phone.auth = "digest"
        await control.async_send_key(Key.OK)
        assert control.auth_scheme is AuthScheme.DIGEST
        assert phone.actions == [
            line("/Phone_ActionURL"),
            line("/Phone_ActionURL&key=OK"),
        ]


@pytest.mark.parametrize("allowed", [AuthScheme.BASIC, None])
async def test_digest_is_never_given_up_for_basic(
    hass: HomeAssistant, allowed: AuthScheme | None
) -> None:
    """Once Digest worked, a Basic challenge gets no password, even where the
    user allowed Basic: a 401 Basic is an attacker's way to read it."""
    async with FakePhone(auth="digest", password=PASSWORD) as phone:
        control = client(hass, phone, scheme=allowed)
        await control.async_probe()
        assert control.auth_scheme is AuthScheme.DIGEST
        phone.auth = "basic"
        with pytest.raises(BasicRefused):
            await control.async_send_key(Key.OK)
        assert all(
            not (r.authorization or "").lower().startswith("basic")
            for r in phone.received
        )
        assert control.auth_scheme is AuthScheme.DIGEST


async def test_basic_only_where_allowed(hass: HomeAssistant) -> None:
    """A phone (or anything at its address) asking for Basic gets nothing
    unless the user allowed Basic."""
    async with FakePhone(auth="basic", password=PASSWORD) as phone:
        control = client(hass, phone, scheme=None)
        with pytest.raises(BasicRefused):
            await control.async_probe()
        assert phone.actions == []
        assert all(r.authorization is None for r in phone.received)


@pytest.mark.parametrize("allowed", [AuthScheme.BASIC, None])
async def test_digest_preferred_when_both_are_offered(
    hass: HomeAssistant, allowed: AuthScheme | None
) -> None:
    """Offered Basic first and Digest second, the client answers with Digest."""
    async with FakePhone(auth="digest", password=PASSWORD, offer_basic=True) as phone:
        control = client(hass, phone, scheme=allowed)
        await control.async_probe()
        assert control.auth_scheme is AuthScheme.DIGEST
        assert all(
            not (r.authorization or "").lower().startswith("basic")
            for r in phone.received
        )


async def test_phone_without_authentication(hass: HomeAssistant) -> None:
    async with FakePhone(auth=None) as phone:
        control = client(hass, phone)
        await control.async_hang_up()
        assert phone.request_lines == [line("/Phone_ActionURL&Command=2")]
        assert phone.received[0].authorization is None
        assert control.auth_scheme is None


async def test_requests_are_serialised(hass: HomeAssistant, phone: FakePhone) -> None:
    control = client(hass, phone)
    await control.async_probe()  # learn the scheme: one request per call from now
    phone.gate = asyncio.Event()
    first = asyncio.create_task(control.async_send_key(Key.DND_ON))
    second = asyncio.create_task(control.async_send_key(Key.DND_OFF))
    await phone.wait_for_requests(3)
    await asyncio.sleep(0.05)  # room for a second request, were it not queued
    assert phone.in_flight == 1
    assert len(phone.received) == 3
    phone.gate.set()
    await asyncio.gather(first, second)
    assert phone.max_in_flight == 1
    assert phone.actions[1:] == [
        line("/Phone_ActionURL&key=DNDOn"),
        line("/Phone_ActionURL&key=DNDOff"),
    ]


async def test_no_secrets_in_logs(
    hass: HomeAssistant,
    phone: FakePhone,
    scheme: AuthScheme,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    control = client(hass, phone)
    await control.async_probe()
    await control.async_dial("4003", 1)
    await control.async_send_key(Key.REBOOT)
    for answer in (Answer.ERROR, Answer.UNAUTHORIZED, Answer.GARBAGE):
        phone.answer = answer
        with pytest.raises((PhoneRefused, InvalidAuth, UnexpectedAnswer)):
            await control.async_hang_up()
    phone.answer = Answer.OK
    with pytest.raises(InvalidAuth):
        await client(hass, phone, password=PASSWORD + "x").async_probe()
    phone.answer = Answer.HANG
    with pytest.raises(CannotConnect):
        await client(hass, phone, timeout=FAST).async_probe()

    logged = caplog.text + "".join(str(r.args) for r in caplog.records)
    assert "Phone 127.0.0.1" in logged  # debug logging was on and captured
    basic = base64.b64encode(f"{DEFAULT_USERNAME}:{PASSWORD}".encode()).decode()
    for secret in (
        PASSWORD,
        basic,
        "Authorization",
        "authorization",
        "Digest ",
        "response=",
    ):
        assert secret not in logged
    assert "@127.0.0.1" not in logged
    assert PASSWORD not in repr(control.settings)


async def test_the_wait_counts_against_the_deadline(
    hass: HomeAssistant, phone: FakePhone
) -> None:
    """A request queued behind one the phone does not answer fails within its
    own deadline, without reaching the phone."""
    control = client(hass, phone, timeout=FAST)
    phone.answer = Answer.HANG
    first = asyncio.create_task(control.async_probe())
    await phone.wait_for_requests(1)
    control.timeout = FAST / 4  # ends while the first request still waits
    with pytest.raises(CannotConnect):
        await control.async_send_key(Key.OK)
    with pytest.raises(CannotConnect):
        await first
    assert phone.request_lines == [line("/Phone_ActionURL")]


async def test_fresh_nonces_called_stale_are_no_wrong_password(
    hass: HomeAssistant,
) -> None:
    """A phone that calls every nonce stale has not rejected the password."""
    async with FakePhone(auth="digest", password=PASSWORD) as phone:
        phone.stale = True
        with pytest.raises(StaleNonce) as err:
            await client(hass, phone).async_probe()
        assert not isinstance(err.value, InvalidAuth)


async def test_a_broken_challenge_does_not_stick(hass: HomeAssistant) -> None:
    """A Digest challenge the client cannot answer fails that request only:
    the next one starts afresh and reaches the phone."""
    async with FakePhone(auth="digest", password=PASSWORD) as phone:
        phone.broken_challenges = 1
        control = client(hass, phone)
        with pytest.raises(UnexpectedAnswer):
            await control.async_probe()
        await control.async_send_key(Key.OK)
        assert phone.actions == [line("/Phone_ActionURL&key=OK")]
