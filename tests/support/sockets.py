"""Plain blocking sockets on loopback, every call bounded by a timeout, closed at the end of each test; and the
ports a test needs: free, refusing, taken by another program, or never answered."""

from __future__ import annotations

import contextlib
import random
import socket
from collections.abc import Iterator

from tests.support.waiting import WAIT

LOOPBACK = "127.0.0.1"
# Below the ephemeral ranges (Linux 32768-60999; Windows and macOS 49152-65535), where the kernel picks the local
# port of every outgoing connection and of every bind to port 0: no other test can take one of these unasked.
PORTS_FOR_PROGRAMS = range(20_000, 32_000)
FREE_PORT_TRIES = 100
_open: list[socket.socket] = []


def _has_ipv6_loopback() -> bool:
    """True if ::1 can be bound here (some containers turn IPv6 off): binding sends nothing."""
    try:
        with socket.socket(socket.AF_INET6, socket.SOCK_STREAM) as probe:
            probe.bind(("::1", 0))
    except OSError:
        return False
    return True


IPV6_LOOPBACK = _has_ipv6_loopback()


def local_listening(port: int) -> str:
    """How a server on `localhost` says where it listens: 127.0.0.1:P, and [::1]:P where IPv6 is on."""
    return f"127.0.0.1:{port}, [::1]:{port}" if IPV6_LOOPBACK else f"127.0.0.1:{port}"


def connect_raw(address: tuple[str, int], timeout: float = WAIT) -> socket.socket:
    """A plain blocking socket connected to `address`, with a timeout on every call.

    `close_raw_sockets()` (an autouse fixture calls it) closes it if the test did not.
    """
    sock = socket.create_connection(address, timeout=timeout)
    sock.settimeout(timeout)
    _open.append(sock)
    return sock


def close_raw_sockets() -> None:
    while _open:
        _open.pop().close()


def recv_exactly(sock: socket.socket, size: int) -> bytes:
    """Read exactly `size` bytes or fail (the socket's timeout bounds each read)."""
    chunks: list[bytes] = []
    got = 0
    while got < size:
        chunk = sock.recv(min(65536, size - got))
        if not chunk:
            raise AssertionError(f"connection closed after {got} of {size} bytes")
        chunks.append(chunk)
        got += len(chunk)
    return b"".join(chunks)


def recv_until_closed(sock: socket.socket) -> bytes:
    """Read until the peer closes; the socket's timeout bounds each read."""
    chunks: list[bytes] = []
    while chunk := sock.recv(65536):
        chunks.append(chunk)
    return b"".join(chunks)


def free_port(host: str = LOOPBACK) -> int:
    """A port that was free a moment ago, for the program under test to listen on.

    Taken below every system's ephemeral range (PORTS_FOR_PROGRAMS): a port the kernel chose would be one that
    any outgoing connection of a test running beside this one may take as its own before the program binds it.
    """
    for port in random.sample(PORTS_FOR_PROGRAMS, FREE_PORT_TRIES):
        with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as probe:
            try:
                probe.bind((host, port))
            except OSError:  # taken: by a test beside this one, or by something else on this machine
                continue
            return port
    raise RuntimeError(f"no free port on {host} among {FREE_PORT_TRIES} tries in {PORTS_FOR_PROGRAMS}")


class RefusingPort:
    """A port bound on loopback with nobody listening: every connection is refused (and nobody else takes it).

    `with RefusingPort() as refused:` closes it at the end; otherwise call `close()`.
    """

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind((LOOPBACK, 0))
        self.address: tuple[str, int] = self.sock.getsockname()[:2]

    def close(self) -> None:
        self.sock.close()

    def __enter__(self) -> RefusingPort:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


@contextlib.contextmanager
def taken_port(host: str = LOOPBACK) -> Iterator[int]:
    """A port another program listens on (it never accepts): a server started there fails; yields the port."""
    with socket.create_server((host, 0)) as other:
        yield int(other.getsockname()[1])


@contextlib.contextmanager
def unanswered_listener(host: str = LOOPBACK, port: int = 0) -> Iterator[int]:
    """A server that never accepts: a loopback port whose accept queue is full, so a new connection hangs
    unanswered (on Linux the handshake gets no reply); yields the port."""
    listener = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET)
    listener.bind((host, port))
    listener.listen(0)
    fillers = []
    try:
        for _ in range(4):  # fill the accept queue: later handshakes get no answer
            filler = socket.socket(listener.family)
            filler.setblocking(False)
            filler.connect_ex(listener.getsockname())
            fillers.append(filler)
        yield int(listener.getsockname()[1])
    finally:
        for sock in [*fillers, listener]:
            sock.close()
