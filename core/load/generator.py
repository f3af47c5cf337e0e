"""The load generator: many concurrent connections, from other processes, every reply checked.

`run_load(host, port, scenario)` starts worker processes (core.load.worker, spawn-safe,
one asyncio loop each), waits until every connection is open, then lets them all send
at once and returns a `LoadResult`: messages per second, latency percentiles, errors
by kind, the first mismatched reply. Only `host` is contacted. The run ends by itself
at its message count or its duration, is bounded in time as a whole
(`Scenario.longest_seconds`), and a `threading.Event` set from another thread cancels
it within CANCEL_SECONDS; every worker process has ended when `run_load` returns.
`hold_idle_connections` opens connections and keeps them idle, to measure what an
idle connection costs a server.

The window's load test (through core.load.run.LoadRun), the `load` face and the
benchmarks are its users.
"""

from __future__ import annotations

import multiprocessing
import queue
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from multiprocessing.queues import Queue

from core.defaults import DEFAULT_CONNECT_TIMEOUT
from core.limits import raise_open_file_limit
from core.load.latency import LatencyHistogram
from core.load.results import (
    CONNECTING,
    DONE,
    FINISHING,
    RUNNING,
    STARTING,
    WORKER,
    LoadProgress,
    LoadResult,
    frozen_counts,
    no_errors,
)
from core.load.scenario import (
    FINISH_ALLOWANCE_SECONDS,
    JOIN_SECONDS,
    START_ALLOWANCE_SECONDS,
    Scenario,
    default_processes,
    make_messages,
)
from core.load.worker import (
    Crashed,
    Done,
    Progress,
    Ready,
    Report,
    WorkerJob,
    WorkerOutcome,
    run_worker,
)

ProgressCallback = Callable[[LoadProgress], None]

# A cancelled run lets its workers report for this long, then ends them (killed if need be) within the rest
# of CANCEL_SECONDS: the workers see `stop` within a tick (0.05 s) and need about 0.1 s to exit.
CANCEL_SECONDS = 1.0
CANCEL_REPORT_SECONDS = 0.5
PROGRESS_INTERVAL_SECONDS = 0.25
REPORT_POLL_SECONDS = 0.05


def _share(total: int, parts: int) -> list[int]:
    base, extra = divmod(total, parts)
    return [base + (1 if i < extra else 0) for i in range(parts)]


