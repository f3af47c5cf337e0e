"""Fixtures and helpers shared by every test: real sockets on 127.0.0.1, port 0.

GUI-only fixtures (a real window under Xvfb) live in tests/gui/conftest.py.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import pytest

from core.events import ServerStopped
from core.recorder import EventRecorder
from core.server import ServerConfig, UppercaseServer

# Every wait in the tests is bounded by this; a healthy run never comes close.
WAIT = 5.0


@dataclass
class RunningServer:
    server: UppercaseServer
    events: EventRecorder
    host: str
    port: int

    @property
    def address(self) -> tuple[str, int]:
        return (self.host, self.port)


def worker_threads() -> set[str]:
    """Names of the Mayus worker threads still alive."""
    return {t.name for t in threading.enumerate() if t.name.startswith("mayus-")}


def wait_until(condition: Callable[[], bool], timeout: float = WAIT, message: str = "condition") -> None:
    """Poll a cheap condition until it holds; fail the test after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"{message} not met within {timeout} s")
        time.sleep(0.005)


def connect_raw(address: tuple[str, int], timeout: float = WAIT) -> socket.socket:
    """A plain blocking socket connected to the server, with a timeout on every call."""
    sock = socket.create_connection(address, timeout=timeout)
    sock.settimeout(timeout)
    return sock


def recv_exactly(sock: socket.socket, size: int) -> bytes:
    """Read exactly `size` bytes or fail (the socket's timeout bounds each read)."""
    chunks: list[bytes] = []
    got = 0
    while got < size:
        chunk = sock.recv(min(65536, size - got))
        if not chunk:
            raise AssertionError(f"connection closed after {got} of {size} bytes")
        chunks.append(chunk)
        got += len(chunk)
    return b"".join(chunks)


def recv_until_closed(sock: socket.socket) -> bytes:
    """Read until the peer closes; the socket's timeout bounds each read."""
    chunks: list[bytes] = []
    while chunk := sock.recv(65536):
        chunks.append(chunk)
    return b"".join(chunks)


def start_server(config: ServerConfig) -> RunningServer:
    events = EventRecorder()
    server = UppercaseServer(config, events)
    server.start()
    host, port = server.wait_started()
    return RunningServer(server, events, host, port)


@pytest.fixture
def make_server() -> Iterator[Callable[..., RunningServer]]:
    """Start servers on free ports with any config; each is stopped and checked at teardown."""
    started: list[RunningServer] = []

    def make(**config: object) -> RunningServer:
        config.setdefault("port", 0)
        running = start_server(ServerConfig(**config))  # type: ignore[arg-type]
        started.append(running)
        return running

    yield make
    for running in started:
        running.server.stop()
        assert running.server.address is None
    wait_until(lambda: not any(n.startswith("mayus-server") for n in worker_threads()), message="server threads ended")
    for running in started:
        assert running.events.of_type(ServerStopped)


@pytest.fixture
def server(make_server: Callable[..., RunningServer]) -> RunningServer:
    """The uppercase server with default settings, on 127.0.0.1 and a free port."""
    return make_server()


@pytest.fixture
def recorder() -> EventRecorder:
    return EventRecorder()
