"""A load run that its owner (the window, the terminal) starts, watches, cancels and joins.

Threading contract:
- `LoadRun.start()` starts one helper thread, `mayus-load`, which runs `run_load`; the
  work itself happens in worker processes, so the owner's thread stays free.
- `on_progress(snapshot)` is called on that helper thread, about every 0.25 s while the
  run lasts and once more at the end with phase DONE (even after an error). It must be
  quick (it holds up the run's bookkeeping) and must never touch widgets: a window puts
  the snapshot in a queue, or hands it to its own thread, and draws it from there.
  Snapshots are immutable; keep them as long as you like.
- `cancel()` may be called from any thread at any time, any number of times: the run ends
  within about 1 s. `join()` then waits for the helper thread; once it returns, every
  worker process has ended. Closing a window mid-run is `cancel()` then `join()`.
- `result()` gives the LoadResult once the run is over (it raises what the run raised).

A window, for instance:

    snapshots = queue.SimpleQueue()
    run = LoadRun(host, port, Scenario("load", clients=100, messages=None, duration=10.0), snapshots.put)
    run.start()
    # every 100 ms on the Tk thread: drain `snapshots`, draw the latest; at phase DONE show `run.result()`
    # on close: run.cancel(); run.join()
"""

from __future__ import annotations

import threading

from core.load.generator import CANCEL_SECONDS, ProgressCallback, run_load
from core.load.results import LoadResult
from core.load.scenario import Scenario

THREAD_NAME = "mayus-load"
# How long join() waits by default: the run's end after a cancel, and some room for a busy machine.
JOIN_AFTER_CANCEL_SECONDS = CANCEL_SECONDS + 4.0


class LoadRun:
    """One run of `scenario` against host:port on a helper thread; see the module's threading contract."""

    def __init__(
        self,
        host: str,
        port: int,
        scenario: Scenario,
        on_progress: ProgressCallback | None = None,
        processes: int | None = None,
    ) -> None:
        self.host, self.port, self.scenario = host, port, scenario
        self._on_progress = on_progress
        self._processes = processes
        self._cancel = threading.Event()
        self._result: LoadResult | None = None
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name=THREAD_NAME, daemon=True)

    def start(self) -> None:
        """Start the helper thread (once)."""
        self._thread.start()

    def cancel(self) -> None:
        """Ask the run to end within about 1 s; safe from any thread, at any time."""
        self._cancel.set()

    def join(self, timeout: float | None = JOIN_AFTER_CANCEL_SECONDS) -> bool:
        """Wait for the run to end; True if it did (every worker process has then ended)."""
        if self._thread.ident is None:  # never started
            return True
        self._thread.join(timeout)
        return not self._thread.is_alive()

    @property
    def running(self) -> bool:
        return self._thread.is_alive()

    @property
    def cancelled(self) -> bool:
        return self._cancel.is_set()

    def result(self) -> LoadResult:
        """What the run measured; raises what the run raised, or RuntimeError if it is not over."""
        if self._error is not None:
            raise self._error
        if self._result is None:
            raise RuntimeError("the load run is not over")
        return self._result

    def _run(self) -> None:
        try:
            self._result = run_load(
                self.host, self.port, self.scenario, self._processes, self._on_progress, self._cancel
            )
        except BaseException as exc:  # handed to the owner through result()
            self._error = exc
