"""A loopback HTTP server that records requests: the simulator's counterpart."""

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field


@dataclass
class Stub:
    """A loopback HTTP server that records requests and answers ``response``."""

    url: str
    requests: list[bytes] = field(default_factory=list)
    response: bytes = b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"


@asynccontextmanager
async def stub_server() -> AsyncIterator[Stub]:
    """Serve on a free port of 127.0.0.1 while the context lasts."""
    holder: list[Stub] = []

    async def handle(
        reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        holder[0].requests.append(await reader.readuntil(b"\r\n\r\n"))
        writer.write(holder[0].response)
        await writer.drain()
        writer.close()
        await writer.wait_closed()

    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    holder.append(Stub(url=f"http://127.0.0.1:{port}"))
    async with server:
        yield holder[0]
