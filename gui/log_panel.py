"""The conversation log: coloured lines, bounded, auto-scrolling unless the user scrolled up.

Lines are buffered by `add()` and written by `flush()` in one Text insert per
drained batch (one insert per line would freeze the window under load).
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from pathlib import Path
from tkinter import filedialog
from typing import Any

import customtkinter as ctk

from gui import theme
from gui.fonts import Fonts
from gui.formatting import shorten
from gui.log_store import HEAD_CHARS, MAX_SHOWN_CHARS, Direction, LogEntry, LogStore, Side
from gui.widgets import PADDING
from words import Translator

NOTICE_MS = 3000  # how long "N lines copied" stays


class LogPanel(ctk.CTkFrame):  # type: ignore[misc]
    def __init__(self, master: Any, tr: Translator, fonts: Fonts) -> None:
        super().__init__(master)
        self._tr = tr
        self.store = LogStore()
        self._pending: list[LogEntry] = []
        self._lines_shown = 0
        self._notice_after: str | None = None
        self.rowconfigure(1, weight=1)
        self.columnconfigure(0, weight=1)

        bar = ctk.CTkFrame(self, fg_color="transparent")
        bar.grid(row=0, column=0, sticky="ew", padx=PADDING, pady=(10, 6))
        bar.columnconfigure(1, weight=1)
        self.title = ctk.CTkLabel(bar, font=fonts.heading, anchor="w")
        self.title.grid(row=0, column=0, sticky="w")
        self.notice = ctk.CTkLabel(bar, text="", font=fonts.small, text_color=theme.WARNING, anchor="e")
        self.notice.grid(row=0, column=1, sticky="e", padx=10)
        self.clear_button = ctk.CTkButton(bar, width=84, font=fonts.body, command=self.clear)
        self.copy_button = ctk.CTkButton(bar, width=84, font=fonts.body, command=self.copy)
        self.save_button = ctk.CTkButton(bar, width=96, font=fonts.body, command=self.ask_save)
        for column, button in enumerate((self.clear_button, self.copy_button, self.save_button), start=2):
            button.grid(row=0, column=column, padx=(6, 0))

        self.textbox = ctk.CTkTextbox(self, font=fonts.mono, wrap="word", state="disabled")
        self.textbox.grid(row=1, column=0, sticky="nsew", padx=PADDING, pady=(0, PADDING))
        # The plain Tk Text inside: one call per flush, tags and all (see flush()).
        self._text: Any = self.textbox._textbox
        # A wrapped line continues under the text column, not under the time. Tk takes the
        # margin from the tag of each display line's first character, so every tag has it.
        head_width = fonts.mono.measure("0" * HEAD_CHARS)
        for tag in theme.LOG_COLOURS:
            self._text.tag_configure(tag, lmargin2=head_width)
        self._paused = False
        self.retranslate()

    # -- writing -------------------------------------------------------------------

    def add(
        self,
        side: Side,
        direction: Direction,
        text: str,
        *,
        client_id: int | None = None,
        rtt: float | None = None,
        at: float | None = None,
    ) -> None:
        """Queue one line; it shows at the next flush()."""
        side_label = self._tr(f"log.side.{side.value}")
        when = time.time() if at is None else at
        self._pending.append(
            LogEntry(when, side, direction, shorten(text, MAX_SHOWN_CHARS), side_label, client_id, rtt)
        )

    def flush(self) -> None:
        """Write the buffered lines in one insert, drop the oldest past the limit, follow the end."""
        if not self._pending:
            return
        entries = self._pending[-self.store.limit :]
        self._pending = []
        self.store.add(entries)
        text = self._text
        following = self._following()
        text.configure(state="normal")
        text.insert("end", *_segments(entries))
        self._lines_shown += len(entries)
        excess = self._lines_shown - self.store.limit
        if excess > 0:
            text.delete("1.0", f"{excess + 1}.0")
            self._lines_shown -= excess
        text.configure(state="disabled")
        if following:
            text.see("end")
        self._show_paused(not following)

    def clear(self) -> None:
        self._pending.clear()
        self.store.clear()
        self._text.configure(state="normal")
        self._text.delete("1.0", "end")
        self._text.configure(state="disabled")
        self._lines_shown = 0
        self._show_paused(False)

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
        try:
            chosen = str(self._text.get("sel.first", "sel.last"))
        except Exception:  # TclError: no selection
            chosen = self.store.as_text()
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
        content = self.store.as_csv() if path.suffix.lower() == ".csv" else self.store.as_text()
        try:
            path.write_text(content, encoding="utf-8", newline="")
        except OSError as exc:
            self.add(Side.APP, Direction.ERROR, self._tr("log.save_failed", detail=exc.strerror or exc))
            self.flush()
            return False
        self.add(Side.APP, Direction.INFO, self._tr("log.saved", path=path))
        self.flush()
        return True

    # -- look ------------------------------------------------------------------------

    def retranslate(self) -> None:
        tr = self._tr
        self.title.configure(text=tr("log.title"))
        self.clear_button.configure(text=tr("log.clear"))
        self.copy_button.configure(text=tr("log.copy"))
        self.save_button.configure(text=tr("log.save"))
        self._show_paused(self._paused)

    def apply_theme(self, name: str) -> None:
        for tag, colour in theme.LOG_COLOURS.items():
            self._text.tag_configure(tag, foreground=theme.pick(colour, name))

    @property
    def paused(self) -> bool:
        return self._paused

    def refresh_paused(self) -> None:
        """Called now and then: the notice goes away once the user is back at the end."""
        self._show_paused(not self._following())

    # -- inside ------------------------------------------------------------------------

    def _following(self) -> bool:
        """True when the view shows the end: new lines then keep it there."""
        return float(self._text.yview()[1]) >= 0.999

    def _show_paused(self, paused: bool) -> None:
        self._paused = paused
        if self._notice_after is None:
            self.notice.configure(text=self._tr("log.paused") if paused else "")

    def _flash(self, message: str) -> None:
        if self._notice_after is not None:
            self.after_cancel(self._notice_after)
        self.notice.configure(text=message)
        self._notice_after = self.after(NOTICE_MS, self._end_flash)

    def _end_flash(self) -> None:
        self._notice_after = None
        self._show_paused(self._paused)


def _segments(entries: Iterable[LogEntry]) -> list[str]:
    """Alternating text and tag arguments for one Text.insert call."""
    parts: list[str] = []
    for entry in entries:
        parts += [entry.head(), "head", entry.text, entry.tag]
        rtt = entry.rtt_text()
        if rtt:
            parts += [rtt, "rtt"]
        parts += ["\n", ""]
    return parts
