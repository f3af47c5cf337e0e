"""Immutable events that the server and client report through one callback.

The callback runs on the worker thread that produced the event: it must be quick
and must not touch any widget (the window puts events on a queue and drains it).

Every event carries `when`, a `Stamp` taken at the moment it happened: `when.mono`
orders events across the server's and the client's threads, `when.wall` is shown
to a person. A failure is one event: `ServerStopped(error)` or
`Disconnected(reason, error)`, never an error followed by a close to pair up.
"""

from __future__ import annotations

import enum
import time
from collections.abc import Callable
from dataclasses import dataclass

from core.errors import ErrorInfo


@dataclass(frozen=True, slots=True, order=True)
class Stamp:
    """When something happened: `mono` (perf_counter seconds) orders, `wall` (time.time()) is shown."""

    mono: float
    wall: float

    @staticmethod
    def now() -> Stamp:
        return Stamp(time.perf_counter(), time.time())


class DisconnectReason(enum.Enum):
    """Why a connection ended, as seen by the side that reports it."""

    REQUESTED = "requested"  # DESCONEXION was sent and the session closed as asked
    CLOSED_BY_PEER = "closed_by_peer"  # the other side closed without DESCONEXION
    RESET = "reset"  # the other side vanished or reset the connection
    IDLE_TIMEOUT = "idle_timeout"  # the server dropped a client silent for too long
    KICKED = "kicked"  # the server's user disconnected this client
    SERVER_STOPPED = "server_stopped"  # the server was stopped
    NO_CLOSE_FROM_SERVER = "no_close_from_server"  # client closed itself: no close after DESCONEXION
    CLOSED_LOCALLY = "closed_locally"  # the client was shut down by its own program
    CONNECT_FAILED = "connect_failed"  # the client never got connected (the error says why)
    TLS_FAILED = "tls_failed"  # TLS on one side only, or a handshake that failed (the error says why)


# --- server side -----------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ServerStarted:
    """The server listens on `port` (the real one when 0 was asked for) at each of `addresses`.

    `host` is what was asked for (`localhost`, `::`, an address: core/addresses.py);
    `addresses` every address it listens on, IPv4 first where both are. `max_connections`
    is how many clients it takes at once; `open_files` the open-file limit that bounds it
    (None where the system has none to read).
    """

    host: str
    port: int
    addresses: tuple[str, ...]
    max_connections: int
    open_files: int | None
    when: Stamp


@dataclass(frozen=True, slots=True)
class AcceptPaused:
    """New clients wait: `failures` accepts found no file descriptor left since the last such event.

    Sent once a second at most while it lasts; the server accepts again as soon as
    descriptors free up, and serves its clients meanwhile. `open_files` is the limit.
    """

    failures: int
    open_files: int | None
    when: Stamp


@dataclass(frozen=True, slots=True)
class ServerStopped:
    """The server stopped: asked to (`error` None), or it could not start or run (`error` says why)."""

    error: ErrorInfo | None
    when: Stamp


@dataclass(frozen=True, slots=True)
class ClientConnected:
    client_id: int
    host: str
    port: int
    when: Stamp


@dataclass(frozen=True, slots=True)
class MessageReceived:
    """One message from a client: a line with its ending, or what one read brought from a peer with no newlines.

    `data` holds the message's bytes, or their first DISPLAY_BYTES when the server
    was asked for display copies; `size` is the message's real size in bytes.
    `continued` marks the next piece of a line too long for one read: the same
    message, not a new one (the message counter counts it once). `ending` is the
    line ending the bytes end with (b"" if none).
    """

    client_id: int
    data: bytes
    size: int
    ending: bytes
    continued: bool
    when: Stamp


@dataclass(frozen=True, slots=True)
class ReplySent:
    """The reply to one message (or to one piece of a long one), as written to the client; sizes as above."""

    client_id: int
    data: bytes
    size: int
    ending: bytes
    continued: bool
    when: Stamp


@dataclass(frozen=True, slots=True)
class MessagePushed:
    """The server's user sent this client a message it did not ask for (sizes as in MessageReceived)."""

    client_id: int
    data: bytes
    size: int
    ending: bytes
    when: Stamp


@dataclass(frozen=True, slots=True)
class ClientDisconnected:
    """A client left; `error` says what failed when the reason is TLS_FAILED (None otherwise)."""

    client_id: int
    reason: DisconnectReason
    when: Stamp
    error: ErrorInfo | None = None


@dataclass(frozen=True, slots=True)
class ClientStats:
    """Exact counters of one client at the time of the snapshot; `last_activity` is wall-clock seconds."""

    client_id: int
    messages_in: int
    messages_out: int
    bytes_in: int
    bytes_out: int
    last_activity: float
    pushed: int = 0  # messages the server's user sent this client unasked


