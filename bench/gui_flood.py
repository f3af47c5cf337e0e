"""The window under a flood: how late a 10 ms `after()` tick fires, and whether the view keeps moving.

The real App starts its server through the server panel (port 0), then Tk's own
`mainloop()` runs while core.load floods that server from worker processes (its
parent side on a helper thread; the Tk thread only runs Tk). Three probes ride on
the event loop:
- a 10 ms tick that records how late each firing is,
- a 1 s sampler that reads what the window shows: the messages counter, the log's
  last line and how many events wait in the window's queue,
- a watcher that ends the mainloop once the load run has returned.
"""

from __future__ import annotations

import contextlib
import itertools
import threading
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType

from core.defaults import DEFAULT_HOST
from core.load import LoadProgress, LoadResult, Scenario, run_load
from tests.support.waiting import pump_until
from tests.support.window import App, counter_value, open_window, settle, start_server

TICK_MS = 10
SAMPLE_MS = 1000
WATCH_MS = 100
START_SECONDS = 10.0  # the window's server must be listening by then
SETTLE_SECONDS = 5.0  # after the flood, the counter must reach the exact total by then


@dataclass(frozen=True)
class Sample:
    elapsed: float  # seconds since the load run began
    phase: str  # the load generator's phase at that moment
    messages: str  # the window's messages counter, as shown
    last_line: str  # the log's last line, as shown
    queued: int  # events waiting for the Tk thread


@dataclass
class WindowRun:
    result: LoadResult
    port: int
    tick_delays: dict[str, list[float]]  # seconds late, by load phase
    samples: list[Sample]
    final_counter: str  # the messages counter once the flood was over
    tk_version: str
    callback_errors: list[str] = field(default_factory=list)

    @property
    def flood_samples(self) -> list[Sample]:
        return [s for s in self.samples if s.phase == "running"]

    def frozen(self) -> list[str]:
        """Consecutive flood samples where the counter or the log's last line did not change."""
        problems = []
        samples = self.flood_samples
        for before, after in itertools.pairwise(samples):
            if after.messages == before.messages:
                problems.append(f"counter stuck at {after.messages} at {after.elapsed:.1f} s")
            if after.last_line == before.last_line:
                problems.append(f"log's last line unchanged at {after.elapsed:.1f} s")
        return problems


class _Probes:
    """The tick, the sampler and the watcher; all run on the Tk thread."""

    def __init__(self, app: App, load: threading.Thread, phase: Callable[[], str]) -> None:
        self.app, self.load, self.phase = app, load, phase
        self.began = time.perf_counter()
        self.tick_delays: dict[str, list[float]] = {}
        self.samples: list[Sample] = []
        self._due = 0.0

    def start(self) -> None:
        self._due = time.perf_counter() + TICK_MS / 1000
        self.app.after(TICK_MS, self._tick)
        self.app.after(SAMPLE_MS, self._sample)
        self.app.after(WATCH_MS, self._watch)

    def _tick(self) -> None:
        now = time.perf_counter()
        self.tick_delays.setdefault(self.phase(), []).append(now - self._due)
        self._due = now + TICK_MS / 1000
        self.app.after(TICK_MS, self._tick)

    def _sample(self) -> None:
        app = self.app
        self.samples.append(
            Sample(
                elapsed=time.perf_counter() - self.began,
                phase=self.phase(),
                messages=app.server_panel.counter_text("messages"),
                last_line=app.log.last_line(),
                queued=app.pump.pending(),
            )
        )
        app.after(SAMPLE_MS, self._sample)

    def _watch(self) -> None:
        if self.load.is_alive():
            self.app.after(WATCH_MS, self._watch)
        else:
            self.app.quit()


def flood_window(scenario: Scenario, processes: int | None, settings_path: Path) -> WindowRun:
    app = open_window(settings_path)
    errors: list[str] = []
    shown_error = app.report_callback_exception

    def record_error(kind: type[BaseException], value: BaseException, tb: TracebackType | None) -> None:
        errors.append("".join(traceback.format_exception_only(kind, value)).strip())
        shown_error(kind, value, tb)

    # On the instance, where Tk looks first (mypy forbids assigning to a method).
    setattr(app, "report_callback_exception", record_error)  # noqa: B010
    try:
        app.update()
        port = start_server(app, timeout=START_SECONDS)
        phase = ["connecting"]
        outcome: list[LoadResult] = []
        failure: list[BaseException] = []

        def on_progress(progress: LoadProgress) -> None:
            phase[0] = progress.phase

        def drive() -> None:
            try:
                outcome.append(run_load(DEFAULT_HOST, port, scenario, processes=processes, on_progress=on_progress))
            except BaseException as exc:  # reported on the main thread
                failure.append(exc)
            finally:
                phase[0] = "done"

        load = threading.Thread(target=drive, name="gui-bench-load", daemon=True)
        probes = _Probes(app, load, lambda: phase[0])
        load.start()
        probes.start()
        app.mainloop()
        load.join()
        if failure:
            raise failure[0]
        result = outcome[0]
        with contextlib.suppress(AssertionError):  # short of the total: the report says by how much
            pump_until(
                app,
                lambda: counter_value(app.server_panel.counter_text("messages")) >= result.completed,
                SETTLE_SECONDS,
            )
        settle(app)
        tk_version = str(app.tk.call("package", "present", "Tk"))
        final = app.server_panel.counter_text("messages")
        return WindowRun(result, port, probes.tick_delays, probes.samples, final, tk_version, errors)
    finally:
        app.close()
