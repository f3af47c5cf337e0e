"""Pin the server under test to one CPU and the load generator to the others, where the OS allows it.

Linux only (os.sched_setaffinity on every thread of a process, through core.platforms); elsewhere the note says it
was not done. The bench process pins itself to the load CPUs first, so the load generator's worker processes, spawned
from it later, inherit them; each server is pinned right after it starts, every thread of it.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from pathlib import Path

from core import platforms

SERVER_CPU = 0


@dataclass(frozen=True)
class Pinning:
    server: frozenset[int]  # CPUs the server under test may use (empty: no pinning)
    load: frozenset[int]  # CPUs this process and the load generator may use
    note: str  # what was done, in words for the bench's header

    @property
    def active(self) -> bool:
        return bool(self.server)

    def pin_server(self, pid: int) -> int:
        """Pin every thread of process `pid` to the server CPU; how many threads were pinned."""
        if not self.active:
            return 0
        pinned = 0
        for task in sorted(Path(f"/proc/{pid}/task").iterdir()):
            with contextlib.suppress(ProcessLookupError, FileNotFoundError):  # a thread that just ended
                platforms.pin_to_cpus(int(task.name), self.server)
                pinned += 1
        return pinned


def no_pinning(why: str = "not pinned (add --pin to pin)") -> Pinning:
    return Pinning(frozenset(), frozenset(), why)


def pin_bench() -> Pinning:
    """Pin this process (and so the load generator it spawns later) away from the server's CPU.

    With one CPU, or none to spare, the server and the load share CPU 0: still pinned, and said so.
    """
    allowed = platforms.allowed_cpus()
    if allowed is None or not Path("/proc/self/task").is_dir():
        return no_pinning("not pinned: this system has no sched_setaffinity (Linux only)")
    server_cpu = SERVER_CPU if SERVER_CPU in allowed else min(allowed)
    load = allowed - {server_cpu} or frozenset({server_cpu})
    platforms.pin_to_cpus(0, load)
    shared = " (only one CPU: the server and the load share it)" if load == {server_cpu} else ""
    return Pinning(
        frozenset({server_cpu}),
        load,
        f"server under test on CPU {server_cpu}, load generator on CPU {cpu_list(load)}{shared}",
    )


def cpu_list(cpus: frozenset[int]) -> str:
    return ",".join(str(cpu) for cpu in sorted(cpus))
