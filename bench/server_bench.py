"""Server benchmark: Mayus against four reference servers, same load, same run.

    python -m bench.server_bench [--quick] [--pin] [--mayus-loop asyncio|uvloop] [--rounds N]
                                 [--processes N] [--idle N] [--servers a,b] [--only TEXT]

Each server runs as a subprocess: Mayus (`main.py serve --quiet`), `streams` and `protocol`
(bench.reference_servers on the stdlib loop), `uvloop` (the same protocol server on uvloop)
and `c-epoll` (bench/c/epoll_server.c, built with gcc -O2 on first use). A server this
machine cannot run (no uvloop, no gcc) is left out with a one-line note. core.load
drives each from worker processes and checks every reply byte for byte.

Per scenario it prints messages/s, latency p50/p99 and the server's own CPU time per
message for each server (the median of the rounds, interleaved so drift hits every
server alike), then Mayus's rate divided by each reference's, per scenario and as a
geometric mean, against the issue's targets; then the resident memory each server spends
per idle connection. `--pin` puts the server under test on CPU 0 and the load generator
on the others. `--mayus-loop` sets MAYUS_LOOP for Mayus (core/loop_thread.py). `--quick`
runs tiny counts in seconds.
"""

from __future__ import annotations

import argparse
import contextlib
import math
import os
import platform
import statistics
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import psutil

from bench.machine import header_lines
from bench.pinning import Pinning, no_pinning, pin_bench
from bench.servers import MAYUS, SERVER_COMMANDS, available, running_server
from core.load import LoadResult, Scenario, hold_idle_connections, raise_open_file_limit, run_load
from core.loop_thread import LOOP_CHOICES, LOOP_ENV, loop_kind
from tests.support.launcher import LaunchedServer

KIB = 1024
IDLE_SETTLE_SECONDS = 1.0  # let the server finish its bookkeeping before reading its memory
QUICK_IDLE_SETTLE_SECONDS = 0.2
# The speed targets: Mayus's rate over the reference's, geometric mean over the scenarios, pinned.
TARGETS = {"uvloop": 1.0, "c-epoll": 0.85}

SCENARIOS = (
    Scenario("1 client ping-pong", clients=1, messages=10_000, duration=3.0),
    Scenario("1 client, 64 in flight", clients=1, messages=200_000, in_flight=64, duration=3.0),
    Scenario("100 clients", clients=100, messages=50_000, duration=3.0),
    Scenario("1,000 clients", clients=1_000, messages=50_000, duration=3.0),
    Scenario("10,000 clients", clients=10_000, messages=60_000, duration=4.0),
    Scenario("64 KiB messages", clients=8, messages=3_000, message_bytes=64 * KIB, duration=3.0),
)
QUICK_CLIENTS_CAP = 200
QUICK_MESSAGES_DIVISOR = 50
QUICK_IDLE = 200
DEFAULT_IDLE = 10_000


