"""The conversation log: time order, growing entries, bounded lines, the user's scroll, Clear, Copy, Save."""

from __future__ import annotations

import csv
import io
import time
from pathlib import Path

import pytest

from core.defaults import DISPLAY_BYTES
from core.events import Stamp
from gui.app import App
from gui.ctk_private import drag_scrollbar, inner_text
from gui.panels.widgets import PADDING
from gui.parts.log_model import Direction, Side
from gui.parts.settings import MIN_HEIGHT, MIN_WIDTH
from tests.support.waiting import pump_until
from tests.support.window import log_shows, log_text_writes, pick, settle, show_view

T0 = 1_700_000_000.0
DAY_OF_T0 = time.strftime("%Y-%m-%d", time.localtime(T0))  # a saved log gives full dates


def _fill(app: App, count: int, start: int = 0) -> None:
    for n in range(start, start + count):
        app.log.add_notice(Side.CLIENT, Direction.OUT, f"line {n}", when=Stamp(float(n), T0 + n))
    app.log.flush()


def _user_scrolls_to(app: App, fraction: float) -> None:
    """What dragging the log's scrollbar does."""
    drag_scrollbar(app.log.scrollbar, fraction)
    settle(app)


def test_the_log_keeps_only_the_latest_lines(app: App) -> None:
    limit = app.log.model.limit
    _fill(app, limit + 250)
    lines = app.log.shown_text().splitlines()
    assert len(lines) == limit
    assert lines[0].endswith("line 250")
    assert lines[-1].endswith(f"line {limit + 249}")
    assert len(app.log.model) == limit


def test_while_its_view_is_hidden_the_log_writes_nothing_and_shows_it_all_once_back(app: App) -> None:
    log = app.log
    _fill(app, 3)
    shown_before = log.shown_text()
    show_view(app, "load")  # the conversation, and the log with it, hidden
    writes = log_text_writes(app)
    limit = log.model.limit
    _fill(app, limit + 100, start=3)  # far more than the log keeps
    key = (1, 1)
    log.add_data(key, Side.CLIENT, Direction.IN, b"HO", 2, when=Stamp.now(), first=True, complete=False)
    log.flush()
    log.add_data(key, Side.CLIENT, Direction.IN, b"LA", 2, when=Stamp.now(), first=False, complete=False)
    settle(app)
    assert log_text_writes(app) == writes  # not one write into the text box while nobody sees it
    assert log.shown_text() == shown_before
    assert len(log.model) == limit  # what it keeps stays bounded

    show_view(app, "conversation")
    assert log_text_writes(app) - writes <= 3  # written again at once, in one go: not an insert per entry
    lines = log.shown_text().splitlines()
    assert len(lines) == limit  # the newest entries, as many as it keeps, nothing lost among them
    first_kept = 3 + limit + 100 + 1 - limit  # entries logged, the open one included, less those kept
    assert lines[0].endswith(f"line {first_kept}")
    assert [line.rsplit(" ", 1)[-1] for line in lines[-4:-1]] == [str(n) for n in range(limit + 100, limit + 103)]
    assert lines[-1].endswith("HOLA")  # still open: what arrived while hidden
    log.add_data(key, Side.CLIENT, Direction.IN, b"!\n", 2, when=Stamp.now(), first=False, complete=True, ending=b"\n")
    log_shows(app, "HOLA! LF  6 B")  # and it goes on growing in place
    assert log.shown_text().splitlines()[-1].endswith("HOLA! LF  6 B")


def test_entries_show_in_the_order_they_happened_whatever_order_they_came_in(app: App) -> None:
    for n in (3, 1, 2):  # the client's thread may report before the server's, about an earlier moment
        app.log.add_notice(Side.SERVER, Direction.INFO, f"event {n}", when=Stamp(float(n), T0 + n))
    app.log.flush()
    assert [line[-7:] for line in app.log.shown_text().splitlines()] == ["event 1", "event 2", "event 3"]


def test_bytes_show_as_they_arrive_and_the_entry_grows_in_place(app: App) -> None:
    log = app.log
    key = (1, 1)
    log.add_data(key, Side.CLIENT, Direction.IN, b"HO", 2, when=Stamp.now(), first=True, complete=False)
    log_shows(app, "HO")  # before the reply is complete
    log.add_notice(Side.SERVER, Direction.INFO, "something else happened")
    log_shows(app, "something else happened")
    log.add_data(
        key,
        Side.CLIENT,
        Direction.IN,
        b"LA\n",
        3,
        when=Stamp.now(),
        first=False,
        complete=True,
        ending=b"\n",
        rtt=0.0042,
    )
    log_shows(app, "HOLA LF  5 B  (4.20 ms)")
    lines = app.log.shown_text().splitlines()
    assert lines[0].endswith("HOLA LF  5 B  (4.20 ms)")  # grown in its own line, above what came since
    assert lines[1].endswith("something else happened")


