"""The terminal's words (to be merged into the words package)."""

from __future__ import annotations

from core.events import DisconnectReason

REASON_WORDS = {
    DisconnectReason.REQUESTED: "requested disconnect",
    DisconnectReason.CLOSED_BY_PEER: "closed by the other side",
    DisconnectReason.RESET: "connection reset",
    DisconnectReason.IDLE_TIMEOUT: "idle timeout",
    DisconnectReason.KICKED: "disconnected by the server",
    DisconnectReason.SERVER_STOPPED: "server stopped",
    DisconnectReason.LIMIT_REACHED: "connection limit reached",
    DisconnectReason.NO_CLOSE_FROM_SERVER: "server did not close; closed by the client",
    DisconnectReason.CLOSED_LOCALLY: "closed by this program",
}
