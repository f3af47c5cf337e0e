"""The conversation log: bounded lines, auto-scroll pause, Clear, Copy, Save."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from gui.app import App
from gui.log_store import Direction, Side
from tests.gui.conftest import pump


def _fill(app: App, count: int, start: int = 0) -> None:
    for n in range(start, start + count):
        app.log.add(Side.CLIENT, Direction.OUT, f"line {n}", at=1_700_000_000.0 + n)
    app.log.flush()


def test_the_log_keeps_only_the_latest_lines(app: App) -> None:
    limit = app.log.store.limit
    _fill(app, limit + 250)
    lines = app.log.shown_text().splitlines()
    assert len(lines) == limit
    assert lines[0].endswith("line 250")
    assert lines[-1].endswith(f"line {limit + 249}")
    assert len(app.log.store) == limit


def test_auto_scroll_pauses_while_the_user_reads_older_lines(app: App) -> None:
    _fill(app, 200)
    pump(app, 0.05)
    assert not app.log.paused
    assert app.log.textbox.yview()[1] == pytest.approx(1.0)

    app.log.textbox.yview_moveto(0.0)  # the user scrolls up
    pump(app, 0.05)
    _fill(app, 50, start=200)
    pump(app, 0.05)
    assert app.log.textbox.yview()[0] == pytest.approx(0.0)  # the view stayed where the user put it
    assert app.log.paused
    assert app.log.notice.cget("text") == "Auto-scroll paused: scroll to the end to resume"

    app.log.textbox.yview_moveto(1.0)  # back to the end
    pump(app, 0.05)
    app.log.refresh_paused()
    assert not app.log.paused
    _fill(app, 50, start=250)
    pump(app, 0.05)
    assert app.log.textbox.yview()[1] == pytest.approx(1.0)


def test_clear_empties_the_log(app: App) -> None:
    _fill(app, 10)
    app.log.clear_button.invoke()
    assert app.log.shown_text() == ""
    assert len(app.log.store) == 0


def test_copy_puts_the_whole_log_or_the_selection_on_the_clipboard(app: App) -> None:
    _fill(app, 3)
    app.log.copy_button.invoke()
    copied = app.clipboard_get()
    assert copied.splitlines() == app.log.shown_text().splitlines()
    assert app.log.notice.cget("text") == "3 lines copied"

    app.log.textbox.tag_add("sel", "2.0", "2.end")
    app.log.copy_button.invoke()
    assert app.clipboard_get().endswith("line 1")


def test_save_writes_text_or_csv(app: App, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    app.log.add(Side.CLIENT, Direction.IN, "HOLA, SERVIDOR", rtt=0.0015, at=1_700_000_000.25)
    app.log.flush()

    target = tmp_path / "talk.csv"
    monkeypatch.setattr("gui.log_panel.filedialog.asksaveasfilename", lambda **_options: str(target))
    app.log.save_button.invoke()
    rows = list(csv.reader(io.StringIO(target.read_text(encoding="utf-8"))))
    assert rows[0] == ["time", "side", "direction", "client", "text", "rtt_ms"]
    assert rows[1][1:] == ["client", "in", "", "HOLA, SERVIDOR", "1.500"]
    assert f"Conversation saved to {target}" in app.log.shown_text()

    text_file = tmp_path / "talk.txt"
    assert app.log.save(text_file)
    first = text_file.read_text(encoding="utf-8").splitlines()[0]
    assert first.endswith("HOLA, SERVIDOR  (1.50 ms)")
    assert "CLIENT   ←" in first


def test_a_failed_save_is_reported_in_the_window(app: App, tmp_path: Path) -> None:
    assert not app.log.save(tmp_path / "missing-folder" / "talk.txt")
    assert "Could not save the conversation" in app.log.shown_text()


def test_very_long_messages_are_cut_on_screen(app: App) -> None:
    app.log.add(Side.SERVER, Direction.IN, "x" * 100_000, client_id=1)
    app.log.flush()
    line = app.log.shown_text().rstrip("\n")
    assert len(line) < 3000
    assert line.endswith("… (+98000)")
