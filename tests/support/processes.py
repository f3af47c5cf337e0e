"""Processes in tests: run a command and watch it (exit code, output, peak memory); find those left behind."""

from __future__ import annotations

import signal
import subprocess
import sys
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psutil
import pytest

from core import platforms
from tests.support.launcher import REPO_ROOT

SAMPLE_SECONDS = 0.02
# multiprocessing's resource tracker starts with the first spawned worker and lives as long as
# the process that spawned it, by design: it is not a process a load run leaves behind.
_RESOURCE_TRACKER = "multiprocessing.resource_tracker"


@dataclass
class Watched:
    code: int
    stdout_size: int
    stdout_head: bytes  # the first bytes of stdout
    stderr: str
    peak_rss: int  # bytes


def mayus(*args: str) -> list[str]:
    """The command line that runs `python main.py ARGS...` from this checkout."""
    return [sys.executable, str(Path(REPO_ROOT) / "main.py"), *args]


def run_python(*args: str, timeout: float) -> subprocess.CompletedProcess[str]:
    """Run this Python with ARGS in the checkout (`main.py check ...`, `-m bench.load_bench --quick`) and wait
    for it, killed past `timeout`; returns its exit code and its output as text."""
    return subprocess.run(
        [sys.executable, *args], cwd=REPO_ROOT, capture_output=True, text=True, encoding="utf-8", timeout=timeout
    )


BENCH_STOP_SECONDS = 20.0  # how long a bench stopped with SIGTERM may take to end what it started


def run_bench(module: str, *args: str, timeout: float) -> subprocess.CompletedProcess[str]:
    """Run `python -m MODULE ARGS` in the checkout and wait for it. Past `timeout` it gets SIGTERM, so it stops
    the servers, load workers and screen it started, and the test fails with what it printed."""
    bench = subprocess.Popen(
        [sys.executable, "-m", module, *args],
        cwd=REPO_ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        out, err = bench.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        bench.terminate()
        out, err = bench.communicate(timeout=BENCH_STOP_SECONDS)
        pytest.fail(f"python -m {module} took over {timeout:g} s:\n{out}\n{err}")
    return subprocess.CompletedProcess(bench.args, bench.returncode, out, err)


def run_watched(command: Sequence[str], stdin: bytes = b"", timeout: float = 60.0, keep: int = 4096) -> Watched:
    """Run `command`, feed it `stdin` (then close it), drain its output, sample its RSS; kill it past `timeout`.

    stdout is counted, not kept (a flood may pass through), but for its first `keep` bytes.
    """
    process = subprocess.Popen(
        command, cwd=REPO_ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    head, size, errors = bytearray(), [0], bytearray()

    def drain_out() -> None:
        assert process.stdout is not None
        while chunk := process.stdout.read(1 << 16):
            if len(head) < keep:
                head.extend(chunk[: keep - len(head)])
            size[0] += len(chunk)

    def drain_err() -> None:
        assert process.stderr is not None
        while chunk := process.stderr.read(1 << 12):
            errors.extend(chunk)

    readers = [threading.Thread(target=drain_out, daemon=True), threading.Thread(target=drain_err, daemon=True)]
    for reader in readers:
        reader.start()
    assert process.stdin is not None
    if stdin:
        process.stdin.write(stdin)
    process.stdin.close()
    peak = peak_rss_until_exit(process, timeout)
    if process.poll() is None:
        process.kill()
    process.wait()
    for reader in readers:
        reader.join(timeout)
    return Watched(process.returncode, size[0], bytes(head), errors.decode("utf-8", "replace"), peak)


def peak_rss_until_exit(process: subprocess.Popen[Any], timeout: float) -> int:
    """Sample `process`'s resident memory until it exits (or `timeout` passes); return the peak, in bytes."""
    watched = psutil.Process(process.pid)
    peak, deadline = 0, time.monotonic() + timeout
    while process.poll() is None and time.monotonic() < deadline:
        try:
            peak = max(peak, int(watched.memory_info().rss))
        except psutil.NoSuchProcess:
            break
        time.sleep(SAMPLE_SECONDS)  # a sampling interval, not synchronisation: the loop ends with the process
    return peak


class Interactive:
    """A terminal face driven line by line, as a person at a terminal would; killed by `close()` if still running."""

    def __init__(self, command: Sequence[str]) -> None:
        self.process = subprocess.Popen(
            command,
            cwd=REPO_ROOT,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            **platforms.interruptible(),
        )
        self.lines: list[str] = []
        self.errors: list[str] = []
        self._changed = threading.Condition()
        self._readers = [
            threading.Thread(target=self._read, args=(self.process.stdout, self.lines), daemon=True),
            threading.Thread(target=self._read, args=(self.process.stderr, self.errors), daemon=True),
        ]
        for reader in self._readers:
            reader.start()

    def _read(self, stream: object, into: list[str]) -> None:
        assert hasattr(stream, "readline")
        for raw in iter(stream.readline, b""):
            with self._changed:
                into.append(raw.decode("utf-8", "replace").rstrip("\n"))
                self._changed.notify_all()
        with self._changed:
            self._changed.notify_all()

    def type(self, line: bytes) -> None:
        """Type a line and press Enter."""
        assert self.process.stdin is not None
        self.process.stdin.write(line + b"\n")
        self.process.stdin.flush()

    def interrupt(self) -> None:
        """Ctrl+C, the way this system can send it to one process (core.platforms.send_signal)."""
        platforms.send_signal(self.process, signal.SIGINT)

    def end_input(self) -> None:
        """Ctrl+D: the end of the input."""
        assert self.process.stdin is not None
        self.process.stdin.close()

    def expect(self, text: str, timeout: float = 5.0) -> str:
        """Wait for a line of stdout that contains `text`; return it (AssertionError after `timeout`)."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while True:
                found = next((line for line in self.lines if text in line), None)
                if found is not None:
                    return found
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"no line with {text!r} in {self.lines!r}; stderr {self.errors!r}")
                self._changed.wait(left)

    def wait(self, timeout: float = 5.0) -> int:
        """Wait for the exit; return the exit code (AssertionError after `timeout`)."""
        try:
            code = self.process.wait(timeout)
        except subprocess.TimeoutExpired as exc:
            raise AssertionError(f"still running after {timeout} s; output {self.lines!r}") from exc
        for reader in self._readers:
            reader.join(timeout)
        return code

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait()
        for stream in (self.process.stdin, self.process.stdout, self.process.stderr):
            if stream is not None:
                stream.close()


def child_processes() -> list[psutil.Process]:
    """This process's live descendants, the multiprocessing resource tracker excepted.

    Compare with what ran before the test: pytest-xvfb's Xvfb is a child too.
    """
    found = []
    for child in psutil.Process().children(recursive=True):
        try:
            if child.status() == psutil.STATUS_ZOMBIE or _RESOURCE_TRACKER in " ".join(child.cmdline()):
                continue
        except psutil.NoSuchProcess:
            continue
        found.append(child)
    return found


def new_child_processes(before: list[psutil.Process]) -> list[psutil.Process]:
    """The live descendants that were not in `before`."""
    return [p for p in child_processes() if p not in before]
