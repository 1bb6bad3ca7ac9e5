"""Malformed and random requests for the fuzz tests, and a raw HTTP client.

Everything goes to 127.0.0.1. `refused_requests` yields requests that every
phone must refuse (or that reach no phone); `random_requests` anything at all.
Sizes: SANGOMA_FUZZ=full for the full run (10 000 requests and more), else a
small default that keeps scripts/test quick.
"""

import asyncio
from collections import Counter
from collections.abc import Iterator, Sequence
import contextlib
from dataclasses import dataclass
import os
import random
from urllib.parse import quote

HOST = "127.0.0.1"
FULL = os.environ.get("SANGOMA_FUZZ", "").lower() == "full"
REFUSED_COUNT = 6000 if FULL else 300
RANDOM_COUNT = 4500 if FULL else 250
FLOOD_COUNT = 5000 if FULL else 400
METHODS = [b"GET", b"POST", b"PUT", b"DELETE", b"PATCH", b"HEAD", b"OPTIONS"]
ODD_METHODS = [b"TRACE", b"CONNECT", b"PROPFIND", b"FOO", b"get", b"G\xc3\xa9T"]
EVENTS = [b"incoming_call", b"established", b"terminated", b"dnd_on", b"off_hook"]
NON_LOCAL = ["203.0.113.7", "198.51.100.23", "2001:db8::5", "8.8.8.8"]


@dataclass(frozen=True, slots=True)
class RawRequest:
    """Bytes to send; `cut` sends only part and closes, `slow` trickles."""

    data: bytes
    kind: str
    cut: bool = False
    slow: bool = False


def request(
    method: bytes,
    target: bytes,
    headers: Sequence[bytes] = (),
    body: bytes = b"",
) -> bytes:
    """Return an HTTP/1.1 request, byte for byte."""
    head = [
        method + b" " + target + b" HTTP/1.1",
        b"Host: 127.0.0.1",
        b"Connection: close",
    ]
    if body:
        head.append(b"Content-Length: %d" % len(body))
    return b"\r\n".join([*head, *headers, b"", b""]) + body


def garbage_query(rng: random.Random) -> bytes:
    """Return a malformed or random query string."""
    pick = rng.randrange(10)
    if pick == 0:  # huge
        return b"event=terminated&remote=" + b"A" * rng.choice([8200, 20000, 60000])
    if pick == 1:  # invalid percent-encoding
        return b"event=%zz&remote=%" + rng.choice([b"", b"4", b"G1", b"%%"])
    if pick == 2:  # invalid UTF-8, quoted or raw-ish
        return b"event=dnd_on&remote=" + quote(rng.randbytes(8)).encode() + b"%FF%FE"
    if pick == 3:  # duplicate / conflicting keys
        return b"event=established&event=terminated&event=dnd_on"
    if pick == 4:  # unknown events
        return b"event=" + quote(rng.randbytes(rng.randrange(1, 40))).encode()
    if pick == 5:
        return quote(rng.randbytes(rng.randrange(0, 200)), safe="=&%").encode()
    if pick == 6:
        return b"&".join(
            rng.choice([b"event=", b"mac=", b"=", b"&&", b"ip=::", b"$mac"])
            for _ in range(20)
        )
    if pick == 7:
        return b"event=" + rng.choice(EVENTS) + b"&mac=" + b"%00" * 20
    if pick == 8:
        return (
            b"event="
            + rng.choice(EVENTS)
            + b"&remote="
            + b"%25" * rng.randrange(1, 3000)
        )
    return b""


