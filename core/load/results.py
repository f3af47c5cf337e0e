"""What a load run tells: live snapshots while it runs, and one result at the end.

Both are immutable: a snapshot is made on the generator's thread and handed to the
window (or the terminal) as it is; nothing in it changes afterwards.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

from core.load.latency import LatencyHistogram
from core.load.scenario import Scenario

# Why a message or a connection failed, in the order a person reads them. `worker` is
# a load process that crashed or never reported: the generator's fault, not the server's.
MISMATCH, RESET, TIMEOUT, REFUSED, CLOSED, WORKER = "mismatch", "reset", "timeout", "refused", "closed", "worker"
ERROR_KINDS = (MISMATCH, RESET, TIMEOUT, REFUSED, CLOSED, WORKER)

# A mismatched reply keeps this many bytes of what was sent and what came back.
MISMATCH_SHOWN_BYTES = 256

# Phases of a run, in order.
STARTING, CONNECTING, RUNNING, FINISHING, DONE = "starting", "connecting", "running", "finishing", "done"
PHASES = (STARTING, CONNECTING, RUNNING, FINISHING, DONE)


def no_errors() -> dict[str, int]:
    return dict.fromkeys(ERROR_KINDS, 0)


def frozen_counts(counts: Mapping[str, int]) -> Mapping[str, int]:
    """A read-only copy of error counts, every kind present."""
    return MappingProxyType(no_errors() | dict(counts))


@dataclass(frozen=True, slots=True)
class Mismatch:
    """The first reply that differed from the uppercase of its message.

    `sent`, `expected` and `received` are cut to MISMATCH_SHOWN_BYTES; the lengths are
    the whole ones. `received` is the reply up to its first line feed (or as much as
    had arrived). `offset` is the first byte where `received` differs from `expected`.
    A reply that came when none was due has an empty `sent` and `expected`.
    """

    sent: bytes
    expected: bytes
    received: bytes
    sent_length: int
    received_length: int
    offset: int
    at: float  # time.monotonic() when it was seen (the same clock in every process)

    @classmethod
    def of(cls, sent: bytes, expected: bytes, received: bytes, at: float) -> Mismatch:
        end = received.find(b"\n")
        reply = received if end < 0 else received[: end + 1]
        offset = next(
            (i for i, (a, b) in enumerate(zip(expected, reply, strict=False)) if a != b), min(len(expected), len(reply))
        )
        cut = MISMATCH_SHOWN_BYTES
        return cls(sent[:cut], expected[:cut], reply[:cut], len(sent), len(reply), offset, at)


@dataclass(frozen=True, slots=True)
class LoadProgress:
    """A snapshot of a run, taken about every PROGRESS_INTERVAL_SECONDS while it runs.

    Totals are since the run began; `interval_*` cover about the last 0.25 s (each
    worker's last report), for a live chart: 0.0 when no message was answered then, and
    in the final snapshot (phase DONE). Latencies are in seconds. `remaining_messages`
    is None in a run bounded by time only.
    """

    phase: str  # one of PHASES
    elapsed: float  # seconds since the run began (start-up and connecting included)
    remaining_seconds: float  # until the duration ends (the whole duration before the start)
    remaining_messages: int | None
    connected: int  # connections open now
    completed: int  # messages answered correctly so far
    errors: Mapping[str, int]  # by kind, every kind in ERROR_KINDS present
    interval_seconds: float
    interval_messages_per_second: float
    interval_p50: float
    interval_p99: float
    fraction: float  # 0..1, how far the run is: by messages or by time, whichever is further

    @property
    def error_count(self) -> int:
        return sum(self.errors.values())


@dataclass(frozen=True, slots=True)
class LoadResult:
    """What one run measured. `errors` has every kind in ERROR_KINDS (zero when none)."""

    scenario: Scenario
    processes: int
    connected: int  # connections that opened
    completed: int  # messages whose reply came back byte for byte
    errors: Mapping[str, int]
    elapsed: float  # seconds of the timed phase (first message sent to last reply)
    bytes_sent: int
    bytes_received: int
    latency: LatencyHistogram  # every answered message's latency; do not change it
    cancelled: bool
    first_mismatch: Mismatch | None

    @property
    def error_count(self) -> int:
        return sum(self.errors.values())

    @property
    def messages_per_second(self) -> float:
        return self.completed / self.elapsed if self.elapsed > 0 else 0.0

    @property
    def p50(self) -> float:
        return self.latency.percentile(50)

    @property
    def p95(self) -> float:
        return self.latency.percentile(95)

    @property
    def p99(self) -> float:
        return self.latency.percentile(99)

    @property
    def maximum(self) -> float:
        return self.latency.maximum


def _ms(seconds: float) -> float:
    return round(seconds * 1000.0, 3)


def summary(result: LoadResult) -> dict[str, Any]:
    """The result as plain JSON-ready values: the `load --json` object, one CSV row for the window.

    Keys: messages, messages_per_second, p50_ms, p95_ms, p99_ms, max_ms, errors, errors_by_kind,
    duration_seconds, clients, connected, in_flight, message_bytes, payload, cancelled, first_mismatch
    (None, or sent/expected/received as text with invalid bytes escaped, their lengths and the offset).
    """
    mismatch = result.first_mismatch
    rate = result.messages_per_second
    return {
        "messages": result.completed,
        "messages_per_second": round(rate, 1) if math.isfinite(rate) else 0.0,
        "p50_ms": _ms(result.p50),
        "p95_ms": _ms(result.p95),
        "p99_ms": _ms(result.p99),
        "max_ms": _ms(result.maximum),
        "errors": result.error_count,
        "errors_by_kind": dict(result.errors),
        "duration_seconds": round(result.elapsed, 3),
        "clients": result.scenario.clients,
        "connected": result.connected,
        "in_flight": result.scenario.in_flight,
        "message_bytes": result.scenario.message_bytes,
        "payload": result.scenario.payload.value,
        "cancelled": result.cancelled,
        "first_mismatch": None
        if mismatch is None
        else {
            "sent": mismatch.sent.decode("utf-8", "backslashreplace"),
            "expected": mismatch.expected.decode("utf-8", "backslashreplace"),
            "received": mismatch.received.decode("utf-8", "backslashreplace"),
            "sent_length": mismatch.sent_length,
            "received_length": mismatch.received_length,
            "offset": mismatch.offset,
        },
    }
