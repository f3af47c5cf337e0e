"""Stand-ins of student programs: servers and clients with exactly one classic fault each, and correct ones.

Servers listen on 127.0.0.1 and a free port, in threads of the calling process, or each in a process of
its own (`StandInProcess`; `DiesOnResetServer` always, since its fault is the whole program dying);
`close()` ends every thread, socket and process they started. Clients are small Python programs written to
a folder and run as subprocesses; each takes the server's port as its one argument.

Every server here is a line server (a message is a line ending in "\\n") except where noted; the
original classroom server, which takes each read as a message, is `tests.support.peers.OriginalServer`.
"""

from __future__ import annotations

import contextlib
import select
import socket
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import ClassVar

import psutil

from core.platforms import linger_reset
from tests.support.launcher import LaunchedServer, launch_server, stop_server
from tests.support.sockets import LOOPBACK
from tests.support.waiting import WAIT

WORD = "DESCONEXION"
# A line is cut at this many bytes by the server that truncates long messages (a fixed-size buffer).
TRUNCATE_AT = 4096


class StudentServer:
    """A correct line server, one thread per client: the base every faulty server changes in one place."""

    fault: ClassVar[str] = "none"

    def __init__(self) -> None:
        self.listener = socket.create_server((LOOPBACK, 0), backlog=64)
        self.address: tuple[str, int] = self.listener.getsockname()[:2]
        self._lock = threading.Lock()
        self._conns: set[socket.socket] = set()
        self._threads: list[threading.Thread] = []
        self._thread(self.accept_loop, "accept")

    def _thread(self, target: Callable[..., object], name: str, *args: object) -> threading.Thread:
        thread = threading.Thread(target=target, args=args, name=f"student-{self.fault}-{name}", daemon=True)
        with self._lock:
            self._threads.append(thread)
        thread.start()
        return thread

    # -- what a student writes ---------------------------------------------------------------------

    def accept_loop(self) -> None:
        while True:
            try:
                conn, _ = self.listener.accept()
            except OSError:
                return  # closed: stop
            self.dispatch(conn)

    def dispatch(self, conn: socket.socket) -> None:
        """Serve a new client: in a thread of its own."""
        self._track(conn)
        self._thread(self.serve_guarded, "client", conn)

    def serve_guarded(self, conn: socket.socket) -> None:
        try:
            self.serve(conn)
        except (OSError, UnicodeError):
            pass  # this client is gone or sent garbage: drop it, keep serving the others
        finally:
            self._untrack(conn)

    def serve(self, conn: socket.socket) -> None:
        buffer = b""
        while True:
            data = conn.recv(4096)
            if not data:
                return
            buffer += data
            while b"\n" in buffer:
                line, buffer = buffer.split(b"\n", 1)
                if self.is_goodbye(line):
                    return
                conn.sendall(self.answer(line) + b"\n")

    def answer(self, line: bytes) -> bytes:
        return line.decode("utf-8").upper().encode("utf-8")

    def is_goodbye(self, line: bytes) -> bool:
        return line.decode("utf-8").strip().upper() == WORD

    # -- bookkeeping ---------------------------------------------------------------------------------

    def connections(self) -> int:
        """How many client connections are open right now."""
        with self._lock:
            return len(self._conns)

    def _track(self, conn: socket.socket) -> None:
        with self._lock:
            self._conns.add(conn)

    def _untrack(self, conn: socket.socket) -> None:
        with self._lock:
            self._conns.discard(conn)
        conn.close()

    def close(self) -> None:
        """Stop listening, close every connection, join every thread (each must end within WAIT)."""
        with contextlib.suppress(OSError):
            self.listener.shutdown(socket.SHUT_RDWR)  # wakes the thread blocked in accept()
        self.listener.close()
        with self._lock:
            conns, threads = list(self._conns), list(self._threads)
        for conn in conns:
            with contextlib.suppress(OSError):
                conn.shutdown(socket.SHUT_RDWR)
        for thread in threads:
            thread.join(WAIT)
        assert not any(t.is_alive() for t in threads), [t.name for t in threads if t.is_alive()]


CorrectLineServer = StudentServer


class BytesUpperServer(StudentServer):
    """Uppercases the bytes (`bytes.upper()`): ASCII only, so "ñ" stays "ñ"."""

    fault = "bytes-upper"

    def answer(self, line: bytes) -> bytes:
        return line.upper()


