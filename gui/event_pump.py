"""Carries events from worker threads to the Tk thread, a bounded batch at a time, each handler isolated.

Workers only `put` on a queue.SimpleQueue (thread-safe, never blocks); the Tk
thread drains it with `after()`, a bounded batch per tick, so a flood of events
never holds the window for long: between batches Tk handles input and redraws.
A handler that raises is reported through `on_error` and costs only its own
event: the rest of the batch is handled and `after_batch` (the refresh) still runs.
"""

from __future__ import annotations

import queue
import tkinter
from collections.abc import Callable
from typing import Generic, TypeVar

E = TypeVar("E")

# Events handled per tick at most; what is left waits for the next tick. The server
# sends its capped message events in bursts (up to 500 at the start of each 0.25 s
# stats interval): batches of 100 keep each tick to a few ms while the server thread
# competes for the GIL (bench/gui_bench.py: 10 ms timer p99 about 20 ms, was 25-30 at 400).
BATCH_SIZE = 100
IDLE_INTERVAL_MS = 25  # queue was empty: look again soon enough to feel instant
BUSY_INTERVAL_MS = 1  # events left over: continue right after Tk's own work


class EventPump(Generic[E]):
    def __init__(
        self,
        widget: tkinter.Misc,
        handle: Callable[[E], None],
        after_batch: Callable[[], None],
        on_error: Callable[[BaseException], None],
        batch_size: int = BATCH_SIZE,
    ) -> None:
        self._widget = widget
        self._handle, self._after_batch, self._on_error = handle, after_batch, on_error
        self.batch_size = batch_size
        self._queue: queue.SimpleQueue[E] = queue.SimpleQueue()
        self._after_id: str | None = None

    def put(self, event: E) -> None:
        """The core's callback: runs on worker threads, so it only queues."""
        self._queue.put(event)

    def pending(self) -> int:
        return self._queue.qsize()

    def drain(self, limit: int | None = None) -> int:
        """Handle up to `limit` queued events (all if None) on this thread; returns how many."""
        get = self._queue.get_nowait
        handled = 0
        try:
            while limit is None or handled < limit:
                try:
                    event = get()
                except queue.Empty:
                    break
                handled += 1
                try:
                    self._handle(event)
                except Exception as exc:  # one bad handler costs its own event, nothing more
                    self._on_error(exc)
        finally:
            if handled:
                self._after_batch()
        return handled

    def start(self) -> None:
        if self._after_id is None:
            self._after_id = self._widget.after(IDLE_INTERVAL_MS, self._tick)

    def stop(self) -> None:
        if self._after_id is not None:
            self._widget.after_cancel(self._after_id)
            self._after_id = None

    def _tick(self) -> None:
        self._after_id = None
        try:
            self.drain(self.batch_size)
        finally:  # whatever happened, the pump goes on
            delay = BUSY_INTERVAL_MS if not self._queue.empty() else IDLE_INTERVAL_MS
            self._after_id = self._widget.after(delay, self._tick)
