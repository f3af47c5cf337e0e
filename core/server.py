"""The uppercase TCP server: one asyncio event loop on one worker thread.

Thousands of clients share that loop; none gets a thread of its own. Each
connection feeds an `UppercaseSession` (core.protocol) and writes back what it
returns. Everything that happens is reported through the `on_event` callback, from
the worker thread.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from core.defaults import (
    DEFAULT_HOST,
    DEFAULT_MAX_CONNECTIONS,
    DEFAULT_PORT,
    DISCONNECT_HOLD_SECONDS,
    MAX_MESSAGE_EVENTS_PER_SECOND,
    READ_BUFFER_BYTES,
    STATS_INTERVAL_SECONDS,
    STOP_TIMEOUT_SECONDS,
    WRITE_HIGH_WATER,
    WRITE_LOW_WATER,
)
from core.errors import ErrorInfo, LocalProtocolError, NetworkError, error_info
from core.events import (
    ClientConnected,
    ClientDisconnected,
    ClientStats,
    DisconnectReason,
    EventCallback,
    MessageReceived,
    ReplySent,
    ServerError,
    ServerStarted,
    ServerStats,
    ServerStopped,
)
from core.loop_thread import LoopThread
from core.protocol import SessionState, UppercaseSession


@dataclass(frozen=True, slots=True)
class ServerConfig:
    host: str = DEFAULT_HOST
    port: int = DEFAULT_PORT
    max_connections: int = DEFAULT_MAX_CONNECTIONS
    idle_timeout: float | None = None  # seconds of silence before a client is dropped
    message_events: bool = True  # False: no per-message events (quiet mode, benchmarks)
    backlog: int = 1024


class _MessageBudget:
    """Caps per-message events per stats interval; counts what it turned away."""

    __slots__ = ("_left", "_per_interval", "summarised")

    def __init__(self, per_second: int, interval: float) -> None:
        self._per_interval = max(1, int(per_second * interval))
        self._left = self._per_interval
        self.summarised = 0

    def take(self, count: int) -> bool:
        if count <= self._left:
            self._left -= count
            return True
        self.summarised += count
        return False

    def refill(self) -> None:
        self._left = self._per_interval


class _Connection(asyncio.BufferedProtocol):
    """One client on the server's loop: feeds its session, writes replies, keeps counters.

    A buffered protocol: every read lands in the one buffer the server shares (the loop
    does one read at a time), where a plain Protocol would get a fresh 256 KiB bytes
    object per read, which on Linux costs an mmap, an mremap and a munmap each time.
    """

    def __init__(self, server: _ServerCore) -> None:
        self._server = server
        self.session = UppercaseSession(keep_messages=server.config.message_events)
        self.client_id = 0
        self.transport: asyncio.Transport | None = None
        self.bytes_in = 0
        self.bytes_out = 0
        self.last_activity = 0.0  # loop time (monotonic)
        self.reason: DisconnectReason | None = None
        self._hold_timer: asyncio.TimerHandle | None = None
        self.refused = False

    # -- asyncio.Protocol -------------------------------------------------------

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport
        self.last_activity = self._server.loop.time()
        if not self._server.admit(self):
            self.refused = True
            transport.close()
            return
        transport.set_write_buffer_limits(high=WRITE_HIGH_WATER, low=WRITE_LOW_WATER)

    def get_buffer(self, sizehint: int) -> memoryview:
        return self._server.read_buffer

    def buffer_updated(self, nbytes: int) -> None:
        self.data_received(bytes(self._server.read_buffer[:nbytes]))

    def data_received(self, data: bytes) -> None:
        session = self.session
        try:
            reply = session.receive_data(data)
        except LocalProtocolError:
            return  # bytes after DESCONEXION, while the connection closes: ignored
        self.bytes_in += len(data)
        self.last_activity = self._server.loop.time()
        self._deliver(reply)
        if session.state is SessionState.DISCONNECT_REQUESTED:
            self.close(DisconnectReason.REQUESTED)
        elif session.holding:
            self._restart_hold_timer()

    def eof_received(self) -> bool:
        self._deliver(self.session.receive_eof())
        if self.reason is None:
            requested = self.session.state is SessionState.DISCONNECT_REQUESTED
            self.reason = DisconnectReason.REQUESTED if requested else DisconnectReason.CLOSED_BY_PEER
        return False  # the transport closes once every pending reply is sent

    def connection_lost(self, exc: Exception | None) -> None:
        self._cancel_hold_timer()
        if self.refused:
            return
        if self.reason is None:
            self.reason = DisconnectReason.RESET if exc is not None else DisconnectReason.CLOSED_BY_PEER
        self._server.forget(self, self.reason)

    def pause_writing(self) -> None:
        # The client is not reading its replies: stop reading its messages too,
        # so unsent replies never grow past the high-water mark.
        if self.transport is not None:
            self.transport.pause_reading()

    def resume_writing(self) -> None:
        if self.transport is not None and not self.transport.is_closing():
            self.transport.resume_reading()

    # -- actions ----------------------------------------------------------------

    def close(self, reason: DisconnectReason, abort: bool = False) -> None:
        """Close once pending replies are sent (or at once with `abort`)."""
        if self.reason is None:
            self.reason = reason
        if self.transport is not None:
            if abort:
                self.transport.abort()
            else:
                self.transport.close()

    def _deliver(self, reply: bytes) -> None:
        """Send what the session answered, count it, and report the messages it took in."""
        if reply:
            assert self.transport is not None
            self.transport.write(reply)
            self.bytes_out += len(reply)
        self._server.touched(self)
        if self.session.messages:
            self._server.report_messages(self, reply)

    def _restart_hold_timer(self) -> None:
        self._cancel_hold_timer()
        self._hold_timer = self._server.loop.call_later(DISCONNECT_HOLD_SECONDS, self._on_pause)

    def _cancel_hold_timer(self) -> None:
        if self._hold_timer is not None:
            self._hold_timer.cancel()
            self._hold_timer = None

    def _on_pause(self) -> None:
        self._hold_timer = None
        if self.transport is None or self.transport.is_closing():
            return
        self._deliver(self.session.receive_pause())
        if self.session.state is SessionState.DISCONNECT_REQUESTED:
            self.close(DisconnectReason.REQUESTED)


class _ServerCore:
    """The part of the server that lives on the loop thread."""

    def __init__(self, config: ServerConfig, on_event: EventCallback, loop: asyncio.AbstractEventLoop) -> None:
        self.config = config
        self.loop = loop
        self.read_buffer = memoryview(bytearray(READ_BUFFER_BYTES))  # shared by every connection
        self._emit = on_event
        self._connections: dict[int, _Connection] = {}
        self._changed: set[_Connection] = set()
        self._next_id = 1
        self._budget = _MessageBudget(MAX_MESSAGE_EVENTS_PER_SECOND, STATS_INTERVAL_SECONDS)
        self._totals = [0, 0, 0, 0]  # messages in, out, bytes in, out of clients already gone
        self._server: asyncio.Server | None = None
        self._tasks: list[asyncio.Task[None]] = []
        self._stats_dirty = False
        self.refused = 0
        self.stopping = False

    async def start(self) -> tuple[str, int]:
        """Bind and listen; raises NetworkError (already reported) if that fails."""
        cfg = self.config
        try:
            self._server = await self.loop.create_server(
                lambda: _Connection(self), cfg.host, cfg.port, backlog=cfg.backlog, reuse_address=True
            )
        except (OSError, UnicodeError) as exc:
            info = error_info(exc, cfg.host, cfg.port)
            self._emit(ServerError(info))
            self._emit(ServerStopped())
            raise NetworkError(info) from exc
        host, port = self._server.sockets[0].getsockname()[:2]
        self._emit(ServerStarted(host, port))
        self._tasks.append(self.loop.create_task(self._tick_stats()))
        if cfg.idle_timeout is not None:
            self._tasks.append(self.loop.create_task(self._drop_idle(cfg.idle_timeout)))
        return host, port

    async def shutdown(self) -> None:
        """Stop listening, close every connection at once, report it all."""
        self.stopping = True
        if self._server is not None:
            self._server.close()
        for task in self._tasks:
            task.cancel()
        for conn in list(self._connections.values()):
            conn.close(DisconnectReason.SERVER_STOPPED, abort=True)
        # abort() reports connection_lost on the next loop pass.
        while self._connections:
            await asyncio.sleep(0)
        if self._server is not None:
            # Connections accepted in the last instant (refused, still closing) end too:
            # from Python 3.12.1 on this waits for them; before, it returns at once.
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(self._server.wait_closed(), STOP_TIMEOUT_SECONDS / 2)
        self._emit_stats()
        self._emit(ServerStopped())

    # -- called by connections ---------------------------------------------------

    def admit(self, conn: _Connection) -> bool:
        if self.stopping or len(self._connections) >= self.config.max_connections:
            self.refused += 1
            self._stats_dirty = True
            return False
        conn.client_id = self._next_id
        self._next_id += 1
        self._connections[conn.client_id] = conn
        assert conn.transport is not None
        peer = conn.transport.get_extra_info("peername") or ("?", 0)
        self._emit(ClientConnected(conn.client_id, str(peer[0]), int(peer[1]), time.time()))
        self._stats_dirty = True
        return True

    def touched(self, conn: _Connection) -> None:
        self._changed.add(conn)

    def report_messages(self, conn: _Connection, reply: bytes) -> None:
        messages = conn.session.messages
        if self._budget.take(len(messages) + (1 if reply else 0)):
            now = time.time()
            for message in messages:
                self._emit(MessageReceived(conn.client_id, message, now))
            if reply:
                self._emit(ReplySent(conn.client_id, reply, now))
        messages.clear()

    def forget(self, conn: _Connection, reason: DisconnectReason) -> None:
        if self._connections.pop(conn.client_id, None) is None:
            return
        self._changed.add(conn)
        self._stats_dirty = True
        self._emit(ClientDisconnected(conn.client_id, reason, time.time()))

    # -- called from other threads through the loop ------------------------------

    def disconnect(self, client_ids: Iterable[int] | None) -> None:
        ids = list(self._connections) if client_ids is None else list(client_ids)
        for client_id in ids:
            conn = self._connections.get(client_id)
            if conn is not None:
                conn.close(DisconnectReason.KICKED, abort=True)

    # -- periodic work -------------------------------------------------------------

    async def _tick_stats(self) -> None:
        while True:
            await asyncio.sleep(STATS_INTERVAL_SECONDS)
            self._budget.refill()
            if self._changed or self._stats_dirty:
                self._emit_stats()

    def _emit_stats(self) -> None:
        now_loop, now = self.loop.time(), time.time()
        changed = []
        for conn in self._changed:
            s = conn.session
            changed.append(
                ClientStats(
                    conn.client_id,
                    s.messages_in,
                    s.messages_out,
                    conn.bytes_in,
                    conn.bytes_out,
                    now - (now_loop - conn.last_activity),
                )
            )
            if conn.client_id not in self._connections:  # gone: fold into the totals
                self._add_to_totals(conn)
        self._changed.clear()
        self._stats_dirty = False
        totals = list(self._totals)
        for conn in self._connections.values():
            s = conn.session
            totals[0] += s.messages_in
            totals[1] += s.messages_out
            totals[2] += conn.bytes_in
            totals[3] += conn.bytes_out
        self._emit(
            ServerStats(
                clients=len(self._connections),
                messages_in=totals[0],
                messages_out=totals[1],
                bytes_in=totals[2],
                bytes_out=totals[3],
                summarised_messages=self._budget.summarised,
                refused=self.refused,
                changed=tuple(changed),
                at=now,
            )
        )

    def _add_to_totals(self, conn: _Connection) -> None:
        self._totals[0] += conn.session.messages_in
        self._totals[1] += conn.session.messages_out
        self._totals[2] += conn.bytes_in
        self._totals[3] += conn.bytes_out

    async def _drop_idle(self, idle_timeout: float) -> None:
        period = max(0.02, min(1.0, idle_timeout / 4))
        while True:
            await asyncio.sleep(period)
            limit = self.loop.time() - idle_timeout
            for conn in list(self._connections.values()):
                if conn.last_activity < limit:
                    conn.close(DisconnectReason.IDLE_TIMEOUT, abort=True)


class UppercaseServer:
    """Runs the uppercase server on a worker thread; every method is safe from any thread.

    `start()` returns at once; the outcome arrives as ServerStarted, or ServerError
    then ServerStopped, and `wait_started()` waits for it. `stop()` closes every
    connection and joins the worker thread.
    """

    def __init__(self, config: ServerConfig, on_event: EventCallback) -> None:
        self.config = config
        self._on_event = on_event
        self._thread: LoopThread | None = None
        self._core: _ServerCore | None = None
        self._started = threading.Event()
        self._address: tuple[str, int] | None = None
        self._error: ErrorInfo | None = None
        self._lock = threading.Lock()

    @property
    def address(self) -> tuple[str, int] | None:
        """The real (host, port) once listening, else None."""
        return self._address

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive() and self._address is not None

    def start(self) -> None:
        """Begin binding on a new worker thread. Raises LocalProtocolError if already started."""
        with self._lock:
            if self._thread is not None:
                raise LocalProtocolError("server already started; stop it first")
            self._started.clear()
            self._address = None
            self._error = None
            self._thread = LoopThread("mayus-server")
            self._core = _ServerCore(self.config, self._on_event, self._thread.loop)
            self._thread.submit(self._bind(self._thread, self._core))

    async def _bind(self, thread: LoopThread, core: _ServerCore) -> None:
        try:
            self._address = await core.start()
        except NetworkError as exc:
            self._error = exc.info
            thread.loop.stop()  # nothing is left running after a failed start
        finally:
            self._started.set()

    def wait_started(self, timeout: float = STOP_TIMEOUT_SECONDS) -> tuple[str, int]:
        """Block until listening and return the address; raise NetworkError if binding failed."""
        if not self._started.wait(timeout):
            raise TimeoutError("server did not start in time")
        if self._error is not None:
            raise NetworkError(self._error)
        assert self._address is not None
        return self._address

    def disconnect_client(self, client_id: int) -> None:
        self._on_loop(lambda core: core.disconnect([client_id]))

    def disconnect_all(self) -> None:
        self._on_loop(lambda core: core.disconnect(None))

    def stop(self, timeout: float = STOP_TIMEOUT_SECONDS) -> None:
        """Close every connection, stop listening, join the worker. Safe to call twice."""
        with self._lock:
            thread, core = self._thread, self._core
            self._thread = self._core = None
        if thread is None or core is None:
            return
        deadline = time.monotonic() + timeout
        if thread.is_alive() and self._address is not None:
            future = thread.submit(core.shutdown())
            try:
                future.result(timeout)
            except Exception:  # loop already stopping or shutdown timed out: join anyway
                future.cancel()
        thread.stop(max(0.0, deadline - time.monotonic()))
        self._address = None

    def _on_loop(self, action: Callable[[_ServerCore], None]) -> None:
        thread, core = self._thread, self._core
        if thread is not None and core is not None:
            thread.call_soon(lambda: action(core))
