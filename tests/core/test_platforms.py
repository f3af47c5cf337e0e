"""core/platforms.py picks each system's way: the POSIX one for real here, the Windows and macOS ones by faking
`sys.platform` (and the constants only Windows has, written out with their Windows values)."""

from __future__ import annotations

import os
import signal
import socket
import stat
import struct
import subprocess
import sys
from pathlib import Path
from typing import Any

import psutil
import pytest

from core import limits, platforms
from tests.support.launcher import REPO_ROOT
from tests.support.processes import run_python
from tests.support.sockets import recv_until_closed
from tests.support.students import process_alive
from tests.support.waiting import WAIT, wait_until

WINDOWS_NEW_PROCESS_GROUP = 0x200  # subprocess.CREATE_NEW_PROCESS_GROUP on Windows
WINDOWS_CTRL_BREAK = 1  # signal.CTRL_BREAK_EVENT
WINDOWS_SIGBREAK = 21  # signal.SIGBREAK
POSIX_SIGKILL = 9  # signal.SIGKILL, which the Windows build of this file (mypy --platform win32) does not have


@pytest.fixture
def windows(monkeypatch: pytest.MonkeyPatch) -> None:
    """This process, as core/platforms sees it, runs on Windows."""
    monkeypatch.setattr(sys, "platform", "win32")
    monkeypatch.setattr(subprocess, "CREATE_NEW_PROCESS_GROUP", WINDOWS_NEW_PROCESS_GROUP, raising=False)
    monkeypatch.setattr(signal, "CTRL_BREAK_EVENT", WINDOWS_CTRL_BREAK, raising=False)
    monkeypatch.setattr(signal, "SIGBREAK", WINDOWS_SIGBREAK, raising=False)


posix_only = pytest.mark.skipif(platforms.WINDOWS, reason="the POSIX way, for real")
linux_only = pytest.mark.skipif(not platforms.LINUX, reason="the Linux way, for real")


class RecordingProcess:
    """Stands in for a Popen: remembers the signals sent to it."""

    def __init__(self) -> None:
        self.sent: list[int] = []

    def send_signal(self, signum: int) -> None:
        self.sent.append(signum)


# --- process groups and Ctrl+C ----------------------------------------------------------------------------


@posix_only
def test_a_posix_child_gets_a_session_of_its_own() -> None:
    assert platforms.own_process_group() == {"start_new_session": True}
    child = subprocess.Popen(
        [sys.executable, "-c", "import os; print(os.getsid(0))"],
        stdout=subprocess.PIPE,
        text=True,
        **platforms.own_process_group(),
    )
    out, _ = child.communicate(timeout=30)
    assert int(out) == child.pid  # the leader of its own session, so killpg(pid) reaches all it starts


@pytest.mark.usefixtures("windows")
def test_a_windows_child_gets_a_process_group_of_its_own() -> None:
    assert platforms.own_process_group() == {"creationflags": WINDOWS_NEW_PROCESS_GROUP}
    assert platforms.interruptible() == {"creationflags": WINDOWS_NEW_PROCESS_GROUP}


@posix_only
def test_a_posix_child_needs_nothing_to_be_interrupted_alone() -> None:
    assert platforms.interruptible() == {}


@posix_only
def test_a_process_tree_is_killed_whole_on_posix() -> None:
    # The child starts a grandchild, says both PIDs, and sleeps; so does the grandchild.
    script = (
        "import subprocess, sys, time\n"
        "grandchild = subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(60)'])\n"
        "print(grandchild.pid, flush=True)\n"
        "time.sleep(60)\n"
    )
    child = subprocess.Popen(
        [sys.executable, "-c", script], stdout=subprocess.PIPE, text=True, **platforms.own_process_group()
    )
    try:
        assert child.stdout is not None
        grandchild = int(child.stdout.readline())
        platforms.kill_process_tree(child.pid)
        assert child.wait(timeout=WAIT) == -POSIX_SIGKILL
        wait_until(lambda: not process_alive(grandchild), message="the grandchild was killed with its parent")
    finally:
        if child.poll() is None:
            child.kill()
        child.communicate()
    platforms.kill_process_tree(child.pid)  # already gone: nothing raised


