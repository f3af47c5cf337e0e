"""A class at a time: reading the targets file, the CSV table, Gradescope's results.json, bytes as text."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from core.check import SERVER_CHECK_IDS, CheckResult, Clip, Detail, Outcome, Report
from core.check.table import class_rows, gradescope_results, write_csv
from core.check.targets import Student, TargetsError, parse_targets, read_targets
from core.check.text import escaped


def test_lines_name_host_port_and_skip_blanks_and_comments(tmp_path: Path) -> None:
    path = tmp_path / "class.txt"
    path.write_text("# 2º B\n127.0.0.1:5000 Ana García\n\n[::1]:5001 Luis\nlocalhost:5002\n", encoding="utf-8")
    assert read_targets(path) == [
        Student("Ana García", "127.0.0.1", 5000),
        Student("Luis", "::1", 5001),
        Student("localhost:5002", "localhost", 5002),
    ]


def test_csv_with_or_without_a_header(tmp_path: Path) -> None:
    with_header = tmp_path / "class.csv"
    with_header.write_text('name,host,port\nAna,127.0.0.1,5000\n"Pérez, Luis",127.0.0.1,5001\n', encoding="utf-8")
    assert read_targets(with_header) == [Student("Ana", "127.0.0.1", 5000), Student("Pérez, Luis", "127.0.0.1", 5001)]
    bare = tmp_path / "class.txt"
    bare.write_text("Ana,127.0.0.1,5000\n", encoding="utf-8")  # a comma on the first line: CSV
    assert read_targets(bare) == [Student("Ana", "127.0.0.1", 5000)]


def test_typed_targets_are_lines_or_csv_rows_told_by_the_first_line() -> None:
    assert parse_targets("# 2º B\n127.0.0.1:5000 Ana\n[::1]:5001 Luis\n") == [
        Student("Ana", "127.0.0.1", 5000),
        Student("Luis", "::1", 5001),
    ]
    assert parse_targets("name,host,port\nAna,127.0.0.1,5000\n") == [Student("Ana", "127.0.0.1", 5000)]
    assert parse_targets("Ana,127.0.0.1,5000\n", as_csv=True) == [Student("Ana", "127.0.0.1", 5000)]
    assert parse_targets("\n# nobody yet\n") == []
    with pytest.raises(TargetsError) as caught:
        parse_targets("127.0.0.1:5000 Ana\nLuis,127.0.0.1,5001\n")  # lines, then a CSV row: line 2 is bad
    assert caught.value.detail.kwargs["number"] == 2


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("127.0.0.1 Ana\n", "check.targets.bad-line"),
        ("127.0.0.1:99999 Ana\n", "check.targets.bad-line"),
        ("Ana,127.0.0.1,port\n", "check.targets.bad-line"),
        ("# nobody\n\n", "check.targets.empty"),
    ],
)
def test_a_bad_targets_file_says_which_line(tmp_path: Path, text: str, key: str) -> None:
    path = tmp_path / "class.txt"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(TargetsError) as caught:
        read_targets(path)
    assert caught.value.detail.key == key


def test_a_missing_targets_file_is_a_targets_error(tmp_path: Path) -> None:
    with pytest.raises(TargetsError) as caught:
        read_targets(tmp_path / "nope.txt")
    assert caught.value.detail.key == "check.targets.unreadable"


def _report(passed: set[str], outcome: Outcome = Outcome.COMPLETED) -> Report:
    results = tuple(
        CheckResult(check_id, check_id in passed, Detail.of("check.detail.no-reply", seconds=1.0), "h", "t")
        for check_id in SERVER_CHECK_IDS
    )
    return Report("127.0.0.1:5000", outcome, results, 1.0)


def test_the_csv_table_has_a_column_per_check_and_a_row_per_student(tmp_path: Path) -> None:
    rows = [
        (Student("Ana", "127.0.0.1", 5000), _report(set(SERVER_CHECK_IDS))),
        (Student("Luis", "127.0.0.1", 5001), _report({"caso1"})),
        (Student("Eva", "127.0.0.1", 5002), _report(set(), Outcome.UNREACHABLE)),
    ]
    path = tmp_path / "table.csv"
    write_csv(path, class_rows(rows))
    with path.open(encoding="utf-8-sig", newline="") as handle:
        table = list(csv.DictReader(handle))
    assert [row["name"] for row in table] == ["Ana", "Luis", "Eva"]
    assert all(table[0][check_id] == "1" for check_id in SERVER_CHECK_IDS)
    assert table[1]["caso1"] == "1" and table[1]["unicode"] == "0"
    assert table[1]["passed"] == "1" and table[1]["failed"] == str(len(SERVER_CHECK_IDS) - 1)
    assert [row["connected"] for row in table] == ["1", "1", "0"]


def test_gradescope_results_have_a_test_per_check() -> None:
    results = gradescope_results(
        _report({"caso1", "concurrent-clients"}), lambda r: r.check_id, lambda r: "out", "overall"
    )
    assert results["score"] == 2 and results["output"] == "overall"
    assert len(results["tests"]) == len(SERVER_CHECK_IDS)
    first = results["tests"][0]
    assert first == {"name": "caso1", "score": 1, "max_score": 1, "status": "passed", "output": "out"}
    assert {t["score"] for t in results["tests"][2:]} == {0}


@pytest.mark.parametrize(
    ("data", "text"),
    [
        (b"HOLA SERVIDOR", "HOLA SERVIDOR"),
        ("ÑANDÚ\n".encode(), "ÑANDÚ\\n"),
        (b"a\xc3", "a\\xc3"),  # half a character
        (b"\x00\x7f\r\t", "\\x00\\x7f\\r\\t"),
        (b"back\\slash", "back\\\\slash"),
    ],
)
def test_bytes_show_as_text_with_escapes(data: bytes, text: str) -> None:
    assert escaped(data) == text


def test_a_clip_knows_it_was_cut() -> None:
    clip = Clip.of(b"x" * 5000)
    assert clip.cut and clip.length == 5000 and len(clip.data) < 5000
    assert not Clip.of(b"short").cut
