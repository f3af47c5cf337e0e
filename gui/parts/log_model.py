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
import time
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass, field

from core.defaults import DISPLAY_BYTES
from core.text import VisibleText, hex_dump
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


# A line ending's mark: its usual name, dim, right after the text (no font lacks these letters).
ENDING_MARKS = {b"\r\n": " CRLF", b"\n": " LF", b"\r": " CR", b"": ""}
EDGE = "edge"  # the tag of a space at either end of a message: shown with a tinted background
_HELD = b" \r\n"  # trailing bytes that wait: a line ending, or spaces at the end of a message
Segment = tuple[str, str]  # text and its tag ("" for the entry's own colour)


@dataclass(eq=False, slots=True)
class LogEntry:
    """One line of the log (more with its hex dump). Data entries (`is_data`) grow while `complete` is False."""

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
    lead: int = 0  # spaces at the start of shown_text (tinted on screen)
    trail: int = 0  # spaces at the end of shown_text, once complete (tinted)
    hex_shown: bool = False  # this entry's own hex view, switched on by the user
    seq: int = 0  # its place in the log, given when it is kept
    _decoder: VisibleText = field(default_factory=VisibleText)
    _held_end: bytes = b""  # trailing spaces, CR, LF not shown yet (see add_bytes)
    _head: str = ""  # head(), made once: what it shows never changes
    _drawn: tuple[tuple[str, bool], list[str], int] | None = None  # segments() of a complete entry, kept

    @property
    def tag(self) -> str:
        """The colour tag: one per side and direction."""
        if self.direction in (Direction.INFO, Direction.ERROR):
            return str(self.direction.value)
        return f"{self.side.value}_{self.direction.value}"

    def add_bytes(self, data: bytes, size: int) -> list[Segment]:
        """Take a piece of this entry's bytes; return what it adds on screen, as (text, tag) segments.

        Trailing spaces, CR and LF wait: at the end of the entry the CR and LF are its
        line ending (shown as a mark) and the spaces are tinted; followed by more bytes,
        they show as what they are. Spaces at the very start are tinted too.
        """
        room = max(0, DISPLAY_BYTES - len(self.data))
        kept = data[:room]
        first = not self.shown_text
        self.data += kept
        self.size += size
        combined = self._held_end + kept
        body = combined.rstrip(_HELD)
        self._held_end = combined[len(body) :]
        text = self._decoder.feed(body)
        self.shown_text += text
        if first and text.startswith(" "):
            self.lead = len(text) - len(text.lstrip(" "))
            return [(text[: self.lead], EDGE), (text[self.lead :], "")]
        return [(text, "")]

    def finish(self, ending: bytes, rtt: float | None) -> list[Segment]:
        """The entry is complete: return what ends its line on screen (what was held, shown as it is)."""
        self.complete, self.ending, self.rtt = True, ending, rtt
        held, self._held_end = self._held_end, b""
        extra = held[: len(held) - len(ending)] if ending and held.endswith(ending) else held
        spaces = len(extra) - len(extra.rstrip(b" "))
        text = self._decoder.feed(extra[: len(extra) - spaces], final=True)
        edge = " " * spaces
        if not self.shown_text and not text:  # a message of spaces only: they are all edge
            self.lead = spaces
        else:
            self.trail = spaces
        self.shown_text += text + edge
        return [(text, ""), (edge, EDGE)]

    def body_segments(self) -> list[Segment]:
        """The shown text as segments, the spaces at either end tagged EDGE."""
        text, lead, trail = self.shown_text, self.lead, self.trail
        if not self.is_data:
            return [(self.notice, "")]
        middle_end = max(lead, len(text) - trail)
        return [(text[:lead], EDGE), (text[lead:middle_end], ""), (text[middle_end:], EDGE)]

    def head(self) -> str:
        """Time, side, arrow and client: the fixed-width columns before the text."""
        if not self._head:
            who = f"#{self.client_id}" if self.client_id is not None else ""
            arrow = self.direction.arrow
            self._head = f"{clock_ms(self.wall)}  {self.side_label:<{SIDE_WIDTH}} {arrow} {who:<{CLIENT_WIDTH}} "
        return self._head

    def body(self) -> str:
        """The text after the head: the notice, or the bytes shown so far."""
        return self.shown_text if self.is_data else self.notice

    def mark(self, tr: Translator) -> str:
        """The dim part after a complete data entry's text: "(empty)" if it is, its line ending's name (LF,
        CRLF, CR; nothing for none), then its size."""
        if not self.is_data or not self.complete:
            return ""
        empty = tr("log.empty") if not self.shown_text else ""
        return f"{empty}{ENDING_MARKS.get(self.ending, '')}  {tr.count(self.size)} B"

    def tail(self, tr: Translator) -> str:
        """What follows a complete data entry's mark: bytes not shown, unsolicited, continued, round-trip time."""
        if not self.is_data or not self.complete:
            return ""
        parts = []
        hidden = self.size - len(self.data)
        if hidden > 0:
            parts.append(tr("session.more_bytes", count=tr.count(hidden)))
        if self.unsolicited:
            parts.append(f"({tr('session.unsolicited')})")
        if self.continued:  # a long line comes in pieces, one read each: this one is not a new message
            parts.append(f"({tr('session.continued')})")
        if self.rtt is not None:
            parts.append(f"({tr.duration(self.rtt)})")
        return "  " + "  ".join(parts) if parts else ""

    def line(self, tr: Translator) -> str:
        """The entry as one line of text (what a copy or a saved text file holds)."""
        return f"{self.head()}{self.body()}{self.mark(tr)}{self.tail(tr)}"

    def segments(self, tr: Translator, hex_view: bool) -> tuple[list[str], int]:
        """Alternating text and tag arguments for one Tk Text insert, and how many lines they take.

        A complete entry keeps them (a search writes thousands of lines again) until the language or its hex
        view changes."""
        key = (tr.language, hex_view or self.hex_shown)
        if self._drawn is not None and self._drawn[0] == key and self.complete:
            return self._drawn[1], self._drawn[2]
        parts = [self.head(), "head"]
        for text, tag in self.body_segments():
            if text:
                parts += [text, tag or self.tag]
        mark = self.mark(tr)
        if mark:
            parts += [mark, "mark"]
        tail = self.tail(tr)
        if tail:
            parts += [tail, "rtt"]
        parts += ["\n", ""]
        lines = 1
        if self.is_data and (hex_view or self.hex_shown) and self.data:
            dump = hex_dump(self.data)
            parts += ["".join(row + "\n" for row in dump), "hex"]
            lines += len(dump)
        if self.complete:
            self._drawn = (key, parts, lines)
        return parts, lines


