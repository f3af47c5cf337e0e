"""The shared test kit's own guards: free ports come from below the ephemeral range; the launcher reads a first
line without select() (Windows cannot select() on a pipe), kills portably, refuses an open-file limit where there
is none, and process_alive asks psutil (Windows' os.kill(pid, 0) would end the process)."""

from __future__ import annotations

import random
import socket
import subprocess
import sys

import pytest

from tests.support import launcher, sockets
from tests.support.students import process_alive
from tests.support.waiting import WAIT, wait_until

SILENT = [sys.executable, "-c", "import time; time.sleep(60)"]


def test_a_server_that_says_nothing_is_given_up_on_in_time() -> None:
    process = subprocess.Popen(SILENT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert launcher._first_line(process, 0.2) == ""
    finally:
        process.kill()
        process.communicate()


def test_a_server_that_ends_without_a_word_fails_to_start() -> None:
    with pytest.raises(launcher.ServerFailed, match=r"silent did not start: \(no output\)"):
        launcher.launch_server("silent", [sys.executable, "-c", "import sys; sys.exit(0)"])


def test_kill_server_ends_a_server_that_ignores_ctrl_c() -> None:
    stubborn = (
        "import signal, time\n"
        "signal.signal(signal.SIGINT, signal.SIG_IGN)\n"
        "print('listening on 127.0.0.1:9', flush=True)\n"
        "time.sleep(60)\n"
    )
    server = launcher.launch_server("stubborn", [sys.executable, "-c", stubborn])
    assert server.port == 9  # nothing listens there: only the first line is read
    code = launcher.kill_server(server)
    assert code != 0 and server.exit_code == code
    assert not process_alive(server.pid)


def test_an_open_file_limit_is_refused_where_the_system_has_none(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(launcher, "OPEN_FILE_LIMITS", False)
    with pytest.raises(NotImplementedError, match="POSIX only"):
        launcher.launch_server("mayus", launcher.MAYUS_SERVE, open_files=64)


def test_process_alive_follows_a_process_to_its_end_and_past_its_zombie() -> None:
    process = subprocess.Popen(SILENT)
    try:
        assert process_alive(process.pid)
        process.kill()
        wait_until(lambda: not process_alive(process.pid), WAIT, message="killed, not yet reaped: a zombie")
    finally:
        process.wait()
    assert not process_alive(process.pid)


def test_a_free_port_is_below_the_ephemeral_range_and_skips_a_taken_one(monkeypatch: pytest.MonkeyPatch) -> None:
    """No outgoing connection of a test beside this one can take it (the kernel picks those above 32767)."""
    port = sockets.free_port()
    assert port in sockets.PORTS_FOR_PROGRAMS
    with socket.socket() as holder:
        holder.bind((sockets.LOOPBACK, port))  # taken now: offered first, it must be passed by
        offered = [port, *(other for other in sockets.PORTS_FOR_PROGRAMS if other != port)]
        monkeypatch.setattr(random, "sample", lambda population, k: offered[:k])
        again = sockets.free_port()
    assert again != port and again in sockets.PORTS_FOR_PROGRAMS
