"""A repeat's schedule (gui/parts/repeat_schedule.py): on a grid from its start, no drift, a bounded catch-up."""

from __future__ import annotations

import itertools

import pytest

from gui.parts.repeat_schedule import CATCH_UP, RepeatSchedule

EVERY = 0.010


def run(schedule: RepeatSchedule, sends: int, late_by: float, stall: tuple[int, float] | None = None) -> list[float]:
    """When each send goes if every timer fires `late_by` after it was asked for (and one fires `stall` late)."""
    now, times = schedule.start, []
    for send in range(sends):
        times.append(now)
        wait = schedule.wait(send + 1, now)
        now += wait + late_by
        if stall is not None and stall[0] == send:
            now += stall[1]
    return times


def test_late_timers_do_not_add_up() -> None:
    times = run(RepeatSchedule(EVERY, start=100.0), 500, late_by=0.0008)
    # 500 sends every 10 ms, each timer 0.8 ms late: the last goes at 4.99 s (plus one lateness), not 5.39 s.
    assert times[-1] - times[0] == pytest.approx(499 * EVERY + 0.0008, abs=1e-6)
    for send, at in enumerate(times):
        assert 100.0 + send * EVERY <= at + 1e-9 <= 100.0 + send * EVERY + 0.0008 + 1e-9


def test_a_send_on_time_waits_a_whole_period_and_a_late_one_less() -> None:
    schedule = RepeatSchedule(EVERY, start=10.0)
    assert schedule.wait(1, 10.0) == pytest.approx(EVERY)
    assert schedule.wait(2, 10.013) == pytest.approx(0.007)  # send 1 went 3 ms late: send 2 is still due at 10.02
    assert schedule.wait(3, 10.0305) == 0.0  # already late: at once
    assert schedule.start == 10.0  # a short lateness is caught up, the grid stays


def test_after_a_stall_only_a_few_sends_go_back_to_back() -> None:
    schedule = RepeatSchedule(EVERY, start=0.0)
    times = run(schedule, 40, late_by=0.0, stall=(9, 0.5))  # the window froze for half a second after send 9
    gaps = [later - earlier for earlier, later in itertools.pairwise(times)]
    at_once = [gap for gap in gaps[9:] if gap < EVERY / 2]
    assert len(at_once) == CATCH_UP  # not the 50 sends the half second held
    assert gaps[-1] == pytest.approx(EVERY)  # then back to the period
    assert schedule.start > 0.4  # the rest of the time lost was dropped
