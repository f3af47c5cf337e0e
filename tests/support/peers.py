"""Stand-ins of the peers users really meet, each on loopback and a free port.

The original classroom scripts first (server.py and client.py); the other kinds of
peer (student servers with their classic mistakes, devices, hostile peers) join them.
"""

from __future__ import annotations

import contextlib
import socket
import socketserver
import threading
from collections.abc import Callable, Iterator

from tests.support.sockets import connect_raw
from tests.support.waiting import WAIT


class OriginalClient:
    """Behaves like the original client.py: no newline, one recv(1024) per message."""

    def __init__(self, address: tuple[str, int]) -> None:
        self.sock = connect_raw(address)

    def ask(self, text: str) -> str:
        self.sock.sendall(text.encode("utf-8"))
        return self.sock.recv(1024).decode("utf-8")

    def say_goodbye(self) -> None:
        """Send DESCONEXION and close at once, as the original does."""
        self.sock.sendall(b"DESCONEXION")
        self.sock.close()


class OriginalServer:
    """Behaves like the original server.py, one client at a time, on a free port.

    `sessions_ended` counts connections it closed or dropped; `goodbyes` those it
    closed because the chunk was DESCONEXION.
    """

    def __init__(self) -> None:
        self.listener = socket.socket()
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(10)
        self.address: tuple[str, int] = self.listener.getsockname()
        self.received: list[str] = []
        self.goodbyes = 0
        self.sessions_ended = threading.Semaphore(0)
        self._thread = threading.Thread(target=self._serve, name="original-server", daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self.listener.accept()
            except OSError:
                return  # listener closed: stop
            with conn:
                while True:
                    data = conn.recv(1024)
                    if not data:
                        break
                    text = data.decode("utf-8")
                    self.received.append(text)
                    if text.upper() == "DESCONEXION":
                        self.goodbyes += 1
                        break
                    conn.sendall(text.upper().encode("utf-8"))
            self.sessions_ended.release()

    def close(self) -> None:
        # shutdown() wakes the thread blocked in accept(); close() alone would not.
        with contextlib.suppress(OSError):
            self.listener.shutdown(socket.SHUT_RDWR)
        self.listener.close()
        self._thread.join(WAIT)
        assert not self._thread.is_alive()


# --- servers that answer wrongly, for the load generator's error kinds -----------


class MisbehavingServer:
    """A threaded TCP server on loopback and a free port; `handle(sock)` serves each connection.

    `close()` stops accepting and joins the accept thread; the handler threads are daemons
    that end when their socket does (every handler here returns once its peer is gone).
    """

    def __init__(self, handle: Callable[[socket.socket], None]) -> None:
        class Handler(socketserver.BaseRequestHandler):
            def handle(self) -> None:
                handle(self.request)

        class Server(socketserver.ThreadingTCPServer):
            daemon_threads = True
            allow_reuse_address = True

        self._server = Server(("127.0.0.1", 0), Handler)
        host, port = self._server.server_address[:2]
        self.address: tuple[str, int] = (str(host), int(port))
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, name="misbehaving-server", daemon=True
        )
        self._thread.start()

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(WAIT)
        assert not self._thread.is_alive()


@contextlib.contextmanager
def misbehaving_server(handle: Callable[[socket.socket], None]) -> Iterator[tuple[str, int]]:
    """A MisbehavingServer for the `with` block; yields its (host, port)."""
    server = MisbehavingServer(handle)
    try:
        yield server.address
    finally:
        server.close()


def _answer_each_read(sock: socket.socket, answer: Callable[[bytes], bytes]) -> None:
    try:
        while data := sock.recv(65536):
            sock.sendall(answer(data))
    except OSError:  # the load generator drops the connection at the first wrong reply
        pass


def echo_unchanged(sock: socket.socket) -> None:
    """Send back every byte as it came: the student's echo server, not an uppercase one."""
    _answer_each_read(sock, lambda data: data)


def lowercase(sock: socket.socket) -> None:
    """Send back every read lowercased: a reply of the right length with the wrong bytes."""
    _answer_each_read(
        sock, lambda data: data.decode("utf-8", "surrogateescape").lower().encode("utf-8", "surrogateescape")
    )


def close_at_once(sock: socket.socket) -> None:
    """Accept, then close: the load generator's clients meet a closed connection."""
    sock.close()


def answer_once_then_close(sock: socket.socket) -> None:
    """Answer the first read correctly, then close: the connection ends early, mid-run."""
    with contextlib.suppress(OSError):
        data = sock.recv(65536)
        sock.sendall(data.decode("utf-8", "surrogateescape").upper().encode("utf-8", "surrogateescape"))
    sock.close()


def read_and_never_answer(sock: socket.socket) -> None:
    """Read everything and answer nothing, until the peer goes."""
    sock.settimeout(WAIT)
    with contextlib.suppress(OSError):
        while sock.recv(65536):
            pass


def uppercase_in_pieces(sock: socket.socket) -> None:
    """Answer correctly, but a few bytes per send, so replies arrive split (UTF-8 characters too)."""
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def send_in_pieces(data: bytes) -> bytes:
        reply = data.decode("utf-8", "surrogateescape").upper().encode("utf-8", "surrogateescape")
        for start in range(0, len(reply), 7):
            sock.sendall(reply[start : start + 7])
        return b""

    _answer_each_read(sock, send_in_pieces)