def test_unsolicited_entries_are_labelled_and_cut_entries_say_how_much_is_hidden(app: App) -> None:
    app.log.add_data(
        None,
        Side.CLIENT,
        Direction.IN,
        b"WELCOME\r\n",
        9,
        when=Stamp.now(),
        first=True,
        complete=True,
        ending=b"\r\n",
        unsolicited=True,
    )
    big = b"x" * 100_000
    app.log.add_data(
        None,
        Side.SERVER,
        Direction.IN,
        big[:DISPLAY_BYTES],
        len(big),
        when=Stamp.now(),
        first=True,
        complete=True,
        client_id=1,
    )
    app.log.flush()
    welcome, cut = app.log.shown_text().splitlines()
    assert welcome.endswith("WELCOME CRLF  9 B  (unsolicited)")
    assert cut.endswith("x" * 10 + f"  100,000 B  … {100_000 - DISPLAY_BYTES:,} more bytes")
    assert len(cut) < 1000


def test_auto_scroll_pauses_only_when_the_user_scrolls_up(app: App) -> None:
    _fill(app, 200)
    text = inner_text(app.log.textbox)
    pump_until(app, lambda: text.yview()[1] == pytest.approx(1.0), message="following the end")
    app.log.add_notice(Side.CLIENT, Direction.IN, "very long " * 2000)  # wraps over many lines
    app.log.flush()
    settle(app)
    assert not app.log.paused and text.yview()[1] == pytest.approx(1.0)

    _user_scrolls_to(app, 0.0)
    pump_until(app, lambda: app.log.paused, message="paused by the user's scroll")
    _fill(app, 50, start=200)
    settle(app)
    assert text.yview()[0] == pytest.approx(0.0)  # the view stayed where the user put it
    assert app.log.notice.cget("text") == "Auto-scroll paused: scroll to the end to resume"
    assert app.log.notice.winfo_reqwidth() <= app.log.winfo_width()

    _user_scrolls_to(app, 1.0)  # back to the end
    pump_until(app, lambda: not app.log.paused, message="following again")
    _fill(app, 50, start=250)
    settle(app)
    assert text.yview()[1] == pytest.approx(1.0)


def test_a_full_log_taking_more_lines_leaves_its_scrollbar_alone(app: App, monkeypatch: pytest.MonkeyPatch) -> None:
    limit = app.log.model.limit
    _fill(app, limit)
    text = inner_text(app.log.textbox)
    pump_until(app, lambda: text.yview()[1] == pytest.approx(1.0), message="following the end")
    settle(app)
    moves: list[tuple[float, float]] = []
    real_set = app.log.scrollbar.set

    def counted_set(first: float, last: float) -> None:
        moves.append((float(first), float(last)))
        real_set(first, last)

    monkeypatch.setattr(app.log.scrollbar, "set", counted_set)
    _fill(app, 20, start=limit)  # as many lines in, as many out at the top: the view stays the same
    settle(app)
    assert moves == []  # customtkinter redraws the whole bar on each set: none when nothing moved
    text.yview_moveto(0.0)
    settle(app)
    assert moves and app.log.scrollbar.get()[0] == pytest.approx(0.0)  # a real move still moves it


def test_clear_empties_the_log(app: App) -> None:
    _fill(app, 10)
    app.log.clear_button.invoke()
    assert app.log.shown_text() == ""
    assert len(app.log.model) == 0


def test_copy_puts_the_whole_log_or_the_selection_on_the_clipboard(app: App) -> None:
    _fill(app, 3)
    app.log.copy_button.invoke()
    copied = app.clipboard_get()
    assert copied.splitlines() == app.log.shown_text().splitlines()
    assert app.log.notice.cget("text") == "3 lines copied"

    inner_text(app.log.textbox).tag_add("sel", "2.0", "2.end")
    app.log.copy_button.invoke()
    assert app.clipboard_get().endswith("line 1")


