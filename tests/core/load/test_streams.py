"""The message streams: any window of messages is one slice, and its replies follow the same cut."""

from __future__ import annotations

from core.load import make_messages
from core.load.streams import MessageStreams
from core.protocol import uppercase_bytes


def test_every_window_of_in_flight_messages_is_one_slice() -> None:
    payloads = (b"uno\n", "ñandú\n".encode(), b"tres y cuatro\n")
    streams = MessageStreams.of(payloads, in_flight=5)
    for first in range(len(payloads)):
        for count in range(1, 6):
            wanted = [payloads[(first + i) % 3] for i in range(count)]
            window = streams.sent[streams.sent_starts[first] : streams.sent_starts[first + count]]
            assert window == b"".join(wanted)
            replies = streams.expected[streams.expected_starts[first] : streams.expected_starts[first + count]]
            assert replies == b"".join(uppercase_bytes(w) for w in wanted)
    assert streams.expected_period == len(b"".join(uppercase_bytes(p) for p in payloads))


def test_the_streams_hold_one_window_past_the_first_period() -> None:
    payloads = make_messages(64)
    streams = MessageStreams.of(payloads, in_flight=100)
    assert len(streams.sent_starts) - 1 >= len(payloads) + 100
    assert streams.sent_starts[-1] == len(streams.sent) and streams.expected_starts[-1] == len(streams.expected)
