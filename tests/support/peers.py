"""Stand-ins of the peers users really meet, each on loopback and a free port.

The original classroom scripts first (server.py and client.py); the other kinds of
peer (student servers with their classic mistakes, devices, hostile peers) join them.
"""

from __future__ import annotations

import contextlib
import socket
import threading

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
