"""The load test: many connections from worker processes, every reply checked, live progress.

`run_load` runs one scenario and returns a `LoadResult`; the rest of this package is its parts:
`generator` (the parent side), `worker` (one process's connections), `latency` (the histogram).
"""

from core.load.generator import (
    ERROR_KINDS,
    LoadProgress,
    LoadResult,
    Scenario,
    default_processes,
    hold_idle_connections,
    make_messages,
    raise_open_file_limit,
    run_load,
)
from core.load.latency import LatencyHistogram

__all__ = [
    "ERROR_KINDS",
    "LatencyHistogram",
    "LoadProgress",
    "LoadResult",
    "Scenario",
    "default_processes",
    "hold_idle_connections",
    "make_messages",
    "raise_open_file_limit",
    "run_load",
]
