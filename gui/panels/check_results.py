"""The check view's results: a checklist (✓ or ✗ per check, the usual cause of a failure, a detail that opens
to show what happened and the bytes sent and received) and the class table (one row per student, one
column per check, numbered as in the checklist)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from tkinter import ttk
from typing import Any

from core.check import SERVER_CHECK_IDS, CheckResult, Outcome, Report
from core.check.targets import Student
from gui import theme
from gui.ctk_private import inner_text
from gui.fonts import Fonts
from gui.keyboard import make_keyboard_ready
from gui.panels.widgets import fit_wrap
from gui.parts.check_display import (
    FAIL_MARK,
    NOT_RUN_MARK,
    PASS_MARK,
    PENDING_MARK,
    class_marks,
    results_that_ran,
    shown_bytes,
)
from gui.toolkit import ctk
from words import Translator

DETAIL_LINES_MAX = 12  # a detail box grows to this many lines, then scrolls
DETAIL_PADDING = 2  # pixels above and below a detail's text
DETAIL_FRAME = 12  # the box's own edge round its text, until it is on screen and can be measured
TOGGLE_WIDTH = 76
NUMBER_WIDTH = 22
MARK_WIDTH = 20
TABLE_NAME_WIDTH = 150
TABLE_MARK_WIDTH = 28
TABLE_TOTAL_WIDTH = 40
TABLE_ROWS = 6
Render = Callable[[], str]


class _Row:
    """One check in a checklist: number, mark, title, a Details button, the hint, and the detail once opened."""

    def __init__(self, master: Any, tr: Translator, fonts: Fonts, number: int, check_id: str, title_key: str) -> None:
        self._tr, self._fonts = tr, fonts
        self.check_id, self._title_key = check_id, title_key
        self.result: CheckResult | None = None
        self.not_run = False
        self.open = False
        self.number = ctk.CTkLabel(master, text=str(number), width=NUMBER_WIDTH, anchor="e", text_color=theme.MUTED)
        self.mark = ctk.CTkLabel(master, text=PENDING_MARK, width=MARK_WIDTH, font=fonts.heading)
        self.title = ctk.CTkLabel(master, font=fonts.body, anchor="w", justify="left")
        self.toggle = ctk.CTkButton(
            master,
            width=TOGGLE_WIDTH,
            height=24,
            font=fonts.small,
            command=self.flip,
            fg_color="transparent",
            border_width=1,
            border_color=theme.MUTED,
            text_color=theme.TEXT,
            hover_color=theme.PANEL,
        )
        self.hint = ctk.CTkLabel(master, font=fonts.small, anchor="w", justify="left", text_color=theme.ERROR)
        self.detail: ctk.CTkTextbox | None = None  # made the first time it is opened
        self._detail_holder: ctk.CTkFrame | None = None
        self._master = master
        self._grid_row = 0

    def place(self, grid_row: int) -> None:
        self._grid_row = grid_row
        self.number.grid(row=grid_row, column=0, sticky="ne", padx=(0, 4), pady=(4, 0))
        self.mark.grid(row=grid_row, column=1, sticky="n", pady=(2, 0))
        self.title.grid(row=grid_row, column=2, sticky="ew", padx=(6, 6), pady=(4, 0))
        self.toggle.grid(row=grid_row, column=3, sticky="ne", pady=(4, 0))
        self.refresh()

    def wrap(self, width: int, hint_width: int) -> None:
        fit_wrap(self.title, width)
        fit_wrap(self.hint, hint_width)

    def show(self, result: CheckResult | None, not_run: bool = False) -> None:
        """Show a result (None: waiting for it, or never run when `not_run`); the detail closes."""
        self.result, self.not_run = result, not_run
        if self.open:
            self.flip()
        self.refresh()

    def refresh(self) -> None:
        """Words and marks in the current language."""
        tr, result = self._tr, self.result
        self.title.configure(text=tr(self._title_key))
        if result is None:
            self.mark.configure(text=NOT_RUN_MARK if self.not_run else PENDING_MARK, text_color=theme.MUTED)
            self.title.configure(text_color=theme.MUTED)
            self.toggle.grid_remove()
            self.hint.grid_remove()
            return
        self.mark.configure(
            text=PASS_MARK if result.passed else FAIL_MARK, text_color=theme.OK if result.passed else theme.ERROR
        )
        self.title.configure(text_color=theme.TEXT)
        self.toggle.configure(text=tr("check.view.hide" if self.open else "check.view.details"))
        self.toggle.grid()
        if result.passed:
            self.hint.grid_remove()
        else:
            self.hint.configure(text=tr("check.view.hint", hint=tr(result.hint)))
            self.hint.grid(row=self._grid_row + 1, column=2, columnspan=2, sticky="ew", padx=(6, 6))
        if self.open and self.detail is not None:
            self._fill_detail(self.detail)

    def flip(self) -> None:
        """Open or close the detail: what happened, and the bytes sent and received (and what a program printed)."""
        if self.result is None:
            return
        self.open = not self.open
        if self.open:
            if self.detail is None:
                self._make_detail()
            assert self.detail is not None and self._detail_holder is not None
            self._fill_detail(self.detail)
            self._detail_holder.grid(
                row=self._grid_row + 2, column=1, columnspan=3, sticky="ew", padx=(6, 6), pady=(2, 6)
            )
        elif self._detail_holder is not None:
            self._detail_holder.grid_remove()
        self.toggle.configure(text=self._tr("check.view.hide" if self.open else "check.view.details"))

    def _make_detail(self) -> None:
        # In a holder of its own, so making it keyboard-ready touches nothing else (the row's buttons are already).
        holder = self._detail_holder = ctk.CTkFrame(self._master, fg_color="transparent")
        holder.columnconfigure(0, weight=1)
        self.detail = ctk.CTkTextbox(holder, font=self._fonts.mono, wrap="char", height=60, fg_color=theme.PANEL)
        self.detail.grid(row=0, column=0, sticky="ew")
        # Wrapped lines are known only once it has its width (and change when it does).
        inner_text(self.detail).bind("<Configure>", lambda _e: self._fit_detail(), add="+")
        make_keyboard_ready(holder)

    def detail_text(self) -> str:
        """What the open detail says (empty before a result)."""
        result, tr = self.result, self._tr
        if result is None:
            return ""
        parts = [tr("check.view.what", detail=tr.check_detail(result.detail))]
        for key, clip in (("check.view.sent", result.sent), ("check.view.received", result.received)):
            parts.append(tr(key, size=tr.count(clip.length)))
            parts.append(shown_bytes(clip) or tr("check.view.nothing"))
        if result.output.length:
            parts.append(tr("check.view.printed", size=tr.count(result.output.length)))
            parts.append(shown_bytes(result.output))
        return "\n".join(parts)

    def _fill_detail(self, box: ctk.CTkTextbox) -> None:
        box.configure(state="normal")
        box.delete("1.0", "end")
        box.insert("1.0", self.detail_text())
        box.configure(state="disabled")
        self._fit_detail()

    def _fit_detail(self) -> None:
        """As tall as the detail's lines as shown (long ones wrap), up to DETAIL_LINES_MAX; then it scrolls."""
        box = self.detail
        if box is None:
            return
        text = inner_text(box)
        counted = text.count("1.0", "end-1c", "displaylines")
        lines = min(DETAIL_LINES_MAX, (counted[0] if isinstance(counted, tuple) else int(counted or 0)) + 1)
        inner = lines * self._fonts.mono.metrics("linespace") + 2 * (int(text.cget("pady")) + DETAIL_PADDING)
        frame = box.winfo_height() - text.winfo_height() if box.winfo_ismapped() else DETAIL_FRAME
        height = inner + max(0, frame)
        if int(box.cget("height")) != height:
            box.configure(height=height)


