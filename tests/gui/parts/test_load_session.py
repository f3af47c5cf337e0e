"""One load run for the window (gui/parts/load_session.py), with a stand-in run: polling, cancel, close."""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest

from core.load import LatencyHistogram, LoadProgress, LoadResult, Scenario
from core.load.results import frozen_counts
from gui.parts.load_session import LoadSession

SCENARIO = Scenario("t", clients=1, messages=10)


class StandInRun:
    """Does what core.load.LoadRun promises, driven by the test: reports, ends, fails."""

    def __init__(self, on_progress: Callable[[LoadProgress], None]) -> None:
        self.on_progress = on_progress
        self.over = threading.Event()
        self.cancelled = False
        self.started = False
        self.error: BaseException | None = None

    def start(self) -> None:
        self.started = True

    def cancel(self) -> None:
        self.cancelled = True
        self.over.set()

    def join(self, timeout: float | None = None) -> bool:
        return self.over.wait(timeout)

    @property
    def running(self) -> bool:
        return self.started and not self.over.is_set()

    def result(self) -> LoadResult:
        if self.error is not None:
            raise self.error
        return LoadResult(SCENARIO, 1, 1, 10, frozen_counts({}), 1.0, 0, 0, LatencyHistogram(), self.cancelled, None)


def _progress(completed: int) -> LoadProgress:
    return LoadProgress("running", 1.0, 1.0, None, 1, completed, frozen_counts({}), 0.25, 1.0, 0.0, 0.0, 0.5)


@pytest.fixture
def made() -> list[StandInRun]:
    return []


@pytest.fixture
def session(made: list[StandInRun]) -> LoadSession:
    def make(host: str, port: int, scenario: Scenario, on_progress: Callable[[LoadProgress], None]) -> StandInRun:
        run = StandInRun(on_progress)
        made.append(run)
        return run

    return LoadSession(make)  # type: ignore[arg-type]


def test_poll_hands_over_the_snapshots_in_order_then_the_result(session: LoadSession, made: list[StandInRun]) -> None:
    session.start("127.0.0.1", 5000, SCENARIO)
    assert session.running and made[0].started
    assert session.started is not None and session.started.scenario is SCENARIO
    with pytest.raises(RuntimeError):
        session.start("127.0.0.1", 5000, SCENARIO)  # one at a time
    made[0].on_progress(_progress(1))
    made[0].on_progress(_progress(2))
    polled = session.poll()
    assert [p.completed for p in polled.snapshots] == [1, 2] and not polled.over
    made[0].over.set()
    polled = session.poll()
    assert polled.over and polled.result is not None and polled.result.completed == 10
    assert not session.running


def test_a_run_that_failed_is_reported_not_raised(session: LoadSession, made: list[StandInRun]) -> None:
    session.start("127.0.0.1", 5000, SCENARIO)
    made[0].error = OSError("too many open files")
    made[0].over.set()
    polled = session.poll()
    assert polled.over and polled.result is None and isinstance(polled.error, OSError)


def test_cancel_and_close_end_the_run(session: LoadSession, made: list[StandInRun]) -> None:
    assert session.close()  # nothing running: nothing to wait for
    session.start("127.0.0.1", 5000, SCENARIO)
    session.cancel()
    assert made[0].cancelled and session.cancelled
    assert session.poll().result is not None
    session.start("127.0.0.1", 5000, SCENARIO)
    assert session.close() and made[1].cancelled and not session.running
