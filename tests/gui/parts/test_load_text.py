"""The load test as the window words it (gui/parts/load_text.py): progress, table, CSV, names. No window needed.

The run's summary is words/load_summary.py's (tests/words/test_load_summary.py).
"""

from __future__ import annotations

import csv
import io

from core.load import LoadProgress, Scenario
from core.load.results import frozen_counts
from gui.parts.load_text import CSV_COLUMNS, RunRecord, bound_text, file_stem, progress_text, results_csv, run_row
from tests.words.test_load_summary import make_result
from words import Translator

EN, ES = Translator("en"), Translator("es")


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
    result = make_result()
    row = run_row(RunRecord("::1", 5000, 0.0, result), EN)
    p50 = f"{result.p50 * 1000:.2f}"
    assert row[1:] == ("[::1]:5000", "10", "2 s", "6,172", p50, p50, "0")
    assert bound_text(Scenario("m", clients=1, messages=5000), EN) == "5,000 messages"
    assert bound_text(Scenario("d", clients=1, messages=None, duration=2.5), ES) == "2,5 s"


def test_the_csv_has_a_header_line_then_one_row_per_run() -> None:
    records = [RunRecord("127.0.0.1", 5000, 0.0, make_result({"closed": 2}))] * 2
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
