"""A 200 MB flood with no newline into the window's client: bounded memory, a window that stays responsive.

The flood is plain ASCII, invalid UTF-8 (0xFF) or a two-byte character (ñ): each is cut
before it is decoded, so none of them costs the window more than the others.
"""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from collections.abc import Callable

import psutil
import pytest

from core.defaults import DISPLAY_BYTES
from tests.support.launcher import REPO_ROOT
from tests.support.peers import FloodServer, StandInServer
from tests.support.processes import peak_rss_until_exit

MIB = 1 << 20
FLOOD = 200 * MIB
MAX_GROWTH = 100 * MIB  # the target
MAX_TICK_DELAY = 0.5  # far from a freeze (a frozen window is late by seconds); the bench measures the real figure


@pytest.mark.slow
@pytest.mark.parametrize("byte", [b"a", b"\xff", "ñ".encode()], ids=["ascii", "invalid-utf8", "enye"])
def test_a_200_mb_flood_costs_the_window_little_memory_and_never_freezes_it(
    make_peer: Callable[..., StandInServer], byte: bytes
) -> None:
    flood = make_peer(FloodServer, FLOOD, byte)
    child = subprocess.Popen(
        [sys.executable, "-m", "tests.support.window_flood", str(flood.address[1])],
        cwd=REPO_ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert child.stdout is not None and child.stdin is not None
        assert child.stdout.readline().strip() == "ready"
        baseline = psutil.Process(child.pid).memory_info().rss
        child.stdin.write("go\n")
        child.stdin.flush()
        report_line: list[str] = []
        reader = threading.Thread(target=lambda: report_line.append(child.stdout.readline()), daemon=True)  # type: ignore[union-attr]
        reader.start()
        peak = peak_rss_until_exit(child, timeout=120)
        reader.join(5)
        report = json.loads(report_line[0])
        assert child.wait(30) == 0
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
    assert report["bytes"] == FLOOD  # every byte counted
    assert report["shown"] <= DISPLAY_BYTES  # a prefix kept for display
    assert peak - baseline < MAX_GROWTH, f"the window grew by {(peak - baseline) / MIB:.0f} MiB"
    assert report["max"] < MAX_TICK_DELAY, report
