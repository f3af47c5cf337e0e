"""`load`: the load test with no window; progress lines, then the summary (or one JSON object).

Exit codes: 0 when the run met no error, 1 when it did (or could not run), 2 for a bad
option (argparse), 130 when Ctrl+C cancelled it (after the summary of what was done).
"""

from __future__ import annotations

import argparse
import json
import math
import signal
import sys
import threading
import time
from types import FrameType
from typing import Any, TextIO

from core import platforms
from core.addresses import join_host_port
from core.defaults import DEFAULT_HOST, DEFAULT_PORT
from core.load import LoadProgress, LoadResult, Payload, Scenario, run_load, summary
from core.load.scenario import MIN_MESSAGE_BYTES
from words import Translator, detect_os_language
from words.load_summary import summary_lines as result_lines

DEFAULT_CLIENTS = 10
DEFAULT_DURATION_SECONDS = 5.0
# A run of --messages M stops sending after this long all the same: a load test always ends by itself.
MESSAGES_RUN_LIMIT_SECONDS = 3600.0
PRINT_EVERY_SECONDS = 0.5  # progress lines, at most this often
INTERRUPTED_EXIT = 130  # what shells report for a program ended by Ctrl+C

PHASE_WORDS = {
    "starting": "load.phase.starting",
    "connecting": "load.phase.connecting",
    "running": "load.phase.running",
    "finishing": "load.phase.finishing",
    "done": "load.phase.done",
}
PAYLOAD_WORDS = {Payload.SPANISH: "load.payload.spanish", Payload.ASCII: "load.payload.ascii"}


