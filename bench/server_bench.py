"""Server benchmark: Mayus against two reference servers, same load, same run.

    python -m bench.server_bench [--quick] [--rounds N] [--processes N] [--idle N]

Each server runs as a subprocess (`main.py serve --quiet`, `bench.reference_servers
streams|protocol`); core.load drives it from worker processes and checks every
reply byte for byte. Per scenario it prints messages/s and latency p50/p99 for each
server (the median of the rounds, interleaved so drift hits every server alike),
then the Mayus/reference ratios and their geometric mean, then the resident memory
each server spends per idle connection. `--quick` runs tiny counts in seconds.
"""

from __future__ import annotations

import argparse
import math
import platform
import statistics
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, replace

import psutil

from bench.machine import header_lines
from bench.servers import SERVER_COMMANDS, running_server
from core.load import LoadResult, Scenario, hold_idle_connections, raise_open_file_limit, run_load
from tests.support.launcher import RunningServer

MAYUS = "mayus"
REFERENCES = ("streams", "protocol")
KIB = 1024
IDLE_SETTLE_SECONDS = 1.0  # let the server finish its bookkeeping before reading its memory

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


def machine_lines() -> list[str]:
    return [
        *header_lines("bench.server_bench", sys.argv[1:]),
        f"python:  {platform.python_version()} ({platform.python_implementation()}), stdlib asyncio everywhere",
    ]


def run_scenario(scenario: Scenario, servers: Sequence[str], rounds: int, processes: int | None) -> list[Measured]:
    measured = {name: Measured(name, [], []) for name in servers}
    for _ in range(rounds):
        for name in servers:
            with running_server(name) as server:
                result = run_load(server.host, server.port, scenario, processes=processes)
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
    print(f"  {'server':<9} {'messages/s':>11} {'MiB/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'errors':>7}  rounds")
    for m in measured:
        r = m.median
        mib = (r.bytes_received / r.elapsed / KIB**2) if r.elapsed else 0.0
        rates = " ".join(f"{x.messages_per_second:,.0f}" for x in m.rounds)
        done = "" if all(x.completed == scenario.messages for x in m.rounds) else "  (capped)"
        print(
            f"  {m.server:<9} {r.messages_per_second:>11,.0f} {mib:>8.1f} {r.p50 * 1e3:>8.2f} {r.p99 * 1e3:>8.2f} "
            f"{m.errors:>7}  {rates} (spread {m.spread:.0%}){done}"
        )
        for x in m.rounds:
            if x.error_count:
                print(f"    errors: {', '.join(f'{k} {v}' for k, v in x.errors.items() if v)}")


def print_ratios(results: dict[str, dict[str, Measured]], references: Sequence[str]) -> dict[str, float]:
    print("\n== Mayus / reference, messages/s (above 1: Mayus is faster)")
    print(f"  {'scenario':<24} " + " ".join(f"{'/ ' + ref:>12}" for ref in references))
    logs: dict[str, list[float]] = {ref: [] for ref in references}
    for name, by_server in results.items():
        cells = []
        for ref in references:
            ours, theirs = by_server[MAYUS].median.messages_per_second, by_server[ref].median.messages_per_second
            ratio = ours / theirs if theirs else math.nan
            if ratio > 0 and math.isfinite(ratio):
                logs[ref].append(math.log(ratio))
            cells.append(f"{ratio:>12.2f}")
        print(f"  {name:<24} " + " ".join(cells))
    means = {ref: math.exp(statistics.fmean(values)) if values else math.nan for ref, values in logs.items()}
    print(f"  {'geometric mean':<24} " + " ".join(f"{means[ref]:>12.2f}" for ref in references))
    return means


def rss(pid: int) -> int:
    return int(psutil.Process(pid).memory_info().rss)


def measure_idle(server: RunningServer, count: int, processes: int | None) -> tuple[float, int]:
    """Resident bytes the server spends per idle connection, and the errors met opening them."""
    time.sleep(IDLE_SETTLE_SECONDS)
    before = rss(server.pid)
    with hold_idle_connections(server.host, server.port, count, processes=processes) as opened:
        time.sleep(IDLE_SETTLE_SECONDS)
        after = rss(server.pid)
    return (after - before) / count, opened.error_count + (count - opened.completed)


def print_memory(servers: Sequence[str], count: int, processes: int | None) -> None:
    print(f"\n== resident memory per idle connection, {count:,} connections open (each answered one message)")
    for name in servers:
        with running_server(name) as server:
            per_connection, errors = measure_idle(server, count, processes)
        print(f"  {name:<9} {per_connection / KIB:>7.2f} KiB per connection, {errors} errors")


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
    args = parser.parse_args(argv)
    raise_open_file_limit()  # the servers and the load workers inherit it

    servers = [s for s in args.servers.split(",") if s]
    unknown = set(servers) - set(SERVER_COMMANDS)
    if unknown or MAYUS not in servers:
        parser.error(f"servers must include {MAYUS} and come from {', '.join(SERVER_COMMANDS)}")
    references = [s for s in servers if s != MAYUS]
    rounds = args.rounds or (1 if args.quick else 3)
    scenarios = [quick(s) if args.quick else s for s in SCENARIOS if args.only.lower() in s.name.lower()]
    idle = args.idle if args.idle is not None else (QUICK_IDLE if args.quick else DEFAULT_IDLE)

    for line in machine_lines():
        print(line)
    print(f"load:    {rounds} round(s) per server and scenario, interleaved; the median round is shown")
    began = time.monotonic()
    results: dict[str, dict[str, Measured]] = {}
    errors = 0
    for scenario in scenarios:
        measured = run_scenario(scenario, servers, rounds, args.processes)
        print_table(scenario, measured)
        results[scenario.name] = {m.server: m for m in measured}
        errors += sum(m.errors for m in measured) + sum(1 for m in measured for c in m.exit_codes if c != 0)
    if references and results:
        print_ratios(results, references)
    if idle:
        print_memory(servers, idle, args.processes)
    print(f"\ntotal errors: {errors}; bench took {time.monotonic() - began:.0f} s")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
