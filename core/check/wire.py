"""The checker's side of a TCP connection: asyncio streams with every read bounded by a deadline.

Every byte sent or received goes into the check's `Transcript` (bounded). Reads never raise for what
the peer does: a close, a reset or silence comes back as a `ReadStatus`. Only connecting raises
(OSError or TimeoutError), since a check cannot start without it.
"""

from __future__ import annotations

import asyncio
import contextlib
import enum
import socket
from dataclasses import dataclass

from core.check.results import CLIP_BYTES, Clip
from core.platforms import linger_reset

READ_CHUNK = 65536
# Once a reply has gone wrong, the checker keeps reading this long after the last byte, so the detail
# shows what the peer sent, without waiting for the whole limit.
SETTLE_SECONDS = 0.3


class Bounded:
    """The first CLIP_BYTES bytes of a stream and its full length; nothing more is kept."""

    def __init__(self) -> None:
        self._head = bytearray()
        self.length = 0

    def add(self, data: bytes) -> None:
        room = CLIP_BYTES - len(self._head)
        if room > 0:
            self._head += data[:room]
        self.length += len(data)

    def clip(self) -> Clip:
        return Clip(bytes(self._head), self.length)


@dataclass
class Transcript:
    """What one check sent and received, over all its connections, in order."""

    sent: Bounded
    received: Bounded

    @classmethod
    def new(cls) -> Transcript:
        return cls(Bounded(), Bounded())


class ReadStatus(enum.Enum):
    MATCH = "match"  # the bytes that came back are what was expected
    DIFFERENT = "different"  # they went wrong somewhere
    TIMEOUT = "timeout"  # not all came back before the deadline
    CLOSED = "closed"  # the peer closed before all came back
    RESET = "reset"  # the connection was reset before all came back


@dataclass(frozen=True, slots=True)
class Reply:
    status: ReadStatus
    data: bytes  # what came back during this exchange (normalised for a line server)


def normalise_lines(data: bytes) -> bytes:
    """A line server may end its lines with CRLF: compare them as LF."""
    return data.replace(b"\r\n", b"\n")


def _pending_prefix(data: bytes, lines: bool) -> bytes:
    if not lines:
        return data
    norm = normalise_lines(data)
    return norm[:-1] if norm.endswith(b"\r") else norm  # a CR whose LF is still on its way


def _loop_time() -> float:
    return asyncio.get_running_loop().time()


