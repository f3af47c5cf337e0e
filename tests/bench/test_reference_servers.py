"""The reference servers the bench measures Mayus against: correct byte for byte, bounded, and they stop cleanly.

`uvloop` runs where uvloop is installed and `c-epoll` where gcc is (bench/native.py builds it); elsewhere
their tests are skipped.
"""

from __future__ import annotations

import select
import signal
import socket
from collections.abc import Iterator

import psutil
import pytest

from bench.server_bench import SCENARIOS, quick
from bench.servers import C_EPOLL, UVLOOP, available, running_server
from core.load import hold_idle_connections, run_load
from core.protocol import uppercase_bytes
from tests.support.launcher import LaunchedServer, stop_server
from tests.support.sockets import connect_raw, recv_exactly, recv_until_closed

KINDS = ("streams", "protocol", UVLOOP, C_EPOLL)
INCREMENTAL = ("protocol", UVLOOP, C_EPOLL)  # answer each read at once, not line by line
MIB = 1024 * 1024


def skip_unless_available(kind: str) -> None:
    if not available(kind):
        pytest.skip(f"{kind} cannot run here (see the note printed above)")


@pytest.fixture
def reference(request: pytest.FixtureRequest) -> Iterator[LaunchedServer]:
    """The reference server named by the test's `kind` parameter, on a free port."""
    kind = str(request.getfixturevalue("kind"))
    skip_unless_available(kind)
    with running_server(kind) as server:
        yield server
    assert server.exit_code == 0, server.output


def ask(server: LaunchedServer, data: bytes) -> bytes:
    """Send `data` on a fresh connection and return as many reply bytes as Mayus would send."""
    expected_length = len(uppercase_bytes(data))
    with connect_raw((server.host, server.port)) as sock:
        sock.sendall(data)
        return recv_exactly(sock, expected_length)


@pytest.mark.parametrize("kind", KINDS)
def test_lines_come_back_uppercased_byte_for_byte(kind: str, reference: LaunchedServer) -> None:
    lines = [b"hola\n", "¡Qué año, señor Núñez! pingüino «¿sí?»\n".encode(), b"bad \xff byte\n", b"\n"]
    assert ask(reference, b"".join(lines)) == b"".join(uppercase_bytes(line) for line in lines)


@pytest.mark.parametrize("kind", KINDS)
def test_every_latin_1_character_is_uppercased_as_python_does(kind: str, reference: LaunchedServer) -> None:
    line = ("".join(chr(code) for code in range(0x80, 0x100)) + " abcxyz ABC 09\n").encode()  # ß, ÿ, µ, ÷ too
    assert ask(reference, line) == uppercase_bytes(line)


ODD_BYTES = [
    b"\xc3a\n",  # a lead byte, then no continuation: the lead is an invalid byte
    b"\x80\xbf\xc3\n",  # lone continuations; a lead just before the LF
    "€ 😀 中\n".encode(),  # characters of three and four bytes (the C server uppercases only Latin-1)
    b"\xe2\x82\xc3\xb1\n",  # an unfinished three-byte character, then a whole n
    b"\xc0\xaf \xc1\xbf \xf5\x80\n",  # overlong and out-of-range leads
    b"\x00nul\x00\n",
]


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("data", ODD_BYTES, ids=[repr(d) for d in ODD_BYTES])
def test_invalid_and_unusual_bytes_come_back_as_python_answers_them(
    kind: str, data: bytes, reference: LaunchedServer
) -> None:
    assert ask(reference, data) == uppercase_bytes(data)


@pytest.mark.parametrize("kind", INCREMENTAL)
def test_a_character_split_between_reads_comes_back_whole(kind: str, reference: LaunchedServer) -> None:
    with connect_raw((reference.host, reference.port)) as sock:
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        sock.sendall("señor".encode()[:3])  # "se" and the first byte of "ñ"
        assert recv_exactly(sock, 2) == b"SE"  # answered at once; the half character waits
        sock.sendall("señor\n".encode()[3:])
        assert recv_exactly(sock, len("ÑOR\n".encode())) == "ÑOR\n".encode()


