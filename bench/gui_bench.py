"""Window benchmark: a responsive window under a flood, the server's throughput with it, startup time.

    python -m bench.gui_bench [--quick] [--processes N] [--startup-runs N]

1. Startup: spawn `python main.py` (fresh config folder) until its window is drawn, a few times.
2. Headless: `main.py serve --quiet` as a subprocess takes the flood; its messages/s is the reference.
3. Window: the real App starts its server from the server panel and runs Tk's mainloop while the
   same flood hits it from load-generator processes. A 10 ms `after()` tick measures how late Tk
   fires timers; once a second the bench reads the window's messages counter and the log's last
   line, which must keep changing; at the end the counter must show the exact total.
4. Self-load: the same flood started FROM THE WINDOW, in its load view ("Use my server", the
   settings typed, Start), so one process runs the server, the load run's bookkeeping and the live
   charts. The same 10 ms tick; once a second the bench reads the live chart's points and last point
   and the server chart's samples, which must keep moving; the server's count must equal the run's.

Prints every figure and PASS/FAIL against the targets; the exit code is 1 if any is missed.
Needs X: uses DISPLAY, or starts its own Xvfb when DISPLAY is unset.
"""

from __future__ import annotations

import argparse
import dataclasses
import gc
import os
import platform
import shlex
import signal
import statistics
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

from bench.figures import ms, percentile
from bench.gui_display import missing_display, screen
from bench.gui_flood import TICK_MS, ChartSample, Sample, SelfLoadRun, WindowRun, flood_window, self_load_window
from bench.gui_startup import StartupRun, measure_startup
from bench.machine import header_lines
from bench.servers import SERVER_COMMANDS, running_server
from core.load import LoadResult, Scenario, default_processes, raise_open_file_limit, run_load
from tests.support.window import counter_value

# The targets (issue 3).
TICK_P99_TARGET_SECONDS = 0.050
THROUGHPUT_RATIO_TARGET = 0.5
STARTUP_TARGET_SECONDS = 1.5

FLOOD = Scenario("1,000 clients flooding", clients=1_000, messages=None, in_flight=8, duration=10.0)
QUICK_FLOOD = Scenario("50 clients flooding (quick)", clients=50, messages=None, in_flight=8, duration=2.0)
# The window's own load test: the same flood, typed into its load view. Quick runs last a little longer,
# so that the once-a-second samples see the charts move at least twice.
SELF_LOAD = FLOOD
QUICK_SELF_LOAD = dataclasses.replace(QUICK_FLOOD, name="50 clients from the load view (quick)", duration=4.0)
CHART_UPDATES_TARGET = 2.0  # the live chart's updates per second while sending (issue 9: "at least twice a second")
STARTUP_RUNS, QUICK_STARTUP_RUNS = 5, 3
GIB = 1024**3
MIB = 1024**2


def verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def mib(size: int) -> str:
    return f"{size / MIB:,.0f} MiB"


def print_rss(peak: int, end: int) -> None:
    """The window's memory: its process and its server's together, as the 1 s sampler saw it."""
    where = "the window's process and its server's"
    print(f"  RSS of {where}: peak {mib(peak)} (sampled once a second), {mib(end)} at the end")


def machine_lines(argv: Sequence[str]) -> list[str]:
    return [
        *header_lines("bench.gui_bench", argv),
        f"python:  {platform.python_version()}, customtkinter {metadata.version('customtkinter')}",
    ]


def describe(scenario: Scenario, processes: int) -> str:
    return (
        f"{scenario.name}: {scenario.clients:,} clients, {scenario.in_flight} in flight each, "
        f"{scenario.message_bytes}-byte messages, for {scenario.duration:g} s, from {processes} load process(es)"
    )


def load_line(result: LoadResult) -> str:
    errors = ", ".join(f"{kind} {count}" for kind, count in result.errors.items() if count) or "none"
    return (
        f"{result.messages_per_second:,.0f} messages/s ({result.completed:,} in {result.elapsed:.1f} s, "
        f"{result.connected:,} connected), latency p50 {ms(result.p50)} p99 {ms(result.p99)}, errors: {errors}"
    )


@dataclass
class Verdicts:
    """What a run showed: timing targets (noisy machines may miss them) and correctness (never missed)."""

    targets: dict[str, bool] = field(default_factory=dict)
    correct: dict[str, bool] = field(default_factory=dict)

    def conclude(self, began: float) -> int:
        """Print the result line (and what was wrong, if anything); return the bench's exit code.

        Exit 1 only for what is never a matter of a slow machine: a timing target is reported, not enforced.
        """
        missed = [name for name, ok in self.targets.items() if not ok]
        wrong = [name for name, ok in self.correct.items() if not ok]
        summary = "all targets met" if not missed else f"missed: {', '.join(missed)}"
        print(f"\nresult: {verdict(not missed)} ({summary}); bench took {time.monotonic() - began:.0f} s")
        if wrong:
            print(f"WRONG: {', '.join(wrong)}")
        return 1 if wrong else 0