class ChunkDecodingServer(StudentServer):
    """Decodes each recv() chunk on its own, so a character split between two reads turns into garbage."""

    fault = "chunk-decoding"

    def serve(self, conn: socket.socket) -> None:
        text = ""
        while True:
            data = conn.recv(4096)
            if not data:
                return
            text += data.decode("utf-8", errors="replace")
            while "\n" in text:
                line, text = text.split("\n", 1)
                if line.strip().upper() == WORD:
                    return
                conn.sendall((line.upper() + "\n").encode("utf-8"))


class NoCloseServer(StudentServer):
    """Answers DESCONEXION like any message and never closes."""

    fault = "no-close"

    def is_goodbye(self, line: bytes) -> bool:
        return False


class CaseSensitiveServer(StudentServer):
    """Closes on "DESCONEXION" only, not on "desconexion" or "Desconexion"."""

    fault = "case-sensitive"

    def is_goodbye(self, line: bytes) -> bool:
        return line.decode("utf-8").strip() == WORD


class OneAtATimeServer(StudentServer):
    """Serves one client at a time: the next waits in the queue until the first leaves."""

    fault = "one-at-a-time"

    def dispatch(self, conn: socket.socket) -> None:
        self._track(conn)
        self.serve_guarded(conn)


class FirstLineOnlyServer(StudentServer):
    """Answers only the first line of each chunk it reads; the other lines in it are lost."""

    fault = "first-line-only"

    def serve(self, conn: socket.socket) -> None:
        buffer = b""
        while True:
            data = conn.recv(4096)
            if not data:
                return
            buffer += data
            if b"\n" in buffer:
                line, _lost = buffer.split(b"\n", 1)
                buffer = b""
                if self.is_goodbye(line):
                    return
                conn.sendall(self.answer(line) + b"\n")


class CloseAfterOneReplyServer(StudentServer):
    """Closes the connection after its first reply, as if every connection carried one request."""

    fault = "close-after-one-reply"

    def serve(self, conn: socket.socket) -> None:
        buffer = b""
        while b"\n" not in buffer:
            data = conn.recv(4096)
            if not data:
                return
            buffer += data
        line = buffer.split(b"\n", 1)[0]
        if not self.is_goodbye(line):
            conn.sendall(self.answer(line) + b"\n")


class TruncatingServer(StudentServer):
    """Keeps at most TRUNCATE_AT bytes of a line, as a fixed-size buffer would."""

    fault = "truncating"

    def answer(self, line: bytes) -> bytes:
        return super().answer(line[:TRUNCATE_AT])


class BlockingSelectServer(StudentServer):
    """One thread, select() over every client, but a blocking sendall(): a client that sends without
    reading fills the buffers, sendall() blocks, and every other client waits."""

    fault = "blocking-select"

    def accept_loop(self) -> None:
        buffers: dict[socket.socket, bytes] = {}
        while True:
            try:
                readable, _, _ = select.select([self.listener, *buffers], [], [])
            except (OSError, ValueError):
                return  # the listener was closed: stop
            for sock in readable:
                if sock is self.listener:
                    try:
                        conn, _ = self.listener.accept()
                    except OSError:
                        return
                    self._track(conn)
                    buffers[conn] = b""
                    continue
                if not self._serve_once(sock, buffers):
                    del buffers[sock]
                    self._untrack(sock)

    def _serve_once(self, conn: socket.socket, buffers: dict[socket.socket, bytes]) -> bool:
        """Read once from a ready client and answer its whole lines; False when it is done."""
        try:
            data = conn.recv(4096)
            if not data:
                return False
            buffers[conn] += data
            while b"\n" in buffers[conn]:
                line, buffers[conn] = buffers[conn].split(b"\n", 1)
                if self.is_goodbye(line):
                    return False
                conn.sendall(self.answer(line) + b"\n")
        except (OSError, UnicodeError):
            return False
        return True


class EachReadALineServer(StudentServer):
    """Waits for the newline, but keeps the reads of a line apart and answers each (non-empty) one as a reply
    line of its own: a line that took two recv() calls comes back as two lines. (An empty read of a line, a
    newline that came alone, adds nothing, so a line whose newline comes later still comes back whole.)"""

    fault = "each-read-a-line"

    def serve(self, conn: socket.socket) -> None:
        pieces: list[bytes] = []  # the reads of the line in progress, kept apart instead of joined
        while True:
            data = conn.recv(4096)
            if not data:
                return
            *ended, rest = data.split(b"\n")
            if ended:
                for line in [*pieces, *ended]:
                    if not line:
                        continue
                    if self.is_goodbye(line):
                        return
                    conn.sendall(self.answer(line) + b"\n")
                pieces = []
            if rest:
                pieces.append(rest)


