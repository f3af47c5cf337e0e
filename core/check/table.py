"""The class table as CSV rows, and a run as Gradescope's results.json: language-neutral structure.

CSV columns are the stable check ids, with 1 for passed and 0 for failed (a spreadsheet can add them
up); the words Gradescope shows (test names, outputs) are given by the face, in its user's language.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from core.check.registry import SERVER_CHECK_IDS
from core.check.results import CheckResult, Outcome, Report
from core.check.targets import Student

CSV_FIXED_COLUMNS = ("name", "host", "port", "connected")
CSV_TOTAL_COLUMNS = ("passed", "failed")


def class_rows(rows: Sequence[tuple[Student, Report]]) -> list[list[str]]:
    """A header row, then one row per student: name, host, port, connected, 1/0 per check, totals."""
    table = [[*CSV_FIXED_COLUMNS, *SERVER_CHECK_IDS, *CSV_TOTAL_COLUMNS]]
    for student, report in rows:
        by_id = {result.check_id: result for result in report.results}
        connected = "0" if report.outcome is Outcome.UNREACHABLE else "1"
        cells = ["1" if by_id.get(check_id) and by_id[check_id].passed else "0" for check_id in SERVER_CHECK_IDS]
        totals = [str(report.passed), str(report.failed)]
        table.append([student.name, student.host, str(student.port), connected, *cells, *totals])
    return table


def write_csv(path: Path, table: Sequence[Sequence[str]]) -> None:
    """Write rows as a UTF-8 CSV file (with a BOM, so spreadsheets read accents right); raises OSError."""
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        csv.writer(handle).writerows(table)


def gradescope_results(
    report: Report, name_of: Callable[[CheckResult], str], output_of: Callable[[CheckResult], str], output: str
) -> dict[str, Any]:
    """Gradescope's results.json: one test per check, 1 point each, with the face's words for names and outputs."""
    tests = [
        {
            "name": name_of(result),
            "score": 1 if result.passed else 0,
            "max_score": 1,
            "status": "passed" if result.passed else "failed",
            "output": output_of(result),
        }
        for result in report.results
    ]
    return {"score": report.passed, "output": output, "tests": tests}
