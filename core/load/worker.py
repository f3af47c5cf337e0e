"""One load-generator process: many client connections on one asyncio event loop.

Spawn-safe: `run_worker` is the process target and takes only picklable arguments.
It talks to the parent (core.load.generator) through a queue of reports and two
events: `go` starts the timed phase once every worker is connected, `stop` cancels
(or ends the hold of idle connections). Every phase is bounded in time, and `stop`
is seen within POLL_SECONDS in every phase.

Each connection keeps up to `in_flight` messages outstanding, checks every reply
byte for byte against `uppercase_bytes(message)`, and records the latency from
the write of a message to the arrival of the last byte of its reply. Every
PROGRESS_SECONDS the worker reports its counts and the latencies of that interval.
"""

from __future__ import annotations

import asyncio
import contextlib
import enum
import signal
import time
import traceback
from bisect import bisect_right
from collections import deque
from collections.abc import Awaitable
from dataclasses import dataclass, field
from multiprocessing.queues import Queue
from multiprocessing.synchronize import Event
from typing import cast

from core.defaults import READ_BUFFER_BYTES
from core.errors import ErrorKind, classify
from core.limits import raise_open_file_limit
from core.load.latency import LatencyHistogram
from core.load.results import CLOSED, MISMATCH, REFUSED, RESET, TIMEOUT, Mismatch, no_errors
from core.load.streams import MessageStreams

CONNECTS_AT_ONCE = 256  # keeps the server's accept queue from overflowing
POLL_SECONDS = 0.02  # how often a waiting worker looks at the go and stop events
TICK_SECONDS = 0.05  # the duration, reply timeouts and cancellation are checked this often
PROGRESS_SECONDS = 0.25
GO_WAIT_SECONDS = 30.0  # a connected worker waits this long (past its connect phase) for the others
HOLD_LIMIT_SECONDS = 300.0  # idle connections are never held longer than this
UNLIMITED = 2**62  # a client's budget in a run bounded by time only

# What a failed connect counts as: what the OS said, else "refused" (the connection could not be opened).
_CONNECT_KINDS = {ErrorKind.TIMED_OUT: TIMEOUT, ErrorKind.CONNECTION_RESET: RESET}


def _new_event_loop() -> asyncio.AbstractEventLoop:
    """uvloop's loop where it is installed (not on Windows), else asyncio's own."""
    try:
        import uvloop  # type: ignore[import-not-found,unused-ignore]
    except ImportError:
        return asyncio.new_event_loop()
    loop: asyncio.AbstractEventLoop = uvloop.new_event_loop()
    return loop


@dataclass(frozen=True, slots=True)
class WorkerJob:
    index: int
    host: str
    port: int
    clients: int
    messages: int | None  # for this worker, shared out among its clients; None: no limit
    in_flight: int
    payloads: tuple[bytes, ...]  # sent in turn
    connect_phase_seconds: float
    connect_timeout: float
    reply_timeout: float
    duration: float
    hold: bool  # keep the connections open after the run until `stop`


@dataclass(slots=True)
class WorkerOutcome:
    index: int
    connected: int = 0
    completed: int = 0
    errors: dict[str, int] = field(default_factory=no_errors)
    latency: LatencyHistogram = field(default_factory=LatencyHistogram)
    started: float = 0.0  # time.monotonic(), the same clock in every process
    ended: float = 0.0
    bytes_sent: int = 0
    bytes_received: int = 0
    cancelled: bool = False
    first_mismatch: Mismatch | None = None


@dataclass(frozen=True, slots=True)
class Progress:
    index: int
    connected: int  # open now
    completed: int
    errors: dict[str, int]
    latency: LatencyHistogram  # of the messages answered since the previous report
    at: float  # time.monotonic() when it was made


@dataclass(frozen=True, slots=True)
class Ready:
    index: int
    connected: int
    errors: dict[str, int]


@dataclass(frozen=True, slots=True)
class Done:
    outcome: WorkerOutcome


@dataclass(frozen=True, slots=True)
class Crashed:
    index: int
    detail: str


Report = Ready | Progress | Done | Crashed


