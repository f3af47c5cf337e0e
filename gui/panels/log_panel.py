"""The conversation log: coloured lines in the order things happened, bounded, growing as bytes arrive.

Entries wait REORDER_SECONDS before they are written, then go out sorted by when
they happened: the server's and the client's threads report through one queue, and
a client may hear of its own connection a moment after the server does. An open
entry (bytes still arriving) is written at once after that wait and grows in place
at a Tk mark at its line's end. Lines are written in one Text insert per release
(one insert per line would freeze the window under load). Auto-scroll pauses only
when the user scrolls up, never because lines were added.
"""

from __future__ import annotations

import time
from pathlib import Path
from tkinter import filedialog
from typing import Any

import customtkinter as ctk

from core.events import Stamp
from gui import theme
from gui.ctk_private import inner_text
from gui.fonts import Fonts
from gui.panels.widgets import PADDING
from gui.parts.log_model import HEAD_CHARS, Direction, LogEntry, LogModel, Side
from words import Translator

NOTICE_MS = 3000  # how long "N lines copied" stays
# Long enough for the other thread's report of an earlier moment to arrive, short enough to feel live.
REORDER_SECONDS = 0.05
RELEASE_MS = 25  # how often held entries are looked at while any wait


class LogPanel(ctk.CTkFrame):  # type: ignore[misc]
    def __init__(self, master: Any, tr: Translator, fonts: Fonts) -> None:
        super().__init__(master)
        self._tr = tr
        self.model = LogModel()
        self._held: list[LogEntry] = []  # not written yet (see REORDER_SECONDS)
        self._marks: dict[int, tuple[str, LogEntry]] = {}  # open entries on screen: id -> (Tk mark, entry)
        self._mark_count = 0
        self._lines_shown = 0
        self._release_after: str | None = None
        self._notice_after: str | None = None
        self.paused = False  # the user scrolled up: new lines do not move the view
        self.rowconfigure(1, weight=1)
        self.columnconfigure(0, weight=1)

        bar = ctk.CTkFrame(self, fg_color="transparent")
        bar.grid(row=0, column=0, columnspan=2, sticky="ew", padx=PADDING, pady=(10, 6))
        bar.columnconfigure(1, weight=1)
        self.title = ctk.CTkLabel(bar, font=fonts.heading, anchor="w")
        self.title.grid(row=0, column=0, sticky="w")
        self.clear_button = ctk.CTkButton(bar, width=84, font=fonts.body, command=self.clear)
        self.copy_button = ctk.CTkButton(bar, width=84, font=fonts.body, command=self.copy)
        self.save_button = ctk.CTkButton(bar, width=96, font=fonts.body, command=self.ask_save)
        for column, button in enumerate((self.clear_button, self.copy_button, self.save_button), start=2):
            button.grid(row=0, column=column, padx=(6, 0))

        self.textbox = ctk.CTkTextbox(self, font=fonts.mono, wrap="word", state="disabled", activate_scrollbars=False)
        self.textbox.grid(row=1, column=0, sticky="nsew", padx=(PADDING, 0))
        self.scrollbar = ctk.CTkScrollbar(self, command=self._scrollbar_moved)
        self.scrollbar.grid(row=1, column=1, sticky="ns", padx=(2, 8))
        # The plain Tk Text inside: one call per release, tags, marks (see _write()).
        self._text = inner_text(self.textbox)
        self._text.configure(yscrollcommand=self.scrollbar.set)
        # A wrapped line continues under the text column, not under the time. Tk takes the
        # margin from the tag of each display line's first character, so every tag has it.
        head_width = fonts.mono.measure("0" * HEAD_CHARS)
        for tag in theme.LOG_COLOURS:
            self._text.tag_configure(tag, lmargin2=head_width)
        for sequence in ("<MouseWheel>", "<Button-4>", "<Button-5>", "<KeyRelease>"):
            self._text.bind(sequence, self._user_scrolled, add="+")
        self.notice = ctk.CTkLabel(self, text="", font=fonts.small, text_color=theme.WARNING, anchor="w", height=18)
        self.notice.grid(row=2, column=0, columnspan=2, sticky="ew", padx=PADDING, pady=(2, 8))
        self.retranslate()

    # -- writing -------------------------------------------------------------------

    def add_notice(
        self, side: Side, direction: Direction, text: str, *, client_id: int | None = None, when: Stamp | None = None
    ) -> None:
        """Log a sentence (connected, closed, an error); it shows within REORDER_SECONDS."""
        when = when or Stamp.now()
        label = self._tr(f"log.side.{side.value}")
        self._hold(LogEntry(when.mono, when.wall, side, direction, label, client_id, notice=text))

    def add_data(
        self,
        key: object,
        side: Side,
        direction: Direction,
        data: bytes,
        size: int,
        *,
        when: Stamp,
        first: bool,
        complete: bool,
        ending: bytes = b"",
        rtt: float | None = None,
        unsolicited: bool = False,
        continued: bool = False,
        client_id: int | None = None,
    ) -> LogEntry:
        """Log bytes that crossed the wire: a new entry when `first`, else more of the open entry `key`.

        Returns the entry. A piece whose entry is no longer followed (cleared, or
        scrolled out of the log) starts a new line marked as continued.
        """
        entry = None if first else self.model.open.get(key)
        if entry is None:
            label = self._tr(f"log.side.{side.value}")
            entry = LogEntry(when.mono, when.wall, side, direction, label, client_id, is_data=True, complete=False)
            entry.unsolicited, entry.continued = unsolicited, continued or not first
            if not complete:
                self.model.open[key] = entry
            self._hold(entry)
        added = entry.add_bytes(data, size)
        tail = ""
        if complete:
            added += entry.finish(ending, rtt)
            tail = entry.tail(self._tr)
            self.model.open.pop(key, None)
        mark = self._marks.get(id(entry))
        if mark is not None:  # already on screen: grow its line in place
            self._grow(mark[0], entry, added, tail)
        return entry

    def flush(self) -> None:
        """Write every held entry now (tests, and before a copy or a save)."""
        self._release(force=True)

    def clear(self) -> None:
        self._held.clear()
        self.model.clear()
        self._marks.clear()
        self._edit(lambda: self._text.delete("1.0", "end"))
        self._lines_shown = 0
        self._set_paused(False)

    # -- reading -------------------------------------------------------------------

    def shown_text(self) -> str:
        """Everything the log shows right now, as on screen."""
        return str(self._text.get("1.0", "end-1c"))

    def last_line(self) -> str:
        """The newest line shown (cheap: reads one line, not the whole log)."""
        # Every line ends in "\n" and Tk keeps one more after it: the last line ends 2 chars before "end".
        return str(self._text.get("end-2c linestart", "end-2c"))

    def copy(self) -> int:
        """Copy the selected text, or the whole log if nothing is selected; returns lines copied."""
        self.flush()
        try:
            chosen = str(self._text.get("sel.first", "sel.last"))
        except Exception:  # TclError: no selection
            chosen = self.model.as_text(self._tr)
        self.clipboard_clear()
        self.clipboard_append(chosen)
        count = chosen.count("\n") + (0 if chosen.endswith("\n") or not chosen else 1)
        self._flash(self._tr("log.copied", count=count))
        return count

    def ask_save(self) -> None:
        path = filedialog.asksaveasfilename(
            parent=self,
            title=self._tr("log.save_title"),
            initialfile="mayus-conversation.txt",
            defaultextension=".txt",
            filetypes=[(self._tr("log.filetype_text"), "*.txt"), (self._tr("log.filetype_csv"), "*.csv")],
        )
        if path:
            self.save(Path(path))

    def save(self, path: Path) -> bool:
        """Save as CSV if the name ends in .csv, else as text; the outcome is logged."""
        self.flush()
        content = self.model.as_csv() if path.suffix.lower() == ".csv" else self.model.as_text(self._tr)
        try:
            path.write_text(content, encoding="utf-8", newline="")
        except OSError as exc:
            self.add_notice(Side.APP, Direction.ERROR, self._tr("log.save_failed", detail=exc.strerror or exc))
            return False
        self.add_notice(Side.APP, Direction.INFO, self._tr("log.saved", path=path))
        return True

    # -- look ------------------------------------------------------------------------

    def retranslate(self) -> None:
        tr = self._tr
        self.title.configure(text=tr("log.title"))
        self.clear_button.configure(text=tr("log.clear"))
        self.copy_button.configure(text=tr("log.copy"))
        self.save_button.configure(text=tr("log.save"))
        self._set_paused(self.paused)

    def apply_theme(self, name: str) -> None:
        for tag, colour in theme.LOG_COLOURS.items():
            self._text.tag_configure(tag, foreground=theme.pick(colour, name))

    def refresh_paused(self) -> None:
        """Called now and then: the pause ends once the user is back at the end."""
        if self.paused and self._at_end():
            self._set_paused(False)

    # -- inside ------------------------------------------------------------------------

    def _hold(self, entry: LogEntry) -> None:
        self._held.append(entry)
        if self._release_after is None:
            self._release_after = self.after(RELEASE_MS, self._release)

    def _release(self, force: bool = False) -> None:
        """Write the held entries old enough that nothing earlier can still come, in the order they happened."""
        if self._release_after is not None and not force:
            self._release_after = None
        if not self._held:
            return
        self._held.sort(key=lambda e: e.mono)
        if force:
            due, self._held = self._held, []
        else:
            horizon = time.perf_counter() - REORDER_SECONDS
            cut = next((i for i, e in enumerate(self._held) if e.mono > horizon), len(self._held))
            due, self._held = self._held[:cut], self._held[cut:]
        if due:
            self._write(due[-self.model.limit :])
        if self._held and self._release_after is None:
            self._release_after = self.after(RELEASE_MS, self._release)

    def _write(self, entries: list[LogEntry]) -> None:
        """Write entries in one insert, drop the oldest lines past the limit, follow the end unless paused."""
        self.model.add(entries)
        text, tr = self._text, self._tr
        parts: list[str] = []
        for entry in entries:
            parts += [entry.head(), "head", entry.body(), entry.tag]
            tail = entry.tail(tr)
            if tail:
                parts += [tail, "rtt"]
            parts += ["\n", ""]

        def write() -> None:
            text.insert("end", *parts)
            self._lines_shown += len(entries)
            excess = self._lines_shown - self.model.limit
            if excess > 0:
                text.delete("1.0", f"{excess + 1}.0")
                self._lines_shown -= excess
                self._forget_marks_before_top()
            first_line = self._lines_shown - len(entries) + 1  # the new entries are the last lines
            for offset, entry in enumerate(entries):
                line = first_line + offset
                if not entry.complete and line >= 1:
                    self._mark_count += 1
                    name = f"open{self._mark_count}"
                    text.mark_set(name, f"{line}.end")
                    self._marks[id(entry)] = (name, entry)

        self._edit(write)
        if not self.paused:
            text.see("end")

    def _grow(self, mark: str, entry: LogEntry, added: str, tail: str) -> None:
        text = self._text

        def grow() -> None:
            if added:
                text.insert(mark, added, entry.tag)
            if tail:
                text.insert(mark, tail, "rtt")
            if entry.complete:
                text.mark_unset(mark)
                self._marks.pop(id(entry), None)

        self._edit(grow)
        if not self.paused:
            text.see("end")

    def _forget_marks_before_top(self) -> None:
        """Open entries whose lines were dropped from the top stop being followed on screen."""
        for key, (mark, entry) in list(self._marks.items()):
            if self._text.compare(mark, "==", "1.0"):
                self._text.mark_unset(mark)
                del self._marks[key]
                self.model.open = {k: e for k, e in self.model.open.items() if e is not entry}

    def _edit(self, change: Any) -> None:
        self._text.configure(state="normal")
        try:
            change()
        finally:
            self._text.configure(state="disabled")

    def _at_end(self) -> bool:
        return float(self._text.yview()[1]) >= 0.999

    def _user_scrolled(self, _event: Any = None) -> None:
        """After the user's own scroll: paused if they left the end, following again if they came back."""
        self.after_idle(lambda: self._set_paused(not self._at_end()))

    def _scrollbar_moved(self, *args: Any) -> None:
        self._text.yview(*args)
        self._user_scrolled()

    def _set_paused(self, paused: bool) -> None:
        self.paused = paused
        if self._notice_after is None:
            self.notice.configure(text=self._tr("log.paused") if paused else "")

    def _flash(self, message: str) -> None:
        if self._notice_after is not None:
            self.after_cancel(self._notice_after)
        self.notice.configure(text=message)
        self._notice_after = self.after(NOTICE_MS, self._end_flash)

    def _end_flash(self) -> None:
        self._notice_after = None
        self._set_paused(self.paused)
