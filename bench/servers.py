"""The servers the bench compares, by the name it prints, and a way to run one on a free port.

Two of them need something this machine may lack: `uvloop` needs uvloop installed, `c-epoll` needs gcc (it is
compiled on first use, bench/native.py). `available(name)` says whether a server can run here, and prints a
one-line note when it cannot.
"""

from __future__ import annotations

import signal
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from bench.native import binary_path, compile_c
from core.loop_thread import uvloop_available
from tests.support import launcher
from tests.support.launcher import MAYUS_SERVE, LaunchedServer

MAYUS = "mayus"
C_EPOLL = "c-epoll"
UVLOOP = "uvloop"
C_EPOLL_SOURCE = Path(__file__).resolve().parent / "c" / "epoll_server.c"
C_EPOLL_BINARY = "epoll_server"

SERVER_COMMANDS: dict[str, list[str]] = {
    MAYUS: [*MAYUS_SERVE, "--quiet"],
    "streams": [sys.executable, "-m", "bench.reference_servers", "streams", "--port", "0"],
    "protocol": [sys.executable, "-m", "bench.reference_servers", "protocol", "--port", "0"],
    UVLOOP: [sys.executable, "-m", "bench.reference_servers", "uvloop", "--port", "0"],
    C_EPOLL: [str(binary_path(C_EPOLL_BINARY)), "--port", "0"],
}


def _uvloop_ready() -> bool:
    if uvloop_available():
        return True
    print(f"{UVLOOP}: skipped, uvloop is not installed for this Python", flush=True)
    return False


_PREPARE: dict[str, Callable[[], bool]] = {
    UVLOOP: _uvloop_ready,
    C_EPOLL: lambda: compile_c(C_EPOLL_SOURCE, C_EPOLL_BINARY) is not None,
}


def available(name: str) -> bool:
    """True if server `name` can run here (compiling it first if need be); else print why not and say False."""
    prepare = _PREPARE.get(name)
    return prepare() if prepare is not None else True


@contextmanager
def running_server(name: str, signum: int = signal.SIGINT) -> Iterator[LaunchedServer]:
    """Start server `name` on a free port; stop it with `signum` on exit."""
    with launcher.launched_server(name, SERVER_COMMANDS[name], signum) as server:
        yield server
