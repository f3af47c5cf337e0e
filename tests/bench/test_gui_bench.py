"""The window benchmark's command-line face works end to end and prints every figure.

It runs on pytest-xvfb's screen (DISPLAY). Timing targets are the bench's own business
(its PASS/FAIL lines); here only that it measured everything and found no fault: no
load message failed, the window's counter ended on the exact total, nothing was left
behind (the bench exits 1 for those, and only for those).
"""

from __future__ import annotations

import os
import re

import pytest

from tests.support.processes import run_bench

QUICK_BENCH_TIMEOUT = 90.0
NUMBER = r"[\d,]+(?:\.\d+)?"


@pytest.mark.slow
def test_quick_gui_bench_prints_every_figure() -> None:
    assert os.environ.get("DISPLAY"), "pytest-xvfb provides the screen"
    done = run_bench("bench.gui_bench", "--quick", timeout=QUICK_BENCH_TIMEOUT)
    out, err = done.stdout, done.stderr
    assert done.returncode == 0, out + err  # a missed timing target is reported, not an exit code: only faults fail
    assert "Traceback" not in err, err
    assert out.startswith("command: python -m bench.gui_bench --quick\nmachine: "), out
    assert re.search(r"^display: \S+ \(from DISPLAY\)$", out, re.MULTILINE), out

    assert len(re.findall(rf"^  run \d: mapped {NUMBER} s, drawn {NUMBER} s; SIGTERM: ", out, re.MULTILINE)) == 3
    assert re.search(rf"startup median: {NUMBER} s \(target < 1.5 s\): (PASS|FAIL)", out), out
    assert "exits on SIGTERM leaving nothing behind: PASS" in out

    assert out.count("messages/s (") == 3, out  # headless, with the window, then the window's own load test
    assert out.count("errors: none") == 3, out
    assert re.search(
        rf"tick delay during the flood \({NUMBER} ticks of 10 ms\): p50 {NUMBER} ms, p99 {NUMBER} ms, max {NUMBER} ms",
        out,
    ), out
    assert re.search(r"exact count: the window shows [\d,]+ messages, .*: PASS", out), out
    assert re.search(rf"== throughput: {NUMBER} messages/s with the window, {NUMBER} headless: ratio {NUMBER}", out), (
        out
    )
    assert re.search(
        rf"tick delay during the self-load \({NUMBER} ticks of 10 ms\): "
        rf"p50 {NUMBER} ms, p99 {NUMBER} ms, max {NUMBER} ms",
        out,
    ), out
    assert re.search(rf"live chart: {NUMBER} whole draws \(limits changed\), {NUMBER} blitted updates", out), out
    assert re.search(r"^ +[\d.]+ s  running +chart +\d+ points, last at", out, re.MULTILINE), out
    assert re.search(r"charts kept moving during the self-load \(.*\): PASS", out), out
    assert re.search(rf"live chart updates while sending: {NUMBER}/s \(target >= 2/s\): (PASS|FAIL)", out), out
    rss = rf"RSS of the window's process and its server's: peak {NUMBER} MiB \(sampled once a second\), {NUMBER} MiB at"
    assert len(re.findall(rss, out)) == 2, out  # the flood, then the self-load
    assert re.search(r"exact count: the server panel shows [\d,]+ messages, .*: PASS", out), out
    assert re.search(r"^result: (PASS|FAIL) ", out, re.MULTILINE), out
