"""Search and filter the conversation log: by text or regular expression, by side, by direction.

Tk-free: the log panel asks `matches(entry)` to choose the lines to show and
`spans(text)` to highlight. Over the 5,000 lines the log keeps, this matching takes
a few milliseconds; most of a search's time is Tk writing the lines again. The
whole search in the window is timed by bench/workbench_bench.py (`make bench-workbench`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from gui.parts.log_model import Direction, LogEntry, Side

ALL_SIDES = frozenset(Side)
ALL_DIRECTIONS = frozenset(Direction)


class BadPattern(ValueError):
    """The regular expression typed does not compile; `detail` says why."""

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


@dataclass(frozen=True)
class LogFilter:
    """What to show: entries whose text matches `text` (empty: all), from these sides and directions."""

    text: str = ""
    regex: bool = False
    sides: frozenset[Side] = ALL_SIDES
    directions: frozenset[Direction] = ALL_DIRECTIONS
    _pattern: re.Pattern[str] | None = field(default=None, compare=False, repr=False)
    _every_kind: bool = field(default=True, compare=False, repr=False)  # every side and direction: no need to ask

    @staticmethod
    def make(
        text: str = "",
        regex: bool = False,
        sides: frozenset[Side] = ALL_SIDES,
        directions: frozenset[Direction] = ALL_DIRECTIONS,
    ) -> LogFilter:
        """A filter; raises BadPattern when `regex` is set and `text` is not a valid expression."""
        pattern = None
        if text:
            source = text if regex else re.escape(text)
            try:
                pattern = re.compile(source, re.IGNORECASE)
            except re.error as exc:
                raise BadPattern(str(exc)) from exc
        every_kind = sides == ALL_SIDES and directions == ALL_DIRECTIONS
        return LogFilter(text, regex, sides, directions, pattern, every_kind)

    @property
    def active(self) -> bool:
        """True if it hides anything (a text to find, or a side or direction left out)."""
        return bool(self.text) or self.sides != ALL_SIDES or self.directions != ALL_DIRECTIONS

    def matches(self, entry: LogEntry) -> bool:
        if not self._every_kind and (entry.side not in self.sides or entry.direction not in self.directions):
            return False
        return self._pattern is None or self._pattern.search(entry.body()) is not None

    def spans(self, text: str) -> list[tuple[int, int]]:
        """Where the searched text occurs in `text` (character offsets), for highlighting."""
        if self._pattern is None:
            return []
        return [(m.start(), m.end()) for m in self._pattern.finditer(text) if m.end() > m.start()]
