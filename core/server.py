"""The uppercase TCP server: one asyncio event loop on one worker thread.

Thousands of clients share that loop; none gets a thread of its own. Each
connection feeds an `UppercaseSession` (core.protocol) and writes back what it
returns. Everything that happens is reported through the `on_event` callback, from
the worker thread.
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import ssl
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import cast

from core import platforms
from core.addresses import open_listeners
from core.budget import EventBudget
from core.defaults import (
    DEFAULT_HOST,
    DEFAULT_PORT,
    DEFAULT_REPLY_BUDGET,
    DISCONNECT_HOLD_SECONDS,
    DISPLAY_BYTES,
    KEPT_FREE_MEMORY,
    MAX_MESSAGE_EVENTS_PER_SECOND,
    MIN_WRITE_HIGH_WATER,
    READ_BUFFER_BYTES,
    SLOW_READER_READ_BYTES,
    STATS_INTERVAL_SECONDS,
    STOP_TIMEOUT_SECONDS,
    TLS_HANDSHAKE_TIMEOUT,
    WRITE_HIGH_WATER,
)
from core.errors import ErrorInfo, ErrorKind, LocalProtocolError, NetworkError, Side, TlsMismatch, error_info
from core.events import (
    AcceptPaused,
    ClientConnected,
    ClientDisconnected,
    ClientStats,
    DisconnectReason,
    EventCallback,
    MessagePushed,
    MessageReceived,
    ReplySent,
    ServerStarted,
    ServerStats,
    ServerStopped,
    Stamp,
)
from core.limits import default_max_connections, open_file_limit, raise_open_file_limit
from core.loop_thread import LoopThread
from core.protocol import SessionState, UppercaseSession
from core.text import line_ending
from core.tls import PLAIN_CLIENT_ALERT, TLS_RECORD_HEADER_SIZE, TLS_SNIFF_BYTES, looks_like_tls_record

ACCEPT_NOTICE_SECONDS = 1.0  # accepts that find no descriptor are summed up this often at most


@dataclass(frozen=True, slots=True)
class ServerConfig:
    host: str = DEFAULT_HOST
    port: int = DEFAULT_PORT
    max_connections: int | None = None  # None: as many as the open-file limit allows (core/limits.py)
    idle_timeout: float | None = None  # seconds of silence before a client is dropped
    message_events: bool = True  # False: no per-message events (quiet mode, benchmarks)
    client_stats: bool = True  # False: totals only in ServerStats, no per-client counters (the terminal)
    reply_budget: int = DEFAULT_REPLY_BUDGET  # bytes of unsent replies, all clients together (see _share_budget)
    tls: ssl.SSLContext | None = None  # a server context (core/tls.py): every client must speak TLS
    backlog: int = 1024


@dataclass(slots=True)
class _Totals:
    """Message and byte counters, summed."""

    messages_in: int = 0
    messages_out: int = 0
    bytes_in: int = 0
    bytes_out: int = 0
    pushed: int = 0  # messages the server's user sent unasked

    def add(self, other: _Totals, less: _Totals) -> None:
        """Add what `other` counts beyond `less` (a connection's counters now, less what was already added)."""
        self.messages_in += other.messages_in - less.messages_in
        self.messages_out += other.messages_out - less.messages_out
        self.bytes_in += other.bytes_in - less.bytes_in
        self.bytes_out += other.bytes_out - less.bytes_out
        self.pushed += other.pushed - less.pushed


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
        self.pushed = 0
        self.ended_at: Stamp | None = None  # when the end began: our close, or the peer's
        self.error: ErrorInfo | None = None  # what failed, for a TLS_FAILED end
        self.peer: tuple[str, int] = ("?", 0)  # the client's address, kept: a closed transport may forget it
        self.handshaking = False  # a TLS handshake is under way (see _handshake)
        self.before_secure = bytearray()  # what the client sent as the handshake ended, before start_tls returned
        self.plain_start = server.config.tls is None  # a plain server has yet to see a first byte
        # TLS: the client's first bytes, read before the handshake begins (see _first_bytes).
        self.before_tls: bytearray | None = None if server.config.tls is None else bytearray()
        self._tls_timer: asyncio.TimerHandle | None = None
        self.folded = _Totals()  # what of this connection's counters the server's running totals already hold
        self.changed = False  # on the server's list of connections to fold into the next stats

    # -- asyncio.Protocol -------------------------------------------------------

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        # uvloop's transports are not asyncio.Transport subclasses, but have the same methods.
        transport = cast(asyncio.Transport, transport)
        self.transport = transport
        self.last_activity = time.monotonic()
        if not self._server.admit(self):
            self.refused = True
            transport.close()
            return
        high = self._server.high_water
        transport.set_write_buffer_limits(high=high, low=high // 4)
        if self._server.config.tls is not None:
            self._tls_timer = self._server.loop.call_later(TLS_HANDSHAKE_TIMEOUT, self._tls_silence)

    # -- TLS ----------------------------------------------------------------------

    def _first_bytes(self, data: memoryview) -> None:
        """Judge a TLS server's client by its first bytes: a ClientHello starts the handshake; plain
        text is a plain client, answered with a TLS alert (a Mayus client reads it as "the server
        uses TLS") and closed."""
        assert self.before_tls is not None and self.transport is not None
        self.before_tls += data
        if len(self.before_tls) < TLS_SNIFF_BYTES:
            return
        self._cancel_tls_timer()
        self.transport.pause_reading()
        context = self._server.config.tls
        if looks_like_tls_record(bytes(self.before_tls[:TLS_RECORD_HEADER_SIZE])) and context is not None:
            self._server.loop.create_task(self._handshake(self.transport, context))
            return
        self.before_tls = None
        self._tls_failed(ErrorInfo(ErrorKind.PLAIN_TO_TLS, *self.peer))
        self.transport.write(PLAIN_CLIENT_ALERT)
        self.transport.close()  # once the alert is out

    def _tls_silence(self) -> None:
        self._tls_timer = None
        self._tls_failed(ErrorInfo(ErrorKind.TLS_HANDSHAKE_TIMED_OUT, *self.peer))
        self.close(DisconnectReason.TLS_FAILED, abort=True)

    def _tls_failed(self, error: ErrorInfo) -> None:
        if self.reason is None:  # not already ended by the server (stopped, kicked)
            self.error, self.reason = error, DisconnectReason.TLS_FAILED

    def _cancel_tls_timer(self) -> None:
        if self._tls_timer is not None:
            self._tls_timer.cancel()
            self._tls_timer = None

    async def _handshake(self, raw: asyncio.Transport, context: ssl.SSLContext) -> None:
        """Speak TLS on this connection; a failed handshake ends it with the reason in plain words.

        start_tls puts its own protocol on the transport at its first step, and starts it at
        the next one. The bytes this protocol read first (the ClientHello's start) are handed
        to it in between, where it keeps them for the handshake.
        """
        loop = self._server.loop
        self.handshaking = True
        starting = loop.create_task(
            loop.start_tls(raw, self, context, server_side=True, ssl_handshake_timeout=TLS_HANDSHAKE_TIMEOUT)
        )
        await asyncio.sleep(0)  # start_tls's first step runs: its protocol now reads the connection
        early, self.before_tls = self.before_tls, None
        if early:
            _hand_over(raw.get_protocol(), bytes(early))
        try:
            secure = await starting
        except (OSError, asyncio.TimeoutError) as exc:  # ssl.SSLError is an OSError
            self.handshaking = False
            self._tls_failed(error_info(exc, *self.peer, handshake=Side.SERVER))
            self.close(DisconnectReason.TLS_FAILED, abort=True)
            self.connection_lost(None)
            return
        self.handshaking = False
        if secure is None or self.transport is None or self.transport.is_closing():
            return  # the server stopped, or the client was dropped, during the handshake
        self.transport = secure
        high = self._server.high_water
        self.transport.set_write_buffer_limits(high=high, low=high // 4)
        first, self.before_secure = self.before_secure, bytearray()
        if first:
            self.data_received(bytes(first))

    def get_buffer(self, sizehint: int) -> memoryview:
        # A client with replies still unsent reads little at a time: what it is owed stays small.
        transport = self.transport
        if transport is not None and transport.get_write_buffer_size():
            return self._server.slow_read_buffer
        return self._server.read_window

    def buffer_updated(self, nbytes: int) -> None:
        if self.before_tls is not None:  # a TLS client's first bytes: they say whether it speaks TLS
            self._first_bytes(self._server.read_buffer[:nbytes])
            return
        if self.handshaking:  # the client's first message, come with the handshake's end: kept until it returns
            self.before_secure += self._server.read_buffer[:nbytes]
            return
        self.data_received(bytes(self._server.read_buffer[:nbytes]))

    def data_received(self, data: bytes) -> None:
        if self.plain_start:
            self.plain_start = False
            if looks_like_tls_record(data):  # a TLS client: uppercasing its handshake helps nobody
                self.error = error_info(TlsMismatch(Side.SERVER), *self.peer)
                self.close(DisconnectReason.TLS_FAILED, abort=True)
                return
        session, server = self.session, self._server
        try:
            if server.summarising:  # over the event cap: this read's messages are counted, never recorded
                before = session.messages_in
                session.keep_messages = False
                try:
                    reply = session.receive_data(data)
                finally:
                    session.keep_messages = True
                unlisted = session.messages_in - before
                if unlisted > 0:
                    server.summarised += unlisted
            else:
                reply = session.receive_data(data)
        except LocalProtocolError:
            return  # bytes after DESCONEXION, while the connection closes: ignored
        self.bytes_in += len(data)
        self.last_activity = time.monotonic()
        self._deliver(reply)
        if session.state is SessionState.DISCONNECT_REQUESTED:
            self.close(DisconnectReason.REQUESTED)
        elif session.wants_pause:
            self._restart_hold_timer()

    def eof_received(self) -> bool:
        self.ended_at = self.ended_at or Stamp.now()
        self._deliver(self.session.receive_eof())
        if self.reason is None:
            requested = self.session.state is SessionState.DISCONNECT_REQUESTED
            self.reason = DisconnectReason.REQUESTED if requested else DisconnectReason.CLOSED_BY_PEER
        return False  # the transport closes once every pending reply is sent

    def connection_lost(self, exc: Exception | None) -> None:
        if self.handshaking:
            return  # the TLS layer saw the end first: _handshake says why, once start_tls gives up
        self._cancel_hold_timer()
        self._cancel_tls_timer()
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
        self.ended_at = self.ended_at or Stamp.now()
        if self.reason is None:
            self.reason = reason
        if self.transport is not None:
            if abort:
                self.transport.abort()
            else:
                self.transport.close()

    def _deliver(self, reply: bytes) -> None:
        """Report the messages the session took in, then send what it answered and count it.

        Reporting comes first, so a message's event is always stamped (and queued)
        before its reply can reach anyone.
        """
        if self.session.records:
            self._server.report_messages(self)
        if reply:
            assert self.transport is not None
            self.transport.write(reply)
            self.bytes_out += len(reply)
        if not self.changed:
            self.changed = True
            self._server.changed.append(self)

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


def _hand_over(protocol: object, data: bytes) -> None:
    """Give `data` to `protocol` as if its transport had just read it (buffered protocols, uvloop's too)."""
    get_buffer = getattr(protocol, "get_buffer", None)
    buffer_updated = getattr(protocol, "buffer_updated", None)
    if get_buffer is None or buffer_updated is None:
        cast(asyncio.Protocol, protocol).data_received(data)
        return
    view = memoryview(data)
    while view:
        buffer = get_buffer(len(view))
        size = min(len(buffer), len(view))
        buffer[:size] = view[:size]
        buffer_updated(size)
        view = view[size:]


class _ServerCore:
    """The part of the server that lives on the loop thread."""

    def __init__(self, config: ServerConfig, on_event: EventCallback, loop: asyncio.AbstractEventLoop) -> None:
        self.config = config
        self.loop = loop
        self.read_buffer = memoryview(bytearray(READ_BUFFER_BYTES))  # shared by every connection
        # Windows on that same memory: one read (so one reply) never exceeds a client's share of
        # the reply budget, and a client already owed replies reads little at a time.
        self.read_window = self.read_buffer
        self.slow_read_buffer = self.read_buffer[:SLOW_READER_READ_BYTES]
        self.max_connections = config.max_connections or default_max_connections()
        self.share = READ_BUFFER_BYTES  # of the reply budget, per connection (see _share_budget)
        self.high_water = WRITE_HIGH_WATER  # per connection; lowered when many share the reply budget
        self._emit = on_event
        self._connections: dict[int, _Connection] = {}
        self.changed: list[_Connection] = []  # connections whose counters moved since the last stats
        self._next_id = 1
        self._budget = EventBudget(MAX_MESSAGE_EVENTS_PER_SECOND, STATS_INTERVAL_SECONDS)
        self.summarised = 0  # messages not reported one by one (over the cap)
        # Over the cap, until the budget's window ends: reads only count their messages. Recording each one,
        # to drop the record at once, cost a flood 40 % of the server's speed.
        self.summarising = False
        self._totals = _Totals()  # every client's counters, folded in at each stats tick
        self._listeners: list[asyncio.Server] = []  # one per address (core/addresses.py), all on one port
        self._tasks: list[asyncio.Task[None]] = []
        self._stats_dirty = False
        self.refused = 0
        self.stopping = False
        self._accept_failures = 0  # accepts that found no descriptor left, since the last AcceptPaused
        self._accept_noted_at = 0.0

    async def start(self) -> tuple[str, int]:
        """Bind and listen on every address `config.host` names; raises NetworkError (already reported) if that fails.

        Returns (the first address listened on, the port they all share).
        """
        cfg = self.config
        try:
            sockets = open_listeners(cfg.host, cfg.port, cfg.backlog)
        except (OSError, UnicodeError) as exc:
            info = error_info(exc, cfg.host, cfg.port)
            self._emit(ServerStopped(info, Stamp.now()))
            raise NetworkError(info) from exc
        for sock in sockets:
            self._listeners.append(
                await self.loop.create_server(lambda: _Connection(self), sock=sock, backlog=cfg.backlog)
            )
        addresses = tuple(str(sock.getsockname()[0]) for sock in sockets)
        port = int(sockets[0].getsockname()[1])
        self.loop.set_exception_handler(self._loop_exception)
        self._emit(ServerStarted(cfg.host, port, addresses, self.max_connections, open_file_limit(), Stamp.now()))
        self._tasks.append(self.loop.create_task(self._tick_stats()))
        if cfg.idle_timeout is not None:
            self._tasks.append(self.loop.create_task(self._drop_idle(cfg.idle_timeout)))
        return addresses[0], port

    async def shutdown(self) -> None:
        """Stop listening, close every connection at once, report it all."""
        self.stopping = True
        for listener in self._listeners:
            listener.close()
        for task in self._tasks:
            task.cancel()
        for conn in list(self._connections.values()):
            conn.close(DisconnectReason.SERVER_STOPPED, abort=True)
        # abort() reports connection_lost on the next loop pass.
        while self._connections:
            await asyncio.sleep(0)
        # Connections accepted in the last instant (refused, still closing) end too:
        # from Python 3.12.1 on this waits for them; before, it returns at once.
        for listener in self._listeners:
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(listener.wait_closed(), STOP_TIMEOUT_SECONDS / 2)
        self._emit_stats()
        self._emit(ServerStopped(None, Stamp.now()))

    # -- called by connections ---------------------------------------------------

    def admit(self, conn: _Connection) -> bool:
        if self.stopping or len(self._connections) >= self.max_connections:
            self.refused += 1
            self._stats_dirty = True
            return False
        conn.client_id = self._next_id
        self._next_id += 1
        self._connections[conn.client_id] = conn
        self._share_budget()
        conn.peer = host, port = self.peer_of(conn.transport)
        self._emit(ClientConnected(conn.client_id, host, port, Stamp.now()))
        self._stats_dirty = True
        return True

    @staticmethod
    def peer_of(transport: asyncio.BaseTransport | None) -> tuple[str, int]:
        """The client's address and port, as its transport knows them (("?", 0) once it is gone)."""
        peer = transport.get_extra_info("peername") if transport is not None else None
        return (str(peer[0]), int(peer[1])) if peer else ("?", 0)

    def touched(self, conn: _Connection) -> None:
        if not conn.changed:
            conn.changed = True
            self.changed.append(conn)

    def _share_budget(self) -> None:
        """Share the reply budget among the clients, so that all of them together are never owed much more.

        Each client's share is budget / clients (never less than MIN_WRITE_HIGH_WATER, never
        more than WRITE_HIGH_WATER). The server stops reading a client once it is owed its share
        less one slow read, and no read is larger than the share, so no reply overshoots it.
        Applied to every connection only when the share moves by a sixteenth or more: a
        stream of connections costs a pass now and then, not one per connection.
        """
        clients = max(1, len(self._connections))
        share = max(MIN_WRITE_HIGH_WATER, min(WRITE_HIGH_WATER, self.config.reply_budget // clients))
        if abs(share - self.share) * 16 < self.share:
            return
        self.share = share
        self.read_window = self.read_buffer[:share]
        high = self.high_water = max(MIN_WRITE_HIGH_WATER, share - SLOW_READER_READ_BYTES)
        for conn in self._connections.values():
            if conn.transport is not None and not conn.transport.is_closing():
                conn.transport.set_write_buffer_limits(high=high, low=high // 4)

    def _loop_exception(self, loop: asyncio.AbstractEventLoop, context: dict[str, object]) -> None:
        """No descriptor left for a new client (EMFILE, ENFILE): summed up once a second at most, never a traceback.

        The loop itself waits a moment before it accepts again; existing clients go on being served.
        Anything else goes to the loop's default handler.
        """
        error = context.get("exception")
        if self.stopping and isinstance(error, ValueError) and "_start_serving" in str(context.get("message")):
            return  # asyncio's retry of such an accept, due after the listening socket closed: nothing to retry
        if isinstance(error, OSError) and error.errno in (errno.EMFILE, errno.ENFILE):
            self._accept_failures += 1
            now = time.monotonic()
            if now - self._accept_noted_at >= ACCEPT_NOTICE_SECONDS:
                self._emit(AcceptPaused(self._accept_failures, open_file_limit(), Stamp.now()))
                self._accept_failures, self._accept_noted_at = 0, now
            return
        loop.default_exception_handler(context)

    def report_messages(self, conn: _Connection) -> None:
        """Report each message the session recorded and its reply, unless over the per-second cap."""
        records = conn.session.records
        messages = sum(1 for record in records if not record.continued)
        if not self._budget.take(messages, self.loop.time()):
            self.summarised += messages
            if not self.summarising:
                self.summarising = True
                self.loop.call_at(self._budget.window_ends, self._stop_summarising)
        else:
            when, cid, emit = Stamp.now(), conn.client_id, self._emit
            for record in records:
                data, reply = record.data, record.reply
                if data or not record.continued:
                    emit(
                        MessageReceived(cid, data[:DISPLAY_BYTES], len(data), line_ending(data), record.continued, when)
                    )
                if reply:
                    emit(ReplySent(cid, reply[:DISPLAY_BYTES], len(reply), line_ending(reply), record.continued, when))
        records.clear()

    def _stop_summarising(self) -> None:
        self.summarising = False  # a new window of the budget: messages are recorded, and listed, again

    def forget(self, conn: _Connection, reason: DisconnectReason) -> None:
        if self._connections.pop(conn.client_id, None) is None:
            return
        self.touched(conn)
        self._stats_dirty = True
        self._emit(ClientDisconnected(conn.client_id, reason, conn.ended_at or Stamp.now(), conn.error))

    # -- called from other threads through the loop ------------------------------

    def disconnect(self, client_ids: Iterable[int] | None) -> None:
        ids = list(self._connections) if client_ids is None else list(client_ids)
        for client_id in ids:
            conn = self._connections.get(client_id)
            if conn is not None:
                conn.close(DisconnectReason.KICKED, abort=True)

    def push(self, client_ids: Iterable[int] | None, data: bytes) -> None:
        """Send `data` unasked to these clients (every one if None); each gets MessagePushed, then the bytes."""
        ids = list(self._connections) if client_ids is None else list(client_ids)
        ending = line_ending(data)
        for client_id in ids:
            conn = self._connections.get(client_id)
            if conn is None or conn.transport is None or conn.transport.is_closing():
                continue
            self._emit(MessagePushed(client_id, data[:DISPLAY_BYTES], len(data), ending, Stamp.now()))
            conn.transport.write(data)
            conn.bytes_out += len(data)
            conn.pushed += 1
            self.touched(conn)

    # -- periodic work -------------------------------------------------------------

    async def _tick_stats(self) -> None:
        while True:
            await asyncio.sleep(STATS_INTERVAL_SECONDS)
            if self.changed or self._stats_dirty:
                self._emit_stats()

    def _emit_stats(self) -> None:
        """Fold the changed clients' counters into the running totals and report them (O(changed clients))."""
        now_mono, when = time.monotonic(), Stamp.now()
        totals, changed, per_client = self._totals, [], self.config.client_stats
        for conn in self.changed:
            conn.changed = False
            s = conn.session
            now = _Totals(s.messages_in, s.messages_out, conn.bytes_in, conn.bytes_out, conn.pushed)
            totals.add(now, conn.folded)
            conn.folded = now
            if not per_client:
                continue
            changed.append(
                ClientStats(
                    conn.client_id,
                    s.messages_in,
                    s.messages_out,
                    conn.bytes_in,
                    conn.bytes_out,
                    when.wall - (now_mono - conn.last_activity),
                    conn.pushed,
                )
            )
        self.changed.clear()
        self._stats_dirty = False
        self._emit(
            ServerStats(
                clients=len(self._connections),
                messages_in=totals.messages_in,
                messages_out=totals.messages_out,
                bytes_in=totals.bytes_in,
                bytes_out=totals.bytes_out,
                summarised_messages=self.summarised,
                refused=self.refused,
                pushed=totals.pushed,
                changed=tuple(changed),
                when=when,
            )
        )

    async def _drop_idle(self, idle_timeout: float) -> None:
        period = max(0.02, min(1.0, idle_timeout / 4))
        while True:
            await asyncio.sleep(period)
            limit = time.monotonic() - idle_timeout
            for conn in list(self._connections.values()):
                if conn.last_activity < limit:
                    conn.close(DisconnectReason.IDLE_TIMEOUT, abort=True)


class Listening:
    """Where a server listens, for its two faces (UppercaseServer, and core/server_process.py's ServerProcess)."""

    _address: tuple[str, int] | None = None  # set by the face once it listens, back to None once it stopped

    @property
    def address(self) -> tuple[str, int] | None:
        """The real (host, port) while listening, else None."""
        return self._address

    @property
    def running(self) -> bool:
        return self._address is not None


class UppercaseServer(Listening):
    """Runs the uppercase server on a worker thread; every method is safe from any thread.

    `start()` returns at once; the outcome arrives as ServerStarted, or as
    ServerStopped(error) after which nothing is left running (the server can be
    started again), and `wait_started()` waits for it. `request_stop()` returns at
    once too: ServerStopped follows when every connection is closed and the port is
    free, and the worker thread then ends by itself. `stop()` does the same and
    waits, bounded, for the thread.
    """

    def __init__(self, config: ServerConfig, on_event: EventCallback) -> None:
        self.config = config
        self._on_event = on_event
        self._thread: LoopThread | None = None
        self._core: _ServerCore | None = None
        self._ending: list[LoopThread] = []  # threads asked to stop, not yet joined
        self._started = threading.Event()
        self._address: tuple[str, int] | None = None
        self._error: ErrorInfo | None = None
        self._lock = threading.Lock()

    def start(self) -> None:
        """Begin binding on a new worker thread. Raises LocalProtocolError if already started.

        Lifts this process's open-file limit first (core/limits.py): each client needs a descriptor. Lets
        malloc keep some freed memory too (core/platforms.py): large messages reuse it instead of faulting it in.
        """
        raise_open_file_limit()
        platforms.keep_freed_memory(KEPT_FREE_MEMORY)
        with self._lock:
            if self._thread is not None:
                raise LocalProtocolError("server already started; stop it first")
            self._started.clear()
            self._address = None
            self._error = None
            thread = LoopThread("mayus-server")
            core = _ServerCore(self.config, self._on_event, thread.loop)
            self._thread, self._core = thread, core
            thread.submit(self._bind(thread, core))

    async def _bind(self, thread: LoopThread, core: _ServerCore) -> None:
        try:
            self._address = await core.start()
        except NetworkError as exc:  # already reported as ServerStopped(error)
            self._error = exc.info
            self._let_go(thread)
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

    def push(self, client_ids: list[int] | None, data: bytes) -> None:
        """Send `data` unasked to these clients (all of them if None): MessagePushed follows for each."""
        self._on_loop(lambda core: core.push(client_ids, data))

    def request_stop(self) -> None:
        """Begin closing every connection and the listening socket; returns at once. Safe to call twice."""
        thread, core = self._let_go(None)
        if thread is None or core is None:
            return

        async def shut_down() -> None:
            try:
                await core.shutdown()
            finally:
                self._address = None
                thread.loop.stop()  # the worker thread ends by itself once the loop stops

        thread.call_soon(lambda: thread.loop.create_task(shut_down()))

    def stop(self, timeout: float = STOP_TIMEOUT_SECONDS) -> None:
        """Stop as `request_stop` does and wait (up to `timeout` s) until the worker thread has ended."""
        self.request_stop()
        deadline = time.monotonic() + timeout
        with self._lock:
            ending, self._ending = self._ending, []
        for thread in ending:
            thread.join(max(0.0, deadline - time.monotonic()))
        self._address = None

    def _let_go(self, only: LoopThread | None) -> tuple[LoopThread | None, _ServerCore | None]:
        """Forget the current worker (if it is `only`, when given); it goes on the list of threads to join."""
        with self._lock:
            thread, core = self._thread, self._core
            if thread is None or (only is not None and thread is not only):
                return None, None
            self._thread = self._core = None
            self._ending = [t for t in self._ending if t.is_alive()] + [thread]
            return thread, core

    def _on_loop(self, action: Callable[[_ServerCore], None]) -> None:
        thread, core = self._thread, self._core
        if thread is not None and core is not None:
            thread.call_soon(lambda: action(core))
