"""The attacks that once broke Mayus, measured: what each costs the server or the window now.

    python -m bench.attack_bench [--only window,hogs,descriptors,log] [--flood-seconds S]

1. window: a server floods the window's client for S seconds (10 by default) with no
   newline: plain ASCII, invalid UTF-8 (0xFF) and "ñ". A 10 ms `after()` tick measures how
   late Tk fires timers (target: p99 under 50 ms). Needs X: DISPLAY, or a private Xvfb.
2. hogs: 2,000 clients each send up to 1 MiB of lines to `serve` and never read (target:
   peak RSS under 512 MiB, a normal client's round trip under 200 ms p99).
3. descriptors: `serve` under `ulimit -n 64` takes 128 connections at once, on each event
   loop (target: under 25 % CPU while saturated, no traceback, its client still served).
4. log: `serve` whose stdout nobody reads, and whose stdout reader has left (target: every
   message answered, exit code 0).

Every server runs in its own process; sockets stay on 127.0.0.1. Prints each figure with
PASS or FAIL; the exit code is 1 if any target is missed.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager

import psutil

from bench.figures import ms, percentile
from bench.gui_display import missing_display, screen
from bench.machine import header_lines
from core.limits import OPEN_FILE_LIMITS, raise_open_file_limit
from core.loop_thread import LOOP_CHOICES, LOOP_ENV, UVLOOP_LOOP, uvloop_available
from tests.support.hogs import MIB, Hogs, round_trips
from tests.support.launcher import MAYUS_SERVE, REPO_ROOT, LaunchedServer, launch_server, stop_server
from tests.support.peers import FloodServer

SECTIONS = ("window", "hogs", "descriptors", "log")
FLOODS = {"ascii": b"a", "0xFF": b"\xff", "ñ": "ñ".encode()}
MAX_TICK_P99 = 0.050
HOGS, HOG_BYTES = 2_000, 1 * MIB
MAX_HOGS_RSS = 512 * MIB
MAX_ROUND_TRIP_P99 = 0.200
LOW_LIMIT, STORM = 64, 128
MAX_CPU_PERCENT = 25.0
CPU_SECONDS = 3.0


class Report:
    """Figures printed as they come, each with PASS or FAIL when it has a target."""

    def __init__(self) -> None:
        self.failed: list[str] = []

    def figure(self, name: str, value: str, passed: bool | None = None) -> None:
        mark = "" if passed is None else ("  PASS" if passed else "  FAIL")
        print(f"  {name:<52} {value}{mark}", flush=True)
        if passed is False:
            self.failed.append(name)


@contextmanager
def serving(*args: str, open_files: int | None = None, loop: str | None = None) -> Iterator[LaunchedServer]:
    """`main.py serve --port 0 ARGS` in its own process (on `loop`, under `open_files`), stopped on exit."""
    previous = os.environ.get(LOOP_ENV)
    if loop is not None:
        os.environ[LOOP_ENV] = loop
    try:
        server = launch_server("mayus", [*MAYUS_SERVE, *args], open_files)
    finally:
        if previous is None:
            os.environ.pop(LOOP_ENV, None)
        else:
            os.environ[LOOP_ENV] = previous
    try:
        yield server
    finally:
        if server.exit_code is None:
            stop_server(server)


def window(report: Report, seconds: float) -> None:
    print(f"window: a {seconds:.0f} s flood with no newline into the window's client")
    why = missing_display()
    if why is not None:
        print(f"  skipped, {why}")
        return
    with screen() as display:
        for name, byte in FLOODS.items():
            flood = FloodServer(1 << 62, byte, seconds)
            try:
                result = _flood_window(flood.address[1], display)
            finally:
                flood.close()
            rate = result["bytes"] / seconds / MIB
            report.figure(f"{name}: received", f"{result['bytes'] / MIB:,.0f} MiB ({rate:,.0f} MiB/s)")
            report.figure(f"{name}: tick delay p50 / max", f"{ms(result['p50'])} / {ms(result['max'])}")
            report.figure(f"{name}: tick delay p99 (< 50 ms)", ms(result["p99"]), result["p99"] < MAX_TICK_P99)


def _flood_window(port: int, display: str) -> dict[str, float]:
    child = subprocess.Popen(
        [sys.executable, "-m", "tests.support.window_flood", str(port)],
        cwd=REPO_ROOT,
        env=dict(os.environ, DISPLAY=display),
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert child.stdout is not None and child.stdin is not None
        if child.stdout.readline().strip() != "ready":
            raise RuntimeError("the window did not start")
        child.stdin.write("go\n")
        child.stdin.flush()
        result: dict[str, float] = json.loads(child.stdout.readline())
        child.wait(30)
        return result
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()


def hogs(report: Report) -> None:
    print(f"hogs: {HOGS:,} clients each send up to 1 MiB of lines and never read")
    raise_open_file_limit()
    with serving("--quiet") as server:
        process = psutil.Process(server.pid)
        peak = [process.memory_info().rss]

        def sample() -> None:
            peak[0] = max(peak[0], process.memory_info().rss)

        crowd = Hogs((server.host, server.port), HOGS)
        try:
            run = crowd.send_until_stuck(HOG_BYTES, sample)
            times = round_trips((server.host, server.port), 300, 5.0)
            sample()
        finally:
            crowd.close()
    report.figure("bytes the server took in before it paused them", f"{run.sent / MIB:,.0f} MiB")
    report.figure("clients that sent their whole MiB", f"{run.finished:,} of {HOGS:,}")
    report.figure("server's peak RSS (< 512 MiB)", f"{peak[0] / MIB:,.0f} MiB", peak[0] < MAX_HOGS_RSS)
    p99 = percentile(times, 99)
    report.figure("a normal client's round trip p50", ms(statistics.median(times)))
    report.figure("a normal client's round trip p99 (< 200 ms)", ms(p99), p99 < MAX_ROUND_TRIP_P99)


def descriptors(report: Report) -> None:
    print(f"descriptors: ulimit -n {LOW_LIMIT}, {STORM} connections at once")
    if not OPEN_FILE_LIMITS:
        print("  skipped, open-file limits (ulimit -n) are POSIX only")
        return
    for loop in LOOP_CHOICES:
        if loop == UVLOOP_LOOP and not uvloop_available():
            continue
        with serving("--quiet", "--max-connections", "1000", open_files=LOW_LIMIT, loop=loop) as server:
            address = (server.host, server.port)
            served = socket.create_connection(address, timeout=5)
            storm = []
            for _ in range(STORM):
                sock = socket.socket()
                sock.setblocking(False)
                sock.connect_ex(address)
                storm.append(sock)
            cpu = psutil.Process(server.pid).cpu_percent(interval=CPU_SECONDS)
            served.sendall(b"sigo\n")
            answered = served.recv(16) == b"SIGO\n"
            for sock in storm:
                sock.close()
            served.close()
            code = stop_server(server)
        output = "\n".join(server.output)
        notices = output.count("no file descriptor left")
        report.figure(f"{loop}: CPU while saturated (< 25 %)", f"{cpu:.0f} %", cpu < MAX_CPU_PERCENT)
        report.figure(f"{loop}: client already in still served", str(answered), answered)
        clean = code == 0 and "Traceback" not in output
        report.figure(f"{loop}: output ({notices} notices), exit code {code}", f"{len(output):,} bytes", clean)


def log(report: Report) -> None:
    print("log: serve's stdout never read, and closed by its reader")
    with serving() as server:  # its stdout is a pipe read only after the stop
        times = _echo_big_then_ping((server.host, server.port))
        code = stop_server(server)
    report.figure("never read: 100 KB lines echoed, then pings p99", ms(percentile(times, 99)), code == 0)
    with serving() as server:
        assert server.process.stdout is not None
        server.process.stdout.close()
        times = _echo_big_then_ping((server.host, server.port))
        code = stop_server(server)
    clean = code == 0 and not server.output
    report.figure(f"reader left: pings p99, exit code {code}", ms(percentile(times, 99)), clean)


def _echo_big_then_ping(address: tuple[str, int]) -> list[float]:
    line = b"b" * 100_000 + b"\n"
    with socket.create_connection(address, timeout=5) as sock:
        for _ in range(100):
            sock.sendall(line)
            got = 0
            while got < len(line):
                got += len(sock.recv(1 << 20))
    return round_trips(address, 1_000, 5.0)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--only", default=",".join(SECTIONS), help="sections, comma-separated")
    parser.add_argument("--flood-seconds", type=float, default=10.0)
    args = parser.parse_args(argv)
    print("\n".join(header_lines("bench.attack_bench", list(argv if argv is not None else sys.argv[1:]))))
    report = Report()
    runs: dict[str, Callable[[], None]] = {
        "window": lambda: window(report, args.flood_seconds),
        "hogs": lambda: hogs(report),
        "descriptors": lambda: descriptors(report),
        "log": lambda: log(report),
    }
    for name in args.only.split(","):
        runs[name.strip()]()
    if report.failed:
        print(f"missed: {', '.join(report.failed)}")
        return 1
    print("every target met")
    return 0


if __name__ == "__main__":
    sys.exit(main())
