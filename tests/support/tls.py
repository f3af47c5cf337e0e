"""TLS peers on loopback for tests: a TLS server that sees every handshake, plain servers, openssl's tools.

Most of it is asyncio, for tests that run one event loop with `asyncio.run`; every server, connection,
task and process started here ends when its `async with` block does. `ask_over_tls` and `fingerprint_of_pem`
are plain blocking calls, for tests that drive the window (its server runs on its own thread).
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import shutil
import socket
import ssl
import subprocess
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from pathlib import Path

import pytest

from tests.support.waiting import WAIT

LOOPBACK = "127.0.0.1"
OPENSSL = shutil.which("openssl")
requires_openssl = pytest.mark.skipif(OPENSSL is None, reason="the openssl binary is missing (.ci/run installs it)")

PlainHandler = Callable[[asyncio.StreamReader, asyncio.StreamWriter], Awaitable[None]]


class TlsServer:
    """An uppercase server that starts TLS on each connection itself, so it learns how each handshake ended.

    `asyncio.start_server(ssl=...)` hides failed handshakes from the program (asyncio only logs them in
    debug mode); `loop.start_tls(..., server_side=True)` per connection raises them. `outcomes` gets None
    for a handshake that succeeded and the exception of one that failed. After the handshake each line is
    answered in upper case; with `close_after_reply` the connection is then closed.
    """

    def __init__(
        self, context: ssl.SSLContext, handshake_timeout: float = WAIT, close_after_reply: bool = False
    ) -> None:
        self.context = context
        self.handshake_timeout = handshake_timeout
        self.close_after_reply = close_after_reply
        self.outcomes: asyncio.Queue[BaseException | None] = asyncio.Queue()
        self.port = 0
        self._server: asyncio.Server | None = None
        self._transports: list[asyncio.Transport] = []
        self._tasks: set[asyncio.Task[None]] = set()

    async def __aenter__(self) -> TlsServer:
        loop = asyncio.get_running_loop()
        self._server = await loop.create_server(lambda: _TlsSession(self), LOOPBACK, 0)
        self.port = self._server.sockets[0].getsockname()[1]
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        assert self._server is not None
        self._server.close()
        for task in self._tasks:
            task.cancel()
        for transport in self._transports:
            transport.abort()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        await self._server.wait_closed()

    async def next_outcome(self) -> BaseException | None:
        """How the next handshake ended: None if it succeeded, else its exception."""
        return await asyncio.wait_for(self.outcomes.get(), WAIT)


class _TlsSession(asyncio.Protocol):
    def __init__(self, server: TlsServer) -> None:
        self.server = server
        self.transport: asyncio.Transport | None = None
        self.tls_started = False
        self.buffer = b""

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.server._transports.append(transport)
        # The task's first step runs before any read of the next loop iteration, and start_tls pauses
        # reading at once, so no byte reaches this protocol as plain data. Pausing here instead would not
        # hold on Python 3.10: the transport starts reading after connection_made whatever was paused.
        task = asyncio.get_running_loop().create_task(self._handshake(transport))
        self.server._tasks.add(task)

    async def _handshake(self, raw: asyncio.Transport) -> None:
        loop = asyncio.get_running_loop()
        self.tls_started = True
        try:
            secure = await loop.start_tls(
                raw, self, self.server.context, server_side=True, ssl_handshake_timeout=self.server.handshake_timeout
            )
        except (OSError, ssl.SSLError) as exc:  # SSLError is an OSError; named for the reader
            raw.abort()
            self.server.outcomes.put_nowait(exc)
            return
        assert secure is not None
        self.transport = secure
        self.server._transports.append(secure)
        self.server.outcomes.put_nowait(None)
        self._answer()

    def data_received(self, data: bytes) -> None:
        if not self.tls_started:
            self.server.outcomes.put_nowait(AssertionError(f"plain bytes before TLS started: {data[:16]!r}"))
            return
        # The first data can arrive before start_tls returns (the handshake's last flight and the peer's
        # first line come together): keep it until the TLS transport is known.
        self.buffer += data
        if self.transport is not None:
            self._answer()

    def _answer(self) -> None:
        assert self.transport is not None
        while b"\n" in self.buffer:
            line, self.buffer = self.buffer.split(b"\n", 1)
            self.transport.write(line.upper() + b"\n")
            if self.server.close_after_reply:
                self.transport.close()
                return


@contextlib.asynccontextmanager
async def plain_server(handler: PlainHandler) -> AsyncIterator[int]:
    """A plain TCP server on loopback running `handler` per connection; yields its port.

    Each connection is closed when its handler returns, and all of them when the block ends.
    """
    writers: list[asyncio.StreamWriter] = []

    async def on_connect(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        writers.append(writer)
        try:
            await handler(reader, writer)
        finally:
            writer.close()

    server = await asyncio.start_server(on_connect, LOOPBACK, 0)
    try:
        yield server.sockets[0].getsockname()[1]
    finally:
        server.close()
        for writer in writers:
            writer.close()
        await server.wait_closed()


async def open_tls(
    port: int, context: ssl.SSLContext, server_hostname: str = "localhost", handshake_timeout: float = WAIT
) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
    """Connect to LOOPBACK:port over TLS, naming `server_hostname` (SNI and the name checked in VERIFY mode)."""
    return await asyncio.wait_for(
        asyncio.open_connection(
            LOOPBACK, port, ssl=context, server_hostname=server_hostname, ssl_handshake_timeout=handshake_timeout
        ),
        WAIT + handshake_timeout,
    )


async def ask(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, line: bytes) -> bytes:
    """Send one line and return the line that answers it."""
    writer.write(line)
    await writer.drain()
    return await asyncio.wait_for(reader.readline(), WAIT)


async def close_writer(writer: asyncio.StreamWriter) -> None:
    """Close a connection and wait until it is closed (a TLS close may be answered by a reset: ignored)."""
    writer.close()
    with contextlib.suppress(OSError):
        await asyncio.wait_for(writer.wait_closed(), WAIT)


@contextlib.asynccontextmanager
async def openssl(args: Sequence[str]) -> AsyncIterator[asyncio.subprocess.Process]:
    """Run `openssl ARGS...` with pipes on stdin, stdout (stderr joined to it); killed and reaped at the end."""
    assert OPENSSL is not None
    process = await asyncio.create_subprocess_exec(
        OPENSSL,
        *args,
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    try:
        yield process
    finally:
        if process.returncode is None:
            process.kill()
        await process.communicate()


async def read_line_starting(process: asyncio.subprocess.Process, prefix: str) -> str:
    """Read the process's output up to the first line that starts with `prefix`; return that line."""
    assert process.stdout is not None
    while True:
        raw = await asyncio.wait_for(process.stdout.readline(), WAIT)
        if not raw:
            raise AssertionError(f"output ended before a line starting with {prefix!r}")
        line = raw.decode("utf-8", "replace").strip()
        if line.startswith(prefix):
            return line


