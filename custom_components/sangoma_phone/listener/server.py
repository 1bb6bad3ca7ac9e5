"""The phone listener's socket server: one request per connection, then close.

What a request means is the handler's business (the listener's routing).
Addresses, limits and timeouts: docs/listener.md.
"""

import asyncio
from collections.abc import Awaitable, Callable
import errno
from http import HTTPStatus
import socket
from typing import Any, Final

from homeassistant.core import HomeAssistant

from ..const import LOGGER
from .http import MAX_REQUEST_LINE, RequestRefused, response

# Every address, as Home Assistant's own server binds by default: the phones are
# on the LAN. When Home Assistant's server is bound to some addresses only, the
# listener binds the same ones (listen_hosts).
LISTEN_HOSTS: Final = ("0.0.0.0", "::") if socket.has_ipv6 else ("0.0.0.0",)  # noqa: S104
LINGER_DRAIN = 65536  # bytes read and dropped after answering, at most

# Reads one request from a connection and handles it: returns the status to
# answer and whether the answer is a head only (HEAD); raises RequestRefused.
type RequestHandler = Callable[
    [asyncio.StreamReader, str | None], Awaitable[tuple[HTTPStatus, bool]]
]
# Logs a problem (a stable key, a message) once.
type ProblemLogger = Callable[[str, str], None]


def listen_hosts(hass: HomeAssistant) -> tuple[str, ...]:
    """Return the addresses to listen on: those of Home Assistant's own server."""
    server = getattr(hass, "http", None)
    hosts: list[str] | None = getattr(server, "server_host", None)
    return tuple(hosts) if hosts else LISTEN_HOSTS


def port_is_free(port: int, hosts: tuple[str, ...] = LISTEN_HOSTS) -> bool:
    """Return whether the listener could listen on a TCP port (a bind test)."""
    # Bound as asyncio's server binds (SO_REUSEADDR: a port held only by closed
    # connections is free); an address family the system lacks is skipped.
    for host in hosts:
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        try:
            sock = socket.socket(family, socket.SOCK_STREAM)
        except OSError:
            continue
        with sock:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            if family == socket.AF_INET6:
                sock.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
            try:
                sock.bind((host, port))
            except OSError as err:
                if err.errno != errno.EADDRNOTAVAIL:
                    return False
    return True


class OneRequestServer:
    """A listening socket that serves one request per connection."""

    read_timeout: float = 5.0  # seconds to receive (and handle) a whole request
    linger_timeout: float = 2.0  # seconds to send the answer and let the client close
    max_connections: int = 64  # concurrent; more are closed at once

    def __init__(self, handler: RequestHandler, log_problem: ProblemLogger) -> None:
        """Keep the handler; nothing listens until async_start."""
        self._handler = handler
        self._log_problem = log_problem
        self._server: asyncio.Server | None = None
        self._tasks: set[asyncio.Task[Any]] = set()

    async def async_start(self, hosts: tuple[str, ...], port: int) -> None:
        """Listen on a port of some addresses; raise OSError if it cannot."""
        self._server = await asyncio.start_server(
            self._async_handle_connection,
            host=list(hosts),
            port=port,
            limit=MAX_REQUEST_LINE,
            backlog=self.max_connections,
            reuse_address=True,
        )

    async def async_close(self) -> None:
        """Close the socket and every open connection, and wait for them."""
        server, self._server = self._server, None
        assert server is not None
        server.close()
        server.abort_clients()
        tasks = list(self._tasks)
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        await server.wait_closed()

    async def _async_handle_connection(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        """Serve one connection: one request, one answer, close."""
        if len(self._tasks) >= self.max_connections:
            writer.transport.abort()
            self._log_problem("connections", "too many connections at once")
            return
        task = asyncio.current_task()
        assert task is not None
        self._tasks.add(task)
        try:
            await self._async_serve(reader, writer)
        finally:
            self._tasks.discard(task)
            writer.transport.abort()  # no-op once closed cleanly

    async def _async_serve(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        peer = writer.get_extra_info("peername")
        source = str(peer[0]) if isinstance(peer, tuple) and peer else None
        try:
            async with asyncio.timeout(self.read_timeout):
                status, head_only = await self._handler(reader, source)
        except RequestRefused as err:
            LOGGER.debug("Phone listener: %s from %s: %s", err.status, source, err)
            status, head_only = err.status, False
        except TimeoutError, EOFError, ConnectionError:
            return  # the client was too slow or went away: nothing to answer
        try:
            async with asyncio.timeout(self.linger_timeout):
                writer.write(response(status, head_only=head_only))
                await writer.drain()
                writer.write_eof()
                # Read what the client still sends, so closing does not reset
                # the connection before it has read the answer.
                drained = 0
                while drained < LINGER_DRAIN and (data := await reader.read(4096)):
                    drained += len(data)
                writer.close()
                await writer.wait_closed()
        except TimeoutError, ConnectionError:
            pass
