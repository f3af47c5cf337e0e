"""Workbench benchmark: the two numbers issue 7's closing note gives, measured on the real window.

    python -m bench.workbench_bench [--lines N] [--runs N] [--repeats N]

1. Search: the window's conversation log holds N lines (5,000: all it keeps) of a made-up
   session between a device and its clients. Each query (a word on many lines, a rare
   word, a regular expression) is searched `runs` times, each time from the whole log,
   timed from the call to the end of Tk's redraw (update_idletasks): median and max. The
   matching lines and highlights are checked against Python's own count.
2. Repeat: the window's own server started from its panel, its client connected, a
   message repeated every 10 ms with the Repeat button, under Tk's own mainloop. A 10 ms
   `after()` tick measures how late Tk fires timers meanwhile (p50, p99, max); the sends,
   stamped as they went out, tell whether the repeat kept its schedule (send k due at
   start + k·10 ms).

Prints every figure and PASS/FAIL against the targets; the exit code is 1 only for a fault
(a wrong count, a message not answered, an error inside Tk), never for a slow machine.
Needs X: uses DISPLAY, or starts its own Xvfb when DISPLAY is unset.
"""

from __future__ import annotations

import argparse
import gc
import os
import platform
import random
import re
import signal
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

import psutil

from bench.figures import ms
from bench.gui_bench import Verdicts, report_tick_delays, verdict
from bench.gui_display import missing_display, screen
from bench.machine import header_lines
from tests.support.window import (
    connect_client,
    fill_log,
    open_window,
    record_callback_errors,
    repeat_counts,
    sent_by_the_client,
    set_up_repeat,
    settle,
    start_server,
)

LOG_LINES = 5_000  # what the log keeps (gui/parts/log_model.py MAX_LOG_LINES): the "5,000 lines"
SEARCH_RUNS = 7
SEARCH_TARGET_SECONDS = 0.100  # "well under 100 ms": every search, not only the median
REPEATS, MAX_REPEATS = 500, 1_000  # the log keeps 4 lines a send: 1,000 sends still fit in it
EVERY_MS = 10
TICK_MS = 10
SCHEDULE_TARGET = 0.01  # the sends may take 1% longer than the schedule says (or one period, if more)
ANSWER_SECONDS = 5.0  # after the last send, every reply must have come by then
SEED = 7

# The queries: (what it is, the text typed, regex or not). The session below is made so that each finds
# what it says: "ping" on many lines, "alarm" on about 1 in 100, the regex on a third of them.
QUERIES = (
    ("a word on many lines", "ping", False),
    ("a rare word", "alarm", False),
    ("a regular expression", r"temp\w*=\d+\.\d", True),
)
_WORDS = ("hola", "servidor", "ping", "ok", "stat", "alfa", "beta", "ñandú", "desconexion", "valor")


def session(lines: int, seed: int = SEED) -> list[bytes]:
    """`lines` messages such as a device and its clients exchange: words, readings, now and then an alarm."""
    chance = random.Random(seed)
    messages = []
    for _ in range(lines):
        words = [chance.choice(_WORDS) for _ in range(chance.randint(1, 10))]
        if chance.random() < 0.3:
            words.insert(chance.randrange(len(words) + 1), f"temperatura={chance.uniform(-10, 40):.1f}")
        if chance.random() < 0.01:
            words.append("ALARM")
        messages.append(" ".join(words).encode() + chance.choice((b"\n", b"\r\n", b"\r", b"")))
    return messages


@dataclass
class SearchResult:
    what: str
    text: str
    regex: bool
    times: list[float]  # seconds, one per run
    cpu: list[float]  # this process's processor seconds in the same runs (what a busy machine inflates less)
    lines: int  # matching lines shown
    expected_lines: int
    highlights: int
    expected_highlights: int

    @property
    def right(self) -> bool:
        return self.lines == self.expected_lines and self.highlights == self.expected_highlights


@dataclass
class RepeatRun:
    count: int
    every_ms: int
    sent: int
    answered: int
    hint: str  # the client panel's words at the end
    sends: list[float]  # perf_counter seconds at which each message went out (the log's stamps)
    tick_delays: list[float] = field(default_factory=list)  # seconds late, while repeating
    finished: bool = True  # the repeat ended and its replies came within the time allowed
    callback_errors: list[str] = field(default_factory=list)

    @property
    def span(self) -> float:
        return self.sends[-1] - self.sends[0] if len(self.sends) > 1 else 0.0

    @property
    def ideal(self) -> float:
        return (self.count - 1) * self.every_ms / 1000


