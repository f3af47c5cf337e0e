"""Fixtures and helpers shared by every test: real sockets on 127.0.0.1, port 0.

GUI-only fixtures (a real window under Xvfb) live in tests/gui/conftest.py.
"""

from __future__ import annotations

import contextlib
import signal
import socket
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from bench import launch
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


_raw_sockets: list[socket.socket] = []


def connect_raw(address: tuple[str, int], timeout: float = WAIT) -> socket.socket:
    """A plain blocking socket connected to the server, with a timeout on every call.

    Closed at the end of the test if the test did not close it.
    """
    sock = socket.create_connection(address, timeout=timeout)
    sock.settimeout(timeout)
    _raw_sockets.append(sock)
    return sock


@pytest.fixture(autouse=True)
def _close_raw_sockets() -> Iterator[None]:
    yield
    while _raw_sockets:
        _raw_sockets.pop().close()


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


# --- stand-ins of the two original scripts (server.py and client.py) ----------


class OriginalClient:
    """Behaves like the original client.py: no newline, one recv(1024) per message."""

    def __init__(self, address: tuple[str, int]) -> None:
        self.sock = connect_raw(address)

    def ask(self, text: str) -> str:
        self.sock.sendall(text.encode("utf-8"))
        return self.sock.recv(1024).decode("utf-8")

    def say_goodbye(self) -> None:
        """Send DESCONEXION and close at once, as the original does."""
        self.sock.sendall(b"DESCONEXION")
        self.sock.close()


class OriginalServer:
    """Behaves like the original server.py, one client at a time, on a free port.

    `sessions_ended` counts connections it closed or dropped; `goodbyes` those it
    closed because the chunk was DESCONEXION.
    """

    def __init__(self) -> None:
        self.listener = socket.socket()
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(10)
        self.address: tuple[str, int] = self.listener.getsockname()
        self.received: list[str] = []
        self.goodbyes = 0
        self.sessions_ended = threading.Semaphore(0)
        self._thread = threading.Thread(target=self._serve, name="original-server", daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self.listener.accept()
            except OSError:
                return  # listener closed: stop
            with conn:
                while True:
                    data = conn.recv(1024)
                    if not data:
                        break
                    text = data.decode("utf-8")
                    self.received.append(text)
                    if text.upper() == "DESCONEXION":
                        self.goodbyes += 1
                        break
                    conn.sendall(text.upper().encode("utf-8"))
            self.sessions_ended.release()

    def close(self) -> None:
        # shutdown() wakes the thread blocked in accept(); close() alone would not.
        with contextlib.suppress(OSError):
            self.listener.shutdown(socket.SHUT_RDWR)
        self.listener.close()
        self._thread.join(WAIT)
        assert not self._thread.is_alive()


@pytest.fixture
def original_server() -> Iterator[OriginalServer]:
    stand_in = OriginalServer()
    yield stand_in
    stand_in.close()


# --- the headless server in its own process (for memory and CLI tests) ----------

REPO = Path(__file__).resolve().parent.parent


@dataclass
class ServeProcess:
    """`python main.py serve` in a process of its own, started through the bench's launcher."""

    running: launch.RunningServer

    @property
    def address(self) -> tuple[str, int]:
        return (self.running.host, self.running.port)

    def rss(self) -> int:
        import psutil

        return int(psutil.Process(self.running.pid).memory_info().rss)

    def interrupt(self) -> tuple[int, str]:
        """Ctrl+C the server; return its exit code and what it printed after its first line."""
        code = launch.stop_server(self.running, signal.SIGINT)
        return code, "\n".join(self.running.output)


@pytest.fixture
def serve_process() -> Iterator[Callable[..., ServeProcess]]:
    """Start `python main.py serve --port 0 ARGS...`; killed at teardown if still running."""
    started: list[launch.RunningServer] = []

    def start(*args: str) -> ServeProcess:
        running = launch.start_server("mayus", [sys.executable, "main.py", "serve", "--port", "0", *args])
        started.append(running)
        return ServeProcess(running)

    yield start
    for running in started:
        if running.process.poll() is None:
            launch.stop_server(running, signal.SIGKILL)
