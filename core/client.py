"""The TCP client: connects, sends exactly what it is given, reports every byte that arrives, disconnects politely.

All socket work runs on one worker thread (an asyncio loop). Methods are safe to
call from any thread and return at once; what happens arrives as events through
`on_event`, from the worker thread. The grouping of what arrives into entries and
their matching to messages is core/client_protocol.py's; this module adds the
socket, the clock and the timers (the quiet gap, the polite disconnect's steps).
"""

from __future__ import annotations

import asyncio
import enum
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, cast

from core.budget import EventBudget
from core.client_protocol import ClientSession, Outgoing, Piece
from core.defaults import (
    DEFAULT_CONNECT_TIMEOUT,
    DEFAULT_LINE_ENDING,
    DISCONNECT_GRACE_SECONDS,
    DISPLAY_BYTES,
    HAPPY_EYEBALLS_DELAY,
    MAX_MESSAGE_EVENTS_PER_SECOND,
    QUIET_GAP_SECONDS,
    STATS_INTERVAL_SECONDS,
    STOP_TIMEOUT_SECONDS,
    LineEnding,
)
from core.errors import ErrorInfo, FingerprintChanged, LocalProtocolError, Side, TlsMismatch, error_info
from core.events import (
    ClientEvent,
    Connected,
    DataReceived,
    DataSummarised,
    DisconnectAnswered,
    Disconnected,
    DisconnectReason,
    EventCallback,
    MessageSent,
    Stamp,
    TlsInfo,
)
from core.loop_thread import LoopThread
from core.protocol import is_disconnect_word
from core.text import line_ending
from core.tls import ClientContext, check_peer, looks_like_tls_record


class ClientState(enum.Enum):
    IDLE = "idle"
    CONNECTING = "connecting"
    CONNECTED = "connected"
    DISCONNECTING = "disconnecting"


@dataclass(frozen=True, slots=True)
class Reporting:
    """How much the events carry.

    `keep_bytes`: None puts every received byte in the events (the terminal prints
    them all); a number keeps each entry's first bytes only (a display copy).
    `pieces_per_second`: None reports every piece; a number caps them, and past the
    cap pieces are counted in a DataSummarised a few times a second instead.
    """

    keep_bytes: int | None = None
    pieces_per_second: int | None = None


EVERY_BYTE = Reporting()
FOR_DISPLAY = Reporting(keep_bytes=DISPLAY_BYTES, pieces_per_second=MAX_MESSAGE_EVENTS_PER_SECOND)


@dataclass(slots=True)
class _Summary:
    """Pieces over the cap, held until the next flush (see _ClientConnection._flush_summary)."""

    first: Piece
    last: Piece
    entries: set[int]
    size: int = 0
    replies: int = 0
    data: bytes = b""  # the kept bytes, if every piece belongs to one entry (bounded by keep_bytes)

    def add(self, piece: Piece) -> None:
        self.last = piece
        self.entries.add(piece.entry)
        self.size += piece.size
        self.replies += piece.complete and piece.reply_to is not None
        if len(self.entries) == 1:
            self.data += piece.data


