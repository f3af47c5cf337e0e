"""The load generator bench runs end to end: both generators, every scenario, no errors, the ratios."""

from __future__ import annotations

import re
import shutil

import pytest

from bench.load_bench import SCENARIOS
from bench.native import COMPILER
from tests.support.processes import run_python

QUICK_BENCH_TIMEOUT = 110.0


@pytest.mark.slow
def test_quick_load_bench_measures_both_generators_with_no_errors() -> None:
    done = run_python("-m", "bench.load_bench", "--quick", timeout=QUICK_BENCH_TIMEOUT)
    out = done.stdout
    assert done.returncode == 0, out + done.stderr
    assert out.startswith("command: python -m bench.load_bench --quick\nmachine: ")
    for scenario in SCENARIOS:
        assert f"== {scenario.name}:" in out
    assert len(re.findall(r"\n  mayus +[\d,]+ ", out)) == len(SCENARIOS)
    if shutil.which(COMPILER):
        assert len(re.findall(r"\n  C epoll +[\d,]+ ", out)) == len(SCENARIOS)
        assert out.count("  mayus / C epoll: ") == len(SCENARIOS)
        assert "geometric mean" in out
    else:
        assert "loadgen: skipped, gcc is not installed" in out
    assert "total errors: 0;" in out
