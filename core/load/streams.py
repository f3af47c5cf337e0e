"""A client's messages as one endless stream, and their replies as another, cut where they are needed.

Each client sends the messages in turn (first, second, ..., last, first, ...), so what
it has sent, and what it must get back, are windows of two periodic byte strings.
Holding a few periods of each (enough for any window of `in_flight` messages) lets a
client send any number of messages with one slice, check any read with one
`startswith`, and count the replies a read completed with two bisections: the work per
read no longer grows with the messages it carries.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass

from core.protocol import uppercase_bytes


@dataclass(frozen=True, slots=True)
class MessageStreams:
    """Several periods of the messages (`sent`) and of their replies (`expected`), with where each one starts.

    `sent_starts[i]` is where message i (counted from the first, across periods) starts in
    `sent`, `expected_starts[i]` where its reply starts in `expected`; both have one entry
    past the last message.
    """

    payloads: tuple[bytes, ...]
    replies: tuple[bytes, ...]
    sent: bytes
    expected: bytes
    sent_starts: tuple[int, ...]
    expected_starts: tuple[int, ...]
    kinds: int  # how many different messages
    expected_period: int  # bytes of one period of replies

    @classmethod
    def of(cls, payloads: tuple[bytes, ...], in_flight: int) -> MessageStreams:
        """Streams long enough for a window of `in_flight` messages starting at any message of the first period."""
        replies = tuple(uppercase_bytes(p) for p in payloads)
        periods = math.ceil((len(payloads) + in_flight) / len(payloads))
        return cls(
            payloads,
            replies,
            b"".join(payloads) * periods,
            b"".join(replies) * periods,
            (0, *itertools.accumulate(len(p) for p in payloads * periods)),
            (0, *itertools.accumulate(len(r) for r in replies * periods)),
            len(payloads),
            sum(len(r) for r in replies),
        )
