"""The load test: many connections from worker processes, every reply checked, live progress.

`run_load` runs one scenario on the calling thread and returns a `LoadResult`; `LoadRun`
runs it on a helper thread for a window (see core.load.run for the threading contract).
Parts: `scenario` (settings, messages), `generator` (the parent side), `worker` (one
process's connections), `latency` (the histogram), `results` (snapshots and results).
"""

from core.limits import raise_open_file_limit
from core.load.generator import (
    CANCEL_SECONDS,
    PROGRESS_INTERVAL_SECONDS,
    ProgressCallback,
    hold_idle_connections,
    run_load,
)
from core.load.latency import LatencyHistogram
from core.load.results import ERROR_KINDS, PHASES, LoadProgress, LoadResult, Mismatch, summary
from core.load.run import LoadRun
from core.load.scenario import Payload, Scenario, default_processes, make_messages

__all__ = [
    "CANCEL_SECONDS",
    "ERROR_KINDS",
    "PHASES",
    "PROGRESS_INTERVAL_SECONDS",
    "LatencyHistogram",
    "LoadProgress",
    "LoadResult",
    "LoadRun",
    "Mismatch",
    "Payload",
    "ProgressCallback",
    "Scenario",
    "default_processes",
    "hold_idle_connections",
    "make_messages",
    "raise_open_file_limit",
    "run_load",
    "summary",
]