class _WorkerPool:
    """The worker processes of one run and what they reported."""

    def __init__(self, host: str, port: int, scenario: Scenario, processes: int | None, hold: bool) -> None:
        count = max(1, min(processes or default_processes(scenario.clients), scenario.clients))
        context = multiprocessing.get_context("spawn")
        self.scenario = scenario
        self.reports: Queue[Report] = context.Queue()
        self.go = context.Event()
        self.stop = context.Event()
        payloads = make_messages(scenario.message_bytes, payload=scenario.payload)
        clients = _share(scenario.clients, count)
        messages = [None] * count if scenario.messages is None else _share(scenario.messages, count)
        self.processes = [
            context.Process(
                target=run_worker,
                args=(
                    WorkerJob(
                        index=i,
                        host=host,
                        port=port,
                        clients=clients[i],
                        messages=messages[i],
                        in_flight=scenario.in_flight,
                        payloads=payloads,
                        connect_phase_seconds=scenario.connect_phase_seconds,
                        connect_timeout=scenario.connect_timeout,
                        reply_timeout=scenario.reply_timeout,
                        duration=scenario.duration,
                        hold=hold,
                    ),
                    self.reports,
                    self.go,
                    self.stop,
                ),
                name=f"mayus-load-{i}",
                daemon=True,
            )
            for i in range(count)
        ]
        self.ready: dict[int, Ready] = {}
        self.progress: dict[int, Progress] = {}
        self.outcomes: dict[int, WorkerOutcome] = {}
        self.crashes: dict[int, str] = {}
        self.cancelled_at: float | None = None
        self.began = time.monotonic()
        self.went_at: float | None = None
        self._rates: dict[int, float] = {}  # messages/s of each worker between its last two reports
        self._last_snapshot = self.began

    @property
    def cancelled(self) -> bool:
        return self.cancelled_at is not None

    def start(self) -> None:
        raise_open_file_limit()  # spawned children inherit it (and raise their own too)
        for process in self.processes:
            process.start()

    def release(self) -> None:
        """Let every worker start sending."""
        self.went_at = time.monotonic()
        self.go.set()

    def pump(
        self,
        finished: Callable[[], bool],
        deadline: float,
        cancel: threading.Event | None,
        on_progress: ProgressCallback | None,
    ) -> bool:
        """Take reports until `finished()`; False on cancel or at the deadline."""
        next_snapshot = time.monotonic()
        while not finished():
            if cancel is not None and cancel.is_set() and not self.cancelled:
                self.cancelled_at = time.monotonic()
                self.stop.set()
            if self.cancelled_at is not None:
                deadline = min(deadline, self.cancelled_at + CANCEL_REPORT_SECONDS)
            if time.monotonic() > deadline:
                return False
            try:
                self._take(self.reports.get(timeout=REPORT_POLL_SECONDS))
            except queue.Empty:
                self._notice_dead_workers()
            if on_progress is not None and time.monotonic() >= next_snapshot:
                next_snapshot = time.monotonic() + PROGRESS_INTERVAL_SECONDS
                on_progress(self.snapshot())
        return not self.cancelled

    def all_ready(self) -> bool:
        return all(i in self.ready or self._ended(i) for i in range(len(self.processes)))

    def all_done(self) -> bool:
        return all(self._ended(i) for i in range(len(self.processes)))

    def _phase(self, final: bool) -> str:
        if final:
            return DONE
        if self.all_done() or self.cancelled:
            return FINISHING
        if self.went_at is not None:
            return FINISHING if time.monotonic() - self.went_at >= self.scenario.duration else RUNNING
        return CONNECTING if self.ready or self.progress else STARTING

    def snapshot(self, final: bool = False) -> LoadProgress:
        """What the workers reported so far; the interval figures come from each worker's latest report.

        Workers report on their own clocks, so a snapshot takes each running worker's rate between its
        last two reports and the latencies of its last report: no interval is ever empty or doubled.
        """
        now = time.monotonic()
        completed = connected = 0
        errors = no_errors()
        interval = LatencyHistogram()
        rate = 0.0
        for index in range(len(self.processes)):
            latest: WorkerOutcome | Progress | Ready | None = (
                self.outcomes.get(index) or self.progress.get(index) or self.ready.get(index)
            )
            if latest is None:
                continue
            for kind, count in latest.errors.items():
                errors[kind] += count
            if isinstance(latest, (Progress, WorkerOutcome)):
                completed += latest.completed
            if not isinstance(latest, WorkerOutcome):
                connected += latest.connected
            if isinstance(latest, Progress) and not final:
                interval.merge(latest.latency)
                rate += self._rates.get(index, 0.0)
        errors[WORKER] = len(self.crashes)
        scenario = self.scenario
        remaining_messages = None if scenario.messages is None else max(0, scenario.messages - completed)
        sending = 0.0 if self.went_at is None else now - self.went_at
        fraction = min(1.0, sending / scenario.duration)
        if scenario.messages:
            fraction = max(fraction, min(1.0, completed / scenario.messages))
        if final:
            fraction = 1.0
        seconds, self._last_snapshot = now - self._last_snapshot, now
        return LoadProgress(
            phase=self._phase(final),
            elapsed=now - self.began,
            remaining_seconds=0.0 if final else max(0.0, scenario.duration - sending),
            remaining_messages=remaining_messages,
            connected=connected,
            completed=completed,
            errors=frozen_counts(errors),
            interval_seconds=seconds,
            interval_messages_per_second=rate,
            interval_p50=interval.percentile(50),
            interval_p99=interval.percentile(99),
            fraction=fraction,
        )

    def result(self) -> LoadResult:
        errors = no_errors()
        errors[WORKER] = len(self.crashes) + sum(
            1 for i in range(len(self.processes)) if i not in self.outcomes and i not in self.crashes
        )
        latency = LatencyHistogram()
        completed = sent = received = 0
        outcomes = list(self.outcomes.values())
        for outcome in outcomes:
            for kind, count in outcome.errors.items():
                errors[kind] += count
            latency.merge(outcome.latency)
            completed += outcome.completed
            sent += outcome.bytes_sent
            received += outcome.bytes_received
        timed = [o for o in outcomes if o.ended >= o.started > 0]
        elapsed = max(o.ended for o in timed) - min(o.started for o in timed) if timed else 0.0
        mismatches = [o.first_mismatch for o in outcomes if o.first_mismatch is not None]
        return LoadResult(
            scenario=self.scenario,
            processes=len(self.processes),
            connected=sum(o.connected for o in outcomes),
            completed=completed,
            errors=frozen_counts(errors),
            elapsed=elapsed,
            bytes_sent=sent,
            bytes_received=received,
            latency=latency,
            cancelled=self.cancelled or any(o.cancelled for o in outcomes),
            first_mismatch=min(mismatches, key=lambda m: m.at) if mismatches else None,
        )

    def close(self) -> None:
        """Tell the workers to finish, then make sure every one of them has ended (killed if late).

        A cancelled run is given until CANCEL_SECONDS after the cancel; otherwise JOIN_SECONDS.
        """
        self.stop.set()
        limit = JOIN_SECONDS if self.cancelled_at is None else CANCEL_SECONDS - CANCEL_REPORT_SECONDS
        deadline = time.monotonic() + limit
        if self.cancelled_at is not None:
            deadline = min(deadline, self.cancelled_at + CANCEL_SECONDS - REPORT_POLL_SECONDS)
        while any(p.is_alive() for p in self.processes) and time.monotonic() < deadline:
            self._drain()  # a worker exits only once what it put is in the pipe
            time.sleep(0.01)
        killed = False
        for process in self.processes:
            if process.is_alive():
                process.kill()
                killed = True
            if process.pid is not None:  # started
                process.join(JOIN_SECONDS)
        if not killed:  # a killed worker may have left half a report in the pipe: reading it would block
            self._drain()
        self.reports.close()
        if killed:
            self.reports.cancel_join_thread()
        self.reports.join_thread()

    # -- internals -------------------------------------------------------------

    def _ended(self, index: int) -> bool:
        return index in self.outcomes or index in self.crashes

    def _take(self, report: Report) -> None:
        if isinstance(report, Ready):
            self.ready[report.index] = report
        elif isinstance(report, Progress):
            before = self.progress.get(report.index)
            if before is not None and report.at > before.at:
                self._rates[report.index] = (report.completed - before.completed) / (report.at - before.at)
            self.progress[report.index] = report
        elif isinstance(report, Done):
            self.outcomes[report.outcome.index] = report.outcome
        elif isinstance(report, Crashed):
            self.crashes[report.index] = report.detail

    def _drain(self) -> None:
        while True:
            try:
                self._take(self.reports.get_nowait())
            except queue.Empty:
                return

    def _notice_dead_workers(self) -> None:
        dead = [i for i, p in enumerate(self.processes) if p.exitcode is not None and not self._ended(i)]
        if dead:
            self._drain()  # what a worker put before it exited is still in the pipe
            for index in dead:
                if not self._ended(index):
                    self.crashes[index] = f"worker exited with code {self.processes[index].exitcode}"