def report_startup(runs: list[StartupRun], verdicts: Verdicts) -> None:
    print(f"\n== startup: `python main.py` to a drawn window (fresh config folder, {len(runs)} runs)")
    for number, run in enumerate(runs, start=1):
        after = "clean" if run.clean else "; ".join(run.left_behind)
        print(
            f"  run {number}: mapped {run.mapped:.3f} s, drawn {run.drawn:.3f} s; "
            f"SIGTERM: exit code {run.exit_code}, {after}"
        )
    median = statistics.median(run.drawn for run in runs)
    fast = median < STARTUP_TARGET_SECONDS
    print(f"  startup median: {median:.3f} s (target < {STARTUP_TARGET_SECONDS:g} s): {verdict(fast)}")
    clean = all(run.clean for run in runs)
    print(f"  exits on SIGTERM leaving nothing behind: {verdict(clean)}")
    verdicts.targets["startup"] = fast
    verdicts.correct["clean exit"] = clean


def run_headless(scenario: Scenario, processes: int) -> LoadResult:
    print(f"\n== headless: {shlex.join(['python', *SERVER_COMMANDS['mayus'][1:]])}")
    with running_server("mayus") as server:
        result = run_load(server.host, server.port, scenario, processes=processes)
    print(f"  {load_line(result)}")
    if server.exit_code != 0:
        print(f"  ! the server exited with {server.exit_code}: {' | '.join(server.output[-3:])}")
    return result


def print_sample(sample: Sample) -> None:
    line = sample.last_line if len(sample.last_line) <= 90 else sample.last_line[:87] + "..."
    print(
        f"  {sample.elapsed:5.1f} s  {sample.phase:<10} messages {sample.messages:>12}  "
        f"queued {sample.queued:>5}  log: {line}"
    )


def report_tick_delays(
    delays: Sequence[float], when: str, key: str, verdicts: Verdicts, tick_ms: int = TICK_MS
) -> None:
    """How late the `tick_ms` ticks fired `when` ("during the flood"), against the target; its verdict under `key`.

    No ticks at all is a fault of the run, under "ticks recorded" plus what follows "tick delay" in `key`.
    """
    if not delays:
        print(f"  tick delay {when}: no ticks recorded: FAIL")
        verdicts.correct[key.replace("tick delay", "ticks recorded")] = False
        return
    p99 = percentile(delays, 99)
    quick_enough = p99 < TICK_P99_TARGET_SECONDS
    print(
        f"  tick delay {when} ({len(delays):,} ticks of {tick_ms} ms): p50 {ms(percentile(delays, 50))}, "
        f"p99 {ms(p99)}, max {ms(max(delays))} (target p99 < {TICK_P99_TARGET_SECONDS * 1000:.0f} ms): "
        f"{verdict(quick_enough)}"
    )
    verdicts.targets[key] = quick_enough


def report_other_phases(delays_by_phase: dict[str, list[float]], phases: Sequence[str]) -> None:
    """The tick delays of the phases around the measured one: shown, not judged."""
    for phase in phases:
        delays = delays_by_phase.get(phase, [])
        if delays:
            print(
                f"  tick delay while {phase} (not a target, {len(delays):,} ticks): "
                f"p50 {ms(percentile(delays, 50))}, p99 {ms(percentile(delays, 99))}, max {ms(max(delays))}"
            )


def report_window(run: WindowRun, verdicts: Verdicts) -> None:
    print(f"  Tk {run.tk_version}; {load_line(run.result)}")
    report_tick_delays(run.tick_delays.get("running", []), "during the flood", "tick delay", verdicts)
    report_other_phases(run.tick_delays, ("connecting", "finishing"))
    print("  what the window showed, once a second:")
    for sample in run.samples:
        print_sample(sample)
    frozen = run.frozen()
    moving = len(run.flood_samples) >= 2 and not frozen
    detail = "; ".join(frozen) if frozen else f"{len(run.flood_samples)} samples during the flood"
    print(f"  counter and log kept moving during the flood ({detail}): {verdict(moving)}")
    print_rss(run.peak_rss, run.end_rss)
    exact = counter_value(run.final_counter) == run.result.completed
    print(
        f"  exact count: the window shows {run.final_counter} messages, "
        f"the load generator had {run.result.completed:,} replies: {verdict(exact)}"
    )
    if run.callback_errors:
        print(f"  errors inside Tk callbacks: {run.callback_errors}")
    verdicts.correct.update(
        {
            "kept moving": moving,
            "exact count": exact,
            "no callback errors": not run.callback_errors,
            "no load errors (window)": run.result.error_count == 0,
        }
    )


def print_chart_sample(sample: ChartSample) -> None:
    print(
        f"  {sample.elapsed:5.1f} s  {sample.phase:<10} chart {sample.points:>4} points, "
        f"last at {sample.last_x:5.1f} s: {sample.rate:>9,.0f} msg/s, p99 {sample.p99_ms:6.1f} ms; "
        f"{sample.draws:>3} draws; server chart {sample.server_samples:>3} samples "
        f"({sample.server_rate:>9,.0f} msg/s); messages {sample.messages:>10}; queued {sample.queued:>5}"
    )


