"""The client side of the uppercase protocol, sans I/O: messages out, replies in.

`ClientSession` turns messages into bytes and matches what the server sends back
to the messages waiting for a reply, so each reply carries its round-trip time.
Time is passed in by the caller (`now`, monotonic seconds), so tests need no clock.

How a reply is framed depends on how its message was sent: a message sent with a
line ending is answered when a LF arrives; a message sent with no ending (as the
original client does) is answered by whatever the next read brings.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass

from core.defaults import DISCONNECT_WORD, MAX_PENDING_REPLY_BYTES, LineEnding


@dataclass(frozen=True, slots=True)
class Reply:
    data: bytes
    rtt: float | None  # None: nothing of ours was waiting, or the reply is still partial


class ClientSession:
    __slots__ = ("_buffer", "_framed_by_lines", "_waiting")

    def __init__(self) -> None:
        self._waiting: deque[tuple[float, bool]] = deque()  # (sent at, expects a LF)
        self._buffer = b""
        self._framed_by_lines = True  # how to cut data that nothing waits for

    @property
    def waiting(self) -> int:
        """How many messages still wait for their reply."""
        return len(self._waiting)

    def send(self, text: str, ending: LineEnding, now: float) -> bytes:
        """Return the bytes for one message and start timing its reply."""
        data = text.encode("utf-8") + ending.bytes
        framed = ending is not LineEnding.NONE
        self._framed_by_lines = framed
        self._waiting.append((now, framed))
        return data

    @staticmethod
    def disconnect_request(ending: LineEnding) -> bytes:
        """The bytes that ask the server to end the session (no reply is expected)."""
        return (DISCONNECT_WORD + ending.value).encode("ascii")

    def receive_data(self, data: bytes, now: float) -> list[Reply]:
        """Take bytes from the server; return every reply they complete."""
        buffer = self._buffer + data if self._buffer else data
        replies: list[Reply] = []
        while buffer:
            by_lines = self._waiting[0][1] if self._waiting else self._framed_by_lines
            if by_lines:
                end = buffer.find(b"\n") + 1
                if end == 0:
                    if len(buffer) > MAX_PENDING_REPLY_BYTES:
                        replies.append(Reply(buffer, None))  # shown now, still timed at its LF
                        buffer = b""
                    break
                piece, buffer = buffer[:end], buffer[end:]
            else:
                piece, buffer = buffer, b""
            replies.append(Reply(piece, now - self._waiting.popleft()[0] if self._waiting else None))
        self._buffer = buffer
        return replies

    def receive_eof(self) -> list[Reply]:
        """The server closed: whatever is left is a last, partial reply."""
        rest, self._buffer = self._buffer, b""
        self._waiting.clear()
        return [Reply(rest, None)] if rest else []
