"""Stand-ins of the peers users really meet, each on loopback and a free port.

The original classroom scripts first (server.py and client.py); the other kinds of
peer (student servers with their classic mistakes, devices, hostile peers) join them.
"""

from __future__ import annotations

import contextlib
import socket
import threading
import time
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


class StandInServer:
    """A server stand-in on 127.0.0.1 and a free port: `handle(conn)` serves each connection.

    With `one_at_a_time` (as the classroom scripts do) the next client waits in the
    backlog until the current one is done; otherwise each gets a thread. `received`
    collects what every connection sent, `sessions_ended` counts connections handled
    to the end. `close()` stops accepting, closes every open connection and joins
    every thread, so nothing is left behind.
    """

    def __init__(self, one_at_a_time: bool = True) -> None:
        self.listener = socket.socket()
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(16)
        self.address: tuple[str, int] = self.listener.getsockname()
        self.one_at_a_time = one_at_a_time
        self.received: list[bytes] = []
        self.sessions_ended = threading.Semaphore(0)
        self.closing = threading.Event()
        self._conns: list[socket.socket] = []
        self._threads: list[threading.Thread] = []
        self._accepter = threading.Thread(target=self._accept, name=f"{type(self).__name__}-accept", daemon=True)
        self._accepter.start()

    def handle(self, conn: socket.socket) -> None:  # pragma: no cover - each stand-in has its own
        raise NotImplementedError

    def recv(self, conn: socket.socket, size: int = 1024) -> bytes:
        """One recv that also records what came; b"" when the peer closed or the stand-in is closing."""
        try:
            data = conn.recv(size)
        except OSError:
            return b""
        if data:
            self.received.append(data)
        return data

    def _accept(self) -> None:
        while not self.closing.is_set():
            try:
                conn, _ = self.listener.accept()
            except OSError:
                return  # listener closed: stop
            self._conns.append(conn)
            if self.one_at_a_time:
                self._serve(conn)
            else:
                thread = threading.Thread(target=self._serve, args=(conn,), daemon=True)
                self._threads.append(thread)
                thread.start()

    def _serve(self, conn: socket.socket) -> None:
        with conn, contextlib.suppress(OSError):
            self.handle(conn)
        self.sessions_ended.release()

    def close(self) -> None:
        self.closing.set()
        # shutdown() wakes a thread blocked in accept() or recv(); close() alone would not.
        for sock in [self.listener, *self._conns]:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
        self.listener.close()
        for thread in [self._accepter, *self._threads]:
            thread.join(WAIT)
            assert not thread.is_alive(), f"{thread.name} did not end"


class OriginalServer(StandInServer):
    """The original server.py: one client at a time, each recv(1024) a message, no newline expected.

    It compares the decoded chunk with `upper()`, so "desconexion" closes too, but
    "DESCONEXION\n" does not: it is echoed back like any other message.
    """

    def __init__(self) -> None:
        self.goodbyes = 0
        super().__init__(one_at_a_time=True)

    @property
    def texts(self) -> list[str]:
        return [data.decode("utf-8", "replace") for data in self.received]

    def handle(self, conn: socket.socket) -> None:
        while data := self.recv(conn):
            text = data.decode("utf-8")
            if text.upper() == "DESCONEXION":
                self.goodbyes += 1
                return
            conn.sendall(text.upper().encode("utf-8"))


class LineServer(StandInServer):
    """A correct line server of the kind students write with readline: strips, answers with a LF."""

    def __init__(self) -> None:
        super().__init__(one_at_a_time=False)

    def handle(self, conn: socket.socket) -> None:
        buffer = b""
        while data := self.recv(conn):
            buffer += data
            while b"\n" in buffer:
                line, buffer = buffer.split(b"\n", 1)
                text = line.decode("utf-8").strip()
                if text.upper() == "DESCONEXION":
                    return
                conn.sendall(text.upper().encode("utf-8") + b"\n")


class StripServer(StandInServer):
    """The most common student server: `recv(1024).decode().strip()`, then the reply with no newline at all."""

    def handle(self, conn: socket.socket) -> None:
        while data := self.recv(conn):
            text = data.decode("utf-8").strip()
            if text == "DESCONEXION":
                return
            conn.sendall(text.upper().encode("utf-8"))


