"""One load run at a time for the window: started, watched by polling from the Tk thread, cancelled, closed.

core.load.LoadRun calls its progress callback on its own helper thread; here that
callback only puts the snapshot on a queue, and `poll()` (called on the window's
thread, a few times a second) takes what arrived. Snapshots are immutable, so they
cross threads as they are. `close()` cancels a run still going and waits for it: once
it returns, every load process the run started has ended.
"""

from __future__ import annotations

import queue
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from core.load import LoadProgress, LoadResult, LoadRun, Scenario
from core.load.run import JOIN_AFTER_CANCEL_SECONDS

RunFactory = Callable[[str, int, Scenario, Callable[[LoadProgress], None]], LoadRun]


def _real_run(host: str, port: int, scenario: Scenario, on_progress: Callable[[LoadProgress], None]) -> LoadRun:
    return LoadRun(host, port, scenario, on_progress)


@dataclass
class Polled:
    """What one poll found: snapshots in the order they were taken, and the outcome once the run is over."""

    snapshots: list[LoadProgress] = field(default_factory=list)
    over: bool = False
    result: LoadResult | None = None
    error: BaseException | None = None  # the run could not go on (the load processes could not start)


@dataclass(frozen=True)
class RunStarted:
    host: str
    port: int
    scenario: Scenario
    wall: float  # time.time() at the start, for the table of runs
    began: float  # time.monotonic() at the start


class LoadSession:
    """The window's load run: at most one at a time."""

    def __init__(self, make_run: RunFactory = _real_run) -> None:
        self._make_run = make_run
        self._run: LoadRun | None = None
        self._snapshots: queue.SimpleQueue[LoadProgress] = queue.SimpleQueue()
        self.started: RunStarted | None = None

    @property
    def running(self) -> bool:
        """True from `start()` until a poll has reported the run over."""
        return self._run is not None

    @property
    def cancelled(self) -> bool:
        return self._run is not None and self._run.cancelled

    def start(self, host: str, port: int, scenario: Scenario) -> None:
        """Start a run against host:port (only that host is contacted). Raises RuntimeError if one is going."""
        if self._run is not None:
            raise RuntimeError("a load run is already going")
        self._snapshots = queue.SimpleQueue()
        self._run = self._make_run(host, port, scenario, self._snapshots.put)
        self.started = RunStarted(host, port, scenario, time.time(), time.monotonic())
        self._run.start()

    def cancel(self) -> None:
        """Ask the run to end (within about a second); safe when nothing runs."""
        if self._run is not None:
            self._run.cancel()

    def poll(self) -> Polled:
        """What arrived since the last poll; `over` once the run has ended and its processes with it."""
        polled = Polled()
        while True:
            try:
                polled.snapshots.append(self._snapshots.get_nowait())
            except queue.Empty:
                break
        run = self._run
        if run is None or run.running:
            return polled
        run.join()
        self._run = None
        polled.over = True
        try:
            polled.result = run.result()
        except Exception as exc:  # the run's own failure, to be shown in plain words
            polled.error = exc
        return polled

    def close(self, timeout: float = JOIN_AFTER_CANCEL_SECONDS) -> bool:
        """Cancel a run still going and wait for it (at most `timeout`); True once nothing is left running."""
        run = self._run
        if run is None:
            return True
        run.cancel()
        ended = run.join(timeout)
        if ended:
            self._run = None
        return ended
