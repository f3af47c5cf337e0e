"""The load test as the window words it (gui/parts/load_text.py): summary, table, CSV, names. No window needed."""

from __future__ import annotations

import csv
import io

from core.load import LatencyHistogram, LoadProgress, LoadResult, Mismatch, Scenario
from core.load.results import frozen_counts
from gui.parts.load_text import (
    CSV_COLUMNS,
    RunRecord,
    bound_text,
    escaped,
    file_stem,
    progress_text,
    results_csv,
    run_row,
    summary_lines,
)
from words import Translator

EN, ES = Translator("en"), Translator("es")


def _result(errors: dict[str, int] | None = None, mismatch: Mismatch | None = None) -> LoadResult:
    latency = LatencyHistogram()
    for _ in range(1000):
        latency.record(0.002)
    return LoadResult(
        scenario=Scenario("t", clients=10, messages=None, duration=2.0),
        processes=1,
        connected=10,
        completed=12_345,
        errors=frozen_counts(errors or {}),
        elapsed=2.0,
        bytes_sent=1,
        bytes_received=1,
        latency=latency,
        cancelled=False,
        first_mismatch=mismatch,
    )


def test_the_summary_has_rate_latencies_and_no_errors() -> None:
    result = _result()
    lines = summary_lines(result, EN)
    assert lines[0] == "messages: 12,345 in 2.00 s, 6,172 per second"
    p50 = f"{result.p50 * 1000:.2f}"  # the histogram's figure (within 1 %)
    assert lines[1:] == [
        "errors: none",
        f"latency: p50 {p50} ms, p95 {p50} ms, p99 {p50} ms, max 2.00 ms",
        "connections opened: 10 of 10",
    ]
    assert summary_lines(_result(), ES)[0] == "mensajes: 12.345 en 2,00 s, 6.172 por segundo"


def test_the_first_mismatch_shows_sent_and_received_bytes_escaped() -> None:
    mismatch = Mismatch.of(b"0001 hola\x00\n", b"0001 HOLA\x00\n", b"0001 hola\x00\n", at=1.0)
    lines = summary_lines(_result({"mismatch": 3}, mismatch), EN)
    assert lines[1:6] == [  # right below the rate: what went wrong first
        "errors: mismatched reply 3",
        "first mismatched reply (first wrong byte: 5):",
        "  sent (11 bytes): 0001 hola\\0\\n",
        "  expected: 0001 HOLA\\0\\n",
        "  received (11 bytes): 0001 hola\\0\\n",
    ]


def test_escaped_shows_every_invisible_byte() -> None:
    assert escaped(b"a\r\nb\xff\\") == "a\\r\\nb\\xff\\\\"


def test_progress_says_elapsed_and_what_is_left() -> None:
    progress = LoadProgress(
        phase="running",
        elapsed=3.25,
        remaining_seconds=6.75,
        remaining_messages=None,
        connected=10,
        completed=5,
        errors=frozen_counts({}),
        interval_seconds=0.25,
        interval_messages_per_second=1.0,
        interval_p50=0.001,
        interval_p99=0.002,
        fraction=0.3,
    )
    assert progress_text(progress, EN) == "3.2 s elapsed · 6.8 s left"
    assert progress_text(progress, ES) == "3,2 s transcurridos · faltan 6,8 s"


def test_the_table_row_and_the_bound() -> None:
    result = _result()
    row = run_row(RunRecord("::1", 5000, 0.0, result), EN)
    p50 = f"{result.p50 * 1000:.2f}"
    assert row[1:] == ("[::1]:5000", "10", "2 s", "6,172", p50, p50, "0")
    assert bound_text(Scenario("m", clients=1, messages=5000), EN) == "5,000 messages"
    assert bound_text(Scenario("d", clients=1, messages=None, duration=2.5), ES) == "2,5 s"


def test_the_csv_has_a_header_line_then_one_row_per_run() -> None:
    records = [RunRecord("127.0.0.1", 5000, 0.0, _result({"closed": 2}))] * 2
    text = results_csv(records, EN, "1.2.3", 0.0)
    first, rest = text.split("\n", 1)
    assert first.startswith("# Mayus 1.2.3: load test results saved ")
    rows = list(csv.DictReader(io.StringIO(rest)))
    assert len(rows) == 2 and tuple(rows[0]) == CSV_COLUMNS
    row = rows[0]
    assert (row["messages"], row["errors"], row["errors_closed"], row["bound"]) == ("12345", "2", "2", "2 s")


def test_file_names_are_in_the_languages_words_with_the_time() -> None:
    assert file_stem(EN, "loadview.file.csv", 0.0).startswith("mayus-load-test-19")
    assert file_stem(ES, "loadview.file.png", 0.0).startswith("mayus-grafica-de-carga-19")
