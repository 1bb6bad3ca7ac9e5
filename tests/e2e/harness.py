"""A real Home Assistant process for the end-to-end tests, and clients for it.

The process and its clients live in tools/hass_process.py (the benchmark uses
them too); this adds what only pytest needs: sockets allowed to 127.0.0.1.
"""

import pytest_socket

from tools.hass_process import (
    HOST,
    PASSWORD,
    ROOT,
    USERNAME,
    Api,
    HassError,
    HassInstance,
    WebSocket,
    free_port,
)

__all__ = [
    "HOST",
    "PASSWORD",
    "ROOT",
    "USERNAME",
    "Api",
    "HassError",
    "HassInstance",
    "WebSocket",
    "allow_loopback_sockets",
    "free_port",
]


def allow_loopback_sockets() -> None:
    """Let this process open sockets, to 127.0.0.1 only.

    The Home Assistant test plugin blocks every socket before each test (its
    unit tests need none); the end-to-end tests talk to a real server.
    """
    pytest_socket.enable_socket()
    pytest_socket.socket_allow_hosts([HOST], allow_unix_socket=True)
