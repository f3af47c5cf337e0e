"""The server's memory stays bounded whatever a client sends (server in its own process)."""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Callable

import pytest

from core.protocol import uppercase_bytes
from tests.support.launcher import ServeProcess
from tests.support.sockets import connect_raw, recv_exactly

# Runs on asyncio's loop and on uvloop (tests/core/conftest.py).
pytestmark = pytest.mark.usefixtures("each_loop")

MIB = 1024 * 1024
# Far below the 100 MB that flows through, far above what streaming needs.
MAX_GROWTH = 48 * MIB
PATTERN = "abcdefghijklmnñopqrstuvwxyzáéíóú0123456789\x00 ".encode()


@pytest.mark.slow
def test_a_100_mb_message_without_newline_streams_through(serve_process: Callable[..., ServeProcess]) -> None:
    server = serve_process("--quiet")
    baseline = server.rss()
    block = PATTERN * (MIB // len(PATTERN))
    blocks = 100
    sock = connect_raw(server.address, timeout=30)

    def send_all() -> None:
        for _ in range(blocks):
            sock.sendall(block)

    sender = threading.Thread(target=send_all, daemon=True)
    sender.start()
    expected = hashlib.sha256()
    upper_block = uppercase_bytes(block)
    for _ in range(blocks):
        expected.update(upper_block)
    got = hashlib.sha256()
    received, peak = 0, baseline
    total = len(upper_block) * blocks
    while received < total:
        chunk = sock.recv(4 * MIB)
        assert chunk, "server closed early"
        got.update(chunk)
        received += len(chunk)
        if received % (8 * MIB) < len(chunk):
            peak = max(peak, server.rss())
    sender.join(30)
    assert got.hexdigest() == expected.hexdigest()
    assert peak - baseline < MAX_GROWTH, f"server grew by {(peak - baseline) / MIB:.1f} MiB"


@pytest.mark.slow
def test_a_client_that_never_reads_is_paused_not_buffered(serve_process: Callable[..., ServeProcess]) -> None:
    server = serve_process("--quiet")
    baseline = server.rss()
    hog = connect_raw(server.address, timeout=0.5)
    sent = 0
    try:
        while sent < 500 * MIB:  # bounded; the server must stop reading long before this
            sent += hog.send(b"z" * MIB)
    except (TimeoutError, BlockingIOError):
        pass
    assert sent < 64 * MIB, f"server kept reading {sent / MIB:.0f} MiB from a client that never reads"
    assert server.rss() - baseline < MAX_GROWTH
    other = connect_raw(server.address)
    other.sendall(b"hola\n")
    assert recv_exactly(other, 5) == b"HOLA\n"
