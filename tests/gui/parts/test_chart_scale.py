"""Where a live chart's axes end and how its ticks read (gui/parts/chart_scale.py): no window needed."""

from __future__ import annotations

import math

import pytest

from gui.parts.chart_scale import compact_number, next_limit, nice_ceiling


@pytest.mark.parametrize(
    ("value", "expected"),
    [(0.0, 1.0), (-5.0, 1.0), (math.nan, 1.0), (1.2, 1.5), (7.0, 8.0), (8.0, 8.0), (11.0, 15.0), (26_000.0, 30_000.0)],
)
def test_nice_ceiling_is_the_next_round_value(value: float, expected: float) -> None:
    assert nice_ceiling(value) == pytest.approx(expected)


def test_nice_ceiling_never_goes_below_its_floor() -> None:
    assert nice_ceiling(3.0, floor=10.0) == 10.0


def test_a_limit_stays_while_the_data_fits_so_the_chart_only_blits() -> None:
    limit = next_limit(None, 1000.0)
    assert limit == pytest.approx(1500.0)  # 1000 with headroom, rounded up
    for peak in (500.0, 900.0, 1500.0):
        assert next_limit(limit, peak) == limit


def test_a_limit_grows_past_the_peak_and_comes_down_only_far_below() -> None:
    assert next_limit(1500.0, 1600.0) == pytest.approx(2500.0)  # with room to grow: the next change is far
    assert next_limit(1500.0, 100.0) == pytest.approx(150.0)  # the old peak is gone: the scale follows
    assert next_limit(1.0, 0.0, floor=1.0) == 1.0  # at the floor nothing shrinks


@pytest.mark.parametrize(
    ("value", "mark", "expected"),
    [
        (0.0, ".", "0"),
        (0.5, ".", "0.5"),
        (0.5, ",", "0,5"),
        (12.0, ".", "12"),
        (950.0, ".", "950"),
        (1500.0, ".", "1.5k"),
        (1500.0, ",", "1,5k"),
        (20_000.0, ".", "20k"),
        (1_200_000.0, ".", "1.2M"),
        (-60.0, ".", "-60"),
    ],
)
def test_compact_numbers_stay_short_in_the_languages_mark(value: float, mark: str, expected: str) -> None:
    assert compact_number(value, mark) == expected
