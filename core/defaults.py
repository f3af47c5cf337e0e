"""Every default and limit of the wire behaviour, named once."""

from __future__ import annotations

import builtins
import enum

# A server on `localhost` listens on 127.0.0.1 and ::1; a client to it takes whichever answers
# first. `::` is every interface, IPv6 and IPv4 (core/addresses.py says what each host means).
DEFAULT_HOST = "localhost"
ALL_INTERFACES_HOST = "::"
DEFAULT_PORT = 5000

# The word that ends a session, compared without regard to ASCII case.
DISCONNECT_WORD = "DESCONEXION"

# A line start that could still become DESCONEXION is held back this long at most
# when the peer pauses, so a word split over two reads is still recognised while a
# short message such as "de" is answered almost at once.
DISCONNECT_HOLD_SECONDS = 0.05

DEFAULT_CONNECT_TIMEOUT = 5.0
# A name with several addresses (localhost: ::1 and 127.0.0.1) is tried on the next one after
# this long without an answer, both still racing (Happy Eyeballs, RFC 8305's 250 ms).
HAPPY_EYEBALLS_DELAY = 0.25
# A TLS handshake that takes longer ends the connection: the other side may not speak TLS.
TLS_HANDSHAKE_TIMEOUT = 10.0

# The client's quiet gap: bytes from the server separated by this much silence are
# separate entries, and a reply with no line ending is complete once the line has
# been quiet this long (its round-trip time still ends at its last byte). Long
# enough to cover Linux's 40 ms delayed ACK between two writes of one reply, short
# enough that a reply with no newline is settled at a glance.
QUIET_GAP_SECONDS = 0.1
# How long a client waits for the server to close after it asked politely (see
# ClientSession.disconnect_request): short enough that a session with a server that
# never closes still ends within 2 s.
DISCONNECT_GRACE_SECONDS = 1.5
# How long stop() may take to close every connection and join the worker thread.
STOP_TIMEOUT_SECONDS = 2.0

# Past this many unsent reply bytes the server stops reading from that client
# (backpressure) until the client reads again.
WRITE_HIGH_WATER = 256 * 1024
WRITE_LOW_WATER = 64 * 1024
# All clients together may be owed this much: with many clients each one's share (and so
# the point where the server stops reading it) shrinks, down to MIN_WRITE_HIGH_WATER.
DEFAULT_REPLY_BUDGET = 256 * 1024 * 1024
MIN_WRITE_HIGH_WATER = 16 * 1024
# A client already owed replies has its next read cut to this, so what it is owed grows slowly.
SLOW_READER_READ_BYTES = 16 * 1024
# Most bytes one read of a socket takes in (asyncio's own figure).
READ_BUFFER_BYTES = 256 * 1024
# Freed memory a server process keeps for its next messages instead of giving it back to the OS at once
# (core/platforms.keep_freed_memory): several large messages' worth.
KEPT_FREE_MEMORY = 8 * 1024 * 1024

# Detailed per-message events are capped per second; past the cap they are
# summarised while the counters stay exact. 500 a second is far more than anyone
# reads, and each one is a line or two of the window's log: at 2,000 a second a
# 1,000-client flood cost the window's Tk thread a p99 tick delay of about 200 ms
# (bench/gui_bench.py), at 500 about 50-90 ms.
MAX_MESSAGE_EVENTS_PER_SECOND = 500
STATS_INTERVAL_SECONDS = 0.25

# Events carry at most this many bytes of a message or reply when their owner asks
# for a display copy (the window): the counters still count every byte.
DISPLAY_BYTES = 512


class LineEnding(enum.Enum):
    """What the client appends to each message it sends."""

    NONE = ""
    LF = "\n"
    CR = "\r"
    CRLF = "\r\n"

    @property
    def bytes(self) -> bytes:
        return self.value.encode("ascii")

    @classmethod
    def named_by(cls, ending: builtins.bytes) -> LineEnding:
        """The ending whose bytes these are (NONE for anything else)."""
        return next((member for member in cls if member.bytes == ending), cls.NONE)

    @property
    def terminator(self) -> builtins.bytes | None:
        """The byte that ends a reply to a message sent with this ending; None: only a quiet gap does."""
        return self.bytes[-1:] or None


DEFAULT_LINE_ENDING = LineEnding.LF