class Checklist(ctk.CTkScrollableFrame):  # type: ignore[misc]
    """The checks of one kind of run, in the registry's order, each filled in as it finishes.

    The rows are made the first time there is something to show, so an unused checklist costs nothing.
    """

    def __init__(
        self, master: Any, tr: Translator, fonts: Fonts, check_ids: Sequence[str], title_of: Callable[[str], str]
    ) -> None:
        super().__init__(master, fg_color=theme.PANEL_INSET)
        self._tr, self._fonts = tr, fonts
        self._ids, self._title_of = tuple(check_ids), title_of
        self.rows: dict[str, _Row] = {}
        self._caption: Render = lambda: ""
        self.columnconfigure(2, weight=1)
        self.caption = ctk.CTkLabel(self, font=fonts.body, anchor="w", justify="left", text="")
        self.caption.grid(row=0, column=0, columnspan=4, sticky="ew", padx=6, pady=(6, 2))
        self.empty = ctk.CTkLabel(self, font=fonts.body, anchor="w", justify="left", text_color=theme.MUTED)
        self.empty.grid(row=1, column=0, columnspan=4, sticky="ew", padx=6, pady=6)
        self.bind("<Configure>", lambda event: self._wrap(int(event.width)))
        self.retranslate()

    def _wrap(self, width: int) -> None:
        fit_wrap(self.caption, width - 12)
        fit_wrap(self.empty, width - 12)
        for row in self.rows.values():
            row.wrap(width - NUMBER_WIDTH - MARK_WIDTH - TOGGLE_WIDTH - 40, width - NUMBER_WIDTH - MARK_WIDTH - 40)

    def _ensure_rows(self) -> None:
        if self.rows:
            return
        self.empty.grid_remove()
        for number, check_id in enumerate(self._ids, start=1):
            row = _Row(self, self._tr, self._fonts, number, check_id, self._title_of(check_id))
            row.place(2 + 3 * (number - 1))
            self.rows[check_id] = row
        self._wrap(self.winfo_width())
        make_keyboard_ready(self)

    def start(self, caption: Render) -> None:
        """A new run: every check waiting."""
        self._ensure_rows()
        self.show_caption(caption)
        for row in self.rows.values():
            row.show(None)

    def add(self, result: CheckResult) -> None:
        self._ensure_rows()
        self.rows[result.check_id].show(result)

    def finish(self) -> None:
        """The run is over: checks still waiting never ran."""
        for row in self.rows.values():
            if row.result is None:
                row.show(None, not_run=True)

    def show_report(self, report: Report, caption: Render) -> None:
        """A whole report at once (a student picked in the class table)."""
        self.start(caption)
        for result in results_that_ran(report):
            self.add(result)
        self.finish()

    def show_caption(self, caption: Render) -> None:
        self._caption = caption
        self.caption.configure(text=caption())

    def retranslate(self) -> None:
        self.empty.configure(text=self._tr("check.view.empty"))
        self.caption.configure(text=self._caption())
        for row in self.rows.values():
            row.refresh()


