"""The benchmark's command-line face works end to end: every scenario, every server, no errors.

The bench counts a server that does not exit with 0 after SIGINT as an error, so
this also checks that each server (Mayus included) starts on a free port and stops.
It runs pinned (`--pin`), so the pinning path is exercised too.
"""

from __future__ import annotations

import re

import pytest

from bench.server_bench import SCENARIOS, TARGETS
from bench.servers import SERVER_COMMANDS, available
from tests.support.processes import run_python

QUICK_BENCH_TIMEOUT = 110.0


@pytest.mark.slow
def test_quick_bench_runs_every_scenario_against_every_server_with_no_errors() -> None:
    runnable = [name for name in SERVER_COMMANDS if available(name)]
    done = run_python("-m", "bench.server_bench", "--quick", "--pin", timeout=QUICK_BENCH_TIMEOUT)
    out = done.stdout
    assert done.returncode == 0, out + done.stderr
    assert out.startswith("command: python -m bench.server_bench --quick --pin\nmachine: ")
    assert re.search(r"^pinning: (server under test on CPU \d+, load generator on CPU [\d,]+|not pinned: )", out, re.M)
    assert re.search(r"^loops:   mayus on (asyncio|uvloop) ", out, re.M), out
    for scenario in SCENARIOS:
        assert f"== {scenario.name}:" in out
    for name in runnable:
        assert out.count(f"\n  {name} ") >= len(SCENARIOS)  # one row per scenario (and the memory line)
    assert out.count("  geometric mean ") == 2, out  # messages/s, then CPU per message
    references = [name for name in runnable if name != "mayus"]
    assert re.search(r"^  scenario +" + r" +".join(re.escape(f"/ {ref}") for ref in references) + "$", out, re.M)
    for ref in TARGETS.keys() & set(references):
        assert re.search(rf"^target: Mayus / {ref} >= [\d.]+ .*: [\d.]+, (met|missed)$", out, re.M), out
    assert "KiB per connection, 0 errors" in out
    assert "total errors: 0;" in out
