"""Clients that send and never read: the peers that test a server's bound on unsent replies.

Used by the memory test and by the attack bench (bench/attack_bench.py).
"""

from __future__ import annotations

import selectors
import socket
import time
from collections.abc import Callable
from dataclasses import dataclass

MIB = 1 << 20
LINE = b"x" * (64 * 1024 - 1) + b"\n"  # lines, so each one is answered (and the answer is never read)
STUCK_SECONDS = 1.0  # no client could send a byte for this long: the server has stopped reading them all
RECEIVE_BUFFER = 64 * 1024  # small, so the replies pile up in the server, not in the hog's kernel buffer


@dataclass(frozen=True)
class HogRun:
    clients: int
    sent: int  # bytes, all clients together
    finished: int  # clients that sent all they meant to
    seconds: float


class Hogs:
    """`clients` connections to `address` that each send up to `per_client` bytes of lines and never read.

    `close()` closes them all. Each socket is a descriptor: the caller makes sure the
    open-file limit allows `clients` of them.
    """

    def __init__(self, address: tuple[str, int], clients: int) -> None:
        self.sockets: list[socket.socket] = []
        try:
            for _ in range(clients):
                sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
                self.sockets.append(sock)
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, RECEIVE_BUFFER)
                sock.connect(address)
                sock.setblocking(False)
        except BaseException:
            self.close()
            raise

    def send_until_stuck(self, per_client: int, sample: Callable[[], None], limit: float = 120.0) -> HogRun:
        """Send until each client has sent `per_client` bytes or none could send for STUCK_SECONDS.

        `sample` is called about every 0.1 s (to watch the server's memory). Bounded by `limit` seconds.
        """
        left = {sock: per_client for sock in self.sockets}
        sent = 0
        start = last_progress = last_sample = time.monotonic()
        with selectors.DefaultSelector() as selector:
            for sock in self.sockets:
                selector.register(sock, selectors.EVENT_WRITE, sock)
            while left and time.monotonic() - last_progress < STUCK_SECONDS and time.monotonic() - start < limit:
                for key, _ in selector.select(0.1):
                    sock = key.data
                    try:
                        n = sock.send(LINE[: min(len(LINE), left[sock])])
                    except BlockingIOError:
                        continue
                    sent += n
                    left[sock] -= n
                    last_progress = time.monotonic()
                    if left[sock] <= 0:
                        selector.unregister(sock)
                        del left[sock]
                if time.monotonic() - last_sample >= 0.1:
                    sample()
                    last_sample = time.monotonic()
        return HogRun(len(self.sockets), sent, len(self.sockets) - len(left), time.monotonic() - start)

    def close(self) -> None:
        for sock in self.sockets:
            sock.close()
        self.sockets.clear()


def round_trips(address: tuple[str, int], count: int, timeout: float) -> list[float]:
    """`count` round trips of a short line by a normal client, in seconds each; raises if a reply is wrong."""
    times = []
    with socket.create_connection(address, timeout=timeout) as sock:
        sock.settimeout(timeout)
        for _ in range(count):
            began = time.perf_counter()
            sock.sendall(b"ping\n")
            reply = b""
            while len(reply) < 5:
                chunk = sock.recv(5 - len(reply))
                if not chunk:
                    raise ConnectionError("the server closed the connection")
                reply += chunk
            times.append(time.perf_counter() - began)
            if reply != b"PING\n":
                raise ValueError(f"wrong reply {reply!r}")
    return times
