"""Start a server under test as a subprocess, learn its real port, stop it and check it ended.

Every server prints `... listening on HOST:PORT ...` as its first line (Mayus's
`serve` and the bench's reference servers alike), so `--port 0` works for all of them.
"""

from __future__ import annotations

import os
import queue
import re
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

from core import platforms
from core.limits import OPEN_FILE_LIMITS, limit_open_files

REPO_ROOT = Path(__file__).resolve().parents[2]
# The one-file executable's tests (tests/test_packaging.py): run first, on one worker, so that one build serves them.
FROZEN_GROUP = "frozen-app"
START_TIMEOUT_SECONDS = 15.0
STOP_TIMEOUT_SECONDS = 10.0
_LISTENING = re.compile(r"listening on (\S+):(\d+)")

MAYUS_SERVE = [sys.executable, "main.py", "serve", "--port", "0", "--lang", "en"]


class ServerFailed(RuntimeError):
    pass


@dataclass
class LaunchedServer:
    name: str
    process: subprocess.Popen[str]
    host: str
    port: int
    first_line: str = ""  # what it said as it started listening
    exit_code: int | None = None
    output: list[str] = field(default_factory=list)  # what it printed after the first line

    @property
    def pid(self) -> int:
        return self.process.pid


def _first_line(process: subprocess.Popen[str], timeout: float) -> str:
    """Its first line of output, or "" if none came within `timeout` (the caller then kills it).

    Read on a thread, not with select(): Windows cannot select() on a pipe. A thread left waiting ends when
    the process is killed and its pipe closes. Read a byte at a time from the pipe itself: a buffered
    readline() would read ahead and keep the next lines where `communicate()` (which reads the pipe) never
    looks, and they would be missing from `output`.
    """
    stdout = process.stdout
    assert stdout is not None
    fd = stdout.fileno()
    lines: queue.SimpleQueue[str] = queue.SimpleQueue()

    def read_line() -> None:
        line = bytearray()
        while not line.endswith(b"\n") and (byte := os.read(fd, 1)):
            line += byte
        lines.put(line.decode("utf-8", "replace"))

    threading.Thread(target=read_line, name="first-line", daemon=True).start()
    try:
        return lines.get(timeout=timeout)
    except queue.Empty:
        return ""


def stop_server(server: LaunchedServer, signum: int = signal.SIGINT) -> int:
    """Send `signum` (SIGINT: Ctrl+C, the way this system can), wait for the exit, return the exit code (kill it
    if it hangs)."""
    if server.process.poll() is None:
        platforms.send_signal(server.process, signum)
    return _reap(server)


def kill_server(server: LaunchedServer) -> int:
    """Kill it if it still runs (SIGKILL; TerminateProcess on Windows), reap it, return the exit code."""
    if server.process.poll() is None:
        server.process.kill()
    return _reap(server)


def _reap(server: LaunchedServer) -> int:
    """Wait for the exit (kill it past STOP_TIMEOUT_SECONDS), keep what it printed, return the exit code."""
    process = server.process
    try:
        out, err = process.communicate(timeout=STOP_TIMEOUT_SECONDS)
    except subprocess.TimeoutExpired:
        process.kill()
        out, err = process.communicate()
        server.output.append(f"(did not stop within {STOP_TIMEOUT_SECONDS:.0f} s: killed)")
    server.output.extend(line for line in (out + err).splitlines() if line)
    server.exit_code = process.returncode
    return process.returncode


def launch_server(name: str, command: Sequence[str], open_files: int | None = None) -> LaunchedServer:
    """Start a server that prints `listening on HOST:PORT` first; raise ServerFailed if it does not.

    `open_files` sets its open-file limit, soft and hard (as `ulimit -n` does), so it
    cannot raise it (POSIX only: NotImplementedError on Windows). The caller owns the process: end it with
    `stop_server` (or `kill_server`).
    """
    if open_files is not None and not OPEN_FILE_LIMITS:
        raise NotImplementedError("open-file limits are POSIX only")
    process = subprocess.Popen(
        command,
        cwd=REPO_ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=None if open_files is None else partial(limit_open_files, open_files),
        **platforms.interruptible(),
    )
    line = _first_line(process, START_TIMEOUT_SECONDS)
    match = _LISTENING.search(line)
    if match is None:
        process.kill()
        _, err = process.communicate()
        raise ServerFailed(f"{name} did not start: {line.strip() or '(no output)'} {err.strip()}")
    return LaunchedServer(name, process, match.group(1), int(match.group(2)), line.strip())


@contextmanager
def launched_server(name: str, command: Sequence[str], signum: int = signal.SIGINT) -> Iterator[LaunchedServer]:
    """Start `command` (a server on a free port); stop it with `signum` on exit (see `exit_code`)."""
    server = launch_server(name, command)
    try:
        yield server
    finally:
        stop_server(server, signum)


@dataclass
class ServeProcess:
    """`python main.py serve` in a process of its own, started through the bench's launcher."""

    running: LaunchedServer

    @property
    def address(self) -> tuple[str, int]:
        return (self.running.host, self.running.port)

    def rss(self) -> int:
        import psutil

        return int(psutil.Process(self.running.pid).memory_info().rss)

    def interrupt(self) -> tuple[int, str]:
        """Ctrl+C the server; return its exit code and what it printed after its first line."""
        code = stop_server(self.running, signal.SIGINT)
        return code, "\n".join(self.running.output)