def refused_requests(
    rng: random.Random,
    webhook_path: bytes,
    other_mac: bytes,
    count: int,
    *,
    proxied: bool = True,
) -> Iterator[RawRequest]:
    """Requests no phone may act on: each is refused or reaches no phone.

    `proxied`: the target trusts 127.0.0.1 as a proxy (Home Assistant's web
    server here; the listener has none: a loopback source is local).
    """
    for i in range(count):
        kind = i % 9
        event = rng.choice(EVENTS)
        if kind == 0:  # another phone's MAC
            query = b"event=" + event + b"&mac=" + other_mac + b"&remote=1002"
            yield RawRequest(request(b"GET", webhook_path + b"?" + query), "other_mac")
        elif kind == 1 and proxied:  # non-local through the trusted proxy
            xff = b"X-Forwarded-For: " + rng.choice(NON_LOCAL).encode()
            query = b"event=" + event
            yield RawRequest(
                request(b"GET", webhook_path + b"?" + query, [xff]), "non_local"
            )
        elif kind == 2:  # wrong webhook ids
            wrong = webhook_path[:-4] + rng.randbytes(2).hex().encode()
            yield RawRequest(request(b"GET", wrong + b"?event=" + event), "wrong_id")
        elif kind == 3:  # every method but GET/POST (and HEAD: 200, nothing)
            method = rng.choice([*METHODS[2:], *ODD_METHODS])
            yield RawRequest(
                request(method, webhook_path + b"?event=" + event), "method"
            )
        elif kind == 4:  # unknown events, conflicting keys, no event
            query = rng.choice(
                [
                    b"event=" + quote(rng.randbytes(6)).encode(),
                    b"event=established&event=terminated",
                    b"remote=1&mac=" + other_mac,
                    b"",
                ]
            )
            yield RawRequest(request(b"GET", webhook_path + b"?" + query), "unusable")
        elif kind == 5:  # too long
            query = b"event=" + event + b"&remote=" + b"9" * rng.choice([8200, 30000])
            yield RawRequest(request(b"GET", webhook_path + b"?" + query), "too_long")
        elif kind == 6:  # half-sent
            full = request(b"GET", webhook_path + b"?event=" + event + b"&remote=5")
            yield RawRequest(
                full[: rng.randrange(1, len(full) - 2)], "half_sent", cut=True
            )
        elif kind == 7:  # a slow client that never finishes
            full = request(b"GET", webhook_path + b"?event=" + event)
            yield RawRequest(full[: len(full) - 4], "slow", cut=True, slow=i % 90 == 7)
        else:  # garbage bytes, not HTTP at all
            yield RawRequest(
                rng.randbytes(rng.randrange(1, 300)) + b"\r\n\r\n", "garbage"
            )


def random_requests(
    rng: random.Random, webhook_path: bytes, count: int
) -> Iterator[RawRequest]:
    """Anything: random methods, targets, queries, headers, bodies."""
    for _ in range(count):
        method = rng.choice(METHODS + ODD_METHODS)
        target = rng.choice(
            [webhook_path, webhook_path + b"x", b"/api/webhook/", b"/", b"/api/states"]
        )
        query = garbage_query(rng)
        headers = (
            [b"X-Junk: " + quote(rng.randbytes(10)).encode()]
            if rng.random() < 0.3
            else []
        )
        body = garbage_query(rng) if method == b"POST" else b""
        yield RawRequest(
            request(method, target + (b"?" + query if query else b""), headers, body),
            "random",
        )


async def send(port: int, item: RawRequest, limit: float = 15.0) -> int | str:
    """Send one request; return the status, or what happened instead."""
    try:
        reader, writer = await asyncio.open_connection(HOST, port)
    except OSError as err:
        return f"connect:{type(err).__name__}"
    try:
        if item.slow:
            for i in range(0, len(item.data), 8):
                writer.write(item.data[i : i + 8])
                await writer.drain()
                await asyncio.sleep(0.05)
        else:
            writer.write(item.data)
            await writer.drain()
        if item.cut:
            return "cut"
        async with asyncio.timeout(limit):
            line = await reader.readline()
        parts = line.split(b" ", 2)
        return int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else "closed"
    except TimeoutError:
        return "timeout"
    except ConnectionError:
        return "reset"
    finally:
        writer.close()
        with contextlib.suppress(ConnectionError, OSError):
            await writer.wait_closed()


async def send_all(
    port: int, items: Iterator[RawRequest], parallel: int = 16
) -> Counter[int | str]:
    """Send requests over `parallel` connections at a time; count the outcomes."""
    outcomes: Counter[int | str] = Counter()
    semaphore = asyncio.Semaphore(parallel)

    async def one(item: RawRequest) -> None:
        async with semaphore:
            outcomes[await send(port, item)] += 1

    await asyncio.gather(*(one(item) for item in items))
    return outcomes