class ClosesOnEofServer(StudentServer):
    """Answers the lines a client sent once it pauses for QUIET_SECONDS (a select() timeout: the replies go
    out together), but closes at once when recv() returns b"": a client that sends its line and then shuts
    its sending side (a half-close) never gets the reply that was pending."""

    fault = "closes-on-eof"
    # A client's end of sending comes right after its last line, long before this pause is over.
    QUIET_SECONDS = 0.25

    def serve(self, conn: socket.socket) -> None:
        buffer = b""
        pending: list[bytes] = []
        while True:
            readable, _, _ = select.select([conn], [], [], self.QUIET_SECONDS)
            if not readable:  # the client paused: answer what it sent
                lines, pending = pending, []
                for line in lines:
                    if self.is_goodbye(line):
                        return
                    conn.sendall(self.answer(line) + b"\n")
                continue
            data = conn.recv(4096)
            if not data:
                return  # the fault: the client finished sending, so it closes, pending replies and all
            buffer += data
            *ended, buffer = buffer.split(b"\n")
            pending += ended


class SilentServer(StudentServer):
    """Accepts and reads every client, answers nothing, closes nothing."""

    fault = "silent"

    def serve(self, conn: socket.socket) -> None:
        while conn.recv(4096):
            pass


class RudeServer(StudentServer):
    """Answers anything with bytes that are not even UTF-8, then resets the connection."""

    fault = "rude"

    def serve(self, conn: socket.socket) -> None:
        conn.recv(4096)
        conn.sendall(b"\xff\xfe\x00 no\r\n")
        conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, linger_reset())


# A correct line server as a whole program that dies of a reset: its client threads let a
# ConnectionResetError escape, and an escaped exception ends the program (as in a one-thread server).
_DIES_ON_RESET = r"""
import os, socket, sys, threading

def on_escape(args):
    os._exit(1)

threading.excepthook = on_escape

def serve(conn):
    buffer = b""
    with conn:
        while True:
            data = conn.recv(4096)
            if not data:
                return
            buffer += data
            while b"\n" in buffer:
                line, buffer = buffer.split(b"\n", 1)
                if line.decode().strip().upper() == "DESCONEXION":
                    return
                conn.sendall(line.decode().upper().encode() + b"\n")

listener = socket.create_server(("127.0.0.1", 0), backlog=64)
print("listening on %s:%d" % listener.getsockname()[:2], flush=True)
while True:
    conn, _ = listener.accept()
    threading.Thread(target=serve, args=(conn,), daemon=True).start()
"""


class DiesOnResetServer:
    """A correct line server in a process of its own that dies when a client resets its connection."""

    fault = "dies-on-reset"

    def __init__(self) -> None:
        self._running: LaunchedServer = launch_server(self.fault, [sys.executable, "-c", _DIES_ON_RESET])
        self.address: tuple[str, int] = (self._running.host, self._running.port)

    @property
    def alive(self) -> bool:
        return self._running.process.poll() is None

    def close(self) -> None:
        stop_server(self._running)
        assert self._running.process.poll() is not None


SERVERS: dict[str, type[StudentServer] | type[DiesOnResetServer]] = {
    cls.fault: cls
    for cls in (
        StudentServer,
        BytesUpperServer,
        ChunkDecodingServer,
        NoCloseServer,
        CaseSensitiveServer,
        OneAtATimeServer,
        FirstLineOnlyServer,
        CloseAfterOneReplyServer,
        TruncatingServer,
        BlockingSelectServer,
        EachReadALineServer,
        ClosesOnEofServer,
        DiesOnResetServer,
    )
}


class StandInProcess:
    """A stand-in server of this module run in a process of its own (`python -m tests.support.students FAULT`),
    so its threads never wait for the interpreter lock of the process that checks it."""

    def __init__(self, fault: str) -> None:
        self.fault = fault
        command = [sys.executable, "-m", "tests.support.students", fault]
        self._running: LaunchedServer = launch_server(fault, command)
        self.address: tuple[str, int] = (self._running.host, self._running.port)

    def close(self) -> None:
        """Ctrl+C it (it closes its sockets and joins its threads), or kill it if it hangs."""
        stop_server(self._running)
        assert self._running.process.poll() is not None


# --- clients: whole programs, run as `python FILE PORT` -------------------------------------------

