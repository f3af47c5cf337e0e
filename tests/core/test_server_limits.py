"""The server against the limits of its machine: descriptors and memory (server in its own process, psutil).

Each test is an attack that once broke it: running out of file descriptors, and
thousands of clients that send without reading.
"""

from __future__ import annotations

import re
import socket
import time
from collections.abc import Callable

import psutil
import pytest

from core.limits import OPEN_FILE_LIMITS, open_file_limit, raise_open_file_limit
from tests.support.hogs import MIB, Hogs, round_trips
from tests.support.launcher import ServeProcess
from tests.support.sockets import connect_raw, recv_exactly, recv_until_closed
from tests.support.waiting import WAIT, wait_until

pytestmark = [
    pytest.mark.usefixtures("each_loop"),  # asyncio's loop and uvloop handle EMFILE each their own way
    pytest.mark.skipif(not OPEN_FILE_LIMITS, reason="open-file limits are POSIX"),
]

LOW_LIMIT = 64  # ulimit -n: a few dozen clients fill it
MAX_CPU_PERCENT = 25.0  # the bound while saturated (a busy accept loop takes 100)
HOGS = 2_000
HOG_BYTES = 1 * MIB
MAX_HOGS_RSS = 512 * MIB  # the target for 2,000 clients that each send 1 MiB and never read


def _ask(sock: socket.socket, text: bytes) -> bytes:
    sock.sendall(text + b"\n")
    return recv_exactly(sock, len(text) + 1)[:-1]


def test_out_of_descriptors_it_pauses_accepting_quietly_and_keeps_serving(
    serve_process: Callable[..., ServeProcess],
) -> None:
    server = serve_process("--quiet", "--max-connections", "1000", open_files=LOW_LIMIT)
    served = connect_raw(server.address)
    assert _ask(served, b"antes") == b"ANTES"
    storm = []
    for _ in range(2 * LOW_LIMIT):
        sock = socket.socket()
        sock.setblocking(False)
        sock.connect_ex(server.address)
        storm.append(sock)
    began = time.monotonic()
    try:
        cpu = psutil.Process(server.running.pid).cpu_percent(interval=1.0)  # measured over a second of saturation
        assert cpu < MAX_CPU_PERCENT, f"{cpu:.0f} % CPU while out of descriptors"
        assert _ask(served, b"durante") == b"DURANTE"  # the client already in is still served
    finally:
        for sock in storm:
            sock.close()
    # Once the storm's descriptors are free again, a new client is served. (Meanwhile asyncio's
    # loop leaves new clients waiting in the backlog, while uvloop's closes them at once.)
    process = psutil.Process(server.running.pid)
    wait_until(lambda: process.num_fds() < LOW_LIMIT // 2, message="the storm's descriptors freed")
    late = connect_raw(server.address)
    assert _ask(late, b"despues") == b"DESPUES"
    seconds = time.monotonic() - began
    code, out = server.interrupt()
    assert code == 0
    assert "Traceback" not in out and len(out) < 4096, out[:2000]
    notices = out.count("no file descriptor left")
    assert notices <= seconds + 2, f"{notices} notices in {seconds:.1f} s: more than one a second"


def test_by_default_it_takes_what_the_descriptors_allow_and_refuses_the_rest_at_once(
    serve_process: Callable[..., ServeProcess],
) -> None:
    server = serve_process("--quiet", open_files=4 * LOW_LIMIT)
    match = re.search(r"at most (\d+) clients at once \(open-file limit 256\)", server.running.first_line)
    assert match is not None, server.running.first_line
    most = int(match.group(1))
    assert 4 * LOW_LIMIT // 2 <= most < 4 * LOW_LIMIT  # a reserve kept, most of the limit used
    clients = [connect_raw(server.address) for _ in range(most)]
    assert _ask(clients[-1], b"ultimo") == b"ULTIMO"
    extra = [connect_raw(server.address) for _ in range(3)]
    assert [recv_until_closed(sock) for sock in extra] == [b"", b"", b""]  # closed at once, never left hanging
    assert _ask(clients[0], b"primero") == b"PRIMERO"
    code, out = server.interrupt()
    assert code == 0 and "3 connections refused" in out


@pytest.mark.slow
def test_2000_clients_that_never_read_stay_within_the_reply_budget(serve_process: Callable[..., ServeProcess]) -> None:
    raise_open_file_limit()  # this process holds the 2,000 clients' sockets
    limit = open_file_limit()
    if limit is not None and limit < HOGS + 200:
        pytest.skip(f"this machine allows {limit} open files; the test needs {HOGS + 200}")
    server = serve_process("--quiet")
    process = psutil.Process(server.running.pid)
    peak = [process.memory_info().rss]

    def sample() -> None:
        peak[0] = max(peak[0], process.memory_info().rss)

    hogs = Hogs(server.address, HOGS)
    try:
        run = hogs.send_until_stuck(HOG_BYTES, sample)
        times = round_trips(server.address, 50, WAIT)  # a normal client is still answered, every time
        sample()
    finally:
        hogs.close()
    assert run.sent > HOGS * 64 * 1024, run  # the server did read from every one of them before pausing
    assert peak[0] < MAX_HOGS_RSS, f"peak RSS {peak[0] / MIB:.0f} MiB for {run}"
    assert len(times) == 50
