"""Mayus: the composition root.

`python main.py` opens the window; `serve`, `connect` and `send` run headless.
"""

from __future__ import annotations

import argparse
import multiprocessing
import sys
from collections.abc import Sequence

from core.defaults import DEFAULT_CONNECT_TIMEOUT, DEFAULT_HOST, DEFAULT_MAX_CONNECTIONS, DEFAULT_PORT, LineEnding

ENDINGS = {"none": LineEnding.NONE, "lf": LineEnding.LF, "crlf": LineEnding.CRLF}


def _port(text: str) -> int:
    value = int(text)
    if not 0 <= value <= 65535:
        raise argparse.ArgumentTypeError("a port is a number from 0 to 65535")
    return value


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="mayus", description="Uppercase TCP server and client.")
    sub = parser.add_subparsers(dest="command")

    serve = sub.add_parser("serve", help="run the server with no window")
    serve.add_argument("--host", default=DEFAULT_HOST, help="address to listen on (0.0.0.0: every interface)")
    serve.add_argument("--port", type=_port, default=DEFAULT_PORT, help="0 picks a free port")
    serve.add_argument("--max-connections", type=int, default=DEFAULT_MAX_CONNECTIONS)
    serve.add_argument("--idle-timeout", type=float, default=None, help="seconds; off by default")
    serve.add_argument("--quiet", action="store_true", help="log only start, stop and errors")

    for name, text in (("connect", "interactive client"), ("send", "send each TEXT, print each reply")):
        p = sub.add_parser(name, help=text)
        p.add_argument("--host", default=DEFAULT_HOST)
        p.add_argument("--port", type=_port, default=DEFAULT_PORT)
        p.add_argument("--ending", choices=sorted(ENDINGS), default="lf", help="line ending added to each message")
        p.add_argument("--timeout", type=float, default=DEFAULT_CONNECT_TIMEOUT, help="connect timeout, seconds")
        if name == "send":
            p.add_argument("texts", nargs="+", metavar="TEXT")
    return parser


def run_app() -> int:
    """Open the window (the gui-scripts entry point)."""
    from gui.app import run

    exit_code: int = run()
    return exit_code


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.command is None:
        return run_app()

    import cli
    from core.server import ServerConfig

    if args.command == "serve":
        config = ServerConfig(
            host=args.host,
            port=args.port,
            max_connections=args.max_connections,
            idle_timeout=args.idle_timeout,
            message_events=not args.quiet,
        )
        return cli.serve(config, quiet=args.quiet)
    ending = ENDINGS[args.ending]
    if args.command == "connect":
        return cli.connect(args.host, args.port, ending, args.timeout)
    return cli.send(args.host, args.port, args.texts, ending, args.timeout)


if __name__ == "__main__":
    # A frozen executable re-runs itself for each load-generator worker process:
    # freeze_support() turns those runs into workers instead of new windows.
    multiprocessing.freeze_support()
    sys.exit(main())
