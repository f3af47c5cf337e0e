"""The live charts' data without a window (gui/parts/samples.py): the server's last minute, one load run."""

from __future__ import annotations

import math

import pytest

from gui.parts.samples import STALE_SECONDS, WINDOW_SECONDS, RunSeries, ServerHistory


def test_the_server_rate_comes_from_the_running_totals() -> None:
    history = ServerHistory()
    for step in range(9):
        history.add(100.0 + step * 0.25, step * 250, 3)  # 1000 messages a second, 3 clients
    x, columns = history.series(102.0)
    assert x[-1] == 0.0 and x[0] == pytest.approx(-2.0)
    assert columns["rate"][1:] == pytest.approx([1000.0] * (len(x) - 1))
    assert set(columns["clients"]) == {3.0}


def test_a_quiet_server_drops_to_zero_and_the_chart_still_scrolls() -> None:
    history = ServerHistory()
    history.add(10.0, 0, 1)
    history.add(10.25, 500, 1)  # 2000 a second, then nothing more
    x, columns = history.series(20.0)
    assert x[-1] == 0.0 and columns["rate"][-1] == 0.0 and columns["clients"][-1] == 1.0
    assert columns["rate"][-2] == 0.0  # down to zero right after the last stats, not sloping for 10 s
    history.add(21.0, 600, 2)  # new messages after the quiet spell: counted over one stats interval
    assert history.last is not None and history.last.rate == pytest.approx(400.0)


def test_the_history_keeps_one_minute_and_starts_at_the_left_edge() -> None:
    history = ServerHistory()
    for step in range(400):  # 100 s of samples
        history.add(step * 0.25, step, 5)
    assert len(history) <= (WINDOW_SECONDS + STALE_SECONDS) / 0.25 + 2
    x, columns = history.series(99.75)
    assert x[0] == -WINDOW_SECONDS and x[-1] == 0.0
    assert all(-WINDOW_SECONDS <= value <= 0.0 for value in x)
    assert len(columns["rate"]) == len(columns["clients"]) == len(x)


def test_a_stopped_server_shows_no_clients_and_a_reset_forgets_everything() -> None:
    history = ServerHistory()
    history.add(1.0, 10, 4)
    history.add_stopped(1.5)
    assert history.last is not None and (history.last.clients, history.last.rate) == (0, 0.0)
    history.reset()
    assert len(history) == 0 and history.series(2.0) == ([], {"rate": [], "clients": []})


def test_a_run_series_keeps_every_point_until_full_then_every_other() -> None:
    series = RunSeries(("rate", "p99"), capacity=8)
    for step in range(8):
        series.add(float(step), rate=step * 10.0)
    assert series.x == [float(s) for s in range(8)]
    assert math.isnan(series.columns["p99"][0])  # not given: a gap in that line
    series.add(8.0, rate=80.0)  # past the capacity: every other point, the newest kept
    assert series.x == [0.0, 2.0, 4.0, 6.0, 8.0]
    for step in range(9, 13):
        series.add(float(step), rate=step * 10.0)
    assert series.x == [0.0, 2.0, 4.0, 6.0, 8.0, 10.0, 12.0]
    assert series.last == (12.0, {"rate": 120.0, "p99": pytest.approx(math.nan, nan_ok=True)})
    assert len(series) <= series.capacity


def test_a_long_run_stays_bounded_and_whole() -> None:
    series = RunSeries(("rate",), capacity=100)
    for step in range(100_000):
        series.add(step * 0.25, rate=1.0)
    assert len(series) <= 100
    assert series.x[0] == 0.0 and series.x[-1] > 0.9 * 99_999 * 0.25  # from the start to (nearly) now
    series.clear()
    assert len(series) == 0 and series.last is None
