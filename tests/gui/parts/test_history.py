"""Sent messages, browsed like a shell's history (gui/parts/history.py)."""

from __future__ import annotations

from gui.parts.history import HISTORY_LIMIT, History


def test_history_skips_repeats_and_keeps_the_latest() -> None:
    history = History()
    for n in range(HISTORY_LIMIT + 5):
        history.add(str(n))
        history.add(str(n))
    assert len(history.items) == HISTORY_LIMIT
    assert history.items[-1] == str(HISTORY_LIMIT + 4)
    assert history.newer() is None  # already on the new line


def test_history_keeps_no_duplicates_the_repeat_moves_up() -> None:
    history = History(["a", "b", "a", "c"])  # as an older version saved it
    assert history.items == ["b", "a", "c"]
    history.add("b")
    assert history.items == ["a", "c", "b"]
    assert history.older("") == "b" and history.older("") == "c"


def test_reconnect_waits_double_up_to_a_cap_and_start_again_after_a_success() -> None:
    from gui.parts.backoff import MAX_WAIT_SECONDS, Backoff

    backoff = Backoff()
    waits = [backoff.next_wait(2.0) for _ in range(7)]
    assert waits == [2.0, 4.0, 8.0, 16.0, MAX_WAIT_SECONDS, MAX_WAIT_SECONDS, MAX_WAIT_SECONDS]
    assert backoff.attempt == 7
    backoff.reset()
    assert backoff.next_wait(2.0) == 2.0
