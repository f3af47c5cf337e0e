"""The reference servers the bench measures Mayus against: correct, and they stop cleanly."""

from __future__ import annotations

import signal
import socket

import pytest

from bench.servers import running_server
from core.protocol import uppercase_bytes
from tests.support.launcher import stop_server
from tests.support.sockets import connect_raw, recv_exactly, recv_until_closed

KINDS = ("streams", "protocol")


@pytest.mark.parametrize("kind", KINDS)
def test_lines_come_back_uppercased_byte_for_byte(kind: str) -> None:
    lines = [b"hola\n", "¡Qué año, señor Núñez! pingüino\n".encode(), b"bad \xff byte\n", b"\n"]
    with running_server(kind) as server, connect_raw((server.host, server.port)) as sock:
        sock.sendall(b"".join(lines))
        expected = b"".join(uppercase_bytes(line) for line in lines)
        assert recv_exactly(sock, len(expected)) == expected


def test_the_protocol_server_keeps_a_character_split_between_reads_whole() -> None:
    with running_server("protocol") as server, connect_raw((server.host, server.port)) as sock:
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        sock.sendall("señor".encode()[:3])  # "se" and the first byte of "ñ"
        assert recv_exactly(sock, 2) == b"SE"  # answered at once; the half character waits
        sock.sendall("señor\n".encode()[3:])
        assert recv_exactly(sock, len("ÑOR\n".encode())) == "ÑOR\n".encode()


@pytest.mark.parametrize("kind", KINDS)
def test_a_64_kib_line_comes_back_whole(kind: str) -> None:
    line = "ñandú ".encode() * 12_000 + b"\n"  # 96,001 bytes: past the default readline limit
    with running_server(kind) as server, connect_raw((server.host, server.port)) as sock:
        sock.sendall(line)
        assert recv_exactly(sock, len(line)) == uppercase_bytes(line)


@pytest.mark.parametrize("kind", KINDS)
def test_desconexion_ends_the_session(kind: str) -> None:
    with running_server(kind) as server, connect_raw((server.host, server.port)) as sock:
        sock.sendall(b"hola\n  DesConexion \r\n")
        assert recv_until_closed(sock) == b"HOLA\n"


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
@pytest.mark.parametrize("kind", KINDS)
def test_a_signal_stops_it_cleanly_with_a_client_connected(kind: str, signum: int) -> None:
    with running_server(kind, signum) as server, connect_raw((server.host, server.port)) as sock:
        sock.sendall(b"hola\n")
        assert recv_exactly(sock, 5) == b"HOLA\n"
        assert stop_server(server, signum) == 0
        assert recv_until_closed(sock) == b""
    assert server.exit_code == 0
    assert "server stopped" in server.output
