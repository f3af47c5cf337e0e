"""Search and filter over the log's entries (no window)."""

from __future__ import annotations

import pytest

from gui.parts.log_filter import BadPattern, LogFilter
from gui.parts.log_model import Direction, LogEntry, Side


def entry(side: Side, direction: Direction, text: str) -> LogEntry:
    return LogEntry(0.0, 0.0, side, direction, side.value.upper(), notice=text)


ENTRIES = [
    entry(Side.CLIENT, Direction.OUT, "PING"),
    entry(Side.CLIENT, Direction.IN, "OK"),
    entry(Side.SERVER, Direction.IN, "ping"),
    entry(Side.CLIENT, Direction.IN, "STAT 21.5"),
    entry(Side.APP, Direction.ERROR, "Could not save"),
]


def shown(log_filter: LogFilter) -> list[str]:
    return [e.body() for e in ENTRIES if log_filter.matches(e)]


def test_no_filter_shows_everything() -> None:
    assert shown(LogFilter.make()) == [e.body() for e in ENTRIES]
    assert not LogFilter.make().active


def test_text_matches_without_regard_to_case_and_literally() -> None:
    assert shown(LogFilter.make("ping")) == ["PING", "ping"]
    assert shown(LogFilter.make("21.5")) == ["STAT 21.5"]
    assert shown(LogFilter.make("2.")) == []  # a dot is a dot unless regex is on


def test_a_regex_matches_and_a_bad_one_is_refused_plainly() -> None:
    assert shown(LogFilter.make(r"\d+\.\d", regex=True)) == ["STAT 21.5"]
    with pytest.raises(BadPattern):
        LogFilter.make("(unclosed", regex=True)


def test_sides_and_directions_narrow_what_shows() -> None:
    assert shown(LogFilter.make(sides=frozenset({Side.SERVER}))) == ["ping"]
    replies = LogFilter.make(sides=frozenset({Side.CLIENT}), directions=frozenset({Direction.IN}))
    assert shown(replies) == ["OK", "STAT 21.5"]
    assert replies.active


def test_spans_give_every_match_for_highlighting() -> None:
    assert LogFilter.make("a").spans("banana") == [(1, 2), (3, 4), (5, 6)]
    assert LogFilter.make("x*", regex=True).spans("abc") == []  # empty matches highlight nothing