def _expected(messages: Sequence[bytes], text: str, regex: bool) -> tuple[int, int]:
    """Matching lines and matches, as the search should find them (case ignored, in the text before the ending)."""
    pattern = re.compile(text if regex else re.escape(text), re.IGNORECASE)
    lines = matches = 0
    for data in messages:
        body = data.rstrip(b"\r\n").decode()
        found = sum(1 for m in pattern.finditer(body) if m.end() > m.start())
        lines += found > 0
        matches += found
    return lines, matches


@dataclass
class SearchRun:
    results: list[SearchResult]
    held: int  # lines the log held
    tk_version: str
    callback_errors: list[str]


def measure_search(settings_path: Path, lines: int, runs: int) -> SearchRun:
    """Fill the window's log with `lines` lines, then time each query."""
    app = open_window(settings_path)
    errors = record_callback_errors(app)
    try:
        messages = session(lines)
        fill_log(app, messages)
        held = len(app.log.model)
        results = []
        for what, text, regex in QUERIES:
            times, cpu = [], []
            for _ in range(runs):
                app.log.clear_search()  # each search starts from the whole log
                settle(app)
                began, began_cpu = time.perf_counter(), time.process_time()
                app.log.search(text, regex=regex)
                app.update_idletasks()  # the redraw: until then the user sees nothing
                times.append(time.perf_counter() - began)
                cpu.append(time.process_time() - began_cpu)
            expected_lines, expected_matches = _expected(messages, text, regex)
            found = len(app.log.highlighted())
            shown = app.log.matches
            results.append(SearchResult(what, text, regex, times, cpu, shown, expected_lines, found, expected_matches))
            settle(app)
        return SearchRun(results, held, str(app.tk.call("info", "patchlevel")), errors)
    finally:
        app.close()


def measure_repeat(settings_path: Path, count: int, every_ms: int) -> RepeatRun:
    """The window's client repeats a message every `every_ms` to the window's own server, under mainloop."""
    app = open_window(settings_path)
    errors = record_callback_errors(app)
    try:
        app.update()
        connect_client(app, start_server(app))
        panel = app.client_panel
        set_up_repeat(app, "ping", every_ms, count)
        delays: list[float] = []
        due = [0.0]
        ended_at: list[float] = []
        limit = count * every_ms / 1000 * 2 + ANSWER_SECONDS

        def answered() -> int:
            return repeat_counts(app)[1]

        def tick() -> None:
            now = time.perf_counter()
            if panel.repeating:
                delays.append(now - due[0])
            elif not ended_at:
                ended_at.append(now)
            over = ended_at and (answered() >= count or now - ended_at[0] > ANSWER_SECONDS)
            if over or now - began > limit:
                app.quit()
                return
            due[0] = now + TICK_MS / 1000
            app.after(TICK_MS, tick)

        began = time.perf_counter()
        panel.repeat_button.invoke()
        due[0] = time.perf_counter() + TICK_MS / 1000
        app.after(TICK_MS, tick)
        app.mainloop()
        finished = bool(ended_at) and answered() >= count
        sends = [entry.mono for entry in sent_by_the_client(app)]
        sent, answered_now = repeat_counts(app)
        hint = str(panel.hint.cget("text"))
        return RepeatRun(count, every_ms, sent, answered_now, hint, sends, delays, finished, errors)
    finally:
        app.close()


def report_search(run: SearchRun, runs: int, verdicts: Verdicts) -> None:
    results, held, errors = run.results, run.held, run.callback_errors
    print(
        f"\n== search: the conversation log holding {held:,} lines (Tk {run.tk_version}); each query searched "
        f"{runs} times from the whole log, timed to the end of Tk's redraw"
    )
    width = max(len(r.text) for r in results) + 2
    for r in results:
        check = "" if r.right else f"  WRONG: expected {r.expected_lines:,} lines, {r.expected_highlights:,} matches"
        quoted = f"'{r.text}'"
        print(
            f"  {quoted:<{width}}  ({r.what}): {r.lines:,} matching lines, {r.highlights:,} highlighted: "
            f"median {ms(statistics.median(r.times))}, max {ms(max(r.times))} "
            f"(processor: median {ms(statistics.median(r.cpu))}){check}"
        )
    every = [t for r in results for t in r.times]
    every_cpu = [t for r in results for t in r.cpu]
    quick = max(every) < SEARCH_TARGET_SECONDS
    print(
        f"  search time over {held:,} lines: median {ms(statistics.median(every))}, max {ms(max(every))} "
        f"(processor: median {ms(statistics.median(every_cpu))}, max {ms(max(every_cpu))}; {len(every)} searches; "
        f"target: every search < {SEARCH_TARGET_SECONDS * 1000:.0f} ms): {verdict(quick)}"
    )
    if errors:
        print(f"  errors inside Tk callbacks: {errors}")
    verdicts.targets["search time"] = quick
    verdicts.correct["search counts"] = all(r.right for r in results)
    verdicts.correct["no callback errors (search)"] = not errors


