"""What this operating system can do, and the one place that picks its way of doing it.

Mayus runs on Linux, macOS and Windows. Where they differ (process groups, signals, file modes, socket options,
CPU pinning), the rest of the code asks the constants below or calls a function here, instead of testing
`sys.platform` itself. A function that calls something only one system has (`os.killpg`,
`subprocess.CREATE_NEW_PROCESS_GROUP`, `signal.CTRL_BREAK_EVENT`, `os.sched_setaffinity`) checks `sys.platform`
written out in full, at call time: that is the spelling mypy understands (`make lint` type-checks the code as
Windows and as macOS too), and tests can fake the system by monkeypatching `sys.platform`.

core/limits.py (open-file limits, the `resource` module) and words/translator.py (the OS language) keep their
own checks: each is the one home of its subject.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import signal
import struct
import subprocess
import sys
from collections.abc import Iterable
from typing import Any

WINDOWS = sys.platform == "win32"
MACOS = sys.platform == "darwin"
LINUX = sys.platform.startswith("linux")

# What a program file is called: mayus.exe on Windows, mayus elsewhere.
EXECUTABLE_SUFFIX = ".exe" if WINDOWS else ""
# Unix permission bits keep a key file from other users; on Windows chmod only sets or clears "read-only",
# and a new file takes its folder's permissions (in the user's own folders, the user's alone).
OWNER_ONLY_FILE_MODES = not WINDOWS
# SO_REUSEADDR lets a POSIX server bind a port again while its old connections linger in TIME_WAIT. On Windows it
# means something else, letting a second socket bind a port another one listens on (and Windows never holds
# TIME_WAIT ports against a bind anyway): never set it there (asyncio's create_server(reuse_address=None) agrees).
REUSE_ADDRESS = not WINDOWS
# glibc's mallopt() parameter (malloc.h): how much free memory at the top of a heap malloc keeps for later.
M_TRIM_THRESHOLD = -1


def own_process_group() -> dict[str, Any]:
    """Popen options that start a child as the leader of a process group of its own, so that
    `kill_process_tree(child.pid)` ends it and everything it started: a new session on POSIX, a new
    process group on Windows."""
    if sys.platform == "win32":
        return {"creationflags": subprocess.CREATE_NEW_PROCESS_GROUP}
    return {"start_new_session": True}


def kill_process_tree(pid: int) -> None:
    """Kill the process group led by `pid` (POSIX) or the process tree rooted at `pid` (Windows, taskkill).

    The child must have been started with `own_process_group()`. Never raises: a group already gone, or a
    taskkill that fails or hangs (5 s), leaves nothing to do.
    """
    if sys.platform == "win32":
        with contextlib.suppress(OSError, subprocess.SubprocessError):
            subprocess.run(["taskkill", "/PID", str(pid), "/T", "/F"], capture_output=True, timeout=5, check=False)
        return
    # The group outlives its leader while anything it started still runs, so this reaches the children too.
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pid, signal.SIGKILL)


def interruptible() -> dict[str, Any]:
    """Popen options that let `send_signal(child, signal.SIGINT)` reach that child alone.

    On Windows a console's Ctrl+C and Ctrl+Break go to a whole process group, so the child gets a group of its
    own; POSIX needs nothing (a signal goes to one PID).
    """
    if sys.platform == "win32":
        return {"creationflags": subprocess.CREATE_NEW_PROCESS_GROUP}
    return {}


def send_signal(process: subprocess.Popen[Any], signum: int) -> None:
    """`process.send_signal(signum)`, with SIGINT (Ctrl+C) sent the way this system can.

    Windows cannot send Ctrl+C to one child: it sends Ctrl+Break (CTRL_BREAK_EVENT, SIGBREAK in the child),
    which needs the child started with `interruptible()`; a face that handles every signal of
    `interrupt_signals()` stops as it would on Ctrl+C. SIGTERM there ends the process at once (TerminateProcess).
    """
    if sys.platform == "win32" and signum == signal.SIGINT:
        process.send_signal(signal.CTRL_BREAK_EVENT)
        return
    process.send_signal(signum)


def interrupt_signals() -> tuple[int, ...]:
    """The signals that mean "Ctrl+C" here: SIGINT, and on Windows SIGBREAK too (Ctrl+Break, and what
    `send_signal(process, SIGINT)` delivers)."""
    if sys.platform == "win32":
        return (signal.SIGINT, signal.SIGBREAK)
    return (signal.SIGINT,)


def stop_signals() -> tuple[int, ...]:
    """The signals a process that runs until told to stop (a server, the window) should handle: the
    `interrupt_signals()` and SIGTERM (a session ending, `kill`, a service manager)."""
    return (*interrupt_signals(), signal.SIGTERM)


def linger_reset() -> bytes:
    """The SO_LINGER value that makes close() send a TCP reset (RST): linger on, zero seconds.

    struct linger is two ints on POSIX and two unsigned shorts on Windows.
    """
    return struct.pack("HH" if sys.platform == "win32" else "ii", 1, 0)


def fchmod(fd: int, mode: int) -> None:
    """Set the permission bits of an open file (POSIX); a no-op on Windows, where they only mean "read-only"
    (see OWNER_ONLY_FILE_MODES). OSError as os.fchmod raises it."""
    if sys.platform != "win32":
        os.fchmod(fd, mode)


def allowed_cpus() -> frozenset[int] | None:
    """The CPUs this process may run on, or None where a process cannot be pinned to CPUs: only Linux has
    os.sched_setaffinity (macOS has no CPU affinity at all; Windows has its own API, which Mayus does not use)."""
    if sys.platform == "linux":
        return frozenset(os.sched_getaffinity(0))
    return None


def pin_to_cpus(task_id: int, cpus: Iterable[int]) -> None:
    """Pin one process or thread (a Linux task id; 0: this one) to `cpus`. Linux only: elsewhere raises
    NotImplementedError (ask `allowed_cpus()` first). ProcessLookupError if the task has ended."""
    if sys.platform != "linux":
        raise NotImplementedError("CPU pinning needs os.sched_setaffinity (Linux)")
    os.sched_setaffinity(task_id, cpus)


def keep_freed_memory(limit: int) -> bool:
    """Let malloc keep up to `limit` bytes of freed memory for this process's next allocations; True if it took.

    glibc gives back the free top of a heap once it passes a threshold that moves with the allocation history,
    so a server that answers 64 KiB messages may fault the same pages in again for every one of them. Measured
    here in the bench's 64 KiB scenario: 6,486 msg/s with this set, 3,915 without. Process-wide and harmless to
    repeat. Linux with glibc only: elsewhere (macOS, Windows, a Linux on musl) it does nothing and says False.
    """
    if sys.platform != "linux":
        return False
    try:
        libc = ctypes.CDLL("libc.so.6")  # glibc's name; musl has no such file
    except OSError:
        return False
    mallopt = getattr(libc, "mallopt", None)
    if mallopt is None:
        return False
    return bool(mallopt(M_TRIM_THRESHOLD, limit))
