"""`serve`, run as a person runs it: logs, Ctrl+C, a busy port, the user's language."""

from __future__ import annotations

from collections.abc import Callable

from tests.support.launcher import ServeProcess
from tests.support.processes import mayus, run_watched
from tests.support.servers import RunningServer
from tests.support.sockets import connect_raw, recv_exactly, recv_until_closed


def test_serve_logs_each_message_and_stops_cleanly_on_ctrl_c(serve_process: Callable[..., ServeProcess]) -> None:
    server = serve_process()
    sock = connect_raw(server.address)
    sock.sendall(b"hola servidor\n")
    assert recv_exactly(sock, 14) == b"HOLA SERVIDOR\n"
    code, out = server.interrupt()
    assert code == 0
    assert recv_until_closed(sock) == b""  # Ctrl+C closed the connection
    assert "client #1 -> hola servidor" in out
    assert "client #1 <- HOLA SERVIDOR" in out
    assert "client #1 disconnected (the server was stopped)" in out
    assert "server stopped" in out
    assert "totals: 1 messages in, 1 replies, 14 bytes in, 14 bytes out, 0 connections refused" in out


def test_serve_quiet_logs_no_messages(serve_process: Callable[..., ServeProcess]) -> None:
    server = serve_process("--quiet")
    sock = connect_raw(server.address)
    sock.sendall(b"secreto\n")
    recv_exactly(sock, 8)
    code, out = server.interrupt()
    assert code == 0 and "secreto" not in out and "totals: 1 messages in" in out


def test_serve_on_a_busy_port_says_so_and_exits_non_zero(server: RunningServer) -> None:
    done = run_watched(mayus("serve", "--lang", "en", "--port", str(server.port)))
    assert done.code == 1
    assert f"Port {server.port} is already in use" in done.stdout_head.decode()


def test_serve_speaks_spanish_when_asked(server: RunningServer) -> None:
    done = run_watched(mayus("serve", "--lang", "es", "--port", str(server.port)))
    assert done.code == 1
    assert f"El puerto {server.port} ya está en uso" in done.stdout_head.decode()
