"""Messages per second from running totals (gui/parts/rate.py)."""

from __future__ import annotations

import pytest

from gui.parts.rate import RateMeter


def test_rate_is_messages_per_second_and_drops_to_zero_when_quiet() -> None:
    meter = RateMeter()
    for step in range(9):
        meter.add(100.0 + step * 0.25, step * 250)  # 1000 messages a second
    assert meter.rate(102.0) == pytest.approx(1000.0)
    assert meter.rate(105.0) == 0.0
    meter.add(200.0, 5000)  # after a quiet spell, old totals do not dilute the new rate
    meter.add(200.25, 5100)
    assert meter.rate(200.3) == pytest.approx(400.0)
