"""`serve`: the uppercase server with no window, one log line per event."""

from __future__ import annotations

import argparse
import signal
import sys
import threading
import time
from types import FrameType
from typing import Any, TextIO

from cli.options import port
from cli.words import REASON_WORDS
from core.defaults import DEFAULT_HOST, DEFAULT_MAX_CONNECTIONS, DEFAULT_PORT
from core.errors import NetworkError
from core.events import (
    ClientConnected,
    ClientDisconnected,
    Event,
    MessageReceived,
    ReplySent,
    ServerError,
    ServerStarted,
    ServerStats,
    ServerStopped,
)
from core.server import ServerConfig, UppercaseServer
from core.text import visible


def register(sub: Any) -> None:
    p = sub.add_parser("serve", help="run the server with no window")
    p.add_argument("--host", default=DEFAULT_HOST, help="address to listen on (0.0.0.0: every interface)")
    p.add_argument("--port", type=port, default=DEFAULT_PORT, help="0 picks a free port")
    p.add_argument("--max-connections", type=int, default=DEFAULT_MAX_CONNECTIONS)
    p.add_argument("--idle-timeout", type=float, default=None, help="seconds; off by default")
    p.add_argument("--quiet", action="store_true", help="log only start, stop and errors")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    config = ServerConfig(
        host=args.host,
        port=args.port,
        max_connections=args.max_connections,
        idle_timeout=args.idle_timeout,
        message_events=not args.quiet,
    )
    return serve(config, quiet=args.quiet)


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
