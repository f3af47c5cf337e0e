"""The conversation log: coloured lines in the order things happened, bounded, growing as bytes arrive.

Entries wait REORDER_SECONDS before they are written, then go out sorted by when
they happened: the server's and the client's threads report through one queue, and
a client may hear of its own connection a moment after the server does. An open
entry (bytes still arriving) is written at once after that wait and grows in place
between two Tk marks. Lines are written in one Text insert per release (one insert
per line would freeze the window under load). Auto-scroll pauses only when the user
scrolls up, never because lines were added. A search or a filter, or the hex view,
writes the log again from its model. From the keyboard, the log's own line (the one
underlined while it has the focus, moved with the arrows) takes Enter for its hex
and Shift+F10 or the Menu key for its menu, as a double-click and a right-click do.

While the log's view is hidden (the load test or the checker shown instead), nothing is
written into the Text: entries still go into the bounded model, and the Text is written
again from it once, when the view is shown (`set_view_shown`). Under a load test against
the window's own server every Text insert costs the Tk thread, and nobody sees them.
"""

from __future__ import annotations

import contextlib
import time
import tkinter
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from tkinter import filedialog
from typing import Any

import platformdirs

from core.events import Stamp
from gui import theme
from gui.ctk_private import inner_text
from gui.fonts import Fonts
from gui.panels.widgets import PADDING, move_scrollbar
from gui.parts.log_filter import ALL_DIRECTIONS, ALL_SIDES, BadPattern, LogFilter
from gui.parts.log_model import EDGE, HEAD_CHARS, Direction, LogEntry, LogModel, SaveContext, Segment, Side
from gui.toolkit import ctk
from words import Translator

NOTICE_MS = 3000  # how long "N lines copied" stays
# Long enough for the other thread's report of an earlier moment to arrive, short enough to feel live.
REORDER_SECONDS = 0.05
RELEASE_MS = 25  # how often held entries are looked at while any wait
HIDDEN_RELEASE_MS = 250  # ... while the log's view is hidden (they only go into the model then)
SEARCH_DELAY_MS = 150  # typing in the search box: the log is filtered once the typing pauses
_SIDE_CHOICES = ("sides", "server", "client")  # "sides": both
_DIRECTION_CHOICES = ("ways", "in", "out")  # "ways": both
HERE = "here"  # the tag of the line the keyboard is on, while the log has the focus
MENU_KEYS = ("<Shift-F10>", "<Menu>", "<App>")  # a line's menu from the keyboard ("App": the Windows name)


@dataclass(slots=True)
class _Shown:
    """An entry on screen and how many Text lines it takes (more than one with its hex dump)."""

    entry: LogEntry
    lines: int