class _State(enum.Enum):
    CONNECTING = 1
    IDLE = 2  # connected, waiting for the go
    RUNNING = 3
    DONE = 4
    FAILED = 5


class _Client(asyncio.BufferedProtocol):
    """One connection: sends its share of messages and checks each reply as its bytes arrive.

    A buffered protocol reads into one buffer the whole worker shares (the loop runs
    one read at a time), so no read allocates a fresh 256 KiB bytes object: on Linux
    each of those costs an mmap, an mremap and a munmap. Nothing is buffered per
    client: each read is checked at once against the replies still due (see
    core.load.streams), so a reply split over reads is checked piece by piece.
    """

    __slots__ = (
        "_batches",
        "_budget",
        "_expect_end",
        "_next",
        "_pending",
        "_received_at",
        "_run",
        "open",
        "state",
        "transport",
    )

    def __init__(self, run: _Worker, budget: int, first_payload: int) -> None:
        self._run = run
        self._budget = budget  # messages still to send
        self._next = first_payload  # the message sent next
        self._pending = 0  # messages sent and not yet answered
        # Where the reply still due starts, and where the replies due end, in run.streams.expected.
        self._received_at = run.streams.expected_starts[first_payload]
        self._expect_end = self._received_at
        self._batches: deque[list[float]] = deque()  # [messages, sent at] of each write still unanswered
        self.state = _State.CONNECTING
        self.transport: asyncio.Transport | None = None
        self.open = False

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = cast(asyncio.Transport, transport)  # uvloop's transports do not subclass asyncio's
        self.state = _State.IDLE
        self.open = True
        self._run.connected += 1

    def start(self) -> bool:
        """Begin sending; False if this client has nothing to send."""
        if self.state is not _State.IDLE or self._budget == 0:
            return False
        self.state = _State.RUNNING
        self._send(time.perf_counter())
        return True

    def oldest_sent_at(self) -> float | None:
        return self._batches[0][1] if self._batches else None

    def _send(self, now: float) -> None:
        run = self._run
        room = min(run.in_flight - self._pending, self._budget)
        if room <= 0 or run.stopping:
            return
        streams, first = run.streams, self._next
        last = first + room
        data = streams.sent[streams.sent_starts[first] : streams.sent_starts[last]]
        self._expect_end += streams.expected_starts[last] - streams.expected_starts[first]
        self._next = last % streams.kinds
        self._pending += room
        self._budget -= room
        self._batches.append([room, now])
        run.outcome.bytes_sent += len(data)
        assert self.transport is not None
        self.transport.write(data)

    def get_buffer(self, sizehint: int) -> memoryview:
        return self._run.read_buffer

    def buffer_updated(self, nbytes: int) -> None:
        run = self._run
        chunk = run.read_buffer[:nbytes]
        if self.state is not _State.RUNNING:
            if self.state is _State.IDLE:  # a reply to nothing
                self.fail(MISMATCH, Mismatch.of(b"", b"", bytes(chunk), time.monotonic()))
            return
        run.outcome.bytes_received += nbytes
        streams, at = run.streams, self._received_at
        after = at + nbytes
        if after > self._expect_end or not streams.expected.startswith(chunk, at):
            self._mismatch(chunk)
            return
        starts = streams.expected_starts
        done = bisect_right(starts, after) - bisect_right(starts, at)
        period = streams.expected_period
        if after >= period:  # back to the first period: the streams hold the windows that start there
            back = after - after % period
            after -= back
            self._expect_end -= back
        self._received_at = after
        if done:
            now = time.perf_counter()
            self._pending -= done
            run.outcome.completed += done
            record, batches = run.interval.record_many, self._batches
            while done:
                batch = batches[0]
                count = int(batch[0])
                if count <= done:
                    batches.popleft()
                    record(now - batch[1], count)
                    done -= count
                else:
                    batch[0] = count - done
                    record(now - batch[1], done)
                    done = 0
            self._send(now)
            if not self._pending:
                self.state = _State.DONE
                run.client_done()

    def _mismatch(self, chunk: memoryview) -> None:
        """Count the mismatch in `chunk`, keeping the reply it is in from the reply's first byte."""
        streams, at = self._run.streams, self._received_at
        due = streams.expected[at : self._expect_end]
        wrong = next((i for i, (a, b) in enumerate(zip(due, chunk, strict=False)) if a != b), None)
        if wrong is None:  # every byte due matched: the rest came when nothing was due
            mismatch = Mismatch.of(b"", b"", bytes(chunk[len(due) :]), time.monotonic())
        else:
            message = bisect_right(streams.expected_starts, at + wrong) - 1
            begins = streams.expected_starts[message]
            received = streams.expected[begins:at] + bytes(chunk[max(0, begins - at) :])
            kind = message % streams.kinds
            mismatch = Mismatch.of(streams.payloads[kind], streams.replies[kind], received, time.monotonic())
        self.fail(MISMATCH, mismatch)

    def connection_lost(self, exc: Exception | None) -> None:
        if self.open:
            self.open = False
            self._run.connected -= 1
        if self.state in (_State.IDLE, _State.RUNNING):
            self.fail(RESET if exc is not None else CLOSED)

    def fail(self, kind: str, mismatch: Mismatch | None = None) -> None:
        """Count one error of `kind` and drop the connection."""
        was_running = self.state is _State.RUNNING
        if self.state in (_State.DONE, _State.FAILED):
            return
        self.state = _State.FAILED
        outcome = self._run.outcome
        outcome.errors[kind] += 1
        if mismatch is not None and outcome.first_mismatch is None:
            outcome.first_mismatch = mismatch
        if self.transport is not None:
            self.transport.abort()
        if was_running:
            self._run.client_done()

    def drop(self) -> None:
        """Abort without counting an error (cancelled run)."""
        if self.state is _State.RUNNING:
            self._run.client_done()
        self.state = _State.DONE
        if self.transport is not None:
            self.transport.abort()

    def close(self) -> None:
        if self.transport is not None and not self.transport.is_closing():
            self.transport.close()


