"""The load test as the window words it: progress, the table of runs, the CSV and file names.

Tk-free: every function takes a Translator and returns text (numbers grouped and pointed
the language's way). The run's summary is words.load_summary's, the same sentences the
`load` face prints.
"""

from __future__ import annotations

import csv
import io
import time
from collections.abc import Sequence
from dataclasses import dataclass

from core.load import ERROR_KINDS, LoadProgress, LoadResult, Payload, Scenario, summary
from words import Translator
from words.load_summary import escaped, ms_text

# The error kinds with a counter of their own, and each counter's caption (short; an error kind's name in a
# sentence: words.load_summary.KIND_WORDS).
COUNTED_KINDS = ("mismatch", "reset", "timeout", "refused", "closed")  # a counter each while a run goes
COUNTER_WORDS = {
    "connected": "loadview.counter.connected",
    "messages": "loadview.counter.messages",
    "rate": "loadview.counter.rate",
    "errors": "loadview.counter.errors",
    "mismatch": "loadview.counter.mismatch",
    "reset": "loadview.counter.reset",
    "timeout": "loadview.counter.timeout",
    "refused": "loadview.counter.refused",
    "closed": "loadview.counter.closed",
}
PAYLOAD_WORDS = {Payload.SPANISH: "loadview.payload.spanish", Payload.ASCII: "loadview.payload.ascii"}
RUN_COLUMNS = ("time", "target", "clients", "run", "rate", "p50", "p99", "errors")
RUN_COLUMN_WORDS = {
    "time": "loadview.runs.col.time",
    "target": "loadview.runs.col.target",
    "clients": "loadview.runs.col.clients",
    "run": "loadview.runs.col.run",
    "rate": "loadview.runs.col.rate",
    "p50": "loadview.runs.col.p50",
    "p99": "loadview.runs.col.p99",
    "errors": "loadview.runs.col.errors",
}


@dataclass(frozen=True)
class RunRecord:
    """One finished run, for the table and the CSV."""

    host: str
    port: int
    wall: float  # time.time() when it started
    result: LoadResult


def target_text(host: str, port: int) -> str:
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


def seconds_text(tr: Translator, seconds: float) -> str:
    return f"{tr.decimal(seconds, 1)} s"


def bound_text(scenario: Scenario, tr: Translator) -> str:
    """What bounds the run: "5,000 messages" or "10 s"."""
    if scenario.messages is not None:
        return tr("load.bound.messages", messages=tr.count(scenario.messages))
    return tr("load.bound.duration", seconds=tr.decimal(scenario.duration, 1).removesuffix("0").rstrip(".,"))


def progress_text(progress: LoadProgress, tr: Translator) -> str:
    """ "3.2 s elapsed · 6.8 s left" (or "· 1,234 messages left" in a run of so many messages)."""
    elapsed = tr("loadview.elapsed", elapsed=seconds_text(tr, progress.elapsed))
    if progress.remaining_messages is not None:
        left = tr("loadview.left.messages", messages=tr.count(progress.remaining_messages))
    else:
        left = tr("loadview.left.seconds", seconds=seconds_text(tr, progress.remaining_seconds))
    return f"{elapsed} · {left}"


def run_row(record: RunRecord, tr: Translator) -> tuple[str, ...]:
    """One row of the table of runs, in RUN_COLUMNS order."""
    result = record.result
    return (
        time.strftime("%H:%M:%S", time.localtime(record.wall)),
        target_text(record.host, record.port),
        tr.count(result.scenario.clients),
        bound_text(result.scenario, tr),
        tr.count(round(result.messages_per_second)),
        ms_text(tr, result.p50),
        ms_text(tr, result.p99),
        tr.count(result.error_count),
    )


def file_stem(tr: Translator, key: str, when: float) -> str:
    """A file name in the UI's language with the time: mayus-load-test-20260301-142501."""
    return tr(key, stamp=time.strftime("%Y%m%d-%H%M%S", time.localtime(when)))


CSV_COLUMNS = (
    "started",
    "host",
    "port",
    "messages",
    "messages_per_second",
    "p50_ms",
    "p95_ms",
    "p99_ms",
    "max_ms",
    "errors",
    *(f"errors_{kind}" for kind in ERROR_KINDS),
    "duration_seconds",
    "clients",
    "connected",
    "in_flight",
    "message_bytes",
    "payload",
    "bound",
    "cancelled",
    "first_mismatch_sent",
    "first_mismatch_received",
)


def results_csv(records: Sequence[RunRecord], tr: Translator, version: str, saved_at: float) -> str:
    """Every run as one CSV row (the `load --json` figures, machine-readable), under a header line."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    date = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(saved_at))
    writer.writerow([f"# {tr('loadview.file.saved', version=version, date=date)}"])
    writer.writerow(CSV_COLUMNS)
    for record in records:
        figures = summary(record.result)
        mismatch = record.result.first_mismatch
        scenario = record.result.scenario
        writer.writerow(
            [
                time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(record.wall)),
                record.host,
                record.port,
                figures["messages"],
                figures["messages_per_second"],
                figures["p50_ms"],
                figures["p95_ms"],
                figures["p99_ms"],
                figures["max_ms"],
                figures["errors"],
                *(figures["errors_by_kind"][kind] for kind in ERROR_KINDS),
                figures["duration_seconds"],
                figures["clients"],
                figures["connected"],
                figures["in_flight"],
                figures["message_bytes"],
                figures["payload"],
                f"{scenario.messages} messages" if scenario.messages is not None else f"{scenario.duration:g} s",
                "yes" if figures["cancelled"] else "no",
                "" if mismatch is None else escaped(mismatch.sent),
                "" if mismatch is None else escaped(mismatch.received),
            ]
        )
    return out.getvalue()
