"""Waiting for a condition with a deadline: the only way tests and benchmarks synchronise (no fixed sleeps)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Protocol

# Every wait in the tests is bounded by this; a healthy run never comes close.
WAIT = 5.0
POLL_SECONDS = 0.005


class Updatable(Protocol):
    """Anything with Tk's `update()`: a window, or a fake one in a test."""

    def update(self) -> None: ...


def wait_until(
    condition: Callable[[], bool], timeout: float = WAIT, message: str = "condition", poll: float = POLL_SECONDS
) -> None:
    """Poll a condition every `poll` seconds until it holds; raise AssertionError after `timeout` seconds.

    Whatever `condition` raises goes through: it may stop the wait early (a process that died, say).
    """
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"{message} not met within {timeout} s")
        time.sleep(poll)


def pump_until(
    root: Updatable, condition: Callable[[], bool], timeout: float = WAIT, message: str = "condition"
) -> None:
    """Run Tk's event loop (as mainloop() would) until the condition holds; raise AssertionError after `timeout`."""
    deadline = time.monotonic() + timeout
    while True:
        root.update()
        if condition():
            return
        if time.monotonic() > deadline:
            raise AssertionError(f"{message} not met within {timeout} s")
        time.sleep(POLL_SECONDS)


def worker_threads() -> set[str]:
    """Names of the Mayus worker threads still alive."""
    return {t.name for t in threading.enumerate() if t.name.startswith("mayus-")}