@pytest.mark.usefixtures("windows")
def test_on_windows_taskkill_ends_the_tree_and_its_failure_is_swallowed(monkeypatch: pytest.MonkeyPatch) -> None:
    ran: list[list[str]] = []

    def fake_run(command: list[str], **_options: Any) -> None:
        ran.append(command)
        raise subprocess.TimeoutExpired(command, 5)

    monkeypatch.setattr(subprocess, "run", fake_run)
    monkeypatch.setattr(os, "killpg", lambda *_: pytest.fail("killpg on Windows"), raising=False)
    platforms.kill_process_tree(4321)
    assert ran == [["taskkill", "/PID", "4321", "/T", "/F"]]


@posix_only
def test_posix_sends_each_signal_as_it_is() -> None:
    process = RecordingProcess()
    for signum in (signal.SIGINT, signal.SIGTERM):
        platforms.send_signal(process, signum)  # type: ignore[arg-type]
    assert process.sent == [signal.SIGINT, signal.SIGTERM]
    assert platforms.interrupt_signals() == (signal.SIGINT,)
    assert platforms.stop_signals() == (signal.SIGINT, signal.SIGTERM)


@pytest.mark.usefixtures("windows")
def test_windows_sends_ctrl_break_for_ctrl_c_and_handles_sigbreak_as_ctrl_c() -> None:
    process = RecordingProcess()
    for signum in (signal.SIGINT, signal.SIGTERM):
        platforms.send_signal(process, signum)  # type: ignore[arg-type]
    assert process.sent == [WINDOWS_CTRL_BREAK, signal.SIGTERM]
    assert platforms.interrupt_signals() == (signal.SIGINT, WINDOWS_SIGBREAK)
    assert platforms.stop_signals() == (signal.SIGINT, WINDOWS_SIGBREAK, signal.SIGTERM)


def test_sigint_sent_the_platform_way_stops_a_python_child() -> None:
    script = (
        "import time\n"
        "try:\n"
        "    print('ready', flush=True)\n"
        "    time.sleep(60)\n"
        "except KeyboardInterrupt:\n"
        "    print('interrupted')\n"
    )
    child = subprocess.Popen(
        [sys.executable, "-c", script], stdout=subprocess.PIPE, text=True, **platforms.interruptible()
    )
    assert child.stdout is not None
    assert child.stdout.readline() == "ready\n"
    platforms.send_signal(child, signal.SIGINT)
    out, _ = child.communicate(timeout=30)
    assert (child.returncode, out) == (0, "interrupted\n")


# --- sockets and files --------------------------------------------------------------------------------------


@posix_only
def test_linger_reset_packs_the_struct_of_each_system(monkeypatch: pytest.MonkeyPatch) -> None:
    assert platforms.linger_reset() == struct.pack("ii", 1, 0)
    monkeypatch.setattr(sys, "platform", "win32")
    assert platforms.linger_reset() == struct.pack("HH", 1, 0)  # two u_short: 4 bytes, not 8


def test_linger_reset_makes_close_send_a_reset() -> None:
    with socket.create_server(("127.0.0.1", 0)) as listener:
        client = socket.create_connection(listener.getsockname()[:2])
        accepted, _ = listener.accept()
        with client, accepted:
            accepted.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, platforms.linger_reset())
            accepted.close()
            with pytest.raises(ConnectionResetError):
                recv_until_closed(client)


@posix_only
def test_fchmod_sets_the_mode_on_posix(tmp_path: Path) -> None:
    path = tmp_path / "key.pem"
    path.write_bytes(b"secret")
    with path.open("rb") as file:
        platforms.fchmod(file.fileno(), 0o600)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_fchmod_does_nothing_on_windows(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "platform", "win32")
    monkeypatch.setattr(os, "fchmod", lambda *_: pytest.fail("fchmod on Windows"))
    with (tmp_path / "key.pem").open("wb") as file:
        platforms.fchmod(file.fileno(), 0o600)


# --- CPUs and open files ------------------------------------------------------------------------------------


