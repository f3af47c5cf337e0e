"""What a client check works with: the listening socket, one run of the program, its one connection."""

from __future__ import annotations

import asyncio
import contextlib
import socket
from collections.abc import Sequence
from dataclasses import dataclass, field

from core.check.program import Program
from core.check.verdicts import Stop, fail, seconds
from core.check.wire import Conn, Transcript

# How long a program may take to start and connect (a Python start-up is well under a second).
CONNECT_WAIT_SECONDS = 3.0
# After what was typed arrived with no line ending, the checker waits this long for one to follow.
ENDING_WAIT_SECONDS = 0.1


def strip_ending(data: bytes) -> bytes:
    """A message without its line ending (LF or CRLF), if it has one."""
    for ending in (b"\r\n", b"\n"):
        if data.endswith(ending):
            return data[: -len(ending)]
    return data


@dataclass
class ClientContext:
    listener: socket.socket
    port: int
    command: Sequence[str]
    deadline: float
    transcript: Transcript = field(default_factory=Transcript.new)
    program: Program | None = None
    conn: Conn | None = None
    connected: bool = False  # the program connected during this check

    def now(self) -> float:
        return asyncio.get_running_loop().time()

    def until(self, seconds_: float) -> float:
        return min(self.deadline, self.now() + seconds_)

    async def start(self) -> Conn:
        """Start the program and wait for it to connect; raises Stop with the reason if either fails."""
        self._drop_stale_connections()
        try:
            self.program = await Program.start(self.command)
        except (OSError, ValueError) as exc:
            raise Stop(fail("check.detail.program-not-started", detail=str(exc) or type(exc).__name__)) from exc
        wait = min(CONNECT_WAIT_SECONDS, self.deadline - self.now())
        try:
            sock, _ = await asyncio.wait_for(asyncio.get_running_loop().sock_accept(self.listener), max(0.0, wait))
        except (OSError, asyncio.TimeoutError) as exc:
            code = self.program.exit_code
            if code is not None:
                raise Stop(fail("check.detail.program-ended-unconnected", port=self.port, code=code)) from exc
            raise Stop(fail("check.detail.program-no-connection", port=self.port, seconds=seconds(wait))) from exc
        self.connected = True
        self.conn = await Conn.adopt(sock, self.transcript)
        return self.conn

    def _drop_stale_connections(self) -> None:
        """Close connections left queued by an earlier run of the program (it was ended, they are dead)."""
        while True:
            try:
                sock, _ = self.listener.accept()
            except OSError:
                return
            sock.close()

    async def type_line(self, text: str) -> None:
        assert self.program is not None
        if not await self.program.type_line(text):
            raise Stop(fail("check.detail.program-not-reading", text=text))

    async def receive_typed(self, text: str) -> bytes:
        """Wait for the typed `text` to arrive on the wire; return it as it came (line ending included).

        Raises Stop when nothing or something else arrives before the deadline.
        """
        assert self.conn is not None
        want = text.encode("utf-8")
        got = bytearray()
        while not got.endswith(b"\n"):
            if bytes(got) == want:  # it may send no line ending at all (the original client does not)
                while chunk := await self.conn.read_some(self.until(ENDING_WAIT_SECONDS)):
                    got += chunk
                break
            if len(got) > len(want) + 2:
                break
            chunk = await self.conn.read_some(self.deadline)
            if not chunk:
                break
            got += chunk
        if not got:
            raise Stop(fail("check.detail.typed-not-received", text=text))
        if strip_ending(bytes(got)) != want:
            raise Stop(fail("check.detail.typed-wrong", text=text))
        return bytes(got)

    async def end(self) -> None:
        """End the connection and the program (by its PID, with its children). Never raises."""
        if self.conn is not None:
            with contextlib.suppress(OSError):
                self.conn.abort()
        if self.program is not None:
            await self.program.end()
