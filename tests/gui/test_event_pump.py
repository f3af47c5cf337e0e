"""The event pump: bounded batches on the Tk thread, and a failing handler costs only its own event."""

from __future__ import annotations

import sys

import pytest

from gui.app import App
from gui.event_pump import EventPump


def test_a_failing_handler_loses_neither_the_rest_of_its_batch_nor_the_refresh(app: App) -> None:
    handled: list[int] = []
    refreshes: list[int] = []
    failures: list[str] = []

    def handle(event: int) -> None:
        if event == 2:
            raise RuntimeError("a bug in one handler")
        handled.append(event)

    pump: EventPump[int] = EventPump(
        app, handle, lambda: refreshes.append(len(handled)), lambda e: failures.append(str(e))
    )
    for event in (1, 2, 3):
        pump.put(event)
    assert pump.drain() == 3
    assert handled == [1, 3]
    assert failures == ["a bug in one handler"]
    assert refreshes == [2]  # the refresh ran once, after the whole batch


def test_batches_are_bounded_and_the_rest_waits(app: App) -> None:
    handled: list[int] = []
    pump: EventPump[int] = EventPump(app, handled.append, lambda: None, lambda e: None, batch_size=10)
    for event in range(25):
        pump.put(event)
    assert pump.drain(pump.batch_size) == 10
    assert pump.pending() == 15
    assert handled == list(range(10))


def test_a_bug_in_a_callback_is_said_in_the_log_and_its_details_go_to_the_terminal(
    app: App, capsys: pytest.CaptureFixture[str]
) -> None:
    try:
        raise ValueError("oops")
    except ValueError:
        kind, value, tb = sys.exc_info()
    assert kind is not None and value is not None
    App.report_callback_exception(app, kind, value, tb)  # the window's own handler, not the test's recorder
    app.log.flush()
    assert "Internal error (ValueError: oops)" in app.log.shown_text()
    assert "Traceback" in capsys.readouterr().err