class Conn:
    """One connection a check opened; `close`, `reset` or `abort` ends it."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, transcript: Transcript) -> None:
        self._reader = reader
        self._writer = writer
        self._transcript = transcript
        self.eof = False  # the peer closed its side
        self.broken = False  # reset or failed

    @classmethod
    async def adopt(cls, sock: socket.socket, transcript: Transcript) -> Conn:
        """Wrap a socket already connected (one the checker accepted); the Conn owns it from now on."""
        try:
            sock.setblocking(False)
            reader, writer = await asyncio.open_connection(sock=sock, limit=READ_CHUNK)
        except BaseException:
            sock.close()
            raise
        return cls(reader, writer, transcript)

    @classmethod
    async def open(
        cls,
        address: tuple[str, int],
        family: int,
        transcript: Transcript,
        timeout: float,
        buffers: int | None = None,
    ) -> Conn:
        """Connect to `address` within `timeout`; raises OSError or TimeoutError (the socket is closed then).

        `buffers` sets the kernel's send and receive buffers to that size (else the system's defaults).
        """
        sock = socket.socket(family, socket.SOCK_STREAM)
        try:
            sock.setblocking(False)
            if buffers is not None:
                # Set before connecting, so the window the peer sees is small from the start.
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, buffers)
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, buffers)
            await asyncio.wait_for(asyncio.get_running_loop().sock_connect(sock, address), timeout)
            reader, writer = await asyncio.open_connection(sock=sock, limit=READ_CHUNK)
        except BaseException:
            sock.close()
            raise
        return cls(reader, writer, transcript)

    @property
    def write_buffer_size(self) -> int:
        return self._writer.transport.get_write_buffer_size()

    def write(self, data: bytes) -> None:
        """Queue bytes to send without waiting for them to leave (a slow peer cannot block the check)."""
        self._transcript.sent.add(data)
        if not self._writer.is_closing():
            self._writer.write(data)

    async def send(self, data: bytes, deadline: float) -> bool:
        """Send bytes, waiting at most until `deadline` for them to leave; False if the peer is gone or slow."""
        self.write(data)
        try:
            await asyncio.wait_for(self._writer.drain(), max(0.0, deadline - _loop_time()))
        except (OSError, asyncio.TimeoutError):
            return False
        return True

    def shutdown_write(self) -> None:
        """Half-close: tell the peer nothing more will be sent."""
        with contextlib.suppress(OSError):
            if self._writer.can_write_eof() and not self._writer.is_closing():
                self._writer.write_eof()

    def pause_reading(self) -> None:
        self._writer.transport.pause_reading()  # type: ignore[attr-defined]

    def resume_reading(self) -> None:
        self._writer.transport.resume_reading()  # type: ignore[attr-defined]

    async def read_some(self, deadline: float) -> bytes | None:
        """Bytes that arrived before `deadline` (b"" on close or reset, None if nothing came)."""
        if self.eof or self.broken:
            return b""
        remaining = deadline - _loop_time()
        if remaining <= 0:
            return None
        try:
            data = await asyncio.wait_for(self._reader.read(READ_CHUNK), remaining)
        except asyncio.TimeoutError:
            return None
        except OSError:
            self.broken = True
            return b""
        if not data:
            self.eof = True
        self._transcript.received.add(data)
        return data

    async def read_reply(self, expected: bytes, deadline: float, lines: bool = False, already: bytes = b"") -> Reply:
        """Read until the bytes that came back equal `expected` (however the peer chunked them).

        `already` is what came back earlier in the same exchange. Stops early when the bytes went wrong
        (after a short settle, to show what came), when the peer closes or resets, or at `deadline`.
        With `lines`, CRLF line endings count as LF.
        """
        got = bytearray(already)
        while True:
            seen = _pending_prefix(bytes(got), lines)
            if seen == expected:
                return Reply(ReadStatus.MATCH, seen)
            if not expected.startswith(seen):
                await self._settle(got, deadline)
                return Reply(ReadStatus.DIFFERENT, _pending_prefix(bytes(got), lines))
            chunk = await self.read_some(deadline)
            if chunk is None:
                return Reply(ReadStatus.TIMEOUT, seen)
            if not chunk:
                return Reply(ReadStatus.RESET if self.broken else ReadStatus.CLOSED, seen)
            got += chunk

    async def _settle(self, got: bytearray, deadline: float) -> None:
        while True:
            chunk = await self.read_some(min(deadline, _loop_time() + SETTLE_SECONDS))
            if not chunk:
                return
            got += chunk

    async def wait_closed_by_peer(self, deadline: float) -> tuple[bool, bytes]:
        """Read until the peer closes (or resets) or `deadline`; (closed, what came meanwhile)."""
        got = bytearray()
        while True:
            chunk = await self.read_some(deadline)
            if chunk is None:
                return False, bytes(got)
            if not chunk:
                return True, bytes(got)
            got += chunk

    async def drain(self, total: int, deadline: float, quiet: float) -> int:
        """Read and drop bytes until `total` came, the peer closes, `quiet` seconds pass with nothing, or
        `deadline`; return how many came (only the transcript's clip keeps any)."""
        count = 0
        while count < total:
            chunk = await self.read_some(min(deadline, _loop_time() + quiet))
            if not chunk:
                break
            count += len(chunk)
        return count

    def reset(self) -> None:
        """End the connection with a TCP reset (RST), as a client that crashed or was killed does."""
        sock = self._writer.get_extra_info("socket")
        if sock is not None:
            with contextlib.suppress(OSError):
                # Linger on with a zero timeout: close() discards everything and sends RST.
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, linger_reset())
        self.abort()

    def abort(self) -> None:
        """Close at once, dropping anything not yet sent."""
        self.broken = True
        self._writer.transport.abort()

    async def close(self, timeout: float = 1.0) -> None:
        """Close gracefully (FIN) if nothing is left to send, else at once; never raises."""
        if self.write_buffer_size:
            self.abort()
            return
        self._writer.close()
        with contextlib.suppress(OSError, asyncio.TimeoutError):
            await asyncio.wait_for(self._writer.wait_closed(), timeout)
