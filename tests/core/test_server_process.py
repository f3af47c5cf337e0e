"""The window's server, in a process of its own: the same events, the same commands, nothing left behind."""

from __future__ import annotations

import os
import socket
import ssl
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import psutil
import pytest

from core.errors import ErrorKind
from core.events import (
    ClientConnected,
    ClientDisconnected,
    DisconnectReason,
    MessagePushed,
    MessageReceived,
    ServerStarted,
    ServerStopped,
)
from core.recorder import EventRecorder
from core.server import ServerConfig
from core.server_process import ServerProcess
from core.tls import TlsIdentity, ensure_certificate
from tests.support.sockets import connect_raw, recv_exactly
from tests.support.waiting import WAIT, wait_until

LOOPBACK = "127.0.0.1"


@dataclass
class Child:
    server: ServerProcess
    events: EventRecorder

    @property
    def port(self) -> int:
        return self.events.wait_for(ServerStarted, WAIT).port


def _start(config: ServerConfig, tls: TlsIdentity | None = None) -> Child:
    events = EventRecorder()
    server = ServerProcess(config, events, tls)
    server.start()
    return Child(server, events)


@pytest.fixture
def child() -> Iterator[Child]:
    started = _start(ServerConfig(host=LOOPBACK, port=0))
    yield started
    started.server.stop()


def _gone(pid: int) -> bool:
    try:
        return bool(psutil.Process(pid).status() == psutil.STATUS_ZOMBIE)
    except psutil.NoSuchProcess:
        return True


def test_it_serves_reports_and_stops_leaving_no_process(child: Child) -> None:
    pid = child.server.pid
    assert pid is not None and pid != os.getpid()
    with connect_raw((LOOPBACK, child.port)) as sock:
        sock.sendall(b"hola ni\xc3\xb1o\n")
        assert recv_exactly(sock, 11) == "HOLA NIÑO\n".encode()
        received = child.events.wait_for(MessageReceived, WAIT)
        assert (received.data, received.size) == (b"hola ni\xc3\xb1o\n", 11)
        assert child.server.address == (LOOPBACK, child.port) and child.server.running

        child.server.request_stop()
        assert child.events.wait_for(ServerStopped, WAIT).error is None
        assert child.events.wait_for(ClientDisconnected, WAIT).reason is DisconnectReason.SERVER_STOPPED
    wait_until(lambda: _gone(pid), message="the server's process ended by itself")
    assert not child.server.running and child.server.address is None
    with socket.socket() as again:  # the port is free, as any server (ours too) would take it
        again.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        again.bind((LOOPBACK, child.port))
        again.listen()


def test_the_window_can_push_to_and_disconnect_its_clients(child: Child) -> None:
    with connect_raw((LOOPBACK, child.port)) as first, connect_raw((LOOPBACK, child.port)) as second:
        ids = [child.events.wait_for(ClientConnected, WAIT, after=i).client_id for i in range(2)]
        child.server.push(None, b"aviso\n")
        assert recv_exactly(first, 6) == recv_exactly(second, 6) == b"aviso\n"
        wait_until(lambda: len(child.events.of_type(MessagePushed)) == 2, message="both pushes reported")

        child.server.disconnect_client(ids[0])
        kicked = child.events.wait_for(ClientDisconnected, WAIT)
        assert kicked.reason is DisconnectReason.KICKED
        child.server.disconnect_all()
        child.events.wait_for(ClientDisconnected, WAIT, lambda e: e.client_id != kicked.client_id)


def test_a_port_in_use_is_said_and_the_process_ends(child: Child) -> None:
    other = _start(ServerConfig(host=LOOPBACK, port=child.port))
    stopped = other.events.wait_for(ServerStopped, WAIT)
    assert stopped.error is not None and stopped.error.kind is ErrorKind.PORT_IN_USE
    wait_until(lambda: other.server.pid is None, message="the failed child forgotten")
    assert not other.events.of_type(ServerStarted)


def test_a_killed_server_process_is_reported_once(child: Child) -> None:
    child.events.wait_for(ServerStarted, WAIT)
    pid = child.server.pid
    assert pid is not None
    psutil.Process(pid).kill()
    stopped = child.events.wait_for(ServerStopped, WAIT)
    assert stopped.error is not None and stopped.error.kind is ErrorKind.SERVER_PROCESS_ENDED
    wait_until(lambda: child.server.pid is None, message="the dead child forgotten")
    assert len(child.events.of_type(ServerStopped)) == 1 and not child.server.running


def test_tls_is_served_on_the_identity_given(tmp_path: Path) -> None:
    identity = ensure_certificate(tmp_path)
    started = _start(ServerConfig(host=LOOPBACK, port=0), identity)
    try:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        context.check_hostname, context.verify_mode = False, ssl.CERT_NONE
        with connect_raw((LOOPBACK, started.port)) as raw, context.wrap_socket(raw) as sock:
            sock.sendall(b"seguro\n")
            assert recv_exactly(sock, 7) == b"SEGURO\n"
    finally:
        started.server.stop()


def test_a_certificate_that_cannot_be_used_is_a_failed_start(tmp_path: Path) -> None:
    identity = ensure_certificate(tmp_path)
    identity.key_file.write_bytes(ensure_certificate(tmp_path / "other").key_file.read_bytes())
    started = _start(ServerConfig(host=LOOPBACK, port=0), identity)
    stopped = started.events.wait_for(ServerStopped, WAIT)
    assert stopped.error is not None and stopped.error.kind is ErrorKind.CERT_KEY_MISMATCH
    wait_until(lambda: started.server.pid is None, message="the failed child forgotten")


def test_the_server_process_never_outlives_the_window(tmp_path: Path) -> None:
    """The window's process killed outright: its server notices that the command pipe ended, and stops."""
    script = textwrap.dedent(
        """
        import sys, time
        from core.events import ServerStarted
        from core.server import ServerConfig
        from core.server_process import ServerProcess

        def on_event(event):
            if isinstance(event, ServerStarted):
                print(server.pid, event.port, flush=True)

        if __name__ == "__main__":
            server = ServerProcess(ServerConfig(host="127.0.0.1", port=0), on_event)
            server.start()
            time.sleep(60)
        """
    )
    (tmp_path / "window.py").write_text(script, encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    window = subprocess.Popen([sys.executable, str(tmp_path / "window.py")], stdout=subprocess.PIPE, env=env)
    try:
        assert window.stdout is not None
        pid, port = (int(word) for word in window.stdout.readline().split())
        with connect_raw((LOOPBACK, port)) as sock:
            window.kill()
            window.wait(WAIT)
            wait_until(lambda: _gone(pid), message="the orphaned server process ended")
            try:
                ended = sock.recv(1)
            except ConnectionResetError:  # the stop aborts each connection
                ended = b""
            assert ended == b""  # its client was let go
    finally:
        window.kill()
        window.wait(WAIT)
