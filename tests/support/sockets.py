"""Plain blocking sockets on loopback, every call bounded by a timeout, closed at the end of each test."""

from __future__ import annotations

import contextlib
import socket
from collections.abc import Iterator

from tests.support.waiting import WAIT

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


@contextlib.contextmanager
def unanswered_listener(host: str = "127.0.0.1", port: int = 0) -> Iterator[int]:
    """A loopback port whose accept queue is full, so a new connection hangs unanswered; yields the port."""
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
