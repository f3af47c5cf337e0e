"""What the check view shows, without a window: bytes as lines, commands, the class list and table marks."""

from __future__ import annotations

import pytest

from core.check import SERVER_CHECK_IDS, CheckResult, Clip, Detail, Outcome, Report
from core.check.targets import Student, parse_targets
from gui.parts.check_display import (
    CommandError,
    class_marks,
    loopback_for,
    quote_path,
    results_that_ran,
    shown_bytes,
    split_command,
    targets_text,
)


def test_bytes_read_line_by_line_with_every_invisible_byte_shown() -> None:
    assert shown_bytes(Clip.of(b"HOLA\nMUNDO\r\n")) == "HOLA\\n\nMUNDO\\r\\n"
    assert shown_bytes(Clip.of("ñandú\x00\tfin".encode())) == "ñandú\\0\tfin"
    assert shown_bytes(Clip.of(b"\xff\xfe no")) == "\\xff\\xfe no"
    assert shown_bytes(Clip.of(b"a\\x41")) == "a\\\\x41"  # a typed backslash never looks like an escape
    assert shown_bytes(Clip()) == ""


def test_cut_bytes_end_in_a_mark_and_never_in_half_a_character() -> None:
    data = "ñ".encode() * 3
    assert shown_bytes(Clip(data[:5], len(data))) == "ññ…"  # the lone first byte of the third ñ is dropped
    assert shown_bytes(Clip(data[:5], 5)) == "ññ\\xc3"  # not cut: that byte really was all there was


def _report(outcome: Outcome, ran: int, error: Detail | None = None) -> Report:
    results = []
    for index, check_id in enumerate(SERVER_CHECK_IDS):
        detail = Detail.of("check.detail.reply-ok", size=1) if index < ran else Detail.of("check.detail.cancelled")
        results.append(CheckResult(check_id, index % 2 == 0, detail, "h", "t"))
    return Report("127.0.0.1:5000", outcome, tuple(results), 1.0, None, error)


def test_only_the_checks_that_ran_count() -> None:
    assert len(results_that_ran(_report(Outcome.COMPLETED, len(SERVER_CHECK_IDS)))) == len(SERVER_CHECK_IDS)
    assert [r.check_id for r in results_that_ran(_report(Outcome.CANCELLED, 3))] == list(SERVER_CHECK_IDS[:3])
    refused = Detail.of("error.connection_refused", host="127.0.0.1", port=5000, detail="")
    assert results_that_ran(_report(Outcome.UNREACHABLE, 0, refused)) == []


def test_the_class_table_marks_passed_failed_and_never_run() -> None:
    marks = class_marks(_report(Outcome.CANCELLED, 3), SERVER_CHECK_IDS)
    assert marks[:3] == ["✓", "✗", "✓"]
    assert set(marks[3:]) == {"–"}


def test_a_typed_command_splits_as_a_shell_would() -> None:
    assert split_command('client.py 5000 --name "Ana García"', windows=False) == [
        "client.py",
        "5000",
        "--name",
        "Ana García",
    ]
    assert split_command("   ", windows=False) == []
    with pytest.raises(CommandError):
        split_command('client.py "5000', windows=False)


def test_a_windows_path_keeps_its_backslashes() -> None:
    assert split_command(r'"C:\Clase 2\cliente.py" 5000', windows=True) == [r"C:\Clase 2\cliente.py", "5000"]
    assert split_command(quote_path(r"C:\Clase 2\cliente.py", windows=True), windows=True) == [r"C:\Clase 2\cliente.py"]


@pytest.mark.parametrize("path", ["/home/ana/cliente.py", "/home/ana/mis programas/cliente's.py"])
def test_a_chosen_file_is_one_word_of_the_command(path: str) -> None:
    assert split_command(quote_path(path, windows=False) + " 5000", windows=False) == [path, "5000"]


def test_a_class_loaded_from_a_file_reads_back_the_same_from_the_box() -> None:
    students = [
        Student("Ana García", "127.0.0.1", 5000),
        Student("Luis", "::1", 5001),
        Student("127.0.0.1:5002", "127.0.0.1", 5002),  # no name: shown by its address alone
    ]
    text = targets_text(students)
    assert text.splitlines() == ["127.0.0.1:5000 Ana García", "[::1]:5001 Luis", "127.0.0.1:5002"]
    assert parse_targets(text) == students


def test_a_server_on_every_interface_is_checked_on_the_loopback() -> None:
    assert loopback_for("0.0.0.0") == "127.0.0.1"
    assert loopback_for("::") == "::1"
    assert loopback_for("127.0.0.1") == "127.0.0.1"