def _whole(low: int, high: int | None, what: str) -> Any:
    def check(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            value = low - 1
        if value < low or (high is not None and value > high):
            span = f"from {low} to {high}" if high is not None else f"of at least {low}"
            raise argparse.ArgumentTypeError(f"{what} must be a whole number {span}")
        return value

    return check


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not (math.isfinite(value) and value > 0):
        raise argparse.ArgumentTypeError("the duration must be a number of seconds above 0")
    return value


def register(sub: Any) -> None:
    p = sub.add_parser("load", help="load test: many clients at once, every reply checked")
    p.add_argument("--host", default=DEFAULT_HOST, help="the only host contacted")
    p.add_argument("--port", type=_whole(1, 65535, "the port"), default=DEFAULT_PORT)
    p.add_argument("--clients", type=_whole(1, None, "clients"), default=DEFAULT_CLIENTS)
    bound = p.add_mutually_exclusive_group()
    bound.add_argument("--messages", type=_whole(1, None, "messages"), help="messages in total, then stop")
    bound.add_argument(
        "--duration", type=_seconds, help=f"seconds of sending, then stop (default {DEFAULT_DURATION_SECONDS:g})"
    )
    p.add_argument(
        "--size", type=_whole(MIN_MESSAGE_BYTES, None, "the size"), default=64, help="bytes per message, LF included"
    )
    p.add_argument("--in-flight", type=_whole(1, None, "in flight"), default=1, help="per client; 1 is ping-pong")
    p.add_argument("--payload", choices=[p.value for p in Payload], default=Payload.SPANISH.value)
    p.add_argument("--json", action="store_true", help="print one JSON object on stdout (progress goes to stderr)")
    p.add_argument("--lang", choices=("es", "en"), default=None, help="language (default: the system's)")
    p.set_defaults(run=lambda args: run(args, p))


def scenario_from(args: argparse.Namespace) -> Scenario:
    duration = MESSAGES_RUN_LIMIT_SECONDS if args.messages is not None else args.duration or DEFAULT_DURATION_SECONDS
    return Scenario(
        "load",
        clients=args.clients,
        messages=args.messages,
        message_bytes=args.size,
        in_flight=args.in_flight,
        duration=duration,
        payload=Payload(args.payload),
    )


def run(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    try:
        scenario = scenario_from(args)
    except ValueError as exc:  # options fine one by one, not together (in flight x size too large)
        parser.error(str(exc))
    tr = Translator(args.lang or detect_os_language())
    return load(args.host, args.port, scenario, tr, as_json=args.json)


def describe_start(host: str, port: int, scenario: Scenario, tr: Translator) -> str:
    if scenario.messages is not None:
        bound = tr("load.bound.messages", messages=tr.count(scenario.messages))
    else:
        bound = tr("load.bound.duration", seconds=tr.decimal(scenario.duration, 1))
    return tr(
        "load.start",
        address=join_host_port(host, port),
        clients=tr.count(scenario.clients),
        bound=bound,
        size=tr.count(scenario.message_bytes),
        in_flight=tr.count(scenario.in_flight),
        payload=tr(PAYLOAD_WORDS[scenario.payload]),
    )


def progress_line(progress: LoadProgress, tr: Translator) -> str:
    if progress.remaining_messages is not None:
        remaining = tr("load.remaining.messages", messages=tr.count(progress.remaining_messages))
    else:
        remaining = tr("load.remaining.seconds", seconds=tr.decimal(progress.remaining_seconds, 1))
    return tr(
        "load.progress",
        elapsed=tr.decimal(progress.elapsed, 1),
        phase=tr(PHASE_WORDS[progress.phase]),
        connected=tr.count(progress.connected),
        messages=tr.count(progress.completed),
        rate=tr.count(round(progress.interval_messages_per_second)),
        p50=tr.decimal(progress.interval_p50 * 1000, 2),
        p99=tr.decimal(progress.interval_p99 * 1000, 2),
        errors=tr.count(progress.error_count),
        remaining=remaining,
    )


def summary_lines(result: LoadResult, tr: Translator) -> list[str]:
    """The summary printed at the end: its title, then the sentences the window's load view shows too."""
    return [tr("load.summary.title"), *result_lines(result, tr)]


class _ProgressPrinter:
    """Prints a progress line at most every PRINT_EVERY_SECONDS; on a terminal it rewrites one line."""

    def __init__(self, out: TextIO, tr: Translator) -> None:
        self._out, self._tr = out, tr
        self._rewrite = out.isatty()
        self._last = -math.inf
        self._width = 0

    def __call__(self, progress: LoadProgress) -> None:
        now = time.monotonic()
        if progress.phase != "done" and now - self._last < PRINT_EVERY_SECONDS:
            return
        self._last = now
        line = progress_line(progress, self._tr)
        if self._rewrite:
            self._out.write("\r" + line.ljust(self._width) + ("\n" if progress.phase == "done" else ""))
            self._width = len(line)
        else:
            self._out.write(line + "\n")
        self._out.flush()


def load(host: str, port: int, scenario: Scenario, tr: Translator, as_json: bool, out: TextIO = sys.stdout) -> int:
    """Run the load test, printing progress then the summary; returns the exit code.

    Ctrl+C (SIGINT; on Windows Ctrl+Break too) cancels the run (it ends within about a second, its workers too) and
    the summary of what was done is still printed.
    """
    notes = sys.stderr if as_json else out
    cancel = threading.Event()

    def on_signal(signum: int, frame: FrameType | None) -> None:
        cancel.set()

    previous = {signum: signal.signal(signum, on_signal) for signum in platforms.interrupt_signals()}
    try:
        print(describe_start(host, port, scenario, tr), file=notes, flush=True)
        result = run_load(host, port, scenario, on_progress=_ProgressPrinter(notes, tr), cancel=cancel)
    except (OSError, ValueError) as exc:  # the workers could not start at all
        print(tr("load.failed", detail=str(exc) or type(exc).__name__), file=sys.stderr, flush=True)
        return 1
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
    if as_json:
        print(json.dumps(summary(result), ensure_ascii=False), file=out, flush=True)
    else:
        print("\n".join(summary_lines(result, tr)), file=out, flush=True)
    if cancel.is_set():
        return INTERRUPTED_EXIT
    return 1 if result.error_count else 0
