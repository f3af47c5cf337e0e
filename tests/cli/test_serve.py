"""`serve`, run as a person runs it: logs, Ctrl+C, a busy port, the user's language."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from cli.serve import LOG_MESSAGE_CHARS, format_server_event
from core.events import MessageReceived, ReplySent, Stamp
from tests.support.launcher import ServeProcess
from tests.support.processes import mayus, run_watched
from tests.support.servers import RunningServer
from tests.support.sockets import IPV6_LOOPBACK, connect_raw, recv_exactly, recv_until_closed
from words import Translator


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


def test_serve_says_how_many_clients_it_takes(serve_process: Callable[..., ServeProcess]) -> None:
    server = serve_process("--max-connections", "7")
    assert server.running.first_line.endswith("; at most 7 clients at once (open-file limit " + _limit(server) + ")")


def _limit(server: ServeProcess) -> str:
    import psutil

    soft, _hard = psutil.Process(server.running.pid).rlimit(psutil.RLIMIT_NOFILE)
    return f"{soft:,}"


def test_a_long_message_is_logged_cut_with_its_size(serve_process: Callable[..., ServeProcess]) -> None:
    server = serve_process()
    sock = connect_raw(server.address)
    sock.sendall(b"a" * 5_000 + b"\n")
    assert recv_exactly(sock, 5_001) == b"A" * 5_000 + b"\n"
    _code, out = server.interrupt()
    assert f"client #1 -> {'a' * LOG_MESSAGE_CHARS}… (5,001 bytes)" in out.splitlines()[1]
    assert f"client #1 <- {'A' * LOG_MESSAGE_CHARS}… (5,001 bytes)" in out.splitlines()[2]


def test_a_line_longer_than_one_read_is_logged_as_one_message_and_its_continuations(
    serve_process: Callable[..., ServeProcess],
) -> None:
    server = serve_process()
    sock = connect_raw(server.address)
    sock.sendall(b"hola\n")  # a client that speaks in lines: what has no LF yet is the start of a line
    assert recv_exactly(sock, 5) == b"HOLA\n"
    size = 1 << 20  # several reads of the server's buffer
    sock.sendall(b"a" * size + b"\n")
    assert recv_exactly(sock, size + 1) == b"A" * size + b"\n"
    _code, out = server.interrupt()
    received = [line for line in out.splitlines() if "client #1 -> a" in line]
    replies = [line for line in out.splitlines() if "client #1 <- A" in line]
    assert len(received) >= 2 and len(replies) >= 2
    for pieces in (received, replies):
        assert "(continued" not in pieces[0]
        assert all("(continued: more of the line above)" in line for line in pieces[1:]), pieces
    assert "2 messages in, 2 replies" in out


def test_serve_goes_on_when_nobody_reads_its_log(serve_process: Callable[..., ServeProcess]) -> None:
    server = serve_process()  # its stdout is a pipe the test reads only after the stop
    sock = connect_raw(server.address)
    line = b"b" * 100_000 + b"\n"
    for _ in range(50):  # far more log than a pipe holds
        sock.sendall(line)
        assert recv_exactly(sock, len(line)) == line.upper()
    for number in range(3_000):
        sock.sendall(b"%d\n" % number)
        assert recv_exactly(sock, len(b"%d\n" % number)) == b"%d\n" % number
    code, out = server.interrupt()
    assert code == 0
    assert "Traceback" not in out


def test_serve_goes_on_when_its_log_reader_leaves(serve_process: Callable[..., ServeProcess]) -> None:
    server = serve_process()
    stdout = server.running.process.stdout
    assert stdout is not None
    stdout.close()  # `mayus serve | head -1`: head read its line and left
    clients = [connect_raw(server.address) for _ in range(5)]
    for round_ in range(20):
        for sock in clients:
            sock.sendall(b"ronda %d\n" % round_)
            assert recv_exactly(sock, len(b"ronda %d\n" % round_)) == b"RONDA %d\n" % round_
    code, out = server.interrupt()  # out: stderr only now
    assert (code, out) == (0, "")


@pytest.mark.parametrize(
    "bad",
    [
        ["--max-connections", "0"],
        ["--max-connections", "-5"],
        ["--max-connections", "many"],
        ["--idle-timeout", "-1"],
        ["--idle-timeout", "0"],
        ["--idle-timeout", "nan"],
        ["--idle-timeout", "inf"],
        ["--reply-budget", "0"],
        ["--port", "-1"],
    ],
)
def test_bad_option_values_are_one_plain_line_and_exit_2(bad: list[str]) -> None:
    done = run_watched(mayus("serve", *bad))
    assert done.code == 2
    assert "Traceback" not in done.stderr and done.stderr.strip().splitlines()[-1].startswith("mayus serve: error:")


@pytest.mark.skipif(not IPV6_LOOPBACK, reason="this machine has IPv6 turned off")
def test_serve_on_every_interface_names_each_address_and_writes_ipv6_peers_in_brackets(
    serve_process: Callable[..., ServeProcess],
) -> None:
    server = serve_process("--host", "::")
    port = server.running.port
    assert f"listening on 0.0.0.0:{port}, [::]:{port} (Ctrl+C stops)" in server.running.first_line
    for host in ("::1", "127.0.0.1"):
        sock = connect_raw((host, port))
        sock.sendall(b"hola\n")
        assert recv_exactly(sock, 5) == b"HOLA\n"
    _code, out = server.interrupt()
    assert "client #1 connected from [::1]:" in out
    assert "client #2 connected from 127.0.0.1:" in out


def test_serve_logs_messages_in_the_language_asked() -> None:
    es, when = Translator("es"), Stamp.now()
    received = format_server_event(MessageReceived(1, b"hola\n", 5, b"\n", False, when), es, quiet=False)
    replied = format_server_event(ReplySent(1, b"HOLA\n", 5, b"\n", True, when), es, quiet=False)
    assert received == "cliente #1 -> hola"
    assert replied == "cliente #1 <- HOLA  (continuación: más de la línea de arriba)"