class _Worker:
    def __init__(self, job: WorkerJob, reports: Queue[Report], go: Event, stop: Event) -> None:
        self.job = job
        self._reports = reports
        self._go = go
        self._stop = stop
        self.streams = MessageStreams.of(job.payloads, job.in_flight)
        self.read_buffer = memoryview(bytearray(READ_BUFFER_BYTES))
        self.in_flight = job.in_flight
        self.stopping = False
        self.outcome = WorkerOutcome(job.index)
        self.interval = LatencyHistogram()  # latencies since the last progress report
        self.connected = 0  # connections open now
        self._active = 0
        self._all_done = asyncio.Event()
        if job.messages is None:
            budgets = [UNLIMITED] * job.clients
        else:
            base, extra = divmod(job.messages, job.clients)
            budgets = [base + (1 if i < extra else 0) for i in range(job.clients)]
        self._clients = [_Client(self, budget, i % len(job.payloads)) for i, budget in enumerate(budgets)]

    def client_done(self) -> None:
        self._active -= 1
        if self._active == 0:
            self.outcome.ended = time.monotonic()
            self._all_done.set()

    async def run(self) -> None:
        reporter = asyncio.ensure_future(self._report_progress())
        try:
            await self._connect_all()
            self.outcome.connected = sum(1 for c in self._clients if c.state is _State.IDLE)
            self._reports.put(Ready(self.job.index, self.outcome.connected, dict(self.outcome.errors)))
            deadline = time.monotonic() + self.job.connect_phase_seconds + GO_WAIT_SECONDS
            if await self._wait_for(self._go, deadline):
                await self._drive()
            else:
                self.outcome.cancelled = True
                self.outcome.started = self.outcome.ended = time.monotonic()
        finally:
            reporter.cancel()
        self.outcome.latency.merge(self.interval)
        self._reports.put(Done(self.outcome))
        if self.job.hold and not self.outcome.cancelled:
            await self._wait_for(self._stop, time.monotonic() + HOLD_LIMIT_SECONDS)
        for client in self._clients:
            client.close()
        await asyncio.sleep(0)  # let the closes go out

    async def _report_progress(self) -> None:
        """Every PROGRESS_SECONDS: counts so far and this interval's latencies (then a fresh interval)."""
        outcome = self.outcome
        while True:
            await asyncio.sleep(PROGRESS_SECONDS)
            interval, self.interval = self.interval, LatencyHistogram()
            outcome.latency.merge(interval)
            errors = dict(outcome.errors)
            now = time.monotonic()
            self._reports.put(Progress(outcome.index, self.connected, outcome.completed, errors, interval, now))

    async def _wait_for(self, event: Event, deadline: float) -> bool:
        """Wait for `event`; False if `stop` came first or the deadline passed."""
        while not event.is_set():
            if self._stop.is_set() or time.monotonic() > deadline:
                return False
            await asyncio.sleep(POLL_SECONDS)
        return True

    async def _until(self, work: Awaitable[object], timeout: float) -> None:
        """Await `work` until it ends, `timeout` passes or `stop` is set; cancel it if unfinished."""
        task = asyncio.ensure_future(work)
        deadline = time.monotonic() + timeout
        while not task.done() and not self._stop.is_set() and time.monotonic() < deadline:
            await asyncio.wait([task], timeout=POLL_SECONDS)
        if not task.done():
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    async def _connect_all(self) -> None:
        loop = asyncio.get_running_loop()
        gate = asyncio.Semaphore(CONNECTS_AT_ONCE)
        job, errors = self.job, self.outcome.errors

        async def connect(client: _Client) -> None:
            async with gate:
                if self._stop.is_set():
                    return
                connecting = loop.create_connection(lambda: client, job.host, job.port)
                try:
                    await asyncio.wait_for(connecting, job.connect_timeout)
                except (OSError, asyncio.TimeoutError) as exc:
                    client.state = _State.FAILED
                    errors[_CONNECT_KINDS.get(classify(exc), REFUSED)] += 1

        async def connect_every_client() -> None:
            await asyncio.gather(*(connect(c) for c in self._clients))

        await self._until(connect_every_client(), job.connect_phase_seconds)
        for client in self._clients:
            if client.state is _State.CONNECTING and not self._stop.is_set():  # still connecting at the end
                client.state = _State.FAILED
                errors[TIMEOUT] += 1

    async def _drive(self) -> None:
        outcome, job = self.outcome, self.job
        outcome.started = time.monotonic()
        for client in self._clients:
            if client.state is _State.IDLE:
                self._active += 1
                if not client.start():
                    self._active -= 1
        if self._active == 0:
            outcome.ended = time.monotonic()
            return
        stop_sending_at = outcome.started + job.duration
        while self._active > 0:
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(self._all_done.wait(), TICK_SECONDS)
            if self._stop.is_set():
                outcome.cancelled = True
                for client in self._clients:
                    client.drop()
                break
            if time.monotonic() >= stop_sending_at:
                self.stopping = True  # no new messages; the outstanding ones may still complete
            self._expire(time.perf_counter() - job.reply_timeout)
        if not outcome.ended:
            outcome.ended = time.monotonic()

    def _expire(self, sent_before: float) -> None:
        for client in self._clients:
            if client.state is _State.RUNNING:
                oldest = client.oldest_sent_at()
                if oldest is not None and oldest < sent_before:
                    client.fail(TIMEOUT)


def run_worker(job: WorkerJob, reports: Queue[Report], go: Event, stop: Event) -> None:
    """Process target: connect, wait for the go, drive the load, report, close."""
    # Ctrl+C in a terminal reaches the whole process group: the parent cancels the run through `stop`.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    raise_open_file_limit()
    loop = _new_event_loop()  # asyncio.Runner(loop_factory=...) would do this from Python 3.11 on
    try:
        asyncio.set_event_loop(loop)
        loop.run_until_complete(_Worker(job, reports, go, stop).run())
        loop.run_until_complete(loop.shutdown_asyncgens())
    except BaseException:
        reports.put(Crashed(job.index, traceback.format_exc()))
    finally:
        asyncio.set_event_loop(None)
        loop.close()