@dataclass(frozen=True)
class SaveContext:
    """What a saved log says about itself: the app, where it talked to, and when it was saved."""

    app_version: str
    saved_at: float  # time.time()
    server: str  # "127.0.0.1:5000", or "" if the server was not running
    client: str  # the client's target, or "" if it never connected


class LogModel:
    """The latest MAX_LOG_LINES entries, oldest first, and the open data entries by key."""

    def __init__(self, limit: int = MAX_LOG_LINES) -> None:
        self.limit = limit
        self._entries: deque[LogEntry] = deque(maxlen=limit)
        self._next_seq = 1
        self.open: dict[object, LogEntry] = {}

    def __len__(self) -> int:
        return len(self._entries)

    @property
    def first_seq(self) -> int:
        """The `seq` of the oldest entry kept (entries with a smaller one are gone)."""
        return self._entries[0].seq if self._entries else self._next_seq

    def add(self, entries: Iterable[LogEntry]) -> None:
        for entry in entries:
            entry.seq = self._next_seq
            self._next_seq += 1
            self._entries.append(entry)
        if len(self.open) > self.limit:  # an open entry long gone from the log stops being followed
            oldest = self.first_seq
            self.open = {key: entry for key, entry in self.open.items() if entry.seq >= oldest or not entry.seq}

    def clear(self) -> None:
        self._entries.clear()
        self.open.clear()

    def entries(self) -> list[LogEntry]:
        return list(self._entries)

    def as_text(self, tr: Translator, context: SaveContext | None = None) -> str:
        """The log as text: one line per entry; with a `context`, a header, full dates and each entry's bytes in hex."""
        if context is None:
            return "".join(entry.line(tr) + "\n" for entry in self._entries)
        lines = [f"# {line}" for line in _header(tr, context)]
        for entry in self._entries:
            lines.append(f"{date_of(entry.wall)} {entry.line(tr)}")
            if entry.is_data and entry.data:
                lines.append(f"    hex: {entry.data.hex(' ')}{_cut_note(tr, entry)}")
        return "".join(line + "\n" for line in lines)

    def as_csv(self, tr: Translator, context: SaveContext) -> str:
        """The log as CSV, a header row of context first, then one row per entry with its bytes in hex."""
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        for line in _header(tr, context):
            writer.writerow([f"# {line}"])
        writer.writerow(
            ["time", "side", "direction", "client", "text", "line_ending", "bytes", "hex", "rtt_ms", "unsolicited"]
        )
        for e in self._entries:
            rtt = f"{e.rtt * 1000:.3f}" if e.rtt is not None else ""
            client = "" if e.client_id is None else str(e.client_id)
            size = str(e.size) if e.is_data else ""
            ending = ENDING_NAMES.get(e.ending, "") if e.is_data else ""
            unsolicited = "yes" if e.unsolicited else ""
            row = [date_of(e.wall), e.side.value, e.direction.value, client, e.body(), ending, size, e.data.hex(" ")]
            writer.writerow([*row, rtt, unsolicited])
        return out.getvalue()


ENDING_NAMES = {b"\r\n": "CRLF", b"\n": "LF", b"\r": "CR", b"": "none"}


def date_of(wall: float) -> str:
    """A full timestamp: 2026-11-24 14:03:07.281."""
    return f"{time.strftime('%Y-%m-%d', time.localtime(wall))} {clock_ms(wall)}"


def _header(tr: Translator, context: SaveContext) -> list[str]:
    lines = [tr("log.file.saved", version=context.app_version, date=date_of(context.saved_at))]
    if context.server:
        lines.append(tr("log.file.server", target=context.server))
    if context.client:
        lines.append(tr("log.file.client", target=context.client))
    return lines


def _cut_note(tr: Translator, entry: LogEntry) -> str:
    hidden = entry.size - len(entry.data)
    return f" ({tr('session.more_bytes', count=tr.count(hidden))})" if hidden > 0 else ""