class ClassTable(ctk.CTkFrame):  # type: ignore[misc]
    """One row per student, one column per check (numbered as in the checklist), and the checks passed."""

    def __init__(self, master: Any, tr: Translator, fonts: Fonts, on_pick: Callable[[int], None]) -> None:
        super().__init__(master, fg_color=theme.PANEL_INSET)
        self._tr = tr
        self._on_pick = on_pick
        self.rows: list[tuple[Student, Report]] = []
        self.columns = ("student", *(str(n) for n in range(1, len(SERVER_CHECK_IDS) + 1)), "passed")
        self.columnconfigure(0, weight=1)
        self.rowconfigure(0, weight=1)
        self.tree = ttk.Treeview(self, columns=self.columns, show="headings", style=theme.TREE_STYLE, height=TABLE_ROWS)
        for column in self.columns:
            width = {"student": TABLE_NAME_WIDTH, "passed": TABLE_TOTAL_WIDTH}.get(column, TABLE_MARK_WIDTH)
            self.tree.column(column, width=width, minwidth=width, stretch=column == "student", anchor="center")
        self.tree.column("student", anchor="w")
        self.tree.grid(row=0, column=0, sticky="nsew")
        scrollbar = ctk.CTkScrollbar(self, command=self.tree.yview)
        scrollbar.grid(row=0, column=1, sticky="ns")
        self.tree.configure(yscrollcommand=scrollbar.set)
        self.tree.bind("<<TreeviewSelect>>", lambda _e: self._picked())
        # The columns' numbers, with the stable ids they stand for (the CSV's column names).
        legend = " · ".join(f"{n} {check_id}" for n, check_id in enumerate(SERVER_CHECK_IDS, start=1))
        self.legend = ctk.CTkLabel(self, text=legend, font=fonts.small, text_color=theme.MUTED, anchor="w")
        self.legend.configure(justify="left")
        self.legend.grid(row=1, column=0, columnspan=2, sticky="ew", padx=6, pady=(2, 4))
        self.bind("<Configure>", lambda event: fit_wrap(self.legend, int(event.width) - 12))
        self.retranslate()

    def clear(self) -> None:
        self.rows = []
        self.tree.delete(*self.tree.get_children())

    def add(self, student: Student, report: Report) -> None:
        self.rows.append((student, report))
        self.tree.insert("", "end", iid=str(len(self.rows) - 1), values=self._values(student, report))

    def _values(self, student: Student, report: Report) -> list[str]:
        name = student.name
        if report.outcome is Outcome.UNREACHABLE:  # too long for a mark's column: said beside the name
            name = self._tr("check.view.unreachable_student", name=name, reason=self._tr("check.face.unreachable-cell"))
        return [name, *class_marks(report, SERVER_CHECK_IDS), str(report.passed)]

    def cells(self, index: int) -> list[str]:
        """What row `index` shows, column by column."""
        return [str(value) for value in self.tree.item(str(index), "values")]

    def pick(self, index: int) -> None:
        self.tree.selection_set(str(index))
        self.tree.see(str(index))

    def _picked(self) -> None:
        chosen = self.tree.selection()
        if chosen:
            self._on_pick(int(chosen[0]))

    def retranslate(self) -> None:
        self.tree.heading("student", text=self._tr("check.face.student"), anchor="w")
        for n in range(1, len(SERVER_CHECK_IDS) + 1):
            self.tree.heading(str(n), text=str(n))
        self.tree.heading("passed", text=PASS_MARK)
        for index, (student, report) in enumerate(self.rows):
            self.tree.item(str(index), values=self._values(student, report))
