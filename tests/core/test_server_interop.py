"""Everyday tools against our server: netcat (LF and CRLF) and a telnet-style client."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from core.events import ClientDisconnected, DisconnectReason
from tests.support.servers import RunningServer
from tests.support.sockets import connect_raw, recv_exactly, recv_until_closed
from tests.support.waiting import WAIT

# Runs on asyncio's loop and on uvloop (tests/core/conftest.py).
pytestmark = pytest.mark.usefixtures("each_loop")

NC = shutil.which("nc")
needs_nc = pytest.mark.skipif(NC is None, reason="netcat (netcat-openbsd) is not installed; .ci/run installs it")


def netcat(server: RunningServer, stdin: bytes, *flags: str) -> bytes:
    assert NC is not None
    done = subprocess.run(
        [NC, *flags, server.host, str(server.port)], input=stdin, capture_output=True, timeout=WAIT, check=True
    )
    return done.stdout


@needs_nc
def test_netcat_lines_come_back_uppercased(server: RunningServer) -> None:
    # -N: shut down the sending side at end of input; the server answers everything, then closes.
    out = netcat(server, "hola servidor\nñandú\n".encode(), "-N")
    assert out == "HOLA SERVIDOR\nÑANDÚ\n".encode()


@needs_nc
def test_netcat_crlf_lines_keep_their_crlf(server: RunningServer) -> None:
    out = netcat(server, b"hola\nadios\n", "-N", "-C")
    assert out == b"HOLA\r\nADIOS\r\n"


@needs_nc
def test_netcat_desconexion_ends_the_session(server: RunningServer) -> None:
    out = netcat(server, b"hola\nDESCONEXION\n")  # no -N: nc exits because the server closes
    assert out == b"HOLA\n"
    server.events.wait_for(ClientDisconnected, WAIT, lambda e: e.reason is DisconnectReason.REQUESTED)


def test_telnet_style_client_typing_one_character_at_a_time(server: RunningServer) -> None:
    sock = connect_raw(server.address)
    for char in b"hola\r\n":
        sock.sendall(bytes([char]))
    assert recv_exactly(sock, 6) == b"HOLA\r\n"
    for char in b"desconexion\r\n":
        sock.sendall(bytes([char]))
    assert recv_until_closed(sock) == b""
    server.events.wait_for(ClientDisconnected, WAIT, lambda e: e.reason is DisconnectReason.REQUESTED)
