"""Immutable events that the server and client report through one callback.

The callback runs on the worker thread that produced the event: it must be quick
and must not touch any widget (the window puts events on a queue and drains it).
Times are wall-clock seconds (`time.time()`) so they can be shown to a person;
round-trip times are measured on a monotonic clock.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass

from core.errors import ErrorInfo


class DisconnectReason(enum.Enum):
    """Why a connection ended, as seen by the side that reports it."""

    REQUESTED = "requested"  # DESCONEXION was sent and the session closed as asked
    CLOSED_BY_PEER = "closed_by_peer"  # the other side closed without DESCONEXION
    RESET = "reset"  # the other side vanished or reset the connection
    IDLE_TIMEOUT = "idle_timeout"  # the server dropped a client silent for too long
    KICKED = "kicked"  # the server's user disconnected this client
    SERVER_STOPPED = "server_stopped"  # the server was stopped
    LIMIT_REACHED = "limit_reached"  # refused: the server is at its connection limit
    NO_CLOSE_FROM_SERVER = "no_close_from_server"  # client closed itself: no close after DESCONEXION
    CLOSED_LOCALLY = "closed_locally"  # the client was shut down by its own program


# --- server side -----------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ServerStarted:
    host: str
    port: int


@dataclass(frozen=True, slots=True)
class ServerStopped:
    pass


@dataclass(frozen=True, slots=True)
class ServerError:
    """The server could not start, or something failed while it ran."""

    error: ErrorInfo


@dataclass(frozen=True, slots=True)
class ClientConnected:
    client_id: int
    host: str
    port: int
    at: float


@dataclass(frozen=True, slots=True)
class MessageReceived:
    """One message from a client: a line with its ending, or bytes with no newline."""

    client_id: int
    data: bytes
    at: float


@dataclass(frozen=True, slots=True)
class ReplySent:
    client_id: int
    data: bytes
    at: float


@dataclass(frozen=True, slots=True)
class ClientDisconnected:
    client_id: int
    reason: DisconnectReason
    at: float


@dataclass(frozen=True, slots=True)
class ClientStats:
    """Exact counters of one client at the time of the snapshot."""

    client_id: int
    messages_in: int
    messages_out: int
    bytes_in: int
    bytes_out: int
    last_activity: float


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
    at: float


# --- client side -----------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Connected:
    host: str
    port: int
    local_port: int


@dataclass(frozen=True, slots=True)
class MessageSent:
    data: bytes
    at: float


@dataclass(frozen=True, slots=True)
class ReplyReceived:
    """A reply from the server; `rtt` is seconds from send to complete reply.

    `rtt` is None for data the server sent with no message of ours waiting.
    """

    data: bytes
    rtt: float | None
    at: float


@dataclass(frozen=True, slots=True)
class Disconnected:
    reason: DisconnectReason


@dataclass(frozen=True, slots=True)
class ClientError:
    error: ErrorInfo


ServerEvent = (
    ServerStarted
    | ServerStopped
    | ServerError
    | ClientConnected
    | MessageReceived
    | ReplySent
    | ClientDisconnected
    | ServerStats
)
ClientEvent = Connected | MessageSent | ReplyReceived | Disconnected | ClientError
Event = ServerEvent | ClientEvent
EventCallback = Callable[[Event], None]
