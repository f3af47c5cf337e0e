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
