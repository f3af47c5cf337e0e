"""`serve`: the uppercase server with no window, one log line per event, in the user's language."""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from types import FrameType
from typing import Any

from cli.log_writer import LogWriter
from cli.options import add_language, port, positive_count, positive_seconds, translator
from cli.tls import add_server_options, server_identity
from core import platforms
from core.addresses import join_addresses, join_host_port
from core.defaults import DEFAULT_HOST, DEFAULT_PORT, DEFAULT_REPLY_BUDGET
from core.errors import MayusError, NetworkError, error_info
from core.events import (
    AcceptPaused,
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
from core.tls import TlsIdentity, server_context
from words import Translator
from words.formats import clock_ms

MIB = 1024 * 1024
STDOUT_FD = 1
LOG_MESSAGE_CHARS = 200  # a longer message is logged cut, with its size
LOG_FLUSH_SECONDS = 1.0  # how long a stop waits for the log to be written; a reader that does not read loses it


def register(sub: Any) -> None:
    p = sub.add_parser("serve", help="run the server with no window")
    p.add_argument(
        "--host",
        default=DEFAULT_HOST,
        help="localhost (default): this computer only, IPv4 and IPv6; '::': every interface, IPv4 and IPv6; "
        "0.0.0.0: every IPv4 interface; or one address of this computer",
    )
    p.add_argument("--port", type=port, default=DEFAULT_PORT, help="0 picks a free port")
    p.add_argument(
        "--max-connections", type=positive_count, default=None, help="default: what the open-file limit allows"
    )
    p.add_argument("--idle-timeout", type=positive_seconds, default=None, help="seconds; off by default")
    p.add_argument(
        "--reply-budget",
        type=positive_count,
        default=DEFAULT_REPLY_BUDGET // MIB,
        metavar="MIB",
        help="unsent replies held for all clients together, in MiB (default: %(default)s)",
    )
    p.add_argument("--quiet", action="store_true", help="log only start, stop and errors")
    add_server_options(p)
    add_language(p)
    p.set_defaults(run=run, parser=p)


def run(args: argparse.Namespace) -> int:
    tr = translator(args)
    try:
        identity = server_identity(args)
        tls = None if identity is None else server_context(identity)
    except argparse.ArgumentTypeError as exc:  # usage, then one line; exit 2
        args.parser.error(str(exc))
    except MayusError as exc:  # a certificate or key that cannot be read, used or saved
        print(tr("cli.error", error=tr.error(error_info(exc, args.host, args.port))), file=sys.stderr)
        return 1
    config = ServerConfig(
        host=args.host,
        port=args.port,
        max_connections=args.max_connections,
        idle_timeout=args.idle_timeout,
        message_events=not args.quiet,
        client_stats=False,
        reply_budget=args.reply_budget * MIB,
        tls=tls,
    )
    return serve(config, tr, quiet=args.quiet, identity=identity)


def format_server_event(event: Event, tr: Translator, quiet: bool) -> str | None:
    """One log line for a server event, or None if it is not shown."""
    match event:
        case ServerStarted(port=port, addresses=addresses, max_connections=clients, open_files=limit):
            listening = tr("cli.serve.listening", address=join_addresses(addresses, port))
            return f"{listening}; {tr.capacity(clients, limit)}"
        case ServerStopped(error=None):
            return tr("cli.serve.stopped")
        case ServerStopped(error=error) if error is not None:
            return tr("cli.error", error=tr.error(error))
        case AcceptPaused(failures=failures):
            return tr("server.accept_paused", count=tr.count(failures))
        case ClientConnected(client_id=cid, host=host, port=port) if not quiet:
            return tr("cli.serve.client_connected", client=cid, address=join_host_port(host, port))
        case ClientDisconnected(client_id=cid, reason=reason, error=error) if not quiet or error is not None:
            said = tr.reason(reason) if error is None else tr.error(error)  # TLS: what failed, in plain words
            return tr("cli.serve.client_disconnected", client=cid, reason=said)
        case MessageReceived(client_id=cid, data=data, size=size, continued=continued) if not quiet:
            return tr("cli.serve.received", client=cid, message=_message(data, size, tr) + _continued(continued, tr))
        case ReplySent(client_id=cid, data=data, size=size, continued=continued) if not quiet:
            return tr("cli.serve.replied", client=cid, message=_message(data, size, tr) + _continued(continued, tr))
    return None


def _continued(continued: bool, tr: Translator) -> str:
    """A long line is logged a piece per read: the later pieces say they are not new messages."""
    return f"  ({tr('session.continued')})" if continued else ""


def _message(data: bytes, size: int, tr: Translator) -> str:
    """A message as one log line: its first LOG_MESSAGE_CHARS characters, and its size when that is not all."""
    text = visible(data)
    if len(text) <= LOG_MESSAGE_CHARS and len(data) == size:
        return text
    return f"{text[:LOG_MESSAGE_CHARS]}{tr('cli.serve.cut', size=tr.count(size))}"


def serve(
    config: ServerConfig, tr: Translator, quiet: bool, out_fd: int = STDOUT_FD, identity: TlsIdentity | None = None
) -> int:
    """Run the server until Ctrl+C or SIGTERM; log its events to `out_fd`. Returns the exit code.

    With `identity` (a TLS server: `config.tls` presents it), the log says which certificate it is,
    with its fingerprint, once the server listens.

    The log goes through a LogWriter: a slow or absent reader of the output costs log
    lines (counted), never the server's time, and a closed output turns the log off.
    """
    log = LogWriter(out_fd, sys.stdout.encoding or "utf-8", lambda n: tr("cli.serve.dropped", count=tr.count(n)))
    last_stats: list[ServerStats] = []

    def on_event(event: Event) -> None:
        if isinstance(event, ServerStats):
            last_stats[:] = [event]
        line = format_server_event(event, tr, quiet)
        if line is not None:
            log.write(f"{clock_ms(event.when.wall)} {line}")
        if isinstance(event, ServerStarted) and identity is not None:
            log.write(f"{clock_ms(event.when.wall)} {tr.tls_identity(identity)}")

    stop = threading.Event()

    def on_signal(signum: int, frame: FrameType | None) -> None:
        stop.set()

    # Ctrl+C (SIGINT) and SIGTERM only set a flag, so they can arrive at any moment,
    # even during start-up, and still end in a clean stop.
    for signum in platforms.stop_signals():
        signal.signal(signum, on_signal)
    server = UppercaseServer(config, on_event)
    server.start()
    try:
        server.wait_started()
    except NetworkError:
        log.close(LOG_FLUSH_SECONDS)
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
        log.write(f"{clock_ms(s.when.wall)} {totals}")
    log.close(LOG_FLUSH_SECONDS)
    return 0
