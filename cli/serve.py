"""`serve`: the uppercase server with no window, one log line per event, in the user's language."""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from types import FrameType
from typing import Any, TextIO

from cli.options import add_language, port, translator
from core.defaults import DEFAULT_HOST, DEFAULT_MAX_CONNECTIONS, DEFAULT_PORT
from core.errors import NetworkError
from core.events import (
    ClientConnected,
    ClientDisconnected,
    Event,
    MessageReceived,
    ReplySent,
    ServerStarted,
    ServerStats,
    ServerStopped,
)
from core.server import ServerConfig, UppercaseServer
from core.text import visible
from words import Translator
from words.formats import clock_ms


def register(sub: Any) -> None:
    p = sub.add_parser("serve", help="run the server with no window")
    p.add_argument("--host", default=DEFAULT_HOST, help="address to listen on (0.0.0.0: every interface)")
    p.add_argument("--port", type=port, default=DEFAULT_PORT, help="0 picks a free port")
    p.add_argument("--max-connections", type=int, default=DEFAULT_MAX_CONNECTIONS)
    p.add_argument("--idle-timeout", type=float, default=None, help="seconds; off by default")
    p.add_argument("--quiet", action="store_true", help="log only start, stop and errors")
    add_language(p)
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    config = ServerConfig(
        host=args.host,
        port=args.port,
        max_connections=args.max_connections,
        idle_timeout=args.idle_timeout,
        message_events=not args.quiet,
    )
    return serve(config, translator(args), quiet=args.quiet)


def format_server_event(event: Event, tr: Translator, quiet: bool) -> str | None:
    """One log line for a server event, or None if it is not shown."""
    match event:
        case ServerStarted(host=host, port=port):
            return tr("cli.serve.listening", host=host, port=port)
        case ServerStopped(error=None):
            return tr("cli.serve.stopped")
        case ServerStopped(error=error) if error is not None:
            return tr("cli.error", error=tr.error(error))
        case ClientConnected(client_id=cid, host=host, port=port) if not quiet:
            return tr("cli.serve.client_connected", client=cid, host=host, port=port)
        case ClientDisconnected(client_id=cid, reason=reason) if not quiet:
            return tr("cli.serve.client_disconnected", client=cid, reason=tr.reason(reason))
        case MessageReceived(client_id=cid, data=data) if not quiet:
            return f"client #{cid} -> {visible(data)}"
        case ReplySent(client_id=cid, data=data) if not quiet:
            return f"client #{cid} <- {visible(data)}"
    return None


def serve(config: ServerConfig, tr: Translator, quiet: bool, out: TextIO = sys.stdout) -> int:
    """Run the server until Ctrl+C or SIGTERM; print events as log lines. Returns the exit code."""
    last_stats: list[ServerStats] = []

    def on_event(event: Event) -> None:
        if isinstance(event, ServerStats):
            last_stats[:] = [event]
        line = format_server_event(event, tr, quiet)
        if line is not None:
            print(f"{clock_ms(event.when.wall)} {line}", file=out, flush=True)

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
        count = tr.count
        totals = tr(
            "cli.serve.totals",
            messages_in=count(s.messages_in),
            messages_out=count(s.messages_out),
            bytes_in=count(s.bytes_in),
            bytes_out=count(s.bytes_out),
            refused=count(s.refused),
        )
        print(f"{clock_ms(s.when.wall)} {totals}", file=out, flush=True)
    return 0
