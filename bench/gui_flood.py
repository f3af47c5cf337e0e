"""The window under a flood: how late a 10 ms `after()` tick fires, and whether the view keeps moving.

`flood_window`: the real App starts its server through the server panel (port 0),
then Tk's own `mainloop()` runs while core.load floods that server from worker
processes (its parent side on a helper thread; the Tk thread only runs Tk).

`self_load_window`: the same flood, but started FROM THE WINDOW: its load view's
"Use my server" and Start (tests/support/window.py), so the window runs its own
server, the load run's bookkeeping and its live charts all at once.

Three probes ride on the event loop:
- a 10 ms tick that records how late each firing is,
- a 1 s sampler that reads what the window shows (flood: the messages counter, the
  log's last line; self-load: the live chart's points and last point, the server
  chart's samples, the view's messages counter) and how many events wait in its queue,
- a watcher that ends the mainloop once the load run is over.
"""

from __future__ import annotations

import contextlib
import itertools
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import psutil

from core.defaults import DEFAULT_HOST
from core.load import LoadProgress, LoadResult, Scenario, run_load
from tests.support.waiting import pump_until
from tests.support.window import (
    App,
    counter_value,
    load_test_running,
    open_window,
    record_callback_errors,
    server_pid,
    settle,
    start_load_test,
    start_server,
)

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
    peak_rss: int = (
        0  # the window's and its server's processes: their largest resident memory seen by the 1 s sampler (bytes)
    )
    end_rss: int = 0  # ... and once the flood was over, the window still open

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


@dataclass(frozen=True)
class ChartSample:
    """What the window showed at one moment of a load test it runs itself."""

    elapsed: float  # seconds since Start was pressed
    phase: str  # the load run's phase, as its last snapshot said
    points: int  # points of the load view's live chart
    last_x: float  # its newest point: seconds into the run
    rate: float  # ... messages/s there
    p99_ms: float  # ... and the p99 latency
    draws: int  # the live chart's draws so far (whole draws and blits)
    server_samples: int  # samples of the server panel's 60 s chart (taken while its view is hidden)
    server_rate: float  # the newest of them: messages/s
    messages: str  # the load view's messages counter, as shown
    queued: int  # events waiting for the Tk thread


@dataclass
class SelfLoadRun:
    result: LoadResult
    port: int
    processes: int  # the load run's worker processes
    tick_delays: dict[str, list[float]]  # seconds late, by load phase
    samples: list[ChartSample]
    full_draws: int  # the live chart's whole draws over the run (limits changed) ...
    blits: int  # ... and its blitted updates
    server_counter: str  # the server panel's messages counter once the run was over
    callback_errors: list[str] = field(default_factory=list)
    peak_rss: int = (
        0  # the window's and its server's processes: their largest resident memory seen by the 1 s sampler (bytes)
    )
    end_rss: int = 0  # ... and once the run was over, the window still open

    def chart_updates_per_second(self) -> float:
        """The live chart's draws (whole and blitted) per second between the first and last sample while sending."""
        samples = self.running_samples
        if len(samples) < 2 or samples[-1].elapsed <= samples[0].elapsed:
            return 0.0
        return (samples[-1].draws - samples[0].draws) / (samples[-1].elapsed - samples[0].elapsed)

    @property
    def running_samples(self) -> list[ChartSample]:
        return [s for s in self.samples if s.phase == "running"]

    def frozen(self) -> list[str]:
        """Consecutive samples while sending where a chart did not move."""
        problems = []
        for before, after in itertools.pairwise(self.running_samples):
            if after.points <= before.points or after.last_x <= before.last_x:
                problems.append(f"live chart stuck at {after.points} points at {after.elapsed:.1f} s")
            if after.draws <= before.draws:
                problems.append(f"live chart not redrawn at {after.elapsed:.1f} s")
            if after.server_samples == before.server_samples and after.server_rate == before.server_rate:
                problems.append(f"server chart's data unchanged at {after.elapsed:.1f} s")
        return problems


