"""The conversation log's entries, bounded and in the order things happened; text and CSV export (no widgets).

An entry is one line of the log: a notice (connected, closed, an error) or bytes
that crossed the wire. Bytes arrive in pieces, so an entry can stay *open* and
grow until it is complete; it keeps only the first DISPLAY_BYTES of its bytes for
display while `size` counts them all.
"""

from __future__ import annotations

import csv
import enum
import io
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass, field

from core.defaults import DISPLAY_BYTES
from core.text import VisibleText
from words import Translator
from words.formats import clock_ms

# The log keeps the latest lines only; the counters elsewhere stay exact.
MAX_LOG_LINES = 5000


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


@dataclass(eq=False, slots=True)
class LogEntry:
    """One line of the log. Data entries (`is_data`) grow while `complete` is False."""

    mono: float  # when it happened (orders the log)
    wall: float  # when it happened (shown)
    side: Side
    direction: Direction
    side_label: str  # the side in the language of the moment it was logged
    client_id: int | None = None
    notice: str = ""  # a notice's sentence (not a data entry)
    is_data: bool = False
    data: bytes = b""  # a data entry's first bytes (at most DISPLAY_BYTES)
    size: int = 0  # a data entry's bytes on the wire, all of them
    ending: bytes = b""
    rtt: float | None = None
    unsolicited: bool = False
    continued: bool = False  # more bytes of a message already logged
    complete: bool = True
    shown_text: str = ""  # the visible text of `data` so far
    _decoder: VisibleText = field(default_factory=VisibleText)
    _held_end: bytes = b""  # trailing CR/LF bytes not shown yet: the line ending, unless more bytes follow

    @property
    def tag(self) -> str:
        """The colour tag: one per side and direction."""
        if self.direction in (Direction.INFO, Direction.ERROR):
            return str(self.direction.value)
        return f"{self.side.value}_{self.direction.value}"

    def add_bytes(self, data: bytes, size: int) -> str:
        """Take a piece of this entry's bytes; return the text it adds on screen.

        Trailing CR and LF bytes wait: at the end of the entry they are its line
        ending (shown apart, not as text); followed by more bytes, they show as escapes.
        """
        room = max(0, DISPLAY_BYTES - len(self.data))
        kept = data[:room]
        self.data += kept
        self.size += size
        combined = self._held_end + kept
        body = combined.rstrip(b"\r\n")
        if len(combined) - len(body) > 2:  # more than one ending's worth: the rest is text
            body = combined[: len(combined) - 2]
        self._held_end = combined[len(body) :]
        text = self._decoder.feed(body)
        self.shown_text += text
        return text

    def finish(self, ending: bytes, rtt: float | None) -> str:
        """The entry is complete: return the text that ends its line on screen (held bytes that were no ending)."""
        self.complete, self.ending, self.rtt = True, ending, rtt
        held, self._held_end = self._held_end, b""
        extra = held[: len(held) - len(ending)] if ending and held.endswith(ending) else held
        text = self._decoder.feed(extra, final=True)
        self.shown_text += text
        return text

    def head(self) -> str:
        """Time, side, arrow and client: the fixed-width columns before the text."""
        who = f"#{self.client_id}" if self.client_id is not None else ""
        return f"{clock_ms(self.wall)}  {self.side_label:<{SIDE_WIDTH}} {self.direction.arrow} {who:<{CLIENT_WIDTH}} "

    def body(self) -> str:
        """The text after the head: the notice, or the bytes shown so far."""
        return self.shown_text if self.is_data else self.notice

    def tail(self, tr: Translator) -> str:
        """What follows a complete data entry: bytes not shown, unsolicited, round-trip time."""
        if not self.is_data or not self.complete:
            return ""
        parts = []
        hidden = self.size - len(self.data)
        if hidden > 0:
            parts.append(tr("session.more_bytes", count=tr.count(hidden)))
        if self.unsolicited:
            parts.append(f"({tr('session.unsolicited')})")
        if self.rtt is not None:
            parts.append(f"({tr.duration(self.rtt)})")
        return "  " + "  ".join(parts) if parts else ""

    def line(self, tr: Translator) -> str:
        return f"{self.head()}{self.body()}{self.tail(tr)}"


class LogModel:
    """The latest MAX_LOG_LINES entries, oldest first, and the open data entries by key."""

    def __init__(self, limit: int = MAX_LOG_LINES) -> None:
        self.limit = limit
        self._entries: deque[LogEntry] = deque(maxlen=limit)
        self.open: dict[object, LogEntry] = {}

    def __len__(self) -> int:
        return len(self._entries)

    def add(self, entries: Iterable[LogEntry]) -> None:
        self._entries.extend(entries)
        if len(self.open) > self.limit:  # an open entry long gone from the log stops being followed
            oldest = self._entries[0].mono
            self.open = {key: entry for key, entry in self.open.items() if entry.mono >= oldest}

    def clear(self) -> None:
        self._entries.clear()
        self.open.clear()

    def entries(self) -> list[LogEntry]:
        return list(self._entries)

    def as_text(self, tr: Translator) -> str:
        return "".join(entry.line(tr) + "\n" for entry in self._entries)

    def as_csv(self) -> str:
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(["time", "side", "direction", "client", "text", "bytes", "rtt_ms"])
        for e in self._entries:
            rtt = f"{e.rtt * 1000:.3f}" if e.rtt is not None else ""
            client = "" if e.client_id is None else str(e.client_id)
            size = str(e.size) if e.is_data else ""
            writer.writerow([clock_ms(e.wall), e.side.value, e.direction.value, client, e.body(), size, rtt])
        return out.getvalue()
