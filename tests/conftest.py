"""Fixtures shared by every test: real sockets on 127.0.0.1, port 0. The helpers live in tests/support.

GUI-only fixtures (a real window under Xvfb) live in tests/gui/conftest.py.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, cast

import pytest

from core.events import ServerStopped
from core.recorder import EventRecorder
from core.server import ServerConfig
from tests.support import launcher
from tests.support.launcher import FROZEN_GROUP, ServeProcess
from tests.support.peers import OriginalServer, StandInServer, StripServer
from tests.support.servers import RunningServer, start_in_process
from tests.support.sockets import RefusingPort, close_raw_sockets, taken_port
from tests.support.students import BytesUpperServer
from tests.support.waiting import wait_until, worker_threads


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The one-file executable's tests first, then the other slow ones, each in their order.

    On several workers (pytest-xdist), a long test that started last would leave the others idle at the end. The
    executable's tests, first and side by side, go in the first worker's first batch: one build serves them all.
    (`--dist loadgroup` would keep them together too, but it sends tests one at a time: a minute of waits.)
    """

    def rank(item: pytest.Item) -> int:
        group = item.get_closest_marker("xdist_group")
        return 0 if group is not None and FROZEN_GROUP in group.args else 1 if item.get_closest_marker("slow") else 2

    items.sort(key=rank)


def _is_local_name(host: object) -> bool:
    """True for what resolves with no DNS server: an IP address written out, or localhost."""
    if host is None:
        return True
    text = host.decode() if isinstance(host, bytes) else str(host)
    if text.lower() in ("localhost", "localhost."):
        return True
    try:
        ipaddress.ip_address(text.split("%")[0])
    except ValueError:
        return False
    return True


@pytest.fixture(autouse=True)
def _no_name_server(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests never ask a DNS server: any other name fails at once, as an unknown name would (loopback only)."""
    real = socket.getaddrinfo

    def local_only(host: Any, *args: Any, **kwargs: Any) -> Any:
        if _is_local_name(host):
            return real(host, *args, **kwargs)
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    monkeypatch.setattr(socket, "getaddrinfo", local_only)


@pytest.fixture(autouse=True)
def config_home(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A config folder of the test's own (XDG_CONFIG_HOME, inherited by the faces it starts): no test
    reads or writes the user's settings, pins or certificate. Returns the folder Mayus's files go in."""
    home = tmp_path_factory.mktemp("config")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home))
    return home / "Mayus"


@pytest.fixture(autouse=True)
def _close_raw_sockets() -> Iterator[None]:
    yield
    close_raw_sockets()


@pytest.fixture
def make_server() -> Iterator[Callable[..., RunningServer]]:
    """Start servers on free ports with any config; each is stopped and checked at teardown."""
    started: list[RunningServer] = []

    def make(**config: object) -> RunningServer:
        config.setdefault("port", 0)
        running = start_in_process(ServerConfig(**config))  # type: ignore[arg-type]
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


@pytest.fixture
def make_peer() -> Iterator[Callable[..., StandInServer]]:
    """Start stand-in servers (tests/support/peers.py); each is closed, its threads joined, at teardown.

    `make_peer(DeviceServer, 0.2)` builds one with those arguments.
    """
    started: list[StandInServer] = []

    def make(kind: Callable[..., StandInServer], *args: object) -> StandInServer:
        peer = kind(*args)
        started.append(peer)
        return peer

    yield make
    for peer in started:
        peer.close()


@pytest.fixture
def original_server(make_peer: Callable[..., StandInServer]) -> OriginalServer:
    """The original classroom server.py: one client at a time, recv(1024), no newline expected."""
    return cast(OriginalServer, make_peer(OriginalServer))


@pytest.fixture
def strip_server(make_peer: Callable[..., StandInServer]) -> StripServer:
    """The most common student server: strips, replies with no newline."""
    return cast(StripServer, make_peer(StripServer))


@pytest.fixture
def bytes_upper_server() -> Iterator[BytesUpperServer]:
    """The stand-in student server that uppercases bytes, not text (tests/support/students.py)."""
    stand_in = BytesUpperServer()
    yield stand_in
    stand_in.close()


@pytest.fixture
def busy_port() -> Iterator[int]:
    """A port another program listens on: a server started there fails."""
    with taken_port() as port:
        yield port


@pytest.fixture
def refused_port() -> Iterator[int]:
    """A port where every connection is refused: bound, nobody listening."""
    with RefusingPort() as refused:
        yield refused.address[1]


# --- the headless server in its own process (for memory and CLI tests) ----------


@pytest.fixture
def serve_process() -> Iterator[Callable[..., ServeProcess]]:
    """Start `python main.py serve --port 0 ARGS...` (under an open-file limit if given); killed at teardown."""
    started: list[launcher.LaunchedServer] = []

    def start(*args: str, open_files: int | None = None) -> ServeProcess:
        running = launcher.launch_server("mayus", [*launcher.MAYUS_SERVE, *args], open_files)
        started.append(running)
        return ServeProcess(running)

    yield start
    for running in started:
        launcher.kill_server(running)