def test_save_writes_text_or_csv(app: App, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    app.log.add_data(
        None,
        Side.CLIENT,
        Direction.IN,
        b"HOLA, SERVIDOR\n",
        15,
        when=Stamp(1.0, T0 + 0.25),
        first=True,
        complete=True,
        ending=b"\n",
        rtt=0.0015,
    )

    target = tmp_path / "talk.csv"
    monkeypatch.setattr("gui.panels.log_panel.filedialog.asksaveasfilename", lambda **_options: str(target))
    app.log.save_button.invoke()
    rows = list(csv.reader(io.StringIO(target.read_text(encoding="utf-8"))))
    header = [row[0] for row in rows if row[0].startswith("# ")]
    assert header[0].startswith("# Mayus ") and "conversation saved 20" in header[0]
    rows = rows[len(header) :]
    assert rows[0] == [
        "time",
        "side",
        "direction",
        "client",
        "text",
        "line_ending",
        "bytes",
        "hex",
        "rtt_ms",
        "unsolicited",
    ]
    assert rows[1][0].startswith(DAY_OF_T0 + " ")  # a full date, not only the time
    assert rows[1][1:] == [
        "client",
        "in",
        "",
        "HOLA, SERVIDOR",
        "LF",
        "15",
        "48 4f 4c 41 2c 20 53 45 52 56 49 44 4f 52 0a",
        "1.500",
        "",
    ]
    log_shows(app, f"Conversation saved to {target}")

    text_file = tmp_path / "talk.txt"
    assert app.log.save(text_file)
    lines = [line for line in text_file.read_text(encoding="utf-8").splitlines() if not line.startswith("#")]
    assert lines[0].startswith(DAY_OF_T0 + " ") and lines[0].endswith("HOLA, SERVIDOR LF  15 B  (1.50 ms)")
    assert "CLIENT   ←" in lines[0]
    assert lines[1] == "    hex: 48 4f 4c 41 2c 20 53 45 52 56 49 44 4f 52 0a"


def test_a_failed_save_is_reported_in_the_window(app: App, tmp_path: Path) -> None:
    assert not app.log.save(tmp_path / "missing-folder" / "talk.txt")
    log_shows(app, "Could not save the conversation")


@pytest.mark.parametrize("language", ["English", "Español"])
def test_the_pause_notice_fits_at_the_minimum_window_width(app: App, language: str) -> None:
    pick(app.header.language_picker, language)
    app.geometry(f"{MIN_WIDTH}x{MIN_HEIGHT}")
    pump_until(app, lambda: app.winfo_width() == MIN_WIDTH, message="at the minimum size")
    _fill(app, 200)
    _user_scrolls_to(app, 0.0)
    pump_until(app, lambda: app.log.paused, message="paused")
    notice = app.log.notice
    assert notice.cget("text")
    assert notice.winfo_reqwidth() <= app.log.winfo_width() - 2 * PADDING


def test_the_later_pieces_of_a_long_line_say_they_continue_it(app: App) -> None:
    for continued, data in ((False, b"a" * 10), (True, b"a" * 5 + b"\n")):
        app.log.add_data(
            None,
            Side.SERVER,
            Direction.IN,
            data,
            len(data),
            when=Stamp.now(),
            first=True,
            complete=True,
            ending=b"\n" if data.endswith(b"\n") else b"",
            continued=continued,
            client_id=1,
        )
    app.log.flush()
    first, second = app.log.shown_text().splitlines()
    assert "continued" not in first
    assert second.endswith("aaaaa LF  6 B  (continued: more of the line above)")


def test_pieces_of_growing_entries_are_written_together_not_one_edit_each(app: App) -> None:
    log, key = app.log, (1, 1)
    log.add_data(key, Side.CLIENT, Direction.IN, b"\xff", 1, when=Stamp.now(), first=True, complete=False)
    log.flush()
    writes = log_text_writes(app)
    for _ in range(200):  # a flood of invalid bytes with no newline: hundreds of pieces a second
        log.add_data(key, Side.CLIENT, Direction.IN, b"\xff" * 4, 4, when=Stamp.now(), first=False, complete=False)
    log_shows(app, "\\xff" * 20)
    assert log_text_writes(app) - writes <= 2  # one edit for the lot (two if a timer tick fell between)
    log.add_data(key, Side.CLIENT, Direction.IN, b"\n", 1, when=Stamp.now(), first=False, complete=True, ending=b"\n")
    log_shows(app, "LF  802 B")
