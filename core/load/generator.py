"""The load generator: many concurrent connections, from other processes, every reply checked.

`run_load(host, port, scenario)` starts worker processes (core.load.worker, spawn-safe,
one asyncio loop each), waits until every connection is open, then lets them all send
at once and returns a `LoadResult`: messages per second, latency percentiles, errors
by kind. It is bounded in time (the scenario's caps plus fixed allowances) and can be
cancelled from another thread with a `threading.Event`. `hold_idle_connections` opens
connections and keeps them idle, to measure what an idle connection costs a server.

The window's load test and `bench/server_bench.py` are its two faces.
"""

from __future__ import annotations

import multiprocessing
import os
import queue
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from multiprocessing.queues import Queue

from core.defaults import DEFAULT_CONNECT_TIMEOUT
from core.load.latency import LatencyHistogram
from core.load.worker import (
    ERROR_KINDS,
    Crashed,
    Done,
    Progress,
    Ready,
    Report,
    WorkerJob,
    WorkerOutcome,
    raise_open_file_limit,
    run_worker,
)

__all__ = [
    "ERROR_KINDS",
    "LoadProgress",
    "LoadResult",
    "Scenario",
    "default_processes",
    "hold_idle_connections",
    "make_messages",
    "raise_open_file_limit",
    "run_load",
]

# Spawning a worker imports Python afresh: allow for that on a busy machine.
START_ALLOWANCE_SECONDS = 20.0
# After the time cap, the last replies may take up to the reply timeout; then this.
FINISH_ALLOWANCE_SECONDS = 10.0
# A cancelled run gives its workers this long to report before they are killed.
CANCEL_GRACE_SECONDS = 3.0
JOIN_SECONDS = 3.0
CONNECTS_PER_SECOND_FLOOR = 500  # the connect phase may last clients / this, plus the timeout
PROGRESS_INTERVAL_SECONDS = 0.25
DEFAULT_REPLY_TIMEOUT = 5.0
DEFAULT_TIME_CAP = 10.0

# Spanish text with accents, ñ, ü and inverted marks, so replies go through real
# Unicode uppercasing (and 64 KiB lines get UTF-8 characters split between reads).
_TEXT = (
    "¡Hola! El niño pidió un café con leche y piñones; la señora Núñez contestó: "
    "«¿Qué año es?». Pingüino, acción, corazón, también, árbol, ÉXITO, útil, último. "
)


@dataclass(frozen=True, slots=True)
class Scenario:
    """What one load run does: `clients` connections share `messages` messages."""

    name: str
    clients: int
    messages: int  # in total; each client sends its share
    message_bytes: int = 64  # each message's size in bytes, line ending included
    in_flight: int = 1  # messages each client keeps outstanding (1: ping-pong)
    time_cap: float = DEFAULT_TIME_CAP  # no new messages after this many seconds
    connect_timeout: float = DEFAULT_CONNECT_TIMEOUT
    reply_timeout: float = DEFAULT_REPLY_TIMEOUT  # a reply slower than this is an error

    def __post_init__(self) -> None:
        if self.clients < 1 or self.messages < 0 or self.in_flight < 1 or self.message_bytes < 2:
            raise ValueError("a scenario needs clients >= 1, messages >= 0, in_flight >= 1, message_bytes >= 2")
        if self.time_cap <= 0 or self.connect_timeout <= 0 or self.reply_timeout <= 0:
            raise ValueError("time limits must be positive")

    @property
    def connect_phase_seconds(self) -> float:
        return self.connect_timeout + self.clients / CONNECTS_PER_SECOND_FLOOR

    @property
    def longest_seconds(self) -> float:
        """An upper bound on how long `run_load` takes with this scenario."""
        return (
            START_ALLOWANCE_SECONDS
            + self.connect_phase_seconds
            + self.time_cap
            + self.reply_timeout
            + FINISH_ALLOWANCE_SECONDS
            + JOIN_SECONDS
        )


@dataclass(frozen=True, slots=True)
class LoadProgress:
    phase: str  # "connecting", "running" or "finishing"
    connected: int
    completed: int
    errors: int
    elapsed: float  # seconds since the run started


@dataclass(frozen=True, slots=True)
class LoadResult:
    scenario: Scenario
    processes: int
    connected: int
    completed: int  # messages whose reply came back byte for byte
    errors: Mapping[str, int]  # by kind: connect, mismatch, closed, reset, timeout, worker
    elapsed: float  # seconds of the timed phase
    bytes_sent: int
    bytes_received: int
    latency: LatencyHistogram
    cancelled: bool

    @property
    def error_count(self) -> int:
        return sum(self.errors.values())

    @property
    def messages_per_second(self) -> float:
        return self.completed / self.elapsed if self.elapsed > 0 else 0.0

    @property
    def p50(self) -> float:
        return self.latency.percentile(50)

    @property
    def p99(self) -> float:
        return self.latency.percentile(99)


