"""The server side of the uppercase protocol, sans I/O: bytes in, reply bytes out.

`UppercaseSession` never touches a socket. Feed it what a client sent with
`receive_data`, tell it when the client paused (`receive_pause`) or closed its
writing side (`receive_eof`), and send back what each call returns.

Rules (the README documents them for users):
- Everything comes back uppercased by Unicode rules, in order, as soon as it arrives.
  A character whose UTF-8 bytes are split over two reads is uppercased whole; bytes
  that are not valid UTF-8 come back unchanged.
- A message is a line ending in LF, or the bytes with no LF that one read carried.
  Once a peer has sent a LF it is taken to speak in lines, and a line answered in
  part can no longer be DESCONEXION; a peer that never sends LF (as the original
  client) has each read taken as a message of its own.
- A message that is DESCONEXION (any ASCII case, surrounding spaces and line ending
  ignored) gets no reply and ends the session. A line start that could still become
  the word is held back until the next read shows it cannot, or until the caller
  reports a pause, so a word split over two reads is still recognised.
"""

from __future__ import annotations

import codecs
import enum

from core.defaults import DISCONNECT_WORD
from core.errors import LocalProtocolError

_WORD = DISCONNECT_WORD.lower().encode("ascii")
_BLANKS = b" \t"
_TRAILING_BLANKS = b" \t\r"
# A line start longer than this cannot be the word plus sensible padding, so it
# is never held back: holding is bounded however a peer pads its lines.
_MAX_HELD = len(_WORD) + 32


class SessionState(enum.Enum):
    OPEN = "open"
    DISCONNECT_REQUESTED = "disconnect_requested"  # the peer sent DESCONEXION
    CLOSED = "closed"  # the peer closed its writing side


def is_disconnect_word(message: bytes) -> bool:
    """True if a message (one line, ending included) is DESCONEXION."""
    core = message.strip(_TRAILING_BLANKS + b"\n")
    return len(core) == len(_WORD) and core.lower() == _WORD  # the length first: long lines skip lower()


def _could_become_word(line_start: bytes) -> bool:
    """True while an unterminated line start may still turn out to be the word."""
    if len(line_start) > _MAX_HELD:
        return False
    core = line_start.lstrip(_BLANKS)
    word = core.rstrip(_TRAILING_BLANKS)
    if len(word) != len(core):  # blanks after it: the word is over, it must be whole
        return word.lower() == _WORD
    return _WORD.startswith(word.lower())


class Uppercaser:
    """Streaming UTF-8 uppercasing that keeps invalid bytes as they are.

    Decoding with surrogateescape maps each invalid byte to a lone surrogate, which
    `str.upper` leaves alone and encoding maps back to the same byte.
    """

    __slots__ = ("_decoder", "_pending")

    def __init__(self) -> None:
        self._decoder = codecs.getincrementaldecoder("utf-8")("surrogateescape")
        self._pending = False  # the decoder holds the first bytes of a character

    def feed(self, data: bytes) -> bytes:
        if not self._pending:
            if data.isascii():
                return data.upper()
            if data[-1] < 0x80:  # ends on a whole character: nothing to carry to the next read
                return data.decode("utf-8", "surrogateescape").upper().encode("utf-8", "surrogateescape")
        text = self._decoder.decode(data)
        self._pending = bool(self._decoder.getstate()[0])
        return text.upper().encode("utf-8", "surrogateescape")

    def flush(self) -> bytes:
        """Return the bytes of an unfinished character, unchanged."""
        text = self._decoder.decode(b"", final=True)
        self._pending = False
        return text.encode("utf-8", "surrogateescape")


def uppercase_bytes(data: bytes) -> bytes:
    """Uppercase a whole byte string the way a session does over any split of it."""
    return data.decode("utf-8", "surrogateescape").upper().encode("utf-8", "surrogateescape")


