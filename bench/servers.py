"""The servers the bench compares, by the name it prints, and a way to run one on a free port."""

from __future__ import annotations

import signal
import sys
from collections.abc import Iterator
from contextlib import contextmanager

from tests.support import launcher
from tests.support.launcher import MAYUS_SERVE, RunningServer

SERVER_COMMANDS: dict[str, list[str]] = {
    "mayus": [*MAYUS_SERVE, "--quiet"],
    "streams": [sys.executable, "-m", "bench.reference_servers", "streams", "--port", "0"],
    "protocol": [sys.executable, "-m", "bench.reference_servers", "protocol", "--port", "0"],
}


@contextmanager
def running_server(name: str, signum: int = signal.SIGINT) -> Iterator[RunningServer]:
    """Start server `name` on a free port; stop it with `signum` on exit."""
    with launcher.running_server(name, SERVER_COMMANDS[name], signum) as server:
        yield server
