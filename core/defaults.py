"""Every default and limit of the wire behaviour, named once."""

from __future__ import annotations

import enum

DEFAULT_HOST = "127.0.0.1"
ALL_INTERFACES_HOST = "0.0.0.0"
DEFAULT_PORT = 5000

# The word that ends a session, compared without regard to ASCII case.
DISCONNECT_WORD = "DESCONEXION"

# A line start that could still become DESCONEXION is held back this long at most
# when the peer pauses, so a word split over two reads is still recognised while a
# short message such as "de" is answered almost at once.
DISCONNECT_HOLD_SECONDS = 0.05

DEFAULT_MAX_CONNECTIONS = 10_000
DEFAULT_CONNECT_TIMEOUT = 5.0
# How long a client waits for the server to close after sending DESCONEXION: short
# enough that a session with a server that never closes still ends within 2 s.
DISCONNECT_GRACE_SECONDS = 1.5
# How long stop() may take to close every connection and join the worker thread.
STOP_TIMEOUT_SECONDS = 2.0

# Past this many unsent reply bytes the server stops reading from that client
# (backpressure) until the client reads again.
WRITE_HIGH_WATER = 256 * 1024
WRITE_LOW_WATER = 64 * 1024
# Most bytes one read of a socket takes in (asyncio's own figure).
READ_BUFFER_BYTES = 256 * 1024

# Detailed per-message events are capped per second; past the cap they are
# summarised while the counters stay exact.
MAX_MESSAGE_EVENTS_PER_SECOND = 2_000
STATS_INTERVAL_SECONDS = 0.25

# A client reply with no newline yet is reported once it grows past this size,
# so a server that never sends a newline still shows its replies.
MAX_PENDING_REPLY_BYTES = 64 * 1024


class LineEnding(enum.Enum):
    """What the client appends to each message it sends."""

    NONE = ""
    LF = "\n"
    CRLF = "\r\n"

    @property
    def bytes(self) -> bytes:
        return self.value.encode("ascii")


DEFAULT_LINE_ENDING = LineEnding.LF
