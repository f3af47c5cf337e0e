"""A latency histogram: log-spaced buckets 1 % wide, cheap to fill and to merge.

The load generator records one latency per message in each worker process; the
histograms travel back to the parent, merge, and give percentiles within 1 %
whatever the message count, in constant memory. A histogram pickles as its non-empty
buckets only, so the few hundred bytes a worker sends four times a second stay small
(and each report fits one atomic pipe write).
"""

from __future__ import annotations

import math

MIN_SECONDS = 1e-6  # anything faster lands in the first bucket
MAX_SECONDS = 600.0  # anything slower lands in the last bucket
GROWTH = 1.01  # each bucket is 1 % wider than the one before
_SCALE = 1.0 / math.log(GROWTH)
BUCKETS = int(math.log(MAX_SECONDS / MIN_SECONDS) * _SCALE) + 1


class LatencyHistogram:
    """Counts of latencies (seconds) in log-spaced buckets, plus exact count, sum and max."""

    __slots__ = ("count", "counts", "maximum", "total")

    def __init__(self) -> None:
        self.counts = [0] * BUCKETS
        self.count = 0
        self.total = 0.0
        self.maximum = 0.0

    def record(self, seconds: float) -> None:
        if seconds > MIN_SECONDS:
            index = int(math.log(seconds / MIN_SECONDS) * _SCALE)
            if index >= BUCKETS:
                index = BUCKETS - 1
        else:
            index = 0
        self.counts[index] += 1
        self.count += 1
        self.total += seconds
        if seconds > self.maximum:
            self.maximum = seconds

    def record_many(self, seconds: float, times: int) -> None:
        """Record the same latency `times` times (the replies one read completed, sent together)."""
        if seconds > MIN_SECONDS:
            index = int(math.log(seconds / MIN_SECONDS) * _SCALE)
            if index >= BUCKETS:
                index = BUCKETS - 1
        else:
            index = 0
        self.counts[index] += times
        self.count += times
        self.total += seconds * times
        if seconds > self.maximum:
            self.maximum = seconds

    def merge(self, other: LatencyHistogram) -> None:
        """Add `other`'s latencies to this histogram (`other` is left as it was)."""
        counts = self.counts
        for index, count in enumerate(other.counts):
            if count:
                counts[index] += count
        self.count += other.count
        self.total += other.total
        self.maximum = max(self.maximum, other.maximum)

    def __getstate__(self) -> tuple[dict[int, int], int, float, float]:
        return {i: c for i, c in enumerate(self.counts) if c}, self.count, self.total, self.maximum

    def __setstate__(self, state: tuple[dict[int, int], int, float, float]) -> None:
        used, self.count, self.total, self.maximum = state
        self.counts = [0] * BUCKETS
        for index, count in used.items():
            self.counts[index] = count

    @property
    def mean(self) -> float:
        return self.total / self.count if self.count else 0.0

    def percentile(self, percent: float) -> float:
        """The latency below which `percent` % of the recorded ones fall (0 if none)."""
        if not self.count:
            return 0.0
        rank = max(1, math.ceil(self.count * percent / 100.0))
        seen = 0
        for index, count in enumerate(self.counts):
            seen += count
            if seen >= rank:
                middle = MIN_SECONDS * math.exp((index + 0.5) / _SCALE)
                return min(middle, self.maximum)
        return self.maximum