class _Probes:
    """The tick, the sampler and the watcher; all run on the Tk thread."""

    def __init__(
        self, app: App, running: Callable[[], bool], phase: Callable[[], str], sample: Callable[[float], object]
    ) -> None:
        self.app, self.running, self.phase, self._sample_now = app, running, phase, sample
        self.began = time.perf_counter()
        self.tick_delays: dict[str, list[float]] = {}
        self.samples: list[object] = []
        self._due = 0.0
        self._process = psutil.Process()
        self.peak_rss = self._process.memory_info().rss

    def rss(self) -> int:
        """The window's resident memory now (bytes): its process and its server's; the peak is updated too."""
        now = int(self._process.memory_info().rss)
        server = server_pid(self.app)
        if server is not None:
            with contextlib.suppress(psutil.Error):  # the server ended between the two reads
                now += int(psutil.Process(server).memory_info().rss)
        self.peak_rss = max(self.peak_rss, now)
        return now

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
        self.samples.append(self._sample_now(time.perf_counter() - self.began))
        self.rss()
        self.app.after(SAMPLE_MS, self._sample)

    def _watch(self) -> None:
        if self.running():
            self.app.after(WATCH_MS, self._watch)
        else:
            self.app.quit()


def _flood_sample(app: App, phase: Callable[[], str]) -> Callable[[float], Sample]:
    def sample(elapsed: float) -> Sample:
        return Sample(
            elapsed=elapsed,
            phase=phase(),
            messages=app.server_panel.counter_text("messages"),
            last_line=app.log.last_line(),
            queued=app.pump.pending(),
        )

    return sample


def _chart_sample(app: App, phase: Callable[[], str]) -> Callable[[float], ChartSample]:
    view, server = app.load_view, app.server_panel

    def sample(elapsed: float) -> ChartSample:
        last = view.chart.last_point
        x, values = last if last is not None else (0.0, {})
        newest = server.history.last
        return ChartSample(
            elapsed=elapsed,
            phase=phase(),
            points=view.chart.points,
            last_x=x,
            rate=values.get("rate", 0.0),
            p99_ms=values.get("p99", 0.0),
            draws=view.chart.full_draws + view.chart.blits,
            server_samples=len(server.history),
            server_rate=newest.rate if newest is not None else 0.0,
            messages=view.counter_text("messages"),
            queued=app.pump.pending(),
        )

    return sample


def _settle_count(app: App, completed: int) -> None:
    """Let the server panel's messages counter reach `completed` (a few seconds at most: short of it, the report
    says by how much), then let the window settle."""
    with contextlib.suppress(AssertionError):
        pump_until(app, lambda: counter_value(app.server_panel.counter_text("messages")) >= completed, SETTLE_SECONDS)
    settle(app)


def flood_window(scenario: Scenario, processes: int | None, settings_path: Path) -> WindowRun:
    app = open_window(settings_path)
    errors = record_callback_errors(app)
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
        probes = _Probes(app, load.is_alive, lambda: phase[0], _flood_sample(app, lambda: phase[0]))
        load.start()
        probes.start()
        app.mainloop()
        load.join()
        if failure:
            raise failure[0]
        result = outcome[0]
        _settle_count(app, result.completed)
        tk_version = str(app.tk.call("package", "present", "Tk"))
        final = app.server_panel.counter_text("messages")
        samples = [s for s in probes.samples if isinstance(s, Sample)]
        end_rss = probes.rss()
        return WindowRun(result, port, probes.tick_delays, samples, final, tk_version, errors, probes.peak_rss, end_rss)
    finally:
        app.close()


def self_load_window(scenario: Scenario, settings_path: Path) -> SelfLoadRun:
    """The window tests its own server: "Use my server", the scenario typed in the load view, Start, mainloop.

    Raises RuntimeError if the window could not run the test (its words say why).
    """
    app = open_window(settings_path)
    errors = record_callback_errors(app)
    try:
        app.update()
        start_load_test(
            app,
            clients=scenario.clients,
            seconds=scenario.duration,
            size=scenario.message_bytes,
            in_flight=scenario.in_flight,
            payload=scenario.payload.value,
        )
        view = app.load_view
        started = view.session.started
        assert started is not None

        def phase() -> str:
            progress = view.last_progress
            return "starting" if progress is None else progress.phase

        probes = _Probes(app, lambda: load_test_running(app), phase, _chart_sample(app, phase))
        probes.start()
        app.mainloop()
        result = view.last_result
        if result is None:
            raise RuntimeError(f"the window's load test did not finish: {view.status.text}")
        _settle_count(app, result.completed)
        samples = [s for s in probes.samples if isinstance(s, ChartSample)]
        end_rss = probes.rss()
        return SelfLoadRun(
            result=result,
            port=started.port,
            processes=result.processes,
            tick_delays=probes.tick_delays,
            samples=samples,
            full_draws=view.chart.full_draws,
            blits=view.chart.blits,
            server_counter=app.server_panel.counter_text("messages"),
            callback_errors=errors,
            peak_rss=probes.peak_rss,
            end_rss=end_rss,
        )
    finally:
        app.close()
