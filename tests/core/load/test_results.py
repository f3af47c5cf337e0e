"""A mismatch shows where the reply went wrong; the summary is plain JSON."""

from __future__ import annotations

import json

from core.load import LatencyHistogram, LoadResult, Mismatch, Scenario, summary
from core.load.results import ERROR_KINDS, MISMATCH_SHOWN_BYTES, frozen_counts


def test_a_mismatch_keeps_the_reply_line_and_the_first_wrong_byte() -> None:
    mismatch = Mismatch.of(b"hola\n", b"HOLA\n", b"HOLa\nNEXT\n", at=1.0)
    assert (mismatch.received, mismatch.received_length, mismatch.offset) == (b"HOLa\n", 5, 3)
    shorter = Mismatch.of(b"hola\n", b"HOLA\n", b"HO\n", at=1.0)
    assert (shorter.received, shorter.offset) == (b"HO\n", 2)


def test_a_long_mismatch_is_cut_with_its_lengths() -> None:
    sent = b"a" * 1000 + b"\n"
    mismatch = Mismatch.of(sent, sent.upper(), sent, at=1.0)
    assert len(mismatch.sent) == len(mismatch.expected) == len(mismatch.received) == MISMATCH_SHOWN_BYTES
    assert (mismatch.sent_length, mismatch.received_length, mismatch.offset) == (1001, 1001, 0)


def test_the_summary_has_the_documented_keys_and_is_json() -> None:
    latency = LatencyHistogram()
    for millis in (1, 2, 3, 4):
        latency.record(millis / 1000)
    result = LoadResult(
        scenario=Scenario("s", clients=2, messages=4),
        processes=1,
        connected=2,
        completed=4,
        errors=frozen_counts({"mismatch": 1}),
        elapsed=2.0,
        bytes_sent=256,
        bytes_received=256,
        latency=latency,
        cancelled=False,
        first_mismatch=Mismatch.of(b"\xffhola\n", b"\xffHOLA\n", b"\xffhola\n", at=1.0),
    )
    data = json.loads(json.dumps(summary(result)))
    assert {"messages", "messages_per_second", "p50_ms", "p95_ms", "p99_ms", "max_ms", "errors"} <= set(data)
    assert (data["messages"], data["messages_per_second"], data["errors"]) == (4, 2.0, 1)
    assert data["errors_by_kind"] == dict.fromkeys(ERROR_KINDS, 0) | {"mismatch": 1}
    assert data["max_ms"] == 4.0 and data["p50_ms"] <= data["p95_ms"] <= data["p99_ms"] <= data["max_ms"]
    assert data["first_mismatch"]["received"] == "\\xffhola\n"
    assert data["first_mismatch"]["offset"] == 1
