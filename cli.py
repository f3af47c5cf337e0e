"""The headless faces of Mayus: `serve`, `connect` and `send` in a terminal."""

from __future__ import annotations

import signal
import sys
import threading
import time
from collections.abc import Sequence
from types import FrameType
from typing import TextIO, cast

from core.client import UppercaseClient
from core.defaults import DISCONNECT_GRACE_SECONDS, DISCONNECT_WORD, LineEnding
from core.errors import NetworkError
from core.events import (
    ClientConnected,
    ClientDisconnected,
    ClientError,
    Connected,
    Disconnected,
    DisconnectReason,
    Event,
    MessageReceived,
    ReplyReceived,
    ReplySent,
    ServerError,
    ServerStarted,
    ServerStats,
    ServerStopped,
)
from core.recorder import EventRecorder
from core.server import ServerConfig, UppercaseServer
from core.text import visible

REPLY_TIMEOUT_SECONDS = 5.0

REASON_WORDS = {
    DisconnectReason.REQUESTED: "requested disconnect",
    DisconnectReason.CLOSED_BY_PEER: "closed by the other side",
    DisconnectReason.RESET: "connection reset",
    DisconnectReason.IDLE_TIMEOUT: "idle timeout",
    DisconnectReason.KICKED: "disconnected by the server",
    DisconnectReason.SERVER_STOPPED: "server stopped",
    DisconnectReason.LIMIT_REACHED: "connection limit reached",
    DisconnectReason.NO_CLOSE_FROM_SERVER: "server did not close; closed by the client",
    DisconnectReason.CLOSED_LOCALLY: "closed by this program",
}


def _stamp() -> str:
    now = time.time()
    return time.strftime("%H:%M:%S", time.localtime(now)) + f".{int(now % 1 * 1000):03d}"


def format_server_event(event: Event, quiet: bool) -> str | None:
    """One log line for a server event, or None if it is not shown."""
    match event:
        case ServerStarted(host=host, port=port):
            return f"listening on {host}:{port} (Ctrl+C stops)"
        case ServerStopped():
            return "server stopped"
        case ServerError(error=error):
            return f"error: {error.message}"
        case ClientConnected(client_id=cid, host=host, port=port) if not quiet:
            return f"client #{cid} connected from {host}:{port}"
        case ClientDisconnected(client_id=cid, reason=reason) if not quiet:
            return f"client #{cid} disconnected ({REASON_WORDS[reason]})"
        case MessageReceived(client_id=cid, data=data) if not quiet:
            return f"client #{cid} -> {visible(data)}"
        case ReplySent(client_id=cid, data=data) if not quiet:
            return f"client #{cid} <- {visible(data)}"
        case ServerStats(summarised_messages=n) if n and not quiet:
            return None  # counts are in the final summary line
    return None


def serve(config: ServerConfig, quiet: bool, out: TextIO = sys.stdout) -> int:
    """Run the server until Ctrl+C or SIGTERM; print events as log lines."""
    last_stats: list[ServerStats] = []

    def on_event(event: Event) -> None:
        if isinstance(event, ServerStats):
            last_stats[:] = [event]
        line = format_server_event(event, quiet)
        if line is not None:
            print(f"{_stamp()} {line}", file=out, flush=True)

    stop = threading.Event()

    def on_signal(signum: int, frame: FrameType | None) -> None:
        stop.set()

    # Ctrl+C (SIGINT) and SIGTERM only set a flag, so they can arrive at any moment,
    # even during start-up, and still end in a clean stop.
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, on_signal)
    server = UppercaseServer(config, on_event)
    server.start()
    try:
        server.wait_started()
    except NetworkError:
        return 1
    try:
        stop.wait()
    finally:
        server.stop()
    if last_stats:
        s = last_stats[0]
        print(
            f"{_stamp()} totals: {s.messages_in} messages in, {s.messages_out} replies, "
            f"{s.bytes_in} bytes in, {s.bytes_out} bytes out",
            file=out,
            flush=True,
        )
    return 0


class _Session:
    """A connected client with blocking helpers for the terminal faces."""

    def __init__(self, host: str, port: int, timeout: float) -> None:
        self.events = EventRecorder()
        self.client = UppercaseClient(self.events)
        mark = self.events.mark()
        self.client.connect(host, port, timeout)
        first = self.events.wait_for(object, timeout + 1.0, lambda e: isinstance(e, (Connected, ClientError)), mark)
        if isinstance(first, ClientError):
            self.client.close()
            raise NetworkError(first.error)

    def ask(self, text: str, ending: LineEnding) -> ReplyReceived | Disconnected:
        """Send one message; return its reply, or Disconnected if the server closed."""
        mark = self.events.mark()
        self.client.send(text, ending)
        answer = self.events.wait_for(
            object,
            REPLY_TIMEOUT_SECONDS,
            lambda e: isinstance(e, Disconnected) or (isinstance(e, ReplyReceived) and e.rtt is not None),
            mark,
        )
        return cast(ReplyReceived | Disconnected, answer)

    def end(self, ending: LineEnding) -> Disconnected:
        mark = self.events.mark()
        self.client.disconnect(ending)
        try:
            return self.events.wait_for(Disconnected, DISCONNECT_GRACE_SECONDS + 1.0, after=mark)
        finally:
            self.client.close()


def _describe_reply(event: ReplyReceived | Disconnected) -> str:
    if isinstance(event, Disconnected):
        return f"(connection closed: {REASON_WORDS[event.reason]})"
    assert event.rtt is not None
    return f"{visible(event.data)}  ({event.rtt * 1000:.1f} ms)"


def connect(host: str, port: int, ending: LineEnding, timeout: float, stdin: TextIO = sys.stdin) -> int:
    """Interactive client: each typed line is sent; DESCONEXION or Ctrl+D ends."""
    try:
        session = _Session(host, port, timeout)
    except NetworkError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(f"connected to {host}:{port}; type a message, {DISCONNECT_WORD} or Ctrl+D to end", flush=True)
    try:
        for raw in stdin:
            text = raw.rstrip("\r\n")
            if text.strip().upper() == DISCONNECT_WORD:
                break
            try:
                reply = session.ask(text, ending)
            except TimeoutError:
                print(f"(no reply within {REPLY_TIMEOUT_SECONDS:.0f} s)", flush=True)
                continue
            print(_describe_reply(reply), flush=True)
            if isinstance(reply, Disconnected):
                session.client.close()
                return 1
    except KeyboardInterrupt:
        pass
    ended = session.end(ending)
    print(f"disconnected ({REASON_WORDS[ended.reason]})", flush=True)
    return 0


def send(host: str, port: int, texts: Sequence[str], ending: LineEnding, timeout: float) -> int:
    """Send each text, print each reply; exit 0, or 1 with a one-line error."""
    try:
        session = _Session(host, port, timeout)
    except NetworkError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    try:
        for text in texts:
            reply = session.ask(text, ending)
            if isinstance(reply, Disconnected):
                print(f"error: {_describe_reply(reply)}", file=sys.stderr)
                return 1
            print(visible(reply.data), flush=True)
    except TimeoutError:
        print(f"error: no reply within {REPLY_TIMEOUT_SECONDS:.0f} s", file=sys.stderr)
        session.client.close()
        return 1
    session.end(ending)
    return 0
