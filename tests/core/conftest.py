"""Mayus's loops on both event loops: `each_loop` runs a test once on asyncio's loop and once on uvloop.

Modules that use it (`pytestmark = pytest.mark.usefixtures("each_loop")`) are the representative subset:
the server, its memory bounds, interop with plain tools, and bind errors; the rest runs on the default loop
only, so the suite does not double in time. The uvloop run is skipped where uvloop is missing, and until
Mayus turns it on (core/loop_thread.py UVLOOP_BY_DEFAULT; tests/core/test_loops.py says when it can).
"""

from __future__ import annotations

import pytest

from core.loop_thread import LOOP_CHOICES, LOOP_ENV, UVLOOP_BY_DEFAULT, UVLOOP_LOOP, uvloop_available


@pytest.fixture(params=LOOP_CHOICES)
def each_loop(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Set MAYUS_LOOP for this test (servers in this process and `serve` subprocesses alike); its kind."""
    kind = str(request.param)
    if kind == UVLOOP_LOOP:
        if not uvloop_available():
            pytest.skip("uvloop is not installed here")
        if not UVLOOP_BY_DEFAULT:
            pytest.skip("Mayus is not on uvloop yet: core/loop_thread.py UVLOOP_BY_DEFAULT is off")
    monkeypatch.setenv(LOOP_ENV, kind)
    return kind
