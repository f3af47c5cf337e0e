"""The benchmark's command-line face works end to end: every scenario, every server, no errors.

The bench counts a server that does not exit with 0 after SIGINT as an error, so
this also checks that each server (Mayus included) starts on a free port and stops.
"""

from __future__ import annotations

import subprocess
import sys

import pytest

from bench.server_bench import SCENARIOS
from bench.servers import SERVER_COMMANDS
from tests.support.launcher import REPO_ROOT

QUICK_BENCH_TIMEOUT = 110.0


@pytest.mark.slow
def test_quick_bench_runs_every_scenario_against_every_server_with_no_errors() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "bench.server_bench", "--quick"],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=QUICK_BENCH_TIMEOUT,
    )
    out = done.stdout
    assert done.returncode == 0, out + done.stderr
    assert out.startswith("command: python -m bench.server_bench --quick\nmachine: ")
    for scenario in SCENARIOS:
        assert f"== {scenario.name}:" in out
    for name in SERVER_COMMANDS:
        assert out.count(f"\n  {name} ") >= len(SCENARIOS)  # one row per scenario (and the memory line)
    assert "geometric mean" in out
    assert "KiB per connection, 0 errors" in out
    assert "total errors: 0;" in out