class LogPanel(ctk.CTkFrame):  # type: ignore[misc]
    def __init__(
        self,
        master: Any,
        tr: Translator,
        fonts: Fonts,
        *,
        context: Callable[[], SaveContext],
        on_save_as_message: Callable[[LogEntry], None],
    ) -> None:
        super().__init__(master)
        self._tr = tr
        self._context, self._on_save_as_message = context, on_save_as_message
        self.model = LogModel()
        self.filter = LogFilter.make()
        self.hex_view = False
        self._held: list[LogEntry] = []  # not written yet (see REORDER_SECONDS)
        self._shown: deque[_Shown] = deque()  # on screen, oldest first
        self._marks: dict[int, tuple[str, str]] = {}  # open entries on screen: id -> (start mark, end mark)
        self._mark_count = 0
        self._release_after: str | None = None
        # Entries on screen that grew since the last write, with what they add: written together, once per
        # RELEASE_MS. One Text edit per piece (a flood of 0xFF with no newline brings hundreds a second, each
        # growing "… N more bytes") made the Tk thread late by 100 ms and more.
        self._growing: dict[int, tuple[LogEntry, list[Segment]]] = {}
        self._grow_after: str | None = None
        self._search_after: str | None = None
        self._notice_after: str | None = None
        self.paused = False  # the user scrolled up: new lines do not move the view
        self.view_shown = True  # False while another view of the window is shown: the Text is left as it is
        self._behind = False  # the Text lacks what the model got while the view was hidden
        self.text_writes = 0  # edits of the Text (writes, growths, clears): tests count them
        self._side, self._direction = "sides", "ways"  # the filter's choices (the pickers show them in words)
        self.matches = 0  # entries on screen that match the search
        self.rowconfigure(2, weight=1)
        self.columnconfigure(0, weight=1)
        self._build_bars(fonts)

        self.textbox = ctk.CTkTextbox(self, font=fonts.mono, wrap="word", state="disabled", activate_scrollbars=False)
        self.textbox.grid(row=2, column=0, sticky="nsew", padx=(PADDING, 0))
        self.scrollbar = ctk.CTkScrollbar(self, command=self._scrollbar_moved)
        self.scrollbar.grid(row=2, column=1, sticky="ns", padx=(2, 8))
        # The plain Tk Text inside: one call per release, tags, marks (see _write()).
        self._text = inner_text(self.textbox)
        self._text.configure(yscrollcommand=lambda first, last: move_scrollbar(self.scrollbar, first, last))
        # A wrapped line continues under the text column, not under the time. Tk takes the
        # margin from the tag of each display line's first character, so every tag has it.
        head_width = fonts.mono.measure("0" * HEAD_CHARS)
        for tag in theme.LOG_COLOURS:
            self._text.tag_configure(tag, lmargin2=head_width)
        self._text.tag_configure("hex", lmargin1=head_width, lmargin2=head_width)
        self._text.tag_configure("match", background=theme.pick(theme.MATCH_BACKGROUND, "light"))
        self._text.tag_configure(EDGE, background=theme.pick(theme.EDGE_BACKGROUND, "light"))
        self._text.tag_raise("match")
        for sequence in ("<MouseWheel>", "<Button-4>", "<Button-5>", "<KeyRelease>"):
            self._text.bind(sequence, self._user_scrolled, add="+")
        self._text.bind("<Double-Button-1>", self._toggle_entry_hex)
        self._text.bind("<Button-3>", self._open_menu)
        self._text.tag_configure(HERE, underline=True, underlinefg=theme.pick(theme.FOCUS_RING, "light"))
        for sequence in ("<FocusIn>", "<KeyPress>", "<ButtonRelease-1>"):  # once Tk has moved the cursor
            self._text.bind(sequence, lambda _e: self._text.after_idle(self._mark_here), add="+")
        self._text.bind("<FocusOut>", lambda _e: self._text.tag_remove(HERE, "1.0", "end"), add="+")
        self._text.bind("<Return>", lambda _e: self._toggle_hex_here())
        self._text.bind("<KP_Enter>", lambda _e: self._toggle_hex_here())
        for sequence in MENU_KEYS:
            with contextlib.suppress(tkinter.TclError):  # a key this system has no name for
                self._text.bind(sequence, lambda _e: self._open_menu_here())
        self.menu = tkinter.Menu(self, tearoff=False)  # a line's menu: right-click, Shift+F10 or the Menu key
        self._menu_entry: LogEntry | None = None
        bottom = ctk.CTkFrame(self, fg_color="transparent")
        bottom.grid(row=3, column=0, columnspan=2, sticky="ew", padx=PADDING, pady=(2, 8))
        bottom.columnconfigure(0, weight=1)
        self.notice = ctk.CTkLabel(bottom, text="", font=fonts.small, text_color=theme.WARNING, anchor="w", height=18)
        self.notice.grid(row=0, column=0, sticky="w")
        self.count_label = ctk.CTkLabel(
            bottom, text="", font=fonts.small, text_color=theme.MUTED, anchor="e", height=18
        )
        self.count_label.grid(row=0, column=1, sticky="e", padx=(8, 0))
        self.retranslate()

    def _build_bars(self, fonts: Fonts) -> None:
        bar = ctk.CTkFrame(self, fg_color="transparent")
        bar.grid(row=0, column=0, columnspan=2, sticky="ew", padx=PADDING, pady=(10, 4))
        bar.columnconfigure(1, weight=1)
        self.title = ctk.CTkLabel(bar, font=fonts.heading, anchor="w")
        self.title.grid(row=0, column=0, sticky="w")
        self.clear_button = ctk.CTkButton(bar, width=80, font=fonts.body, command=self.clear)
        self.copy_button = ctk.CTkButton(bar, width=80, font=fonts.body, command=self.copy)
        self.save_button = ctk.CTkButton(bar, width=92, font=fonts.body, command=self.ask_save)
        for column, button in enumerate((self.clear_button, self.copy_button, self.save_button), start=2):
            button.grid(row=0, column=column, padx=(6, 0))

        find = ctk.CTkFrame(self, fg_color="transparent")
        find.grid(row=1, column=0, columnspan=2, sticky="ew", padx=PADDING, pady=(0, 6))
        find.columnconfigure(0, weight=1)
        self.search_entry = ctk.CTkEntry(find, font=fonts.small, height=28)
        self.search_entry.grid(row=0, column=0, sticky="ew")
        self.search_entry.bind("<KeyRelease>", lambda _e: self._search_soon())
        self.search_entry.bind("<Escape>", lambda _e: self.clear_search())
        self.regex_box = ctk.CTkCheckBox(find, font=fonts.small, width=20, command=self._filter_changed)
        self.regex_box.grid(row=0, column=1, padx=(6, 0))
        # Drop-down choices: they take little room at the window's minimum width.
        self.side_picker = ctk.CTkOptionMenu(
            find, width=110, font=fonts.small, dynamic_resizing=False, command=lambda _v: self._filter_changed()
        )
        self.side_picker.grid(row=0, column=2, padx=(6, 0))
        self.direction_picker = ctk.CTkOptionMenu(
            find, width=110, font=fonts.small, dynamic_resizing=False, command=lambda _v: self._filter_changed()
        )
        self.direction_picker.grid(row=0, column=3, padx=(6, 0))
        self.hex_switch = ctk.CTkSwitch(find, font=fonts.small, width=40, command=self._hex_switched)
        self.hex_switch.grid(row=0, column=4, padx=(8, 0))

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
        if complete:
            added += entry.finish(ending, rtt)
            self.model.open.pop(key, None)
        if id(entry) in self._marks:  # already on screen: grow it in place
            self._grow(entry, added)
        return entry

    def flush(self) -> None:
        """Write every held entry, and what entries on screen added, now (tests, and before a copy or a save);
        only into the model while hidden."""
        self._release(force=True)
        if self._grow_after is not None:
            self.after_cancel(self._grow_after)
        self._write_growth()

    def set_view_shown(self, shown: bool) -> None:
        """The log's view was shown or hidden. Hidden, the Text is left alone; shown again, it is written once
        from the model (the latest MAX_LOG_LINES entries), if anything came meanwhile."""
        if shown == self.view_shown:
            return
        self.view_shown = shown
        if shown and self._behind:
            self._rewrite()

    def clear(self) -> None:
        self._held.clear()
        self._forget_growth()
        self.model.clear()
        self._shown.clear()
        self._marks.clear()
        self._behind = False
        self._edit(lambda: self._text.delete("1.0", "end"))
        self._set_paused(False)
        self._show_count()

    # -- search, filter, hex -------------------------------------------------------

    def search(self, text: str, regex: bool = False) -> None:
        """Show only the entries whose text matches (case ignored), highlighted and counted."""
        self.search_entry.delete(0, "end")
        self.search_entry.insert(0, text)
        if bool(self.regex_box.get()) != regex:
            self.regex_box.toggle()  # calls _filter_changed
        else:
            self._filter_changed()

    def clear_search(self) -> None:
        self.search("", regex=bool(self.regex_box.get()))

    def focus_search(self) -> None:
        self.search_entry.focus_set()
        self.search_entry.select_range(0, "end")

    def show_sides(self, choice: str) -> None:
        """Show both sides ("sides"), or only the "server" or the "client" side."""
        self.side_picker.set(self._tr(f"log.filter.{choice}"))  # set() does not call the command
        self._filter_changed()

    def show_directions(self, choice: str) -> None:
        """Show both ways ("ways"), or only what came "in" or went "out" (notices always show)."""
        self.direction_picker.set(self._tr(f"log.filter.{choice}"))
        self._filter_changed()

    def set_hex_view(self, on: bool) -> None:
        if bool(self.hex_switch.get()) != on:
            self.hex_switch.toggle()  # calls _hex_switched

    def entry_at(self, index: str) -> LogEntry | None:
        """The entry shown at a Text index ("12.4", "@x,y"), or None."""
        line = int(str(self._text.index(index)).split(".")[0])
        for shown in self._shown:
            if line <= shown.lines:
                return shown.entry
            line -= shown.lines
        return None

    # -- reading -------------------------------------------------------------------

    def shown_text(self) -> str:
        """Everything the log shows right now, as on screen."""
        return str(self._text.get("1.0", "end-1c"))

    def last_line(self) -> str:
        """The newest line shown (cheap: reads one line, not the whole log)."""
        # Every line ends in "\n" and Tk keeps one more after it: the last line ends 2 chars before "end".
        return str(self._text.get("end-2c linestart", "end-2c"))

    def highlighted(self) -> list[str]:
        """The texts highlighted as search matches, in order."""
        ranges = self._text.tag_ranges("match")
        return [str(self._text.get(ranges[i], ranges[i + 1])) for i in range(0, len(ranges), 2)]

    def copy(self) -> int:
        """Copy the selected text, or the whole log if nothing is selected; returns lines copied."""
        self.flush()
        try:
            chosen = str(self._text.get("sel.first", "sel.last"))
        except tkinter.TclError:  # no selection
            chosen = self.model.as_text(self._tr)
        self.clipboard_clear()
        self.clipboard_append(chosen)
        count = chosen.count("\n") + (0 if chosen.endswith("\n") or not chosen else 1)
        self._flash(self._tr("log.copied", count=count))
        return count

    def ask_save(self) -> None:
        """The save dialog, in the user's documents folder, with a name in the UI's language and the time."""
        stamp = time.strftime("%Y%m%d-%H%M%S")
        path = filedialog.asksaveasfilename(
            parent=self,
            title=self._tr("log.save_title"),
            initialdir=platformdirs.user_documents_dir(),
            initialfile=self._tr("log.file.name", stamp=stamp) + ".txt",
            defaultextension=".txt",
            filetypes=[(self._tr("log.filetype_text"), "*.txt"), (self._tr("log.filetype_csv"), "*.csv")],
        )
        if path:
            self.save(Path(path))

    def save(self, path: Path) -> bool:
        """Save as CSV if the name ends in .csv, else as text, with a header and full dates; the outcome is logged."""
        self.flush()
        context = self._context()
        if path.suffix.lower() == ".csv":
            content = self.model.as_csv(self._tr, context)
        else:
            content = self.model.as_text(self._tr, context)
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
        self.search_entry.configure(placeholder_text=tr("log.search"))
        self.regex_box.configure(text=tr("log.regex"))
        self.hex_switch.configure(text=tr("log.hex"))
        for picker, choices, chosen in (
            (self.side_picker, _SIDE_CHOICES, self._side),
            (self.direction_picker, _DIRECTION_CHOICES, self._direction),
        ):
            picker.configure(values=[tr(f"log.filter.{choice}") for choice in choices])
            picker.set(tr(f"log.filter.{chosen}"))
        self._set_paused(self.paused)
        self._show_count()

    def apply_theme(self, name: str) -> None:
        for tag, colour in theme.LOG_COLOURS.items():
            self._text.tag_configure(tag, foreground=theme.pick(colour, name))
        self._text.tag_configure("match", background=theme.pick(theme.MATCH_BACKGROUND, name))
        self._text.tag_configure(EDGE, background=theme.pick(theme.EDGE_BACKGROUND, name))
        self._text.tag_configure(HERE, underlinefg=theme.pick(theme.FOCUS_RING, name))

    def refresh_paused(self) -> None:
        """Called now and then: the pause ends once the user is back at the end."""
        if self.paused and self._at_end():
            self._set_paused(False)

    # -- inside: writing ---------------------------------------------------------------

    def _hold(self, entry: LogEntry) -> None:
        self._held.append(entry)
        if self._release_after is None:
            self._release_after = self.after(self._release_ms, self._release)

    @property
    def _release_ms(self) -> int:
        return RELEASE_MS if self.view_shown else HIDDEN_RELEASE_MS

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
            due = due[-self.model.limit :]
            self.model.add(due)
            self._write(due)
        if self._held and self._release_after is None:
            self._release_after = self.after(self._release_ms, self._release)

    def _write(self, entries: list[LogEntry]) -> None:
        """Append the entries that pass the filter in one insert, drop what the model let go, follow the end.

        While the view is hidden the Text is left as it is, and written again from the model once shown.
        """
        if not self.view_shown:
            self._behind = True
            return
        shown = [entry for entry in entries if self.filter.matches(entry)]
        parts: list[str] = []
        added: list[_Shown] = []
        for entry in shown:
            segments, lines = entry.segments(self._tr, self.hex_view)
            parts += segments
            added.append(_Shown(entry, lines))

        def write() -> None:
            end_before = self._line_count()
            if parts:
                self._text.insert("end", *parts)
            self._mark_and_highlight(added, first_line=end_before + 1)
            self._shown.extend(added)
            self._drop_gone()

        self._edit(write)
        self.matches += sum(1 for item in added if self.filter.text)
        self._show_count()
        if not self.paused:
            self._text.see("end")

    def _rewrite(self) -> None:
        """Write the whole log again from the model: after a search, a filter or the hex view changed, or once
        the view is shown again."""
        self.flush()
        if not self.view_shown:
            self._behind = True
            return
        self._behind = False
        self._forget_growth()
        self._marks.clear()
        self._shown.clear()
        self.matches = 0

        def clear() -> None:
            self._text.delete("1.0", "end")
            for name in self._text.mark_names():
                if name.startswith(("open", "start")):
                    self._text.mark_unset(name)

        self._edit(clear)
        self._write(self.model.entries())

    def _mark_and_highlight(self, added: list[_Shown], first_line: int) -> None:
        """Highlight every match with one Tk call (`tag add` takes many ranges: one call per match made a search
        over 5,000 lines slow), and mark where each open entry ends."""
        text, line = self._text, first_line
        ranges: list[str] = []
        searching = bool(self.filter.text)
        for item in added:
            entry = item.entry
            spans = self.filter.spans(entry.body()) if searching else []
            head = len(entry.head()) if spans or not entry.complete else 0
            for start, end in spans:
                ranges += (f"{line}.{head + start}", f"{line}.{head + end}")
            if not entry.complete:
                self._mark_count += 1
                start_mark, end_mark = f"start{self._mark_count}", f"open{self._mark_count}"
                text.mark_set(start_mark, f"{line}.0")
                text.mark_gravity(start_mark, "left")
                text.mark_set(end_mark, f"{line}.{head + len(entry.body())}")
                self._marks[id(entry)] = (start_mark, end_mark)
            line += item.lines
        if ranges:
            text.tag_add("match", *ranges)

    def _drop_gone(self) -> None:
        """Delete the lines of entries the model no longer keeps (the oldest)."""
        oldest, lines = self.model.first_seq, 0
        while self._shown and self._shown[0].entry.seq < oldest:
            gone = self._shown.popleft()
            lines += gone.lines
            marks = self._marks.pop(id(gone.entry), None)
            if marks is not None:
                for mark in marks:
                    self._text.mark_unset(mark)
        if lines:
            self._text.delete("1.0", f"{lines + 1}.0")

    def _grow(self, entry: LogEntry, added: list[Segment]) -> None:
        """An entry on screen grew: what it adds is written with the other growths, within RELEASE_MS."""
        if not self.view_shown:  # written whole from the model once the view is shown
            self._behind = True
            return
        pending = self._growing.get(id(entry))
        if pending is None:
            self._growing[id(entry)] = (entry, list(added))
        else:
            pending[1].extend(added)
        if self._grow_after is None:
            self._grow_after = self.after(RELEASE_MS, self._write_growth)

    def _write_growth(self) -> None:
        """Write what the entries on screen added since the last time, in one Text edit."""
        self._grow_after = None
        growing, self._growing = self._growing, {}
        if not growing:
            return
        if not self.view_shown:  # hidden meanwhile: written whole from the model once shown
            self._behind = True
            return
        text, tr = self._text, self._tr

        def grow() -> None:
            for entry, added in growing.values():
                marks = self._marks.get(id(entry))
                if marks is None:  # dropped from the Text meanwhile (a clear, a rewrite, the oldest lines)
                    continue
                start, end = marks
                if self.hex_view or entry.hex_shown:
                    self._redraw(entry, start, end)
                else:
                    for piece, tag in added:
                        if piece:
                            text.insert(end, piece, tag or entry.tag)
                    if entry.complete:
                        mark, tail = entry.mark(tr), entry.tail(tr)
                        if mark:
                            text.insert(end, mark, "mark")
                        if tail:
                            text.insert(end, tail, "rtt")
                if entry.complete:
                    text.mark_unset(start)
                    text.mark_unset(end)
                    self._marks.pop(id(entry), None)

        self._edit(grow)
        if not self.paused:
            text.see("end")

    def _forget_growth(self) -> None:
        """The Text is written anew from the model (which has every byte): pending growths are moot."""
        self._growing.clear()
        if self._grow_after is not None:
            self.after_cancel(self._grow_after)
            self._grow_after = None

    def _redraw(self, entry: LogEntry, start: str, end: str) -> None:
        """Write one entry again where it stands: its hex rows change as its bytes arrive."""
        text = self._text
        item = next((shown for shown in reversed(self._shown) if shown.entry is entry), None)
        if item is None:
            return
        text.delete(start, f"{start} + {item.lines} lines linestart")
        segments, item.lines = entry.segments(self._tr, self.hex_view)
        text.insert(start, *segments)
        if not entry.complete:  # still open: its end mark goes to its text's new end
            line = str(text.index(start)).split(".")[0]
            text.mark_set(end, f"{line}.{len(entry.head()) + len(entry.body())}")

    def _line_count(self) -> int:
        return int(str(self._text.index("end-1c")).split(".")[0]) - 1

    def _edit(self, change: Callable[[], object]) -> None:
        self.text_writes += 1
        self._text.configure(state="normal")
        try:
            change()
        finally:
            self._text.configure(state="disabled")

    # -- inside: the user's hand ---------------------------------------------------------

    def _search_soon(self) -> None:
        if self._search_after is not None:
            self.after_cancel(self._search_after)
        self._search_after = self.after(SEARCH_DELAY_MS, self._filter_changed)

    def _filter_changed(self) -> None:
        self._search_after = None
        sides = {"sides": ALL_SIDES, "server": frozenset({Side.SERVER}), "client": frozenset({Side.CLIENT})}
        directions = {
            "ways": ALL_DIRECTIONS,
            "in": frozenset({Direction.IN, Direction.INFO, Direction.ERROR}),
            "out": frozenset({Direction.OUT, Direction.INFO, Direction.ERROR}),
        }
        self._side = self._chosen(self.side_picker, _SIDE_CHOICES)
        self._direction = self._chosen(self.direction_picker, _DIRECTION_CHOICES)
        try:
            new = LogFilter.make(
                str(self.search_entry.get()),
                bool(self.regex_box.get()),
                sides[self._side] | {Side.APP},
                directions[self._direction],
            )
        except BadPattern as exc:
            self.count_label.configure(text=self._tr("log.bad_regex", detail=exc.detail), text_color=theme.ERROR)
            return
        if new != self.filter:
            self.filter = new
            self._rewrite()
        else:
            self._show_count()

    def _hex_switched(self) -> None:
        self.hex_view = bool(self.hex_switch.get())
        self._rewrite()

    def _toggle_entry_hex(self, event: Any) -> str:
        entry = self.entry_at(f"@{event.x},{event.y}")
        if entry is not None and entry.is_data:
            self._toggle_hex_of(entry)
        return "break"

    def _open_menu(self, event: Any) -> None:
        self._popup_menu(self.entry_at(f"@{event.x},{event.y}"), event.x_root, event.y_root)

    def _popup_menu(self, entry: LogEntry | None, x_root: int, y_root: int) -> None:
        if entry is None or not entry.is_data:
            return
        self._menu_entry = entry
        menu = self.menu
        menu.delete(0, "end")
        menu.add_command(label=self._tr("log.menu.save_message"), command=lambda: self._on_save_as_message(entry))
        menu.add_command(label=self._tr("log.menu.hex"), command=lambda: self._toggle_hex_of(entry))
        menu.tk_popup(x_root, y_root)

    # -- inside: the keyboard on a line --------------------------------------------------

    def _here(self) -> str:
        """The line the keyboard is on: the insert cursor's (the last line when it sits past the end)."""
        text = self._text
        return "end-2c linestart" if text.compare("insert", ">=", "end-1c") else "insert linestart"

    def _mark_here(self) -> None:
        text = self._text
        text.tag_remove(HERE, "1.0", "end")
        if str(text.tk.call("focus")) == str(text):  # (focus_get() fails while a menu has the focus)
            here = self._here()
            text.tag_add(HERE, here, f"{here} lineend")

    def _toggle_hex_here(self) -> str:
        entry = self.entry_at(self._here())
        if entry is not None and entry.is_data:
            self._toggle_hex_of(entry)
        return "break"

    def _open_menu_here(self) -> str:
        """The line's menu, below the line (its words are chosen with the arrows and Enter)."""
        text, here = self._text, self._here()
        text.see(here)
        box = text.bbox(here)
        x, y = (box[0], box[1] + box[3]) if box else (0, 0)
        self._popup_menu(self.entry_at(here), text.winfo_rootx() + x, text.winfo_rooty() + y)
        return "break"

    def _toggle_hex_of(self, entry: LogEntry) -> None:
        entry.hex_shown = not entry.hex_shown
        self._rewrite()
        line = 1  # the keyboard stays on this entry's line (the rewrite took the cursor to the top)
        for shown in self._shown:
            if shown.entry is entry:
                self._text.mark_set("insert", f"{line}.0")
                self._mark_here()
                break
            line += shown.lines

    def _chosen(self, picker: ctk.CTkOptionMenu, choices: tuple[str, ...]) -> str:
        shown = picker.get()
        return next((choice for choice in choices if self._tr(f"log.filter.{choice}") == shown), choices[0])

    def _show_count(self) -> None:
        tr = self._tr
        if self.filter.text:
            text = tr("log.matches", count=tr.count(self.matches))
        elif self.filter.active:
            text = tr("log.filtered")
        else:
            text = ""
        self.count_label.configure(text=text, text_color=theme.MUTED)

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
