"""The conversation log's lines, bounded, with text and CSV export (no widgets here)."""

from __future__ import annotations

import csv
import enum
import io
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass

from gui.formatting import clock_ms, duration

# The log keeps the latest lines only; the counters elsewhere stay exact.
MAX_LOG_LINES = 5000
# Longer texts are cut on screen: Tk slows down on very long lines.
MAX_SHOWN_CHARS = 2000


class Side(enum.Enum):
    SERVER = "server"
    CLIENT = "client"
    APP = "app"


class Direction(enum.Enum):
    """Seen from the side that logs: IN arrived there, OUT left from there."""

    IN = "in"
    OUT = "out"
    INFO = "info"
    ERROR = "error"

    @property
    def arrow(self) -> str:
        return _ARROWS[self]


_ARROWS = {Direction.IN: "←", Direction.OUT: "→", Direction.INFO: "·", Direction.ERROR: "!"}
# Width of the side column: the longest side name ("SERVIDOR").
SIDE_WIDTH = 8
CLIENT_WIDTH = 6  # "#12345"
# Characters before the text: time (12), 2 spaces, side, space, arrow, space, client, space.
HEAD_CHARS = 12 + 2 + SIDE_WIDTH + 3 + CLIENT_WIDTH + 1


@dataclass(frozen=True, slots=True)
class LogEntry:
    at: float
    side: Side
    direction: Direction
    text: str
    side_label: str  # the side in the language of the moment it was logged
    client_id: int | None = None
    rtt: float | None = None

    @property
    def tag(self) -> str:
        """The colour tag: one per side and direction."""
        if self.direction in (Direction.INFO, Direction.ERROR):
            return str(self.direction.value)
        return f"{self.side.value}_{self.direction.value}"

    def head(self) -> str:
        """Time, side, arrow and client: the fixed-width columns before the text."""
        who = f"#{self.client_id}" if self.client_id is not None else ""
        return f"{clock_ms(self.at)}  {self.side_label:<{SIDE_WIDTH}} {self.direction.arrow} {who:<{CLIENT_WIDTH}} "

    def rtt_text(self) -> str:
        return f"  ({duration(self.rtt)})" if self.rtt is not None else ""

    def line(self) -> str:
        return f"{self.head()}{self.text}{self.rtt_text()}"


class LogStore:
    """The latest MAX_LOG_LINES entries."""

    def __init__(self, limit: int = MAX_LOG_LINES) -> None:
        self.limit = limit
        self._entries: deque[LogEntry] = deque(maxlen=limit)

    def __len__(self) -> int:
        return len(self._entries)

    def add(self, entries: Iterable[LogEntry]) -> None:
        self._entries.extend(entries)

    def clear(self) -> None:
        self._entries.clear()

    def entries(self) -> list[LogEntry]:
        return list(self._entries)

    def as_text(self) -> str:
        return "".join(entry.line() + "\n" for entry in self._entries)

    def as_csv(self) -> str:
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(["time", "side", "direction", "client", "text", "rtt_ms"])
        for e in self._entries:
            rtt = f"{e.rtt * 1000:.3f}" if e.rtt is not None else ""
            client = "" if e.client_id is None else str(e.client_id)
            writer.writerow([clock_ms(e.at), e.side.value, e.direction.value, client, e.text, rtt])
        return out.getvalue()