def quick(scenario: Scenario) -> Scenario:
    clients = min(scenario.clients, QUICK_CLIENTS_CAP)
    messages = max(clients, (scenario.messages or 0) // QUICK_MESSAGES_DIVISOR)
    return replace(scenario, clients=clients, messages=messages, duration=2.0)


@dataclass
class Measured:
    server: str
    rounds: list[LoadResult]
    exit_codes: list[int | None]
    cpu_seconds: list[float]  # the server's own CPU time (user + system) in each round

    @property
    def cpu_per_message(self) -> float:
        """Seconds of server CPU per completed message, over all rounds (connects and start-up included)."""
        done = sum(r.completed for r in self.rounds)
        return sum(self.cpu_seconds) / done if done else math.nan

    @property
    def median(self) -> LoadResult:
        ordered = sorted(self.rounds, key=lambda r: r.messages_per_second)
        return ordered[len(ordered) // 2]

    @property
    def errors(self) -> int:
        return sum(r.error_count for r in self.rounds)

    @property
    def spread(self) -> float:
        """(max - min) / median of messages/s over the rounds: how noisy this figure is."""
        rates = [r.messages_per_second for r in self.rounds]
        middle = statistics.median(rates)
        return (max(rates) - min(rates)) / middle if middle else 0.0


def machine_lines(pinning: Pinning) -> list[str]:
    return [
        *header_lines("bench.server_bench", sys.argv[1:]),
        f"python:  {platform.python_version()} ({platform.python_implementation()})",
        f"loops:   mayus on {loop_kind()} ({LOOP_ENV}={os.environ.get(LOOP_ENV, '')!r}); streams and protocol on "
        "asyncio; uvloop: the protocol server on uvloop; c-epoll: C, epoll, gcc -O2",
        f"pinning: {pinning.note}",
    ]


def server_cpu(server: LaunchedServer) -> float:
    """Seconds of CPU the server's threads have run: to the nanosecond from Linux's schedstat, else psutil's ticks."""
    tasks = Path(f"/proc/{server.pid}/task")
    if not tasks.is_dir():
        times = psutil.Process(server.pid).cpu_times()
        return float(times.user + times.system)
    nanoseconds = 0
    for task in tasks.iterdir():
        with contextlib.suppress(FileNotFoundError, ProcessLookupError):  # a thread that just ended
            nanoseconds += int((task / "schedstat").read_text().split()[0])
    return nanoseconds / 1e9


def run_scenario(
    scenario: Scenario, servers: Sequence[str], rounds: int, processes: int | None, pinning: Pinning
) -> list[Measured]:
    measured = {name: Measured(name, [], [], []) for name in servers}
    for _ in range(rounds):
        for name in servers:
            with running_server(name) as server:
                pinning.pin_server(server.pid)
                cpu_before = server_cpu(server)
                result = run_load(server.host, server.port, scenario, processes=processes)
                measured[name].cpu_seconds.append(server_cpu(server) - cpu_before)
            measured[name].rounds.append(result)
            measured[name].exit_codes.append(server.exit_code)
            if server.exit_code != 0:
                print(f"  ! {name} exited with {server.exit_code}: {' | '.join(server.output[-3:])}")
    return list(measured.values())


def describe(scenario: Scenario) -> str:
    return (
        f"{scenario.name}: {scenario.clients:,} clients, {scenario.in_flight} in flight each, "
        f"{scenario.message_bytes:,}-byte messages, {scenario.messages or 0:,} messages, cap {scenario.duration:g} s"
    )


def print_table(scenario: Scenario, measured: Sequence[Measured]) -> None:
    print(f"\n== {describe(scenario)}")
    print(
        f"  {'server':<9} {'messages/s':>11} {'MiB/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'cpu µs/msg':>10} "
        f"{'errors':>7}  rounds"
    )
    for m in measured:
        r = m.median
        mib = (r.bytes_received / r.elapsed / KIB**2) if r.elapsed else 0.0
        rates = " ".join(f"{x.messages_per_second:,.0f}" for x in m.rounds)
        done = "" if all(x.completed == scenario.messages for x in m.rounds) else "  (capped)"
        print(
            f"  {m.server:<9} {r.messages_per_second:>11,.0f} {mib:>8.1f} {r.p50 * 1e3:>8.2f} {r.p99 * 1e3:>8.2f} "
            f"{m.cpu_per_message * 1e6:>10.2f} {m.errors:>7}  {rates} (spread {m.spread:.0%}){done}"
        )
        for x in m.rounds:
            if x.error_count:
                print(f"    errors: {', '.join(f'{k} {v}' for k, v in x.errors.items() if v)}")


def geometric_mean(ratios: Sequence[float]) -> float:
    logs = [math.log(r) for r in ratios if r > 0 and math.isfinite(r)]
    return math.exp(statistics.fmean(logs)) if logs else math.nan


def print_ratio_table(
    title: str, results: dict[str, dict[str, Measured]], references: Sequence[str], ratio_of: str
) -> dict[str, float]:
    """One row per scenario and the geometric mean, a column per reference; returns the means."""
    print(f"\n== {title}")
    print(f"  {'scenario':<24} " + " ".join(f"{'/ ' + ref:>12}" for ref in references))
    columns: dict[str, list[float]] = {ref: [] for ref in references}
    for name, by_server in results.items():
        cells = []
        for ref in references:
            ours, theirs = by_server[MAYUS], by_server[ref]
            if ratio_of == "rate":
                top, bottom = ours.median.messages_per_second, theirs.median.messages_per_second
            else:  # CPU per message, reference over Mayus, so that above 1 still means Mayus does better
                top, bottom = theirs.cpu_per_message, ours.cpu_per_message
            ratio = top / bottom if bottom else math.nan
            columns[ref].append(ratio)
            cells.append(f"{ratio:>12.2f}")
        print(f"  {name:<24} " + " ".join(cells))
    means = {ref: geometric_mean(values) for ref, values in columns.items()}
    print(f"  {'geometric mean':<24} " + " ".join(f"{means[ref]:>12.2f}" for ref in references))
    return means


def print_ratios(results: dict[str, dict[str, Measured]], references: Sequence[str], pinning: Pinning) -> None:
    means = print_ratio_table(
        "Mayus / reference, messages/s (above 1: Mayus is faster)", results, references, ratio_of="rate"
    )
    print_ratio_table(
        "reference / Mayus, server CPU per message (above 1: Mayus spends less)", results, references, "cpu"
    )
    how = "pinned" if pinning.active else "not pinned: the issue's targets are for pinned runs"
    for ref, target in TARGETS.items():
        if ref in means:
            verdict = "met" if means[ref] >= target else "missed"
            print(f"target: Mayus / {ref} >= {target:.2f} (geometric mean of messages/s): {means[ref]:.2f}, {verdict}")
    print(f"        ({how})")


def rss(pid: int) -> int:
    return int(psutil.Process(pid).memory_info().rss)


def measure_idle(server: LaunchedServer, count: int, processes: int | None, settle: float) -> tuple[float, int]:
    """Resident bytes the server spends per idle connection, and the errors met opening them."""
    time.sleep(settle)  # a measurement, not a synchronisation: let the server's memory settle
    before = rss(server.pid)
    with hold_idle_connections(server.host, server.port, count, processes=processes) as opened:
        time.sleep(settle)
        after = rss(server.pid)
    return (after - before) / count, opened.error_count + (count - opened.completed)


def print_memory(servers: Sequence[str], count: int, processes: int | None, settle: float, pinning: Pinning) -> int:
    """Print each server's memory per idle connection; return the errors met."""
    print(f"\n== resident memory per idle connection, {count:,} connections open (each answered one message)")
    errors = 0
    for name in servers:
        with running_server(name) as server:
            pinning.pin_server(server.pid)
            per_connection, failed = measure_idle(server, count, processes, settle)
        errors += failed + (server.exit_code != 0)
        print(f"  {name:<9} {per_connection / KIB:>7.2f} KiB per connection, {failed} errors")
    return errors


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.server_bench", description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="tiny counts: proves the bench works, in seconds")
    parser.add_argument("--rounds", type=int, default=None, help="runs per server and scenario (default 3, quick 1)")
    parser.add_argument("--processes", type=int, default=None, help="load generator processes (default: cores - 1)")
    parser.add_argument(
        "--idle", type=int, default=None, help=f"idle connections to measure memory with ({DEFAULT_IDLE:,})"
    )
    parser.add_argument("--servers", default=",".join(SERVER_COMMANDS), help="comma-separated, mayus first")
    parser.add_argument("--only", default="", help="run only scenarios whose name contains this text")
    parser.add_argument("--pin", action="store_true", help="server under test on CPU 0, load generator on the others")
    parser.add_argument(
        "--mayus-loop",
        choices=LOOP_CHOICES,
        default=None,
        help=f"Mayus's event loop (sets {LOOP_ENV}; default: its own)",
    )
    args = parser.parse_args(argv)
    raise_open_file_limit()  # the servers and the load workers inherit it
    if args.mayus_loop is not None:
        os.environ[LOOP_ENV] = args.mayus_loop  # only Mayus reads it; the references choose their own loop

    servers = [s for s in args.servers.split(",") if s]
    unknown = set(servers) - set(SERVER_COMMANDS)
    if unknown or MAYUS not in servers:
        parser.error(f"servers must include {MAYUS} and come from {', '.join(SERVER_COMMANDS)}")
    rounds = args.rounds or (1 if args.quick else 3)
    scenarios = [quick(s) if args.quick else s for s in SCENARIOS if args.only.lower() in s.name.lower()]
    idle = args.idle if args.idle is not None else (QUICK_IDLE if args.quick else DEFAULT_IDLE)
    settle = QUICK_IDLE_SETTLE_SECONDS if args.quick else IDLE_SETTLE_SECONDS
    pinning = pin_bench() if args.pin else no_pinning()

    for line in machine_lines(pinning):
        print(line)
    servers = [s for s in servers if available(s)]  # prints why a server is left out
    references = [s for s in servers if s != MAYUS]
    print(f"load:    {rounds} round(s) per server and scenario, interleaved; the median round is shown")
    began = time.monotonic()
    results: dict[str, dict[str, Measured]] = {}
    errors = 0
    for scenario in scenarios:
        measured = run_scenario(scenario, servers, rounds, args.processes, pinning)
        print_table(scenario, measured)
        results[scenario.name] = {m.server: m for m in measured}
        errors += sum(m.errors for m in measured) + sum(1 for m in measured for c in m.exit_codes if c != 0)
    if references and results:
        print_ratios(results, references, pinning)
    if idle:
        errors += print_memory(servers, idle, args.processes, settle, pinning)
    print(f"\ntotal errors: {errors}; bench took {time.monotonic() - began:.0f} s")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
