"""The workbench benchmark's command-line face works end to end and prints every figure.

It runs on pytest-xvfb's screen (DISPLAY), with a tiny log and a short repeat. Timing targets are
the bench's own business (its PASS/FAIL lines); here only that it measured everything and found
no fault: the searches found what Python finds, every repeated message was answered (the bench
exits 1 for those, and only for those).
"""

from __future__ import annotations

import os
import re

import pytest

from bench import workbench_bench
from core import platforms
from tests.support.processes import run_bench

TINY = ["--lines", "300", "--runs", "2", "--repeats", "30"]
BENCH_TIMEOUT = 60.0
NUMBER = r"[\d,]+(?:\.\d+)?"
TIMES = rf"median {NUMBER} ms, max {NUMBER} ms \(processor: median {NUMBER} ms\)"


@pytest.mark.slow
def test_a_tiny_workbench_bench_prints_every_figure() -> None:
    assert os.environ.get("DISPLAY"), "pytest-xvfb provides the screen"
    done = run_bench("bench.workbench_bench", *TINY, timeout=BENCH_TIMEOUT)
    out, err = done.stdout, done.stderr
    assert done.returncode == 0, out + err  # a missed timing target is reported, not an exit code: only faults fail
    assert "Traceback" not in err, err
    assert out.startswith(f"command: python -m bench.workbench_bench {' '.join(TINY)}\nmachine: "), out
    assert re.search(r"^display: \S+ \(from DISPLAY\)$", out, re.MULTILINE), out
    assert re.search(r"^load: +[\d.]+, [\d.]+, [\d.]+ ", out, re.MULTILINE), out

    assert "== search: the conversation log holding 300 lines (Tk 8.6" in out, out
    for query, what in (("'ping'", "a word on many lines"), ("'alarm'", "a rare word")):
        pattern = rf"^  {query} +\({what}\): {NUMBER} matching lines, {NUMBER} highlighted: {TIMES}$"
        assert re.search(pattern, out, re.MULTILINE), out
    assert re.search(
        rf"\(a regular expression\): {NUMBER} matching lines, {NUMBER} highlighted: {TIMES}$", out, re.M
    ), out
    assert re.search(
        rf"^  search time over 300 lines: median {NUMBER} ms, max {NUMBER} ms \(processor: median {NUMBER} ms, "
        rf"max {NUMBER} ms; 6 searches; target: every search < 100 ms\): (PASS|FAIL)$",
        out,
        re.M,
    ), out

    assert "== repeat: 'ping' every 10 ms × 30 from the window's client to its own server" in out, out
    assert "  sent 30, answered 30, in the log 30 (the client panel: 'Repeat over: 30 sent · 30 answered'): PASS" in out
    assert re.search(rf"^  schedule: 30 sends took {NUMBER} s \(ideal 0.290 s: 29 × 10 ms\), ", out, re.M), out
    assert re.search(
        rf"^  tick delay while repeating \({NUMBER} ticks of 10 ms\): p50 {NUMBER} ms, p99 {NUMBER} ms, "
        rf"max {NUMBER} ms \(target p99 < 50 ms\): (PASS|FAIL)$",
        out,
        re.M,
    ), out
    assert re.search(r"^result: (PASS|FAIL) ", out, re.MULTILINE), out
    assert "WRONG" not in out


def test_the_search_counts_it_checks_against_are_pythons_own() -> None:
    messages = [b"ping PING\n", b"nada\r\n", b"temperatura=21.5 ping\r", b"alarm"]
    assert workbench_bench._expected(messages, "ping", regex=False) == (2, 3)
    assert workbench_bench._expected(messages, r"temp\w*=\d+\.\d", regex=True) == (1, 1)
    assert workbench_bench._expected(messages, "ALARM", regex=False) == (1, 1)
    session = workbench_bench.session(2_000)
    for _what, text, regex in workbench_bench.QUERIES:  # each query finds something, none finds everything
        lines, _matches = workbench_bench._expected(session, text, regex)
        assert 0 < lines < len(session)


def test_it_skips_in_one_line_off_linux(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(platforms, "LINUX", False)
    assert workbench_bench.main(TINY) == 0
    assert capsys.readouterr().out == (
        "bench-workbench: skipped, the window benchmarks need an X server (xdotool, Xvfb): Linux only\n"
    )