@linux_only
def test_linux_reports_the_cpus_this_process_may_use() -> None:
    allowed = platforms.allowed_cpus()
    assert allowed is not None and allowed == frozenset(psutil.Process().cpu_affinity())
    platforms.pin_to_cpus(0, allowed)  # to where it already is: changes nothing, raises nothing
    assert frozenset(psutil.Process().cpu_affinity()) == allowed


@pytest.mark.parametrize("system", ["darwin", "win32"])
def test_elsewhere_nothing_can_be_pinned(system: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "platform", system)
    assert platforms.allowed_cpus() is None
    with pytest.raises(NotImplementedError):
        platforms.pin_to_cpus(0, {0})


@posix_only
def test_an_open_file_limit_is_set_in_a_child() -> None:
    code = "from core.limits import limit_open_files, open_file_limit; limit_open_files(100); print(open_file_limit())"
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True, cwd=REPO_ROOT
    )
    assert done.stdout == "100\n"


def test_windows_has_no_open_file_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "platform", "win32")
    assert limits.open_file_limit() is None
    assert limits.default_max_connections() == limits.FALLBACK_MAX_CONNECTIONS
    limits.raise_open_file_limit()  # a no-op, not an error
    with pytest.raises(NotImplementedError):
        limits.limit_open_files(100)


@pytest.mark.parametrize(
    ("soft", "hard", "refused_above", "asked"),
    [
        (1024, 4096, None, [(4096, 4096)]),  # Linux: up to the hard limit
        (4096, 4096, None, []),  # already there
        (256, "unlimited", 10_240, [("unlimited", "unlimited"), (10_240, "unlimited")]),  # macOS: up to OPEN_MAX
        (256, "unlimited", 0, [("unlimited", "unlimited"), (10_240, "unlimited")]),  # all refused: left as it was
    ],
)
def test_the_open_file_limit_is_raised_as_far_as_the_system_lets(
    soft: int, hard: int | str, refused_above: int | None, asked: list[tuple[Any, Any]], monkeypatch: pytest.MonkeyPatch
) -> None:
    resource = pytest.importorskip("resource")  # POSIX; a module typed Any, so mypy as Windows does not object
    unlimited = resource.RLIM_INFINITY

    def real(value: int | str) -> int:
        return unlimited if value == "unlimited" else int(value)

    seen: list[tuple[int, int]] = []

    def setrlimit(_which: int, limits: tuple[int, int]) -> None:
        seen.append(limits)
        if refused_above is not None and (limits[0] == unlimited or limits[0] > refused_above):
            raise ValueError("not allowed to raise maximum limit")

    monkeypatch.setattr(resource, "getrlimit", lambda _which: (soft, real(hard)))
    monkeypatch.setattr(resource, "setrlimit", setrlimit)
    limits.raise_open_file_limit()
    assert seen == [(real(a), real(b)) for a, b in asked]


# Frees 8,000 blocks of 1,000 bytes (malloc's, not pymalloc's: above its 512), all at the top of the heap, and
# prints how many KiB of resident memory that gave back to the OS.
_FREE_THE_TOP_OF_THE_HEAP = """
import sys
import psutil
from core.platforms import keep_freed_memory
if sys.argv[1] == "keep":
    assert keep_freed_memory(64 * 1024 * 1024)
process = psutil.Process()
blocks = [bytes(1000) for _ in range(8000)]
before = process.memory_info().rss
del blocks
print((before - process.memory_info().rss) // 1024)
"""


@pytest.mark.skipif(sys.platform != "linux", reason="glibc's malloc only")
def test_freed_memory_is_kept_for_the_next_messages_once_asked() -> None:
    given_back = {}
    for mode in ("default", "keep"):
        child = run_python("-c", _FREE_THE_TOP_OF_THE_HEAP, mode, timeout=30)
        assert child.returncode == 0, child.stderr
        given_back[mode] = int(child.stdout)
    assert given_back["default"] > 4 * 1024  # glibc on its own gives the 8 MB back at once...
    assert given_back["keep"] < 1024  # ...and keeps it once asked


def test_keeping_freed_memory_does_nothing_but_say_so_off_linux(monkeypatch: pytest.MonkeyPatch) -> None:
    for system in ("win32", "darwin"):
        monkeypatch.setattr(sys, "platform", system)
        assert platforms.keep_freed_memory(1024) is False