class _ClientConnection(asyncio.Protocol):
    """The open connection, on the worker loop."""

    def __init__(
        self, client: TcpClient, host: str, port: int, reporting: Reporting, tls: ClientContext | None = None
    ) -> None:
        self._client = client
        self.host, self.port = host, port
        self.tls = tls
        self.plain_start = tls is None  # a plain client has yet to see a first byte
        self.session = ClientSession(keep_bytes=reporting.keep_bytes)
        self.transport: asyncio.Transport | None = None
        self.reason: DisconnectReason | None = None
        self.error: ErrorInfo | None = None
        self.asked_to_close = False  # the last message was DESCONEXION, or a polite disconnect is under way
        self._budget = (
            EventBudget(reporting.pieces_per_second, STATS_INTERVAL_SECONDS) if reporting.pieces_per_second else None
        )
        self._summary: _Summary | None = None
        self._timers: dict[str, asyncio.TimerHandle] = {}

    # -- asyncio.Protocol ------------------------------------------------------

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        # uvloop's transports are not asyncio.Transport subclasses, but have the same methods.
        transport = cast(asyncio.Transport, transport)
        self.transport = transport
        local = transport.get_extra_info("sockname") or ("", 0)
        peer = transport.get_extra_info("peername") or ("", 0)
        tls = None
        if self.tls is not None:  # the handshake is done: check the certificate's fingerprint before anything
            try:
                tls = TlsInfo(
                    str(transport.get_extra_info("ssl_object").version()),
                    check_peer(transport, self.tls),
                    self.tls.mode.value,
                )
            except FingerprintChanged as exc:
                self.reason, self.error = DisconnectReason.TLS_FAILED, error_info(exc, self.host, self.port)
                transport.abort()
                return
        # Reported from here, before the loop can read anything: a banner never precedes it.
        event = Connected(self.host, self.port, str(peer[0]), int(local[1]), Stamp.now(), tls)
        self._client.connection_made(self, event)

    def data_received(self, data: bytes) -> None:
        if self.plain_start:
            self.plain_start = False
            if looks_like_tls_record(data):  # a TLS server's alert: this plain client is talking to TLS
                self.reason = DisconnectReason.TLS_FAILED
                self.error = error_info(TlsMismatch(Side.CLIENT), self.host, self.port)
                self.close_now()
                return
        now = time.perf_counter()
        self._report(self.session.receive_data(data, now), now)
        if "pause" not in self._timers and self.session.pause_due is not None:
            self._later("pause", QUIET_GAP_SECONDS, self._pause_check)

    def eof_received(self) -> bool:
        self._report(self.session.receive_eof(), time.perf_counter())
        if self.reason is None:
            self.reason = DisconnectReason.REQUESTED if self.asked_to_close else DisconnectReason.CLOSED_BY_PEER
        return False  # close our side too

    def connection_lost(self, exc: Exception | None) -> None:
        for timer in self._timers.values():
            timer.cancel()
        self._timers.clear()
        self._flush_summary()
        if exc is not None and self.reason in (None, DisconnectReason.CLOSED_BY_PEER):
            self.error = error_info(exc, self.host, self.port)
            self.reason = DisconnectReason.RESET
        self._client.connection_ended(self.reason or DisconnectReason.CLOSED_BY_PEER, self.error)

    # -- actions (on the loop) ---------------------------------------------------

    def send(self, data: bytes, ending: LineEnding) -> None:
        self._write(self.session.send(data, ending, time.perf_counter()))
        self.asked_to_close = is_disconnect_word(data)

    def request_disconnect(self, ending: LineEnding) -> None:
        """Send DESCONEXION with no ending; its ending a quiet gap later if the server is still there; give up
        (and close ourselves) after the grace time."""
        self.reason = DisconnectReason.REQUESTED
        self.asked_to_close = True
        self._write(self.session.disconnect_request(time.perf_counter()))
        self._later("ending", QUIET_GAP_SECONDS, lambda: self._send_disconnect_ending(ending))
        self._later("grace", DISCONNECT_GRACE_SECONDS, self._give_up_waiting)

    def close_now(self) -> None:
        if self.reason is None or self.reason is DisconnectReason.REQUESTED:
            self.reason = DisconnectReason.CLOSED_LOCALLY
        if self.transport is not None:
            self.transport.abort()

    # -- inside ------------------------------------------------------------------

    def _write(self, out: Outgoing) -> None:
        """Report the message, then write it: its event always comes before anything it causes."""
        assert self.transport is not None
        session, keep = self.session, self.session.keep_bytes
        self._client.emit(
            MessageSent(
                number=out.number,
                data=out.data if keep is None else out.data[:keep],
                size=len(out.data),
                ending=line_ending(out.data),
                continued=out.continued,
                expects_reply=out.expects_reply,
                waiting=session.waiting,
                waiting_since=session.waiting_since,
                when=Stamp.now(),
            )
        )
        self.transport.write(out.data)

    def _send_disconnect_ending(self, ending: LineEnding) -> None:
        self._timers.pop("ending", None)
        if self.transport is None or self.transport.is_closing():
            return
        out = self.session.disconnect_ending(ending)
        if out is not None:
            self._write(out)

    def _give_up_waiting(self) -> None:
        self._timers.pop("grace", None)
        self.reason = DisconnectReason.NO_CLOSE_FROM_SERVER
        if self.transport is not None:
            self.transport.abort()

    def _pause_check(self) -> None:
        self._timers.pop("pause", None)
        due = self.session.pause_due
        if due is None:
            return
        now = time.perf_counter()
        if now >= due:
            self._report(self.session.receive_pause(now), now)
        else:  # bytes came since the timer was set: look again when the gap after them is over
            self._later("pause", due - now, self._pause_check)

    def _later(self, name: str, delay: float, action: Callable[[], None]) -> None:
        loop = asyncio.get_running_loop()
        self._timers[name] = loop.call_later(delay, action)

    def _report(self, pieces: list[Piece], now: float) -> None:
        if not pieces:
            return
        for piece in pieces:
            if piece.answers_word and piece.reply_to is not None:
                self.asked_to_close = False
                self._client.emit(DisconnectAnswered(piece.reply_to, piece.word_ending, piece.word_polite, Stamp.now()))
        if self._budget is None or self._budget.take(len(pieces), now):
            self._flush_summary()
            self._emit_pieces(pieces)
            return
        if self._summary is None:
            self._summary = _Summary(pieces[0], pieces[0], set())
            self._later("summary", STATS_INTERVAL_SECONDS, self._flush_summary)
        for piece in pieces:
            self._summary.add(piece)

    def _emit_pieces(self, pieces: list[Piece]) -> None:
        session, emit = self.session, self._client.emit
        waiting, since, when = session.waiting, session.waiting_since, Stamp.now()
        for p in pieces:
            emit(
                DataReceived(
                    entry=p.entry,
                    data=p.data,
                    size=p.size,
                    entry_size=p.entry_size,
                    reply_to=p.reply_to,
                    complete=p.complete,
                    ending=p.ending,
                    rtt=p.rtt,
                    waiting=waiting,
                    waiting_since=since,
                    when=when,
                )
            )

    def _flush_summary(self) -> None:
        """Report the pieces held over the cap: as one merged piece if they all belong to one entry (a flood
        into one reply stays exact), else as a DataSummarised with the counts."""
        timer = self._timers.pop("summary", None)
        if timer is not None:
            timer.cancel()
        summary, self._summary = self._summary, None
        if summary is None:
            return
        session = self.session
        if len(summary.entries) == 1:  # a piece that opened the entry keeps entry_size == size: views see it
            last = summary.last
            merged = Piece(
                entry=last.entry,
                data=summary.data,
                size=summary.size,
                entry_size=last.entry_size,
                reply_to=last.reply_to,
                complete=last.complete,
                ending=last.ending,
                rtt=last.rtt,
            )
            self._emit_pieces([merged])
            return
        self._client.emit(
            DataSummarised(
                len(summary.entries),
                summary.size,
                summary.replies,
                session.waiting,
                session.waiting_since,
                Stamp.now(),
            )
        )