def report_self_load(run: SelfLoadRun, verdicts: Verdicts) -> None:
    print(f"  {load_line(run.result)}; {run.processes} load process(es)")
    report_tick_delays(run.tick_delays.get("running", []), "during the self-load", "tick delay (self-load)", verdicts)
    report_other_phases(run.tick_delays, ("starting", "connecting", "finishing"))
    print(f"  live chart: {run.full_draws} whole draws (limits changed), {run.blits} blitted updates")
    print("  what the window showed, once a second:")
    for sample in run.samples:
        print_chart_sample(sample)
    frozen = run.frozen()
    samples = run.running_samples
    moving = len(samples) >= 2 and not frozen
    detail = "; ".join(frozen) if frozen else f"{len(samples)} samples while sending"
    print(f"  charts kept moving during the self-load ({detail}): {verdict(moving)}")
    rate = run.chart_updates_per_second()
    often = rate >= CHART_UPDATES_TARGET
    print(f"  live chart updates while sending: {rate:.1f}/s (target >= {CHART_UPDATES_TARGET:g}/s): {verdict(often)}")
    verdicts.targets["chart updates (self-load)"] = often
    print_rss(run.peak_rss, run.end_rss)
    exact = counter_value(run.server_counter) == run.result.completed
    print(
        f"  exact count: the server panel shows {run.server_counter} messages, "
        f"the load view's run had {run.result.completed:,} replies: {verdict(exact)}"
    )
    if run.callback_errors:
        print(f"  errors inside Tk callbacks: {run.callback_errors}")
    verdicts.correct.update(
        {
            "charts kept moving": moving,
            "exact count (self-load)": exact,
            "no callback errors (self-load)": not run.callback_errors,
            "no load errors (self-load)": run.result.error_count == 0,
        }
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.gui_bench", description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="50 clients for 2 s: proves the bench works")
    parser.add_argument("--processes", type=int, default=None, help="load generator processes (default: cores - 1)")
    parser.add_argument("--startup-runs", type=int, default=None, help=f"default {STARTUP_RUNS} (quick 3)")
    args = parser.parse_args(argv)
    argv = sys.argv[1:] if argv is None else list(argv)
    why = missing_display()
    if why is not None:
        print(f"bench-gui: skipped, {why}")
        return 0
    # SIGTERM unwinds like Ctrl+C: the servers, load workers and Xvfb this bench started are stopped.
    signal.signal(signal.SIGTERM, lambda signum, _frame: sys.exit(128 + signum))
    raise_open_file_limit()
    scenario = QUICK_FLOOD if args.quick else FLOOD
    processes = args.processes or default_processes(scenario.clients)
    startup_runs = args.startup_runs or (QUICK_STARTUP_RUNS if args.quick else STARTUP_RUNS)
    began = time.monotonic()
    external_display = bool(os.environ.get("DISPLAY"))

    with screen() as display, tempfile.TemporaryDirectory(prefix="mayus-gui-bench-") as scratch:
        for line in machine_lines(argv):
            print(line)
        where = "from DISPLAY" if external_display else "Xvfb started by the bench"
        print(f"display: {display} ({where})")
        print(f"load:    {describe(scenario, processes)}")
        verdicts = Verdicts()
        report_startup(measure_startup(startup_runs), verdicts)
        headless = run_headless(scenario, processes)
        verdicts.correct["no load errors (headless)"] = headless.error_count == 0

        print("\n== with the window open: the server started from its panel, Tk's mainloop running")
        window = flood_window(scenario, processes, Path(scratch) / "settings.json")
        gc.collect()  # free the closed window here, on the Tk thread, never from another thread's collection
        report_window(window, verdicts)

        ratio = window.result.messages_per_second / headless.messages_per_second if headless.completed else 0.0
        verdicts.targets["throughput"] = ratio >= THROUGHPUT_RATIO_TARGET
        print(
            f"\n== throughput: {window.result.messages_per_second:,.0f} messages/s with the window, "
            f"{headless.messages_per_second:,.0f} headless: ratio {ratio:.2f} "
            f"(target >= {THROUGHPUT_RATIO_TARGET:g}): {verdict(verdicts.targets['throughput'])}"
        )

        self_scenario = QUICK_SELF_LOAD if args.quick else SELF_LOAD
        print(
            "\n== self-load: the flood started from the window's load view (Use my server, Start), "
            "against its own server, live charts drawn"
        )
        print(f"  {describe(self_scenario, default_processes(self_scenario.clients))}")
        self_load = self_load_window(self_scenario, Path(scratch) / "self-load-settings.json")
        gc.collect()
        report_self_load(self_load, verdicts)
    return verdicts.conclude(began)


if __name__ == "__main__":
    sys.exit(main())
