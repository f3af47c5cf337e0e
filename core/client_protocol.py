"""The client side of the protocol, sans I/O: messages out; what the server sends, grouped and matched.

`ClientSession` never touches a socket or a clock: the caller passes `now`
(perf_counter seconds) and writes the bytes it returns. The rules (the README's
"How the client behaves" says them for users):

- Every byte is reported as soon as it arrives, as a piece of an *entry*.
- An entry ends at the line ending that ends a reply, when the line has been quiet
  for the quiet gap (the caller calls `receive_pause` once `pause_due` has passed),
  or when the server closes. Bytes separated by a quiet gap are never one entry.
- An entry answers the oldest message still waiting for a reply; with none waiting
  it is unsolicited (a banner, a push, a late reply).
- Which line ending ends a reply follows how its message was sent: LF and CRLF
  replies end at a LF; CR replies end at a CR (with a LF right behind it in the same
  read); replies to a message sent with no ending end at a quiet gap. Unsolicited
  entries end at a LF or a quiet gap.
- A reply's round-trip time runs from its message's send to the entry's last byte,
  never counting the quiet gap.
- Messages go out exactly as given. A message that is DESCONEXION (the one rule:
  `core.protocol.is_disconnect_word`) is remembered, so a reply to it can be
  told apart from the close it asked for.
- The polite disconnect (`disconnect_request`, then `disconnect_ending`) sends the
  word with no ending first, which the original classroom server needs, and its
  line ending a moment later, which a line server needs; Mayus's server takes either.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass

from core.defaults import DISCONNECT_WORD, QUIET_GAP_SECONDS, LineEnding
from core.errors import LocalProtocolError
from core.protocol import is_disconnect_word
from core.text import line_ending

_WORD = DISCONNECT_WORD.encode("ascii")
_UNSOLICITED_TERMINATOR = b"\n"


@dataclass(frozen=True, slots=True)
class Outgoing:
    """Bytes to write for message `number`; `continued`: the second write of the same message."""

    number: int
    data: bytes
    continued: bool
    expects_reply: bool


@dataclass(frozen=True, slots=True)
class Piece:
    """Bytes that arrived, as one piece of entry `entry` (see core.events.DataReceived for each field).

    `answers_word` is set on the first piece of an entry that answers a DESCONEXION
    this session sent; `word_ending` is the line ending that went with that word,
    and `word_polite` tells the polite disconnect's word from one the user typed.
    """

    entry: int
    data: bytes
    size: int
    entry_size: int
    reply_to: int | None
    complete: bool
    ending: bytes
    rtt: float | None
    answers_word: bool = False
    word_ending: bytes = b""
    word_polite: bool = False


@dataclass(slots=True)
class _Waiting:
    number: int
    sent_at: float
    terminator: bytes | None
    word_ending: bytes | None  # not None: the message was DESCONEXION, sent with this ending
    polite: bool  # the polite disconnect: it waits for a close, not for a reply
    answered: bool = False  # a reply to it began


@dataclass(slots=True)
class _Entry:
    number: int
    reply_to: int | None
    sent_at: float
    terminator: bytes | None
    word_ending: bytes | None
    word_polite: bool = False
    size: int = 0
    last_at: float = 0.0
    tail: bytes = b""  # the last two bytes, which name the line ending when a gap or the close ends the entry


class ClientSession:
    """One connection's conversation, seen from the client.

    `keep_bytes`: None keeps every byte in the pieces (the terminal prints them all);
    a number keeps only each entry's first `keep_bytes` bytes (the window shows a
    prefix), while sizes still count every byte. The session itself never holds
    received bytes, so its memory is bounded whatever the server sends.
    """

    __slots__ = ("_next_entry", "_next_number", "_open", "_polite", "_waiting", "keep_bytes", "quiet_gap")

    def __init__(self, keep_bytes: int | None = None, quiet_gap: float = QUIET_GAP_SECONDS) -> None:
        self.keep_bytes = keep_bytes
        self.quiet_gap = quiet_gap
        self._waiting: deque[_Waiting] = deque()
        self._open: _Entry | None = None
        self._polite: _Waiting | None = None  # the polite disconnect request, once made
        self._next_number = 0
        self._next_entry = 0

    # -- what is pending ---------------------------------------------------------

    @property
    def waiting(self) -> int:
        """How many messages still wait for a reply (a polite disconnect waits for a close instead)."""
        return sum(1 for w in self._waiting if not w.polite)

    @property
    def waiting_since(self) -> float | None:
        """When the oldest message still waiting for a reply was sent, or None."""
        return next((w.sent_at for w in self._waiting if not w.polite), None)

    @property
    def pause_due(self) -> float | None:
        """When the open entry ends unless more bytes come (pass that `now` to receive_pause); None: none is open."""
        return None if self._open is None else self._open.last_at + self.quiet_gap

    # -- sending -----------------------------------------------------------------

    def send(self, data: bytes, ending: LineEnding, now: float) -> Outgoing:
        """Return the bytes for one message (exactly `data` plus `ending`) and start timing its reply."""
        self._next_number += 1
        word_ending = ending.bytes if is_disconnect_word(data) else None
        self._waiting.append(_Waiting(self._next_number, now, ending.terminator, word_ending, polite=False))
        return Outgoing(self._next_number, data + ending.bytes, continued=False, expects_reply=True)

    def disconnect_request(self, now: float) -> Outgoing:
        """The first step of a polite disconnect: the word with no line ending."""
        self._next_number += 1
        self._polite = _Waiting(self._next_number, now, None, b"", polite=True)
        self._waiting.append(self._polite)
        return Outgoing(self._next_number, _WORD, continued=False, expects_reply=False)

    def disconnect_ending(self, ending: LineEnding) -> Outgoing | None:
        """The second step: the line ending for a server that waits for one (LF when `ending` is none).

        None if the server already answered the word (it read it and chose not to
        close: an ending would only be one more message). Raises LocalProtocolError
        if no polite disconnect was requested.
        """
        polite = self._polite
        if polite is None:
            raise LocalProtocolError("disconnect_ending() before disconnect_request()")
        if polite.answered:
            return None
        data = ending.bytes or LineEnding.LF.bytes
        polite.word_ending = data
        polite.terminator = data[-1:]  # a server that echoes it now ends its echo with this
        return Outgoing(polite.number, data, continued=True, expects_reply=False)

    # -- receiving ---------------------------------------------------------------

    def receive_data(self, data: bytes, now: float) -> list[Piece]:
        """Take bytes from the server; return them as pieces of entries, in order."""
        pieces: list[Piece] = []
        start, size = 0, len(data)
        while start < size:
            entry = self._open or self._open_entry()
            end, complete = size, False
            if entry.terminator is not None:
                found = data.find(entry.terminator, start)
                if found >= 0:
                    end, complete = found + 1, True
                    if entry.terminator == b"\r" and end < size and data[end] == 0x0A:
                        end += 1  # a CR device that ends its lines in CRLF after all
            pieces.append(self._piece(entry, data, start, end, now, complete))
            start = end
        return pieces

    def receive_pause(self, now: float) -> list[Piece]:
        """The line has been quiet since `pause_due`: the open entry is complete. Early calls return []."""
        entry = self._open
        if entry is None or now < entry.last_at + self.quiet_gap:
            return []
        return [self._finish(entry)]

    def receive_eof(self) -> list[Piece]:
        """The server closed its side: the open entry, if any, is complete."""
        entry = self._open
        return [] if entry is None else [self._finish(entry)]

    # -- inside ------------------------------------------------------------------

    def _open_entry(self) -> _Entry:
        self._next_entry += 1
        if self._waiting:
            w = self._waiting.popleft()
            w.answered = True
            entry = _Entry(self._next_entry, w.number, w.sent_at, w.terminator, w.word_ending, w.polite)
        else:
            entry = _Entry(self._next_entry, None, 0.0, _UNSOLICITED_TERMINATOR, None)
        self._open = entry
        return entry

    def _piece(self, entry: _Entry, data: bytes, start: int, end: int, now: float, complete: bool) -> Piece:
        size = end - start
        before = entry.size
        entry.size += size
        entry.last_at = now
        entry.tail = (entry.tail + data[max(start, end - 2) : end])[-2:]
        keep = self.keep_bytes
        kept = data[start:end] if keep is None else data[start : start + max(0, min(size, keep - before))]
        word = entry.word_ending is not None and before == 0
        if complete:
            self._open = None
        return Piece(
            entry=entry.number,
            data=kept,
            size=size,
            entry_size=entry.size,
            reply_to=entry.reply_to,
            complete=complete,
            ending=line_ending(entry.tail) if complete else b"",
            rtt=now - entry.sent_at if complete and entry.reply_to is not None else None,
            answers_word=word,
            word_ending=(entry.word_ending or b"") if word else b"",
            word_polite=word and entry.word_polite,
        )

    def _finish(self, entry: _Entry) -> Piece:
        """Complete `entry` with no new bytes: its round trip ends at its last byte."""
        self._open = None
        return Piece(
            entry=entry.number,
            data=b"",
            size=0,
            entry_size=entry.size,
            reply_to=entry.reply_to,
            complete=True,
            ending=line_ending(entry.tail),
            rtt=entry.last_at - entry.sent_at if entry.reply_to is not None else None,
        )
