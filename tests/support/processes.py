"""The processes a test started, to check that none is left behind."""

from __future__ import annotations

import psutil

# multiprocessing's resource tracker starts with the first spawned worker and lives as long as
# the process that spawned it, by design: it is not a process a load run leaves behind.
_RESOURCE_TRACKER = "multiprocessing.resource_tracker"


def child_processes() -> list[psutil.Process]:
    """This process's live descendants, the multiprocessing resource tracker excepted.

    Compare with what ran before the test: pytest-xvfb's Xvfb is a child too.
    """
    found = []
    for child in psutil.Process().children(recursive=True):
        try:
            if child.status() == psutil.STATUS_ZOMBIE or _RESOURCE_TRACKER in " ".join(child.cmdline()):
                continue
        except psutil.NoSuchProcess:
            continue
        found.append(child)
    return found


def new_child_processes(before: list[psutil.Process]) -> list[psutil.Process]:
    """The live descendants that were not in `before`."""
    return [p for p in child_processes() if p not in before]