def openssl_fingerprint(cert_file: Path) -> str:
    """What `openssl x509 -fingerprint -sha256` prints for a PEM certificate ('sha256 Fingerprint=AB:...')."""
    assert OPENSSL is not None
    done = subprocess.run(
        [OPENSSL, "x509", "-noout", "-fingerprint", "-sha256", "-in", str(cert_file)],
        capture_output=True,
        text=True,
        timeout=WAIT,
        check=True,
    )
    return done.stdout.strip()


def fingerprint_of_pem(cert_file: Path) -> str:
    """SHA-256 of a PEM certificate's DER bytes as 'AB:CD:...', worked out with the standard library alone."""
    der = ssl.PEM_cert_to_DER_cert(cert_file.read_text(encoding="ascii"))
    return ":".join(f"{byte:02X}" for byte in hashlib.sha256(der).digest())


def ask_over_tls(port: int, context: ssl.SSLContext, line: bytes, server_hostname: str = LOOPBACK) -> bytes:
    """Connect to LOOPBACK:port over TLS, send one line, return the line that answers it (blocking, bounded by WAIT)."""
    with (
        socket.create_connection((LOOPBACK, port), timeout=WAIT) as raw,
        context.wrap_socket(raw, server_hostname=server_hostname) as secure,
    ):
        secure.sendall(line)
        answer = b""
        while not answer.endswith(b"\n"):
            chunk = secure.recv(4096)
            if not chunk:
                break
            answer += chunk
        return answer