# The original classroom client.py: no newline, one recv(1024) per message, decoded at once.
ORIGINAL_CLIENT = r"""
import socket, sys

s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
s.connect(("127.0.0.1", int(sys.argv[1])))
while True:
    mensaje = input("Mensaje: ")
    s.sendall(mensaje.encode("utf-8"))
    if mensaje == "DESCONEXION":
        break
    respuesta = s.recv(1024)
    print("Respuesta:", respuesta.decode("utf-8"))
s.close()
"""

# A correct client: sends lines, reads each reply up to its newline and decodes it whole, waits for
# the server to close after DESCONEXION, and says so and ends when the server closes.
CORRECT_CLIENT = r"""
import socket, sys

def read_line(sock):
    reply = b""
    while not reply.endswith(b"\n"):
        chunk = sock.recv(1024)
        if not chunk:
            return None
        reply += chunk
    return reply.decode("utf-8")

sock = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
try:
    for line in sys.stdin:
        message = line.rstrip("\n")
        sock.sendall((message + "\n").encode("utf-8"))
        if message.strip().upper() == "DESCONEXION":
            while sock.recv(1024):
                pass
            print("desconectado")
            break
        reply = read_line(sock)
        if reply is None:
            print("el servidor cerró la conexión")
            break
        print(reply.rstrip("\n"))
except OSError as error:
    print("conexión perdida:", error)
finally:
    sock.close()
"""

# Exactly one change each from the correct client.
NEVER_CLOSES_CLIENT = CORRECT_CLIENT.replace(
    """            while sock.recv(1024):
                pass
            print("desconectado")
            break""",
    """            continue  # forgets to close: the socket stays open and the program goes on""",
)
CHUNK_DECODING_CLIENT = CORRECT_CLIENT.replace(
    r"""    reply = b""
    while not reply.endswith(b"\n"):
        chunk = sock.recv(1024)
        if not chunk:
            return None
        reply += chunk
    return reply.decode("utf-8")""",
    r"""    reply = ""
    while not reply.endswith("\n"):
        chunk = sock.recv(1024)
        if not chunk:
            return None
        reply += chunk.decode("utf-8", errors="replace")  # each chunk decoded on its own
    return reply""",
)
# Encodes what it sends as Latin-1: "ñandú" goes out as b"\xf1and\xfa", which is not the UTF-8 the server reads.
LATIN1_CLIENT = CORRECT_CLIENT.replace(
    """sock.sendall((message + "\\n").encode("utf-8"))""",
    """sock.sendall((message + "\\n").encode("latin-1"))""",
)
# Takes recv() == b"" for "nothing yet" and waits for more: when the server closes, it hangs (and stays connected).
HANGS_ON_CLOSE_CLIENT = CORRECT_CLIENT.replace("import socket, sys", "import socket, sys, time").replace(
    """        if not chunk:
            return None""",
    """        if not chunk:
            time.sleep(0.1)  # "the reply is not here yet": it never is, the server has closed
            continue""",
)
assert all(
    variant != CORRECT_CLIENT
    for variant in (NEVER_CLOSES_CLIENT, CHUNK_DECODING_CLIENT, LATIN1_CLIENT, HANGS_ON_CLOSE_CLIENT)
)
assert "time.sleep" in HANGS_ON_CLOSE_CLIENT  # its one change took

CLIENTS: dict[str, str] = {
    "correct": CORRECT_CLIENT,
    "original": ORIGINAL_CLIENT,
    "never-closes": NEVER_CLOSES_CLIENT,
    "chunk-decoding": CHUNK_DECODING_CLIENT,
    "latin1": LATIN1_CLIENT,
    "hangs-on-close": HANGS_ON_CLOSE_CLIENT,
}


def write_client(name: str, folder: Path) -> Path:
    """Write the client program `name` (a key of CLIENTS) as a .py file in `folder`; return its path."""
    path = folder / f"{name.replace('-', '_')}_client.py"
    path.write_text(CLIENTS[name], encoding="utf-8")
    return path


def process_alive(pid: int) -> bool:
    """True while a process with this PID exists and is not a zombie (through psutil: on every system; on
    Windows `os.kill(pid, 0)` would not ask, it would end the process)."""
    try:
        return bool(psutil.Process(pid).status() != psutil.STATUS_ZOMBIE)
    except psutil.NoSuchProcess:
        return False
    except psutil.AccessDenied:
        return True


def _serve_until_interrupted(fault: str) -> None:
    """Run one stand-in server until Ctrl+C (SIGINT); print where it listens first, as the launcher expects."""
    server = SERVERS[fault]()
    print(f"listening on {server.address[0]}:{server.address[1]}", flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        server.close()


if __name__ == "__main__":
    _serve_until_interrupted(sys.argv[1])
