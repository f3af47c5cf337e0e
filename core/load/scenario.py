"""What one load run does: its settings (`Scenario`), its messages, and how long it may take."""

from __future__ import annotations

import enum
import math
import os
from dataclasses import dataclass

from core.defaults import DEFAULT_CONNECT_TIMEOUT

# Spawning a worker imports Python afresh: allow for that on a busy machine.
START_ALLOWANCE_SECONDS = 20.0
# After the duration, the last replies may take up to the reply timeout; then this.
FINISH_ALLOWANCE_SECONDS = 10.0
JOIN_SECONDS = 3.0
CONNECTS_PER_SECOND_FLOOR = 500  # the connect phase may last clients / this, plus the timeout
DEFAULT_REPLY_TIMEOUT = 5.0
DEFAULT_DURATION = 10.0
MIN_MESSAGE_BYTES = 2  # one character and its line feed
# Most bytes one client may have outstanding (in_flight x message_bytes): each worker keeps a few windows
# of that size of its messages and replies (core.load.streams), and no server buffers more for one peer.
MAX_OUTSTANDING_BYTES = 64 * 1024 * 1024


class Payload(enum.Enum):
    """The text the messages are made of."""

    SPANISH = "spanish"  # accents, ñ, ü, ¡¿«»: checks Unicode uppercasing, split characters too
    ASCII = "ascii"  # plain ASCII letters, for servers that only uppercase a to z


# Spanish text with accents, ñ, ü and inverted marks, so replies go through real
# Unicode uppercasing (and 64 KiB lines get UTF-8 characters split between reads).
_TEXTS = {
    Payload.SPANISH: (
        "¡Hola! El niño pidió un café con leche y piñones; la señora Núñez contestó: "
        "«¿Qué año es?». Pingüino, acción, corazón, también, árbol, ÉXITO, útil, último. "
    ),
    Payload.ASCII: (
        "Hola! El nino pidio un cafe con leche y pinones; la senora Nunez contesto: "
        '"Que ano es?". Pinguino, accion, corazon, tambien, arbol, EXITO, util, ultimo. '
    ),
}


@dataclass(frozen=True, slots=True)
class Scenario:
    """The settings of one run.

    `clients` connections share `messages` messages (None: as many as fit in the
    duration). No new message is sent after `duration` seconds of sending, so a
    run ends at its message count or its duration, whichever comes first.
    """

    name: str
    clients: int
    messages: int | None  # in total; each client sends its share
    message_bytes: int = 64  # each message's size in bytes, line feed included
    in_flight: int = 1  # messages each client keeps outstanding (1: ping-pong)
    duration: float = DEFAULT_DURATION
    payload: Payload = Payload.SPANISH
    connect_timeout: float = DEFAULT_CONNECT_TIMEOUT
    reply_timeout: float = DEFAULT_REPLY_TIMEOUT  # a reply slower than this is an error

    def __post_init__(self) -> None:
        if self.clients < 1 or self.in_flight < 1 or self.message_bytes < MIN_MESSAGE_BYTES:
            raise ValueError(f"a scenario needs clients >= 1, in_flight >= 1, message_bytes >= {MIN_MESSAGE_BYTES}")
        if self.in_flight * self.message_bytes > MAX_OUTSTANDING_BYTES:
            raise ValueError(f"in_flight x message_bytes must be at most {MAX_OUTSTANDING_BYTES:,} bytes")
        if self.messages is not None and self.messages < 0:
            raise ValueError("messages must be None (bounded by the duration) or >= 0")
        times = (self.duration, self.connect_timeout, self.reply_timeout)
        if not all(math.isfinite(t) and t > 0 for t in times):
            raise ValueError("the duration and the timeouts must be positive and finite")

    @property
    def connect_phase_seconds(self) -> float:
        return self.connect_timeout + self.clients / CONNECTS_PER_SECOND_FLOOR

    @property
    def longest_seconds(self) -> float:
        """An upper bound on how long `run_load` takes with this scenario."""
        return (
            START_ALLOWANCE_SECONDS
            + self.connect_phase_seconds
            + self.duration
            + self.reply_timeout
            + FINISH_ALLOWANCE_SECONDS
            + JOIN_SECONDS
        )


def make_messages(size: int, count: int = 16, payload: Payload = Payload.SPANISH) -> tuple[bytes, ...]:
    """`count` different lines of exactly `size` bytes (LF included) of `payload` text."""
    if size < MIN_MESSAGE_BYTES:
        raise ValueError("a message needs at least one byte and its line ending")
    text = _TEXTS[payload]
    messages = []
    for number in range(count):
        line = f"{number:04d} " + text * (size // len(text) + 1)
        data = line.encode("utf-8")[: size - 1]
        data = data.decode("utf-8", "ignore").encode("utf-8")  # never end inside a character
        messages.append(data.ljust(size - 1, b".") + b"\n")
    return tuple(messages)


def default_processes(clients: int) -> int:
    """One worker per core but one (the server needs a core too), never more than clients."""
    return max(1, min(clients, (os.cpu_count() or 2) - 1))
