"""The headless faces, run as a person would run them: `python main.py serve|send|connect`."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable

from cli.words import REASON_WORDS
from core.events import ClientDisconnected, DisconnectReason, MessageReceived
from tests.support.launcher import REPO_ROOT as REPO
from tests.support.launcher import ServeProcess
from tests.support.servers import RunningServer
from tests.support.sockets import connect_raw, recv_exactly, recv_until_closed
from tests.support.waiting import WAIT


def run_main(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(REPO / "main.py"), *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=WAIT * 2,
        cwd=REPO,
    )


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
    assert "client #1 disconnected (server stopped)" in out
    assert "server stopped" in out
    assert "totals: 1 messages in, 1 replies" in out


def test_serve_quiet_logs_no_messages(serve_process: Callable[..., ServeProcess]) -> None:
    server = serve_process("--quiet")
    sock = connect_raw(server.address)
    sock.sendall(b"secreto\n")
    recv_exactly(sock, 8)
    code, out = server.interrupt()
    assert code == 0 and "secreto" not in out and "totals: 1 messages in" in out


def test_serve_on_a_busy_port_says_so_and_exits_non_zero(server: RunningServer) -> None:
    done = run_main("serve", "--port", str(server.port))
    assert done.returncode == 1
    assert f"Port {server.port} is already in use" in done.stdout


def test_send_prints_each_reply_and_exits_0(server: RunningServer) -> None:
    done = run_main("send", "--port", str(server.port), "hola servidor", "¿qué tal?")
    assert done.returncode == 0, done.stderr
    assert done.stdout == "HOLA SERVIDOR\n¿QUÉ TAL?\n"
    server.events.wait_for(ClientDisconnected, WAIT, lambda e: e.reason is DisconnectReason.REQUESTED)


def test_send_to_nobody_is_one_line_and_non_zero() -> None:
    done = run_main("send", "--port", "1", "hola")
    assert done.returncode == 1
    assert done.stderr.count("\n") == 1 and "refused" in done.stderr
    assert "Traceback" not in done.stderr


def test_connect_is_an_interactive_client_ended_by_desconexion(server: RunningServer) -> None:
    done = run_main("connect", "--port", str(server.port), stdin="hola\nñandú\nDESCONEXION\nnot sent\n")
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[1].startswith("HOLA  (") and lines[1].endswith(" ms)")
    assert lines[2].startswith("ÑANDÚ  (")
    assert lines[-1] == "disconnected (requested disconnect)"
    assert [e.data for e in server.events.of_type(MessageReceived)] == [b"hola\n", "ñandú\n".encode(), b"DESCONEXION\n"]


def test_connect_ends_at_end_of_input(server: RunningServer) -> None:
    done = run_main("connect", "--port", str(server.port), "--ending", "crlf", stdin="uno\n")
    assert done.returncode == 0
    assert "UNO  (" in done.stdout and "disconnected (requested disconnect)" in done.stdout


def test_every_disconnect_reason_has_words_in_the_terminal() -> None:
    assert set(REASON_WORDS) == set(DisconnectReason)
