"""Collect events from a worker thread and wait for them, with a deadline.

Used by the terminal commands and the tests: they need "wait until the reply
arrives, or give up after N seconds" without polling or sleeping.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import TypeVar

from core.events import Event

E = TypeVar("E")


class EventRecorder:
    """A callable event sink that keeps every event and wakes waiters."""

    def __init__(self, forward: Callable[[Event], None] | None = None) -> None:
        self._events: list[Event] = []
        self._cond = threading.Condition()
        self._forward = forward

    def __call__(self, event: Event) -> None:
        if self._forward is not None:
            self._forward(event)
        with self._cond:
            self._events.append(event)
            self._cond.notify_all()

    @property
    def events(self) -> list[Event]:
        with self._cond:
            return list(self._events)

    def of_type(self, kind: type[E]) -> list[E]:
        return [e for e in self.events if isinstance(e, kind)]

    def wait_for(
        self,
        kind: type[E],
        timeout: float,
        where: Callable[[E], bool] = lambda e: True,
        after: int = 0,
    ) -> E:
        """Return the first event of `kind` (from index `after` on) that matches `where`.

        Raises TimeoutError if none arrives within `timeout` seconds.
        """
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                for event in self._events[after:]:
                    if isinstance(event, kind) and where(event):
                        return event
                left = deadline - time.monotonic()
                if left <= 0:
                    raise TimeoutError(f"no {kind.__name__} within {timeout} s")
                self._cond.wait(left)

    def mark(self) -> int:
        """An index to pass as `after`, so later waits skip what already arrived."""
        with self._cond:
            return len(self._events)
