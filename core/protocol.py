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
from dataclasses import dataclass

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


_OPEN = SessionState.OPEN  # a global: one lookup less for every message


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


def _sequence_length(lead: int) -> int:
    """How many bytes the UTF-8 character starting with byte `lead` has."""
    if lead >= 0xF0:
        return 4
    if lead >= 0xE0:
        return 3
    return 2 if lead >= 0xC0 else 1


def _latin1_upper_table() -> bytes:
    """Each Latin-1 character's uppercase, where that is one Latin-1 character too (a-z, à-þ but ÷); else itself."""
    table = bytearray(range(256))
    for code in range(256):
        upper = chr(code).upper()
        if len(upper) == 1 and ord(upper) < 256:
            table[code] = ord(upper)
    return bytes(table)


_LATIN1_UPPER = _latin1_upper_table()
# The Latin-1 characters whose uppercase is not one Latin-1 character: µ (Greek mu), ß (SS), ÿ (Ÿ).
_MU, _SHARP_S, _Y_DIAERESIS = b"\xb5", b"\xdf", b"\xff"
# Below this many characters str.upper wins: the table's fixed cost (three encodings) outweighs its speed.
# Measured here on Spanish text, str.upper against the table: 59 characters 0.29 against 0.77 µs, 338 characters
# 1.24 against 1.20 µs, 449 characters 1.61 against 1.35 µs.
TABLE_FROM_CHARS = 320


def upper_encoded(text: str) -> bytes:
    """`text.upper()` in UTF-8; lone surrogates (invalid bytes, decoded with surrogateescape) go back as they came."""
    if len(text) < TABLE_FROM_CHARS:
        return text.upper().encode("utf-8", "surrogateescape")
    return upper_by_table(text)


def upper_by_table(text: str) -> bytes:
    """What `upper_encoded` returns, through a byte table where the text is all Latin-1.

    Text all in Latin-1 (ASCII and the letters of Spanish and the other western languages), the most common by far,
    goes through a byte table: half the time of str.upper, which looks every character up in Unicode's tables.
    """
    try:
        latin = text.encode("latin-1")
    except UnicodeEncodeError:  # beyond Latin-1, or an invalid byte
        return text.upper().encode("utf-8", "surrogateescape")
    if _MU in latin or _SHARP_S in latin or _Y_DIAERESIS in latin:
        return text.upper().encode("utf-8")
    return latin.translate(_LATIN1_UPPER).decode("latin-1").encode("utf-8")


class Uppercaser:
    """Streaming UTF-8 uppercasing that keeps invalid bytes as they are.

    Decoding with surrogateescape maps each invalid byte to a lone surrogate, which
    `str.upper` leaves alone and encoding maps back to the same byte. The first bytes
    of a character split between reads wait for the rest; at a pause the caller may
    `flush_partial()` them (they go out unchanged), and when the rest comes after all
    it still comes back uppercased if the character's uppercase begins with the bytes
    already sent, as every Spanish letter's does (ñ → Ñ is C3 B1 → C3 91).
    """

    __slots__ = ("_decoder", "_sent", "holding", "idle")

    def __init__(self) -> None:
        self._decoder = codecs.getincrementaldecoder("utf-8")("surrogateescape")
        self._sent = b""  # the first bytes of a character, flushed unchanged at a pause
        # Read-only for callers; plain attributes, not properties, as the server reads them for every message.
        self.holding = False  # the first bytes of a character wait for the rest
        self.idle = True  # no character is half-read or half-answered: the next bytes start afresh

    def feed(self, data: bytes) -> bytes:
        if self._sent:
            head, data = self._finish_sent(data)
            self.idle = not self._sent
            return head + self.feed(data) if data else head
        if not self.holding:
            if data.isascii():
                return data.upper()
            if data[-1] < 0x80:  # ends on a whole character: nothing to carry to the next read
                return upper_encoded(data.decode("utf-8", "surrogateescape"))
        text = self._decoder.decode(data)
        self.holding = bool(self._decoder.getstate()[0])
        self.idle = not self.holding
        return upper_encoded(text)

    def flush_partial(self) -> bytes:
        """The peer paused: return the first bytes of an unfinished character, unchanged (its rest may follow)."""
        pending = self._decoder.getstate()[0]
        if not pending:
            return b""
        self._decoder.reset()
        self.holding, self.idle = False, False
        self._sent = pending
        return pending

    def flush(self) -> bytes:
        """The stream ended: return the bytes of an unfinished character, unchanged."""
        text = self._decoder.decode(b"", final=True)
        self.holding, self.idle = False, True
        self._sent = b""
        return text.encode("utf-8", "surrogateescape")

    def _finish_sent(self, data: bytes) -> tuple[bytes, bytes]:
        """Answer the rest of a character whose first bytes went out at a pause; return (reply, data left)."""
        sent = self._sent
        need = _sequence_length(sent[0]) - len(sent)
        rest = data[:need]
        follows = len(rest) - len(rest.lstrip(bytes(range(0x80, 0xC0))))  # continuation bytes at the start
        if follows < need:
            if follows == len(data):  # still unfinished: these go out unchanged as well, the rest may follow
                self._sent += data
                return data, b""
            self._sent = b""  # cut short by a byte that cannot continue it: it never was a character
            return data[:follows], data[follows:]
        self._sent = b""
        text = (sent + rest).decode("utf-8", "surrogateescape")
        upper = text.upper().encode("utf-8", "surrogateescape")
        if len(text) == 1 and upper.startswith(sent):
            return upper[len(sent) :], data[need:]
        return rest, data[need:]  # its uppercase would change bytes already sent: it stays as sent