class DeviceServer(StandInServer):
    """An instrument: a banner first, `PING\r\n` answered with `OK\r\n`, and a status frame pushed every
    `push_every` seconds (None: never) with no line ending at all."""

    BANNER = b"WELCOME\r\n"
    STATUS = b"\x02STAT\x00\x17\x03"

    def __init__(self, push_every: float | None = None) -> None:
        self.push_every = push_every
        super().__init__(one_at_a_time=False)

    def handle(self, conn: socket.socket) -> None:
        conn.sendall(self.BANNER)
        if self.push_every is not None:
            pusher = threading.Thread(target=self._push, args=(conn,), daemon=True)
            self._threads.append(pusher)
            pusher.start()
        buffer = b""
        while data := self.recv(conn):
            buffer += data
            while b"\r\n" in buffer:
                line, buffer = buffer.split(b"\r\n", 1)
                conn.sendall(b"OK\r\n" if line == b"PING" else b"ERR\r\n")

    def _push(self, conn: socket.socket) -> None:
        assert self.push_every is not None
        while not self.closing.wait(self.push_every):
            try:
                conn.sendall(self.STATUS)
            except OSError:
                return


class FloodServer(StandInServer):
    """A hostile server: after the first message it streams `size` bytes of `byte` with no newline, then closes.

    With `seconds`, it stops after that long instead, whatever it has sent by then.
    """

    CHUNK = 1 << 20

    def __init__(self, size: int, byte: bytes = b"a", seconds: float | None = None) -> None:
        self.size = size
        self.seconds = seconds
        self.chunk = byte * self.CHUNK
        super().__init__(one_at_a_time=False)

    def handle(self, conn: socket.socket) -> None:
        if not self.recv(conn):
            return
        left = self.size
        deadline = None if self.seconds is None else time.monotonic() + self.seconds
        while left > 0 and not self.closing.is_set():
            if deadline is not None and time.monotonic() > deadline:
                return
            piece = self.chunk[: min(left, self.CHUNK)]
            conn.sendall(piece)
            left -= len(piece)


class ReplyThenCloseServer(StandInServer):
    """Answers the first message (uppercase, same ending), then closes the connection."""

    def __init__(self) -> None:
        super().__init__(one_at_a_time=False)

    def handle(self, conn: socket.socket) -> None:
        data = self.recv(conn)
        if data:
            conn.sendall(data.upper())


class SlowServer(StandInServer):
    """Accepts, reads, and answers each message only after `delay` seconds (a busy or overloaded server)."""

    def __init__(self, delay: float) -> None:
        self.delay = delay
        super().__init__(one_at_a_time=False)

    def handle(self, conn: socket.socket) -> None:
        while data := self.recv(conn):
            if self.closing.wait(self.delay):
                return
            conn.sendall(data.upper())


# --- servers that answer wrongly, for the load generator's error kinds -----------


class FunctionServer(StandInServer):
    """A stand-in whose behaviour is one function, `handle(sock)`, run for each connection in its own thread."""

    def __init__(self, handle: Callable[[socket.socket], None]) -> None:
        self._handle = handle
        super().__init__(one_at_a_time=False)

    def handle(self, conn: socket.socket) -> None:
        self._handle(conn)


@contextlib.contextmanager
def misbehaving_server(handle: Callable[[socket.socket], None]) -> Iterator[tuple[str, int]]:
    """A MisbehavingServer for the `with` block; yields its (host, port)."""
    server = FunctionServer(handle)
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


def _uppercased(data: bytes) -> bytes:
    """What a correct server answers: the bytes uppercased, those that are not UTF-8 as they came."""
    return data.decode("utf-8", "surrogateescape").upper().encode("utf-8", "surrogateescape")


def _answer_first_read(sock: socket.socket) -> None:
    sock.sendall(_uppercased(sock.recv(65536)))


def answer_once_then_close(sock: socket.socket) -> None:
    """Answer the first read correctly, then close: the connection ends early, mid-run."""
    with contextlib.suppress(OSError):
        _answer_first_read(sock)
    sock.close()


def answer_once_then_end_politely(sock: socket.socket) -> None:
    """Answer the first read, then end its side (a FIN) and read until the client goes: the client meets a clean
    close whatever it sent meanwhile (a close with unread bytes, as answer_once_then_close's, may go out as a reset)."""
    sock.settimeout(WAIT)
    with contextlib.suppress(OSError):
        _answer_first_read(sock)
        sock.shutdown(socket.SHUT_WR)
    read_and_never_answer(sock)
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
        reply = _uppercased(data)
        for start in range(0, len(reply), 7):
            sock.sendall(reply[start : start + 7])
        return b""

    _answer_each_read(sock, send_in_pieces)
