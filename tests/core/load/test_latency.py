"""The latency histogram: percentiles within 1 %, merges, and small pickles."""

from __future__ import annotations

import pickle

import pytest

from core.load.latency import LatencyHistogram


def test_latency_percentiles_are_within_one_percent() -> None:
    first, second = LatencyHistogram(), LatencyHistogram()
    for millis in range(1, 501):
        first.record(millis / 1000)
    for millis in range(501, 1001):
        second.record(millis / 1000)
    first.merge(second)
    assert first.count == 1000
    assert first.percentile(50) == pytest.approx(0.500, rel=0.01)
    assert first.percentile(99) == pytest.approx(0.990, rel=0.01)
    assert first.percentile(100) == pytest.approx(1.0, rel=0.01)
    assert first.mean == pytest.approx(0.5005)
    assert first.maximum == 1.0
    assert second.count == 500  # merging leaves the other one as it was
    assert LatencyHistogram().percentile(50) == 0.0


def test_a_histogram_pickles_small_and_whole() -> None:
    histogram = LatencyHistogram()
    for micros in range(100, 1100):
        histogram.record(micros / 1e6)
    copy = pickle.loads(pickle.dumps(histogram))
    assert (copy.count, copy.total, copy.maximum, copy.counts) == (
        histogram.count,
        histogram.total,
        histogram.maximum,
        histogram.counts,
    )
    assert len(pickle.dumps(histogram)) < 4096  # one atomic pipe write on Linux
    assert len(pickle.dumps(LatencyHistogram())) < 200
