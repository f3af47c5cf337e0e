"""What a server check works with: the target's one address, the framing learnt by the probe, a deadline,
and the connections it opened (all ended when the check ends)."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

from core.check.results import ServerKind
from core.check.verdicts import Stop, Verdict, error_detail
from core.check.wire import Conn, Transcript
from core.errors import error_info

CONNECT_TIMEOUT_SECONDS = 3.0


@dataclass(frozen=True, slots=True)
class Target:
    """The one address every connection of a run goes to (resolved once, so nothing else is contacted)."""

    host: str
    port: int
    address: tuple[str, int]
    family: int

    @property
    def label(self) -> str:
        return f"[{self.host}]:{self.port}" if ":" in self.host else f"{self.host}:{self.port}"


class ConnectFailed(Stop):
    """A check could not open a connection; `verdict` says why (the check fails with it)."""


@dataclass
class ServerContext:
    target: Target
    kind: ServerKind
    deadline: float  # loop time by which the check must have its verdict
    transcript: Transcript = field(default_factory=Transcript.new)
    conns: list[Conn] = field(default_factory=list)

    @property
    def lines(self) -> bool:
        """True when messages end in "\\n" (a line server, or one that never answered)."""
        return self.kind is not ServerKind.CHUNKS

    def frame(self, text: str) -> bytes:
        """A message as this kind of server expects it: a line, or bare bytes for a read-per-message server."""
        return text.encode("utf-8") + (b"\n" if self.lines else b"")

    def now(self) -> float:
        return asyncio.get_running_loop().time()

    def until(self, seconds: float) -> float:
        """A deadline `seconds` from now, never past the check's own."""
        return min(self.deadline, self.now() + seconds)

    async def connect(self, buffers: int | None = None) -> Conn:
        """A new connection to the target (kernel buffers of `buffers` bytes if given); raises ConnectFailed
        with the reason in words keys."""
        timeout = max(0.05, min(CONNECT_TIMEOUT_SECONDS, self.deadline - self.now()))
        try:
            conn = await Conn.open(self.target.address, self.target.family, self.transcript, timeout, buffers)
        except (OSError, asyncio.TimeoutError) as exc:
            info = error_info(exc, self.target.host, self.target.port)
            raise ConnectFailed(Verdict(False, error_detail(info))) from exc
        self.conns.append(conn)
        return conn

    async def end_all(self, graceful: bool) -> None:
        """End every connection this check opened: gracefully when it finished, at once when it was cut off."""
        for conn in self.conns:
            if graceful:
                await conn.close()
            else:
                conn.abort()
        self.conns.clear()
