"""Load generator benchmark: Mayus's generator (core.load) against a minimal C epoll generator.

    python -m bench.load_bench [--quick] [--rounds N] [--seconds S] [--processes N]

Both drive the same scenario against the same server, `main.py serve --quiet`, started
afresh for every measured run, in the same bench run, interleaved round by round: the
same clients, messages in flight, message bytes and Spanish text, every reply checked
byte for byte by both (the C generator reads the messages and their expected uppercase
replies from files this bench writes). It prints each generator's messages/s and
latency, then Mayus/C per scenario against the target. A generator as fast as the
server lets it be gives a ratio near 1; one that is itself the bottleneck, less.

The C program is bench/c/loadgen.c, compiled by bench/native.py when gcc is present;
without gcc the bench prints why and measures Mayus's generator alone.
"""

from __future__ import annotations

import argparse
import math
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from bench.machine import header_lines
from bench.native import compile_c
from bench.servers import running_server
from core.load import Scenario, default_processes, make_messages, raise_open_file_limit, run_load
from core.protocol import uppercase_bytes

TARGET_RATIO = 0.7
C_SOURCE = Path(__file__).resolve().parent / "c" / "loadgen.c"
C_TIMEOUT_ALLOWANCE_SECONDS = 30.0
SCENARIOS = (
    Scenario("1 client ping-pong", clients=1, messages=None),
    Scenario("1 client, 64 in flight", clients=1, messages=None, in_flight=64),
    Scenario("100 clients ping-pong", clients=100, messages=None),
    Scenario("100 clients, 64 in flight", clients=100, messages=None, in_flight=64),
)
DEFAULT_SECONDS, QUICK_SECONDS = 3.0, 0.5


@dataclass(frozen=True)
class Measured:
    generator: str
    messages: int
    seconds: float
    p50: float  # seconds
    p99: float
    errors: int

    @property
    def rate(self) -> float:
        return self.messages / self.seconds if self.seconds > 0 else 0.0


def measure_mayus(host: str, port: int, scenario: Scenario, processes: int) -> Measured:
    result = run_load(host, port, scenario, processes=processes)
    return Measured("mayus", result.completed, result.elapsed, result.p50, result.p99, result.error_count)


def write_scenario_files(folder: Path, scenario: Scenario) -> tuple[Path, Path]:
    """The messages and their expected replies, one per line, for the C generator."""
    messages = make_messages(scenario.message_bytes, payload=scenario.payload)
    sent, replies = folder / "messages.txt", folder / "replies.txt"
    sent.write_bytes(b"".join(messages))
    replies.write_bytes(b"".join(uppercase_bytes(m) for m in messages))
    return sent, replies


def measure_c(binary: Path, host: str, port: int, scenario: Scenario, processes: int, folder: Path) -> Measured:
    sent, replies = write_scenario_files(folder, scenario)
    command = [
        str(binary),
        host,
        str(port),
        str(scenario.clients),
        str(scenario.in_flight),
        str(scenario.messages or 0),
        f"{scenario.duration:g}",
        str(processes),
        str(sent),
        str(replies),
    ]
    done = subprocess.run(
        command, capture_output=True, text=True, timeout=scenario.duration + C_TIMEOUT_ALLOWANCE_SECONDS
    )
    fields = dict(part.split("=", 1) for part in done.stdout.split() if "=" in part)
    if "messages" not in fields:
        raise RuntimeError(f"the C generator printed no result: {done.stdout!r} {done.stderr!r}")
    return Measured(
        "C epoll",
        int(fields["messages"]),
        float(fields["seconds"]),
        float(fields["p50_us"]) / 1e6,
        float(fields["p99_us"]) / 1e6,
        int(fields["errors"]),
    )