def test_the_c_server_joins_a_split_n_tilde_and_keeps_an_invalid_byte() -> None:
    skip_unless_available(C_EPOLL)
    with running_server(C_EPOLL) as server, connect_raw((server.host, server.port)) as sock:
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        sock.sendall(b"a\xc3")  # "a" and the first byte of "ñ"
        assert recv_exactly(sock, 1) == b"A"
        sock.sendall(b"\xb1\xff b\n")  # the rest of "ñ", an invalid byte, " b"
        assert recv_exactly(sock, 6) == "Ñ".encode() + b"\xff B\n"
        sock.sendall(b"z\xc3")  # a lead byte, then the client stops sending: it comes back unchanged
        sock.shutdown(socket.SHUT_WR)
        assert recv_until_closed(sock) == b"Z\xc3"
    assert server.exit_code == 0


@pytest.mark.parametrize("kind", KINDS)
def test_a_64_kib_line_comes_back_whole(kind: str, reference: LaunchedServer) -> None:
    line = "ñandú ".encode() * 12_000 + b"\n"  # 96,001 bytes: past the default readline limit
    assert ask(reference, line) == uppercase_bytes(line)


@pytest.mark.parametrize("kind", KINDS)
def test_desconexion_ends_the_session(kind: str, reference: LaunchedServer) -> None:
    with connect_raw((reference.host, reference.port)) as sock:
        sock.sendall(b"hola\n  DesConexion \r\n")
        assert recv_until_closed(sock) == b"HOLA\n"


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
@pytest.mark.parametrize("kind", KINDS)
def test_a_signal_stops_it_cleanly_with_a_client_connected(kind: str, signum: int) -> None:
    skip_unless_available(kind)
    with running_server(kind, signum) as server, connect_raw((server.host, server.port)) as sock:
        sock.sendall(b"hola\n")
        assert recv_exactly(sock, 5) == b"HOLA\n"
        assert stop_server(server, signum) == 0
        assert recv_until_closed(sock) == b""
    assert server.exit_code == 0
    assert "server stopped" in server.output


@pytest.mark.slow
@pytest.mark.parametrize("kind", KINDS)
def test_the_load_generator_quick_scenarios_pass_with_no_errors(kind: str, reference: LaunchedServer) -> None:
    for scenario in map(quick, SCENARIOS):  # 64 KiB lines split characters between reads
        result = run_load(reference.host, reference.port, scenario)
        assert (scenario.name, result.error_count, result.completed) == (scenario.name, 0, scenario.messages)


@pytest.mark.slow
@pytest.mark.parametrize("kind", [C_EPOLL])
def test_the_c_server_holds_thousands_of_connections(kind: str, reference: LaunchedServer) -> None:
    count = 3_000
    with hold_idle_connections(reference.host, reference.port, count) as opened:
        assert (opened.error_count, opened.completed) == (0, count)


SLOW_READER_CAP = 256 * MIB  # a server that never stops reading would take all of this
RSS_GROWTH_LIMIT = 16 * MIB  # the C server buffers at most ~512 KiB per client
STALLED_SECONDS = 0.5  # no room to send for this long: the server stopped reading


@pytest.mark.parametrize("kind", [C_EPOLL])
def test_a_client_that_sends_without_reading_is_paused_not_buffered(kind: str, reference: LaunchedServer) -> None:
    chunk = "niño ".encode() * 13_000 + b"\n"  # 78,001 bytes: "ñ" split between reads too
    process = psutil.Process(reference.pid)
    before = process.memory_info().rss
    sent = 0
    with connect_raw((reference.host, reference.port)) as sock:
        sock.setblocking(False)
        while sent < SLOW_READER_CAP:
            _, writable, _ = select.select([], [sock], [], STALLED_SECONDS)
            if not writable:
                break  # the kernel buffers are full and the server has stopped reading
            try:
                sent += sock.send(chunk[sent % len(chunk) :])
            except BlockingIOError:
                continue
        grown = process.memory_info().rss - before
        assert sent < SLOW_READER_CAP, "the server kept reading a client that never reads"
        assert grown < RSS_GROWTH_LIMIT, f"RSS grew {grown / MIB:.1f} MiB for one slow client"
        sock.settimeout(10.0)
        expected = uppercase_bytes((chunk * (sent // len(chunk) + 1))[:sent])
        received = bytearray()
        while len(received) < len(expected):  # reading again resumes the server: every reply arrives
            select.select([sock], [], [], 10.0)
            try:
                received += sock.recv(1 << 20)
            except BlockingIOError:
                continue
        assert bytes(received) == expected
