"""The log's entries (gui/parts/log_model.py), no window: what an empty message, spaces at either end and each line
ending look like, and what a saved log says about where it talked to."""

from __future__ import annotations

import pytest

from gui.parts.log_model import EDGE, Direction, LogEntry, LogModel, SaveContext, Side
from words import Translator

EN = Translator("en")


def data_entry(data: bytes, ending: bytes, pieces: int = 1) -> LogEntry:
    """A client's reply of `data` (its line ending included), arrived in `pieces` pieces."""
    entry = LogEntry(100.0, 1_700_000_000.0, Side.CLIENT, Direction.IN, "CLIENT", is_data=True, complete=False)
    step = max(1, len(data) // pieces)
    for start in range(0, len(data), step):
        entry.add_bytes(data[start : start + step], len(data[start : start + step]))
    entry.finish(ending, None)
    return entry


def test_an_empty_message_says_so() -> None:
    entry = data_entry(b"\n", b"\n")
    assert entry.shown_text == ""
    assert entry.mark(EN) == "(empty) LF  1 B"
    assert data_entry(b"\r\n", b"\r\n").mark(EN) == "(empty) CRLF  2 B"


@pytest.mark.parametrize("pieces", [1, 3, 9])
def test_spaces_at_either_end_are_tinted_however_the_bytes_arrive(pieces: int) -> None:
    entry = data_entry(b"  hola  \n", b"\n", pieces)
    assert (entry.shown_text, entry.lead, entry.trail) == ("  hola  ", 2, 2)
    assert entry.body_segments() == [("  ", EDGE), ("hola", ""), ("  ", EDGE)]
    assert entry.mark(EN) == " LF  9 B"


def test_a_message_of_spaces_only_is_all_edge() -> None:
    entry = data_entry(b"   \r\n", b"\r\n")
    assert entry.body_segments() == [("   ", EDGE), ("", ""), ("", EDGE)]


@pytest.mark.parametrize(
    ("data", "ending", "mark"),
    [
        (b"OK\r\n", b"\r\n", " CRLF  4 B"),
        (b"OK\r", b"\r", " CR  3 B"),
        (b"OK\n", b"\n", " LF  3 B"),
        (b"OK", b"", "  2 B"),
    ],
)
def test_each_line_ending_is_named_after_the_text(data: bytes, ending: bytes, mark: str) -> None:
    entry = data_entry(data, ending)
    assert entry.shown_text == "OK"
    assert entry.mark(EN) == mark
    assert entry.line(EN).endswith(f"OK{mark}")


def test_a_saved_log_names_the_server_and_the_client_it_talked_to() -> None:
    model = LogModel()
    model.add([data_entry(b"hola\n", b"\n")])
    context = SaveContext("7.0", 1_700_000_000.0, server="127.0.0.1:5000", client="[::1]:5001")
    header = [line for line in model.as_text(EN, context).splitlines() if line.startswith("# ")]
    assert header[1:] == ["# server listening on 127.0.0.1:5000", "# client connected to [::1]:5001"]
    csv_lines = model.as_csv(EN, context).splitlines()
    assert csv_lines[1:3] == ["# server listening on 127.0.0.1:5000", "# client connected to [::1]:5001"]
    alone = SaveContext("7.0", 1_700_000_000.0, server="", client="")
    assert [line for line in model.as_text(EN, alone).splitlines() if line.startswith("# ")] == header[:1]