def make_messages(size: int, count: int = 16) -> tuple[bytes, ...]:
    """`count` different lines of exactly `size` bytes (LF included) of Spanish text."""
    if size < 2:
        raise ValueError("a message needs at least one byte and its line ending")
    messages = []
    for number in range(count):
        text = f"{number:04d} " + _TEXT * (size // len(_TEXT) + 1)
        data = text.encode("utf-8")[: size - 1]
        data = data.decode("utf-8", "ignore").encode("utf-8")  # never end inside a character
        messages.append(data.ljust(size - 1, b".") + b"\n")
    return tuple(messages)


def default_processes(clients: int) -> int:
    """One worker per core but one (the server needs a core too), never more than clients."""
    return max(1, min(clients, (os.cpu_count() or 2) - 1))


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
        payloads = make_messages(scenario.message_bytes)
        clients, messages = _share(scenario.clients, count), _share(scenario.messages, count)
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
                        time_cap=scenario.time_cap,
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
        self.cancelled = False
        self.began = time.monotonic()
        self._last_progress = 0.0

    def start(self) -> None:
        raise_open_file_limit()  # spawned children inherit it (and raise their own too)
        for process in self.processes:
            process.start()

    def pump(
        self,
        finished: Callable[[], bool],
        deadline: float,
        cancel: threading.Event | None,
        on_progress: Callable[[LoadProgress], None] | None,
    ) -> bool:
        """Take reports until `finished()`; False on cancel or at the deadline."""
        while not finished():
            if cancel is not None and cancel.is_set() and not self.cancelled:
                self.cancelled = True
                self.stop.set()
                deadline = min(deadline, time.monotonic() + CANCEL_GRACE_SECONDS)
            if time.monotonic() > deadline:
                return False
            try:
                self._take(self.reports.get(timeout=0.05))
            except queue.Empty:
                self._notice_dead_workers()
            if on_progress is not None and time.monotonic() - self._last_progress >= PROGRESS_INTERVAL_SECONDS:
                self._last_progress = time.monotonic()
                on_progress(self.snapshot())
        return not self.cancelled

    def all_ready(self) -> bool:
        return all(i in self.ready or self._ended(i) for i in range(len(self.processes)))

    def all_done(self) -> bool:
        return all(self._ended(i) for i in range(len(self.processes)))

    def snapshot(self) -> LoadProgress:
        if self.outcomes and len(self.outcomes) + len(self.crashes) == len(self.processes):
            phase = "finishing"
        elif self.go.is_set():
            phase = "running"
        else:
            phase = "connecting"
        completed = errors = 0
        for index in range(len(self.processes)):
            if index in self.outcomes:
                completed += self.outcomes[index].completed
                errors += sum(self.outcomes[index].errors.values())
            elif index in self.progress:
                completed += self.progress[index].completed
                errors += self.progress[index].errors
            elif index in self.ready:
                errors += self.ready[index].errors
        connected = sum(r.connected for r in self.ready.values())
        return LoadProgress(phase, connected, completed, errors, time.monotonic() - self.began)

    def result(self) -> LoadResult:
        errors = dict.fromkeys(ERROR_KINDS, 0)
        errors["worker"] = len(self.crashes) + sum(
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
        return LoadResult(
            scenario=self.scenario,
            processes=len(self.processes),
            connected=sum(o.connected for o in outcomes),
            completed=completed,
            errors=errors,
            elapsed=elapsed,
            bytes_sent=sent,
            bytes_received=received,
            latency=latency,
            cancelled=self.cancelled or any(o.cancelled for o in outcomes),
        )

    def close(self) -> None:
        """Tell the workers to finish, then make sure every one of them has ended."""
        self.stop.set()
        deadline = time.monotonic() + JOIN_SECONDS
        while any(p.is_alive() for p in self.processes) and time.monotonic() < deadline:
            self._drain()
            time.sleep(0.01)
        for process in self.processes:
            if process.is_alive():
                process.kill()
            if process.pid is not None:  # started
                process.join(JOIN_SECONDS)
        self._drain()
        self.reports.close()
        self.reports.join_thread()

    # -- internals -------------------------------------------------------------

    def _ended(self, index: int) -> bool:
        return index in self.outcomes or index in self.crashes

    def _take(self, report: Report) -> None:
        if isinstance(report, Ready):
            self.ready[report.index] = report
        elif isinstance(report, Progress):
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


def _run_phases(
    pool: _WorkerPool, cancel: threading.Event | None, on_progress: Callable[[LoadProgress], None] | None
) -> None:
    scenario = pool.scenario
    pool.start()
    ready_by = time.monotonic() + START_ALLOWANCE_SECONDS + scenario.connect_phase_seconds
    if pool.pump(pool.all_ready, ready_by, cancel, on_progress):
        pool.go.set()
        done_by = time.monotonic() + scenario.time_cap + scenario.reply_timeout + FINISH_ALLOWANCE_SECONDS
        pool.pump(pool.all_done, done_by, cancel, on_progress)
    if pool.cancelled:  # give the workers a moment to report what they did
        pool.pump(pool.all_done, time.monotonic() + CANCEL_GRACE_SECONDS, None, None)
    if on_progress is not None:
        on_progress(pool.snapshot())


def run_load(
    host: str,
    port: int,
    scenario: Scenario,
    processes: int | None = None,
    on_progress: Callable[[LoadProgress], None] | None = None,
    cancel: threading.Event | None = None,
) -> LoadResult:
    """Run `scenario` against host:port and return what was measured.

    Blocks for at most `scenario.longest_seconds`. `on_progress` is called on this
    thread a few times a second. Setting `cancel` stops the run within seconds; the
    result then has `cancelled` set and counts what was done until then.
    """
    pool = _WorkerPool(host, port, scenario, processes, hold=False)
    try:
        _run_phases(pool, cancel, on_progress)
    finally:
        pool.close()
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