def report_repeat(run: RepeatRun, verdicts: Verdicts) -> None:
    print(
        f"\n== repeat: 'ping' every {run.every_ms} ms × {run.count:,} from the window's client to its own server, "
        "Tk's mainloop running"
    )
    answered = run.finished and run.sent == run.count == run.answered == len(run.sends)
    print(
        f"  sent {run.sent:,}, answered {run.answered:,}, in the log {len(run.sends):,} "
        f"(the client panel: {run.hint!r}): {verdict(answered)}"
    )
    late = run.span - run.ideal
    allowed = max(SCHEDULE_TARGET * run.ideal, run.every_ms / 1000)
    kept = run.ideal > 0 and late <= allowed
    print(
        f"  schedule: {len(run.sends):,} sends took {run.span:.3f} s (ideal {run.ideal:.3f} s: "
        f"{run.count - 1:,} × {run.every_ms} ms), {late * 1000:+.1f} ms "
        f"(target: at most {allowed * 1000:.0f} ms more, {SCHEDULE_TARGET:.0%} or one period): {verdict(kept)}"
    )
    report_tick_delays(run.tick_delays, "while repeating", "tick delay (repeat)", verdicts, TICK_MS)
    if run.callback_errors:
        print(f"  errors inside Tk callbacks: {run.callback_errors}")
    verdicts.targets["repeat schedule"] = kept
    verdicts.correct["every send answered"] = answered
    verdicts.correct["no callback errors (repeat)"] = not run.callback_errors


def _at_least(lowest: int, highest: int | None = None) -> Callable[[str], int]:
    def number(text: str) -> int:
        value = int(text)
        if value < lowest or (highest is not None and value > highest):
            top = f" to {highest:,}" if highest is not None else " or more"
            raise argparse.ArgumentTypeError(f"{text}: give a whole number from {lowest:,}{top}")
        return value

    return number


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.workbench_bench", description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=_at_least(10, LOG_LINES), default=LOG_LINES, help="lines in the log")
    parser.add_argument("--runs", type=_at_least(1), default=SEARCH_RUNS, help="searches of each query")
    parser.add_argument("--repeats", type=_at_least(2, MAX_REPEATS), default=REPEATS, help="sends of the repeat")
    args = parser.parse_args(argv)
    argv = sys.argv[1:] if argv is None else list(argv)
    why = missing_display()
    if why is not None:
        print(f"bench-workbench: skipped, {why}")
        return 0
    signal.signal(signal.SIGTERM, lambda signum, _frame: sys.exit(128 + signum))
    began = time.monotonic()
    external_display = bool(os.environ.get("DISPLAY"))
    with screen() as display, tempfile.TemporaryDirectory(prefix="mayus-workbench-bench-") as scratch:
        for line in header_lines("bench.workbench_bench", argv):
            print(line)
        print(f"python:  {platform.python_version()}, customtkinter {metadata.version('customtkinter')}")
        where = "from DISPLAY" if external_display else "Xvfb started by the bench"
        print(f"display: {display} ({where})")
        loads = ", ".join(f"{value:.2f}" for value in psutil.getloadavg())
        print(f"load:    {loads} (1, 5, 15 min: other work on the machine slows every figure)")
        verdicts = Verdicts()
        searched = measure_search(Path(scratch) / "search.json", args.lines, args.runs)
        gc.collect()  # free the closed window here, on the Tk thread
        report_search(searched, args.runs, verdicts)
        run = measure_repeat(Path(scratch) / "repeat.json", args.repeats, EVERY_MS)
        gc.collect()
        report_repeat(run, verdicts)
    return verdicts.conclude(began)


if __name__ == "__main__":
    sys.exit(main())