class UppercaseSession:
    """One client's conversation with the uppercase server.

    Counters are exact: `messages_in` counts every message received (DESCONEXION
    included), `messages_out` every message answered. With `keep_messages` set, the
    raw bytes of each message are appended to `messages` for the caller to report
    and clear; off, nothing is kept, so the session's memory stays bounded.
    """

    __slots__ = (
        "_held",
        "_mid_line",
        "_speaks_lines",
        "_upper",
        "keep_messages",
        "messages",
        "messages_in",
        "messages_out",
        "state",
    )

    def __init__(self, keep_messages: bool = False) -> None:
        self._upper = Uppercaser()
        self._held = b""  # a line start that may still become DESCONEXION
        self._mid_line = False  # bytes of the current line were already answered
        self._speaks_lines = False  # the peer has sent a LF at least once
        self.state = SessionState.OPEN
        self.messages_in = 0
        self.messages_out = 0
        self.keep_messages = keep_messages
        self.messages: list[bytes] = []

    @property
    def holding(self) -> bool:
        """True if some bytes wait for the next read or a pause before being answered."""
        return bool(self._held)

    def receive_data(self, data: bytes) -> bytes:
        """Take bytes read from the peer; return the reply to send (maybe empty).

        Raises LocalProtocolError if called after the session ended.
        """
        self._check_open()
        if self._held:
            data = self._held + data
            self._held = b""
        if not data:
            return b""
        newline = data.find(b"\n")
        if newline == len(data) - 1:  # exactly one whole line, the most common read
            if is_disconnect_word(data):
                return self._receive_lines(data)
            return self._receive_plain(data, lines=1)
        if newline < 0:  # no whole line: only a tail, which the plain path holds back if need be
            return self._receive_plain(data, lines=0)
        # Every spelling of the word has an x; most reads have none, and looking is cheap.
        if (b"x" in data or b"X" in data) and _WORD in data.lower():
            return self._receive_lines(data)
        return self._receive_plain(data)

    def receive_pause(self) -> bytes:
        """The peer sent nothing more for a while: held bytes are a whole message."""
        if self.state is not SessionState.OPEN or not self._held:
            return b""
        return self._finish_held()

    def receive_eof(self) -> bytes:
        """The peer closed its writing side: answer what is left and end the session."""
        if self.state is not SessionState.OPEN:
            return b""
        reply = self._finish_held() if self._held else b""
        if self.state is SessionState.OPEN:
            self.state = SessionState.CLOSED
        return reply + self._upper.flush()

    # -- internals -----------------------------------------------------------

    def _check_open(self) -> None:
        if self.state is not SessionState.OPEN:
            raise LocalProtocolError(f"session is {self.state.value}; no more data can be fed")

    def _finish_held(self) -> bytes:
        held, self._held = self._held, b""
        self._count_in(held)
        if is_disconnect_word(held):
            self.state = SessionState.DISCONNECT_REQUESTED
            return b""
        self.messages_out += 1
        self._mid_line = True
        return self._upper.feed(held)

    def _count_in(self, message: bytes) -> None:
        self.messages_in += 1
        if self.keep_messages:
            self.messages.append(message)

    def _continues_line(self) -> bool:
        return self._mid_line and self._speaks_lines

    def _split_tail(self, data: bytes) -> tuple[bytes, bytes]:
        """Split off an unterminated last line that must be held back."""
        cut = data.rfind(b"\n") + 1
        if cut == 0 and self._continues_line():
            return data, b""  # continues a line already answered: never the word
        tail = data[cut:]
        if tail and _could_become_word(tail):
            return data[:cut], tail
        return data, b""

    def _receive_plain(self, data: bytes, lines: int | None = None) -> bytes:
        """Fast path: no whole line is the word, so only the last line can be held.

        `lines` is how many LFs `data` holds, if the caller already knows.
        """
        body, self._held = self._split_tail(data)
        if not body:
            return b""
        if lines is None:
            lines = body.count(b"\n")
        if lines:
            self._speaks_lines = True
        unterminated = not body.endswith(b"\n")
        count = lines + unterminated
        self.messages_in += count
        self.messages_out += count
        if self.keep_messages:
            self.messages.extend(_split_messages(body))
        self._mid_line = unterminated
        return self._upper.feed(body)

    def _receive_lines(self, data: bytes) -> bytes:
        """Slow path: look at each line, since one of them may be DESCONEXION."""
        replies: list[bytes] = []
        start = 0
        while True:
            end = data.find(b"\n", start) + 1
            if end == 0:
                break
            line = data[start:end]
            if not self._continues_line() and is_disconnect_word(line):
                self._count_in(line)
                self.state = SessionState.DISCONNECT_REQUESTED
                return b"".join(replies)
            replies.append(self._upper.feed(line))
            self._count_in(line)
            self.messages_out += 1
            self._mid_line = False
            self._speaks_lines = True
            start = end
        rest = data[start:]
        if rest:
            body, self._held = self._split_tail(rest)
            if body:
                replies.append(self._upper.feed(body))
                self._count_in(body)
                self.messages_out += 1
                self._mid_line = True
        return b"".join(replies)


def _split_messages(body: bytes) -> list[bytes]:
    """Split answered bytes into messages: lines with their LF, then any tail."""
    parts = body.split(b"\n")
    messages = [part + b"\n" for part in parts[:-1]]
    if parts[-1]:
        messages.append(parts[-1])
    return messages
