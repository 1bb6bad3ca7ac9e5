"""The load client: one keep-alive aiohttp session on loopback.

`burst` sends as fast as Home Assistant answers (a fixed number of requests
in flight); `paced` sends at a fixed rate (open loop) and records each
request's latency.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
import time

import aiohttp
from yarl import URL


@dataclass
class Result:
    """What one segment of requests got."""

    sent: int = 0
    accepted: int = 0  # answered 200
    statuses: dict[int, int] = field(default_factory=dict)
    seconds: float = 0.0
    latencies: list[float] = field(default_factory=list)  # seconds

    def record(self, status: int, latency: float) -> None:
        """Count one answer."""
        self.sent += 1
        self.accepted += status == 200
        self.statuses[status] = self.statuses.get(status, 0) + 1
        self.latencies.append(latency)

    @property
    def rate(self) -> float:
        """Return the requests per second."""
        return self.sent / self.seconds if self.seconds else 0.0


class LoadClient:
    """A keep-alive HTTP client for one Home Assistant."""

    def __init__(self, base_url: str, connections: int = 16) -> None:
        """Prepare; open with `async with`."""
        self.base_url = base_url
        self.connections = connections
        self._session: aiohttp.ClientSession | None = None

    async def __aenter__(self) -> LoadClient:
        """Open the session (keep-alive connections to 127.0.0.1)."""
        connector = aiohttp.TCPConnector(limit=self.connections * 4, force_close=False)
        self._session = aiohttp.ClientSession(connector=connector)
        return self

    async def __aexit__(self, *exc: object) -> None:
        """Close the session."""
        if self._session is not None:
            await self._session.close()

    async def _one(self, url: str, result: Result) -> None:
        assert self._session is not None
        started = time.perf_counter()
        try:
            async with self._session.get(URL(self.base_url + url, encoded=True)) as r:
                await r.read()
                status = r.status
        except aiohttp.ClientError:
            status = 0
        result.record(status, time.perf_counter() - started)

    async def burst(self, urls: list[str]) -> Result:
        """Send all urls with `connections` requests in flight; return the result."""
        result = Result()
        queue = iter(urls)

        async def worker() -> None:
            for url in queue:
                await self._one(url, result)

        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(self.connections)))
        result.seconds = time.perf_counter() - started
        return result

    async def paced(self, urls: list[str], rate: float) -> Result:
        """Send the urls at `rate` per second, whatever the answers; return."""
        result = Result()
        tasks: list[asyncio.Task[None]] = []
        started = time.perf_counter()
        for index, url in enumerate(urls):
            delay = started + index / rate - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            tasks.append(asyncio.create_task(self._one(url, result)))
        await asyncio.gather(*tasks)
        result.seconds = time.perf_counter() - started
        return result


def percentile(values: list[float], fraction: float) -> float:
    """Return the value below which `fraction` of the values lie (nearest rank)."""
    if not values:
        return 0.0
    ordered = sorted(values)
    rank = max(0, min(len(ordered) - 1, round(fraction * len(ordered)) - 1))
    return ordered[rank]