def median_run(runs: Sequence[Measured]) -> Measured:
    return sorted(runs, key=lambda m: m.rate)[len(runs) // 2]


def describe(scenario: Scenario, processes: int) -> str:
    return (
        f"{scenario.name}: {scenario.clients:,} clients, {scenario.in_flight} in flight each, "
        f"{scenario.message_bytes}-byte {scenario.payload.value} messages, {scenario.duration:g} s of sending, "
        f"{processes} generator process(es) / thread(s)"
    )


def print_rows(runs: dict[str, list[Measured]]) -> None:
    print(f"  {'generator':<9} {'messages/s':>11} {'p50 ms':>8} {'p99 ms':>8} {'errors':>7}  rounds (messages/s)")
    for name, measured in runs.items():
        m = median_run(measured)
        rates = " ".join(f"{x.rate:,.0f}" for x in measured)
        errors = sum(x.errors for x in measured)
        print(f"  {name:<9} {m.rate:>11,.0f} {m.p50 * 1e3:>8.3f} {m.p99 * 1e3:>8.3f} {errors:>7}  {rates}")


def run_scenario(scenario: Scenario, binary: Path | None, rounds: int, processes: int) -> dict[str, list[Measured]]:
    runs: dict[str, list[Measured]] = {"mayus": []}
    if binary is not None:
        runs["C epoll"] = []
    with tempfile.TemporaryDirectory(prefix="mayus-load-bench-") as folder:
        for _ in range(rounds):
            with running_server("mayus") as server:
                runs["mayus"].append(measure_mayus(server.host, server.port, scenario, processes))
            if binary is not None:
                with running_server("mayus") as server:
                    runs["C epoll"].append(
                        measure_c(binary, server.host, server.port, scenario, processes, Path(folder))
                    )
    return runs


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.load_bench", description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="short runs, one round: proves the bench works")
    parser.add_argument("--rounds", type=int, default=None, help="runs per generator and scenario (default 3)")
    parser.add_argument("--seconds", type=float, default=None, help=f"sending time per run ({DEFAULT_SECONDS:g})")
    parser.add_argument("--processes", type=int, default=None, help="generator processes, C threads alike")
    parser.add_argument("--only", default="", help="run only scenarios whose name contains this text")
    args = parser.parse_args(argv)
    raise_open_file_limit()
    rounds = args.rounds or (1 if args.quick else 3)
    seconds = args.seconds or (QUICK_SECONDS if args.quick else DEFAULT_SECONDS)

    for line in header_lines("bench.load_bench", sys.argv[1:] if argv is None else argv):
        print(line)
    print(f"server:  python main.py serve --quiet, started afresh for each run; {rounds} round(s), median shown")
    binary = compile_c(C_SOURCE, "loadgen")
    began = time.monotonic()
    errors = 0
    ratios: dict[str, float] = {}
    for base in SCENARIOS:
        if args.only.lower() not in base.name.lower():
            continue
        scenario = Scenario(base.name, clients=base.clients, messages=None, in_flight=base.in_flight, duration=seconds)
        processes = args.processes or default_processes(scenario.clients)
        print(f"\n== {describe(scenario, processes)}")
        runs = run_scenario(scenario, binary, rounds, processes)
        print_rows(runs)
        errors += sum(m.errors for measured in runs.values() for m in measured)
        if binary is not None:
            ours, theirs = median_run(runs["mayus"]).rate, median_run(runs["C epoll"]).rate
            ratios[scenario.name] = ours / theirs if theirs else math.nan
            verdict = "meets" if ratios[scenario.name] >= TARGET_RATIO else "BELOW"
            print(f"  mayus / C epoll: {ratios[scenario.name]:.2f} ({verdict} the target of {TARGET_RATIO:g})")
    if ratios:
        print(f"\n== Mayus's generator / C epoll generator, messages/s (target >= {TARGET_RATIO:g})")
        for name, ratio in ratios.items():
            print(f"  {name:<28} {ratio:>5.2f}")
        finite = [r for r in ratios.values() if r > 0 and math.isfinite(r)]
        if finite:
            print(f"  {'geometric mean':<28} {math.exp(statistics.fmean(math.log(r) for r in finite)):>5.2f}")
    print(f"\ntotal errors: {errors}; bench took {time.monotonic() - began:.0f} s")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