def _run_phases(pool: _WorkerPool, cancel: threading.Event | None, on_progress: ProgressCallback | None) -> None:
    scenario = pool.scenario
    pool.start()
    ready_by = time.monotonic() + START_ALLOWANCE_SECONDS + scenario.connect_phase_seconds
    if pool.pump(pool.all_ready, ready_by, cancel, on_progress):
        pool.release()
        done_by = time.monotonic() + scenario.duration + scenario.reply_timeout + FINISH_ALLOWANCE_SECONDS
        pool.pump(pool.all_done, done_by, cancel, on_progress)
    if pool.cancelled:  # give the workers a moment to report what they did
        pool.pump(pool.all_done, float("inf"), None, None)  # pump keeps to the cancel's bound


def run_load(
    host: str,
    port: int,
    scenario: Scenario,
    processes: int | None = None,
    on_progress: ProgressCallback | None = None,
    cancel: threading.Event | None = None,
) -> LoadResult:
    """Run `scenario` against host:port (and nothing else) and return what was measured.

    Blocks the calling thread for at most `scenario.longest_seconds`, and calls
    `on_progress` on that same thread about every PROGRESS_INTERVAL_SECONDS (after each
    report it takes), then once more with phase DONE; an exception it raises ends the
    run (the workers are still ended). Setting `cancel` stops the run: `run_load` returns
    within about CANCEL_SECONDS with `cancelled` set, counting what was done until then.
    Every worker process has ended when it returns or raises.
    """
    pool = _WorkerPool(host, port, scenario, processes, hold=False)
    try:
        _run_phases(pool, cancel, on_progress)
    finally:
        pool.close()
    if on_progress is not None:
        on_progress(pool.snapshot(final=True))
    return pool.result()


@contextmanager
def hold_idle_connections(
    host: str, port: int, count: int, processes: int | None = None, connect_timeout: float = DEFAULT_CONNECT_TIMEOUT
) -> Iterator[LoadResult]:
    """Open `count` connections, exchange one message on each, and keep them open and idle.

    Yields the result of that exchange (check its errors); the connections close on exit.
    """
    scenario = Scenario("idle connections", clients=count, messages=count, connect_timeout=connect_timeout)
    pool = _WorkerPool(host, port, scenario, processes, hold=True)
    try:
        _run_phases(pool, None, None)
        yield pool.result()
    finally:
        pool.close()