class TcpClient:
    """A client for the uppercase server, or for any TCP server; see the module's docstring."""

    def __init__(self, on_event: EventCallback, reporting: Reporting = EVERY_BYTE) -> None:
        self._on_event = on_event
        self.reporting = reporting
        self._lock = threading.Lock()
        self._state = ClientState.IDLE
        self._thread: LoopThread | None = None
        self._conn: _ClientConnection | None = None

    @property
    def state(self) -> ClientState:
        return self._state

    def emit(self, event: ClientEvent) -> None:
        self._on_event(event)

    def connect(
        self, host: str, port: int, timeout: float = DEFAULT_CONNECT_TIMEOUT, tls: ClientContext | None = None
    ) -> None:
        """Start connecting (over TLS with `tls`, a context from core/tls.py); Connected, or
        Disconnected(CONNECT_FAILED or TLS_FAILED, error), follows. `timeout` bounds the TCP
        connect and the TLS handshake each.

        Raises LocalProtocolError if a connection is already open or on its way.
        """
        with self._lock:
            if self._state is not ClientState.IDLE:
                raise LocalProtocolError(f"client is {self._state.value}; disconnect first")
            self._state = ClientState.CONNECTING
            if self._thread is None:
                # The standard loop: uvloop's create_connection has no Happy Eyeballs, and one
                # connection gains nothing from uvloop's speed.
                self._thread = LoopThread("mayus-client", standard=True)
            self._thread.submit(self._connect(host, port, timeout, tls))

    async def _connect(self, host: str, port: int, timeout: float, tls: ClientContext | None) -> None:
        loop = asyncio.get_running_loop()
        conn = _ClientConnection(self, host, port, self.reporting, tls)
        secure: dict[str, Any] = {}
        if tls is not None:
            secure = {"ssl": tls, "server_hostname": host, "ssl_handshake_timeout": timeout}
        try:
            connecting = loop.create_connection(
                lambda: conn, host, port, happy_eyeballs_delay=HAPPY_EYEBALLS_DELAY, **secure
            )
            await asyncio.wait_for(connecting, timeout + (timeout if tls is not None else 0))
        except (OSError, asyncio.TimeoutError, UnicodeError, ValueError, OverflowError) as exc:
            if conn.transport is not None:  # connected in the very last instant: close as usual
                conn.close_now()
                return
            self._state = ClientState.IDLE
            handshake = Side.CLIENT if tls is not None else None
            reason = DisconnectReason.CONNECT_FAILED
            error = error_info(exc, host, port, handshake=handshake)
            if error.kind.is_tls:
                reason = DisconnectReason.TLS_FAILED
            self.emit(Disconnected(reason, error, Stamp.now()))

    def connection_made(self, conn: _ClientConnection, event: Connected) -> None:
        self._conn = conn
        self._state = ClientState.CONNECTED
        self.emit(event)

    def send(self, data: bytes, ending: LineEnding = DEFAULT_LINE_ENDING) -> None:
        """Send `data` plus `ending`, exactly; MessageSent, then DataReceived as the server answers.

        Raises LocalProtocolError when not connected.
        """
        if self._state is not ClientState.CONNECTED:
            raise LocalProtocolError(f"client is {self._state.value}; connect first")
        self._on_loop(lambda conn: conn.send(data, ending) if self._state is ClientState.CONNECTED else None)

    def disconnect(self, ending: LineEnding = DEFAULT_LINE_ENDING) -> None:
        """Ask the server to end the session (DESCONEXION, then `ending` if it waits for one); Disconnected follows.

        REQUESTED when the server closed; NO_CLOSE_FROM_SERVER when it did not
        within the grace time and the client closed instead. Does nothing unless connected.
        """

        def begin(conn: _ClientConnection) -> None:
            if self._state is ClientState.CONNECTED:
                self._state = ClientState.DISCONNECTING
                conn.request_disconnect(ending)

        self._on_loop(begin)

    def connection_ended(self, reason: DisconnectReason, error: ErrorInfo | None) -> None:
        self._conn = None
        self._state = ClientState.IDLE
        self.emit(Disconnected(reason, error, Stamp.now()))

    def close(self, timeout: float = STOP_TIMEOUT_SECONDS) -> None:
        """Drop any connection at once and join the worker thread. Safe to call twice."""
        with self._lock:
            thread, self._thread = self._thread, None
        if thread is None:
            return
        deadline = time.monotonic() + timeout

        def abort() -> None:
            if self._conn is not None:
                self._conn.close_now()

        thread.call_soon(abort)
        try:
            thread.submit(asyncio.sleep(0)).result(timeout)  # let connection_lost run
        finally:
            thread.stop(max(0.0, deadline - time.monotonic()))
            self._state = ClientState.IDLE

    def _on_loop(self, action: Callable[[_ClientConnection], object]) -> None:
        thread = self._thread
        if thread is not None:
            thread.call_soon(lambda: action(self._conn) if self._conn is not None else None)
