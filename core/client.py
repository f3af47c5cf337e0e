"""The uppercase TCP client: connects, sends, times replies, disconnects politely.

All socket work runs on one worker thread (an asyncio loop). Methods are safe to
call from any thread and return at once; what happens arrives as events through
`on_event`, from the worker thread.
"""

from __future__ import annotations

import asyncio
import enum
import threading
import time
from collections.abc import Callable

from core.client_protocol import ClientSession
from core.defaults import (
    DEFAULT_CONNECT_TIMEOUT,
    DEFAULT_LINE_ENDING,
    DISCONNECT_GRACE_SECONDS,
    STOP_TIMEOUT_SECONDS,
    LineEnding,
)
from core.errors import ErrorInfo, ErrorKind, LocalProtocolError, error_info
from core.events import (
    ClientError,
    ClientEvent,
    Connected,
    Disconnected,
    DisconnectReason,
    EventCallback,
    MessageSent,
    ReplyReceived,
)
from core.loop_thread import LoopThread


class ClientState(enum.Enum):
    IDLE = "idle"
    CONNECTING = "connecting"
    CONNECTED = "connected"
    DISCONNECTING = "disconnecting"


class _ClientConnection(asyncio.Protocol):
    """The open connection, on the worker loop."""

    def __init__(self, client: UppercaseClient, host: str, port: int) -> None:
        self._client = client
        self.host, self.port = host, port
        self.session = ClientSession()
        self.transport: asyncio.Transport | None = None
        self.reason: DisconnectReason | None = None
        self._grace_timer: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport

    def data_received(self, data: bytes) -> None:
        now, wall = time.perf_counter(), time.time()
        for reply in self.session.receive_data(data, now):
            self._client.emit(ReplyReceived(reply.data, reply.rtt, wall))

    def eof_received(self) -> bool:
        wall = time.time()
        for reply in self.session.receive_eof():
            self._client.emit(ReplyReceived(reply.data, reply.rtt, wall))
        if self.reason is None:
            self.reason = DisconnectReason.CLOSED_BY_PEER
        return False

    def connection_lost(self, exc: Exception | None) -> None:
        if self._grace_timer is not None:
            self._grace_timer.cancel()
        if exc is not None and self.reason in (None, DisconnectReason.CLOSED_BY_PEER):
            self._client.emit(ClientError(error_info(exc, self.host, self.port)))
            self.reason = DisconnectReason.RESET
        self._client.connection_ended(self.reason or DisconnectReason.CLOSED_BY_PEER)

    def send(self, text: str, ending: LineEnding) -> None:
        assert self.transport is not None
        data = self.session.send(text, ending, time.perf_counter())
        self.transport.write(data)
        self._client.emit(MessageSent(data, time.time()))

    def request_disconnect(self, ending: LineEnding) -> None:
        """Send DESCONEXION, then close ourselves if the server has not within the grace time."""
        assert self.transport is not None
        data = ClientSession.disconnect_request(ending)
        self.transport.write(data)
        self._client.emit(MessageSent(data, time.time()))
        self.reason = DisconnectReason.REQUESTED
        loop = asyncio.get_running_loop()
        self._grace_timer = loop.call_later(DISCONNECT_GRACE_SECONDS, self._give_up_waiting)

    def _give_up_waiting(self) -> None:
        self.reason = DisconnectReason.NO_CLOSE_FROM_SERVER
        if self.transport is not None:
            self.transport.abort()

    def close_now(self) -> None:
        if self.reason is None or self.reason is DisconnectReason.REQUESTED:
            self.reason = DisconnectReason.CLOSED_LOCALLY
        if self.transport is not None:
            self.transport.abort()


class UppercaseClient:
    """A client for the uppercase server, or for any server that answers lines."""

    def __init__(self, on_event: EventCallback) -> None:
        self._on_event = on_event
        self._lock = threading.Lock()
        self._state = ClientState.IDLE
        self._thread: LoopThread | None = None
        self._conn: _ClientConnection | None = None

    @property
    def state(self) -> ClientState:
        return self._state

    def emit(self, event: ClientEvent) -> None:
        self._on_event(event)

    def connect(self, host: str, port: int, timeout: float = DEFAULT_CONNECT_TIMEOUT) -> None:
        """Start connecting; Connected or ClientError follows.

        Raises LocalProtocolError if a connection is already open or on its way.
        """
        with self._lock:
            if self._state is not ClientState.IDLE:
                raise LocalProtocolError(f"client is {self._state.value}; disconnect first")
            self._state = ClientState.CONNECTING
            if self._thread is None:
                self._thread = LoopThread("mayus-client")
            self._thread.submit(self._connect(host, port, timeout))

    async def _connect(self, host: str, port: int, timeout: float) -> None:
        loop = asyncio.get_running_loop()
        conn = _ClientConnection(self, host, port)
        try:
            await asyncio.wait_for(loop.create_connection(lambda: conn, host, port), timeout)
        except (OSError, asyncio.TimeoutError, UnicodeError, ValueError, OverflowError) as exc:
            self._state = ClientState.IDLE
            self.emit(ClientError(error_info(exc, host, port)))
            return
        self._conn = conn
        self._state = ClientState.CONNECTED
        assert conn.transport is not None
        local = conn.transport.get_extra_info("sockname") or ("", 0)
        self.emit(Connected(host, port, int(local[1])))

    def send(self, text: str, ending: LineEnding = DEFAULT_LINE_ENDING) -> None:
        """Send one message; MessageSent, then ReplyReceived when it is answered."""
        self._on_loop(lambda: self._send(text, ending))

    def _send(self, text: str, ending: LineEnding) -> None:
        conn = self._conn
        if conn is None or self._state is not ClientState.CONNECTED:
            self.emit(ClientError(ErrorInfo(ErrorKind.NOT_CONNECTED, "", 0)))
            return
        conn.send(text, ending)

    def disconnect(self, ending: LineEnding = DEFAULT_LINE_ENDING) -> None:
        """Send DESCONEXION and wait (bounded) for the server to close; Disconnected follows."""
        self._on_loop(lambda: self._disconnect(ending))

    def _disconnect(self, ending: LineEnding) -> None:
        conn = self._conn
        if conn is None or self._state is not ClientState.CONNECTED:
            return
        self._state = ClientState.DISCONNECTING
        conn.request_disconnect(ending)

    def connection_ended(self, reason: DisconnectReason) -> None:
        self._conn = None
        self._state = ClientState.IDLE
        self.emit(Disconnected(reason))

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
        thread.submit(asyncio.sleep(0)).result(timeout)  # let connection_lost run
        thread.stop(max(0.0, deadline - time.monotonic()))
        self._state = ClientState.IDLE

    def _on_loop(self, action: Callable[[], object]) -> None:
        thread = self._thread
        if thread is None:
            self.emit(ClientError(ErrorInfo(ErrorKind.NOT_CONNECTED, "", 0)))
            return
        thread.call_soon(action)