@dataclass(frozen=True, slots=True)
class ServerStats:
    """Exact totals, sent a few times a second while anything changes.

    `changed` holds only the clients whose counters moved since the last snapshot;
    `summarised_messages` counts messages not reported one by one because the
    per-second cap on message events was reached; `refused` counts connections
    turned away at the connection limit.
    """

    clients: int
    messages_in: int
    messages_out: int
    bytes_in: int
    bytes_out: int
    summarised_messages: int
    refused: int
    changed: tuple[ClientStats, ...]
    when: Stamp
    pushed: int = 0  # messages the server's user sent unasked, to any client


# --- client side -----------------------------------------------------------


@dataclass(frozen=True, slots=True)
class TlsInfo:
    """How a TLS connection is secured: its `version` (TLSv1.3), the SHA-256 `fingerprint` of the
    server's certificate, and `mode`, how the client trusted it: "verify" (authorities and name),
    "pin" (this fingerprint) or "insecure" (not checked: anyone in between could read it)."""

    version: str
    fingerprint: str
    mode: str

    @property
    def insecure(self) -> bool:
        return self.mode == "insecure"


@dataclass(frozen=True, slots=True)
class Connected:
    """The client connected to (host, port) as asked; `peer` is the address that answered
    (::1 or 127.0.0.1 for localhost, say), `local_port` the client's own port; `tls` says how
    the connection is secured (None: plain TCP)."""

    host: str
    port: int
    peer: str
    local_port: int
    when: Stamp
    tls: TlsInfo | None = None


@dataclass(frozen=True, slots=True)
class MessageSent:
    """Bytes the client wrote.

    `number` counts the session's messages from 1. A polite disconnect writes the
    word and, a moment later if the server is still there, its line ending: the
    second write has the same number and `continued` set. `expects_reply` is False
    for that polite request (it waits for a close, not a reply). `waiting` and
    `waiting_since` (a `Stamp.mono`) describe the messages still waiting for a
    reply after this one was sent. `data` and `size` are as in MessageReceived;
    `ending` is the line ending the bytes end with (b"" if none).
    """

    number: int
    data: bytes
    size: int
    ending: bytes
    continued: bool
    expects_reply: bool
    waiting: int
    waiting_since: float | None
    when: Stamp


@dataclass(frozen=True, slots=True)
class DataReceived:
    """Bytes from the server, reported as they arrive: a piece of one entry.

    An entry is what arrived with no quiet gap inside it, up to the line ending
    that ends a reply (see core/client_protocol.py). `entry` numbers entries from 1;
    the first piece of an entry has `entry_size == size`. `reply_to` is the number
    of the message it answers, or None when no message was waiting (unsolicited:
    a banner, a push, a late reply). `data` holds the bytes, or only those within
    the entry's first DISPLAY_BYTES when display copies were asked for; `size` is
    how many bytes arrived. On the piece that completes the entry, `complete` is
    set, `ending` holds its line ending (b"" if a quiet gap or the close ended it)
    and `rtt` the seconds from the send of `reply_to` to the entry's last byte.
    `waiting` and `waiting_since` are as in MessageSent, after this piece.
    """

    entry: int
    data: bytes
    size: int
    entry_size: int
    reply_to: int | None
    complete: bool
    ending: bytes
    rtt: float | None
    waiting: int
    waiting_since: float | None
    when: Stamp


@dataclass(frozen=True, slots=True)
class DataSummarised:
    """Entries not reported one by one because more than the cap a second arrived; the counts stay exact.

    Any entry open before this one ends here (with no round-trip time on show).
    """

    entries: int
    size: int
    replies: int  # how many of those entries answered a message
    waiting: int
    waiting_since: float | None
    when: Stamp


@dataclass(frozen=True, slots=True)
class DisconnectAnswered:
    """The server answered a DESCONEXION (message `number`) instead of closing the connection.

    `polite`: it was the polite disconnect's word (sent alone, then with its ending),
    not one the user typed. `ending` is the line ending that went with a typed word:
    a server that compares the exact text may close only when it comes with none.
    """

    number: int
    ending: bytes
    polite: bool
    when: Stamp


@dataclass(frozen=True, slots=True)
class Disconnected:
    """The session ended, or never began (CONNECT_FAILED); `error` says what failed, if anything did."""

    reason: DisconnectReason
    error: ErrorInfo | None
    when: Stamp


ServerEvent = (
    ServerStarted
    | ServerStopped
    | AcceptPaused
    | ClientConnected
    | MessageReceived
    | ReplySent
    | MessagePushed
    | ClientDisconnected
    | ServerStats
)
ClientEvent = Connected | MessageSent | DataReceived | DataSummarised | DisconnectAnswered | Disconnected
Event = ServerEvent | ClientEvent
EventCallback = Callable[[Event], None]
