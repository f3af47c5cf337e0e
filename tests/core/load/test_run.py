"""LoadRun: a run on a helper thread that its owner watches, cancels and joins, leaving nothing behind."""

from __future__ import annotations

import queue
import threading
import time

import pytest

from core.load import CANCEL_SECONDS, LoadProgress, LoadRun, Scenario
from tests.support.processes import child_processes, new_child_processes
from tests.support.servers import RunningServer
from tests.support.waiting import WAIT, wait_until


def test_a_short_run_reports_on_its_own_thread_and_ends_with_its_result(server: RunningServer) -> None:
    before = child_processes()
    snapshots: queue.Queue[tuple[str, LoadProgress]] = queue.Queue()
    run = LoadRun(
        server.host,
        server.port,
        Scenario("short", clients=5, messages=500, in_flight=4),
        on_progress=lambda p: snapshots.put((threading.current_thread().name, p)),
        processes=2,
    )
    with pytest.raises(RuntimeError):
        run.result()
    run.start()
    assert run.join(WAIT * 4)
    result = run.result()
    assert (result.completed, result.error_count, result.connected) == (500, 0, 5)
    seen = [snapshots.get_nowait() for _ in range(snapshots.qsize())]
    assert {name for name, _ in seen} == {"mayus-load"}
    assert seen[-1][1].phase == "done" and seen[-1][1].completed == 500
    assert seen[-1][1].remaining_messages == 0
    assert new_child_processes(before) == []


def test_cancel_then_join_ends_the_run_within_a_second_and_every_process(server: RunningServer) -> None:
    before = child_processes()
    running = threading.Event()
    run = LoadRun(
        server.host,
        server.port,
        Scenario("endless", clients=20, messages=None, duration=60.0, in_flight=2),
        on_progress=lambda p: running.set() if p.phase == "running" and p.completed else None,
        processes=2,
    )
    run.start()
    wait_until(running.is_set, timeout=WAIT * 4, message="the run sending")
    assert len(new_child_processes(before)) == 2
    began = time.monotonic()
    run.cancel()
    assert run.join()
    assert time.monotonic() - began < CANCEL_SECONDS + 0.3
    assert new_child_processes(before) == []
    result = run.result()
    assert result.cancelled and result.completed > 0 and result.error_count == 0
    run.cancel()  # a second cancel, after the end, does nothing


def test_a_run_never_started_joins_at_once() -> None:
    run = LoadRun("127.0.0.1", 9, Scenario("never", clients=1, messages=1))
    run.cancel()
    assert run.join(0.0) and not run.running