def uppercase_bytes(data: bytes) -> bytes:
    """Uppercase a whole byte string the way a session does over any split of it."""
    return upper_encoded(data.decode("utf-8", "surrogateescape"))


@dataclass(frozen=True, slots=True)
class MessageRecord:
    """One message as received and the reply it got (b"" for DESCONEXION).

    `continued`: these bytes continue a message recorded before (a line longer than
    one read, or the rest of a character sent at a pause), so they are not a new message.
    """

    data: bytes
    reply: bytes
    continued: bool = False


class UppercaseSession:
    """One client's conversation with the uppercase server.

    Counters are exact: `messages_in` counts every message received (DESCONEXION
    included; a line that takes several reads counts once), `messages_out` every
    message answered. With `keep_messages` set, each message and its reply are
    appended to `records` for the caller to report and clear; off, nothing is kept,
    so the session's memory stays bounded.
    """

    __slots__ = (
        "_held",
        "_mid_line",
        "_run",
        "_speaks_lines",
        "_upper",
        "keep_messages",
        "messages_in",
        "messages_out",
        "records",
        "state",
    )

    def __init__(self, keep_messages: bool = False) -> None:
        self._upper = Uppercaser()
        self._held = b""  # a line start that may still become DESCONEXION
        self._mid_line = False  # bytes of the current line were already answered
        self._speaks_lines = False  # the peer has sent a LF at least once
        # Messages counted for the reads that came back to back with no LF, from a peer that
        # has not sent a LF yet: each was taken as a message, as the original client means it;
        # if a LF then ends them before a pause, they were one line, and count as one.
        self._run = 0
        self.state = SessionState.OPEN
        self.messages_in = 0
        self.messages_out = 0
        self.keep_messages = keep_messages
        self.records: list[MessageRecord] = []

    @property
    def holding(self) -> bool:
        """True if some bytes wait for the next read or a pause before being answered."""
        return bool(self._held) or self._upper.holding

    @property
    def wants_pause(self) -> bool:
        """True if the caller should call receive_pause() once the peer has been quiet for a moment."""
        return bool(self._held) or self._upper.holding or (self._run > 0 and not self._speaks_lines)

    def receive_data(self, data: bytes) -> bytes:
        """Take bytes read from the peer; return the reply to send (maybe empty).

        Raises LocalProtocolError if called after the session ended.
        """
        if self.state is not _OPEN:
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
            if self._speaks_lines and not self._mid_line and self._upper.idle:
                # The line is a message of its own, nothing is held or half-answered: answer it here, as
                # Uppercaser.feed would for a whole line, less its checks (0.18 µs of 1.2 a message).
                reply = data.upper() if data.isascii() else upper_encoded(data.decode("utf-8", "surrogateescape"))
                self.messages_in += 1
                self.messages_out += 1
                if self.keep_messages:
                    self.records.append(MessageRecord(data, reply))
                return reply
            return self._receive_plain(data, lines=1)
        if newline < 0:  # no whole line: only a tail, which the plain path holds back if need be
            return self._receive_plain(data, lines=0)
        # Every spelling of the word has an x; most reads have none, and looking is cheap.
        if (b"x" in data or b"X" in data) and _WORD in data.lower():
            return self._receive_lines(data)
        return self._receive_plain(data)

    def receive_pause(self) -> bytes:
        """The peer sent nothing more for a while: held bytes are a whole message, and the
        first bytes of an unfinished character go back unchanged (the rest, if it comes, is still uppercased)."""
        if self.state is not SessionState.OPEN:
            return b""
        self._run = 0  # reads after a pause are new messages
        reply = self._finish_held() if self._held else b""
        if self.state is SessionState.OPEN and self._upper.holding:
            partial = self._upper.flush_partial()
            self._record(b"", partial, continued=True)
            reply += partial
        return reply

    def receive_eof(self) -> bytes:
        """The peer closed its writing side: answer what is left and end the session."""
        if self.state is not SessionState.OPEN:
            return b""
        reply = self._finish_held() if self._held else b""
        if self.state is SessionState.OPEN:
            self.state = SessionState.CLOSED
        rest = self._upper.flush()
        if rest:
            self._record(b"", rest, continued=True)
        return reply + rest

    # -- internals -----------------------------------------------------------

    def _check_open(self) -> None:
        if self.state is not SessionState.OPEN:
            raise LocalProtocolError(f"session is {self.state.value}; no more data can be fed")

    def _record(self, data: bytes, reply: bytes, continued: bool = False) -> None:
        if self.keep_messages:
            self.records.append(MessageRecord(data, reply, continued))

    def _finish_held(self) -> bytes:
        held, self._held = self._held, b""
        self.messages_in += 1
        if is_disconnect_word(held):
            self._record(held, b"")
            self.state = SessionState.DISCONNECT_REQUESTED
            return b""
        self.messages_out += 1
        self._mid_line = True
        reply = self._upper.feed(held)
        self._record(held, reply)
        return reply

    def _run_ends(self, lines: int) -> int:
        """How many messages counted since the last LF turn out to be one line's pieces (0 if none).

        Called with the number of LFs in a read, before it is counted; keeps `_run` up to date.
        """
        if self._speaks_lines or not self._mid_line or self._run == 0:
            return 0
        if lines:
            extra, self._run = self._run, 0
            return extra  # the pieces so far and this read's first line are one message
        self._run += 1
        return 0

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
        continues = self._continues_line()
        body, self._held = self._split_tail(data)
        if not body:
            return b""
        if lines is None or self._held:
            lines = body.count(b"\n")
        merged = self._run_ends(lines)
        continues = continues or merged > 0
        unterminated = body[-1] != 0x0A
        if lines:
            self._speaks_lines = True
        elif unterminated and not self._speaks_lines and not self._mid_line:
            self._run = 1  # a read with no LF from a peer with no LF yet: a message, for now
        count = lines + unterminated - continues - max(0, merged - 1)
        self.messages_in += count
        self.messages_out += count
        self._mid_line = unterminated
        reply = self._upper.feed(body)
        if self.keep_messages:
            self._record_pieces(body, reply, continues)
        return reply

    def _record_pieces(self, body: bytes, reply: bytes, continues: bool) -> None:
        """Record each line of `body` with its reply; the uppercasing keeps every LF, so the reply splits alike."""
        messages, replies = _split_lines(body), _split_lines(reply)
        if len(replies) < len(messages):  # the last piece's reply waits for the rest of a character
            replies.append(b"")
        for index, (message, answer) in enumerate(zip(messages, replies, strict=True)):
            self._record(message, answer, continued=continues and index == 0)

    def _receive_lines(self, data: bytes) -> bytes:
        """Slow path: look at each line, since one of them may be DESCONEXION."""
        replies: list[bytes] = []
        start = 0
        while True:
            end = data.find(b"\n", start) + 1
            if end == 0:
                break
            line = data[start:end]
            continues = self._continues_line()
            if not continues and is_disconnect_word(line):
                self.messages_in += 1
                self._record(line, b"")
                self.state = SessionState.DISCONNECT_REQUESTED
                return b"".join(replies)
            reply = self._upper.feed(line)
            replies.append(reply)
            self._record(line, reply, continued=continues)
            if not continues:
                self.messages_in += 1
                self.messages_out += 1
            self._mid_line = False
            self._speaks_lines = True
            start = end
        rest = data[start:]
        if rest:
            body, self._held = self._split_tail(rest)
            if body:
                reply = self._upper.feed(body)
                replies.append(reply)
                self._record(body, reply)
                self.messages_in += 1
                self.messages_out += 1
                self._mid_line = True
        return b"".join(replies)


def _split_lines(data: bytes) -> list[bytes]:
    """Cut bytes into lines with their LF, then any tail: b"a\\nb" -> [b"a\\n", b"b"]."""
    parts = data.split(b"\n")
    pieces = [part + b"\n" for part in parts[:-1]]
    if parts[-1]:
        pieces.append(parts[-1])
    return pieces
