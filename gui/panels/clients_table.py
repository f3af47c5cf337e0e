"""The connected clients: one Treeview row each (Tk draws only the visible rows).

Changes are buffered and applied once per drained batch by `flush()`, so hundreds
of clients coming and going cost one pass, not one redraw each. New counters are
written only into the rows on screen: the others are marked stale and brought up
to date when they scroll into view. Under a flood every client's counters change
four times a second, and rewriting 1,000 rows each time held the Tk thread for
about 100 ms (each `item` call is a Tcl round trip that also gives up the GIL).
While the table's view is hidden (`set_view_shown`), changes are only kept: the tree is
brought up to date once the view is shown again.
"""

from __future__ import annotations

import bisect
import math
from collections.abc import Callable
from dataclasses import dataclass
from tkinter import ttk
from typing import Any, Literal

from core.addresses import join_host_port
from core.events import ClientConnected, ClientStats
from core.input_modes import InputError, InputMode, parse
from gui import theme
from gui.fonts import Fonts
from gui.panels.widgets import PADDING, move_scrollbar, set_enabled
from gui.toolkit import ctk
from words import Translator
from words.formats import clock

COLUMNS = ("id", "address", "since", "messages", "bytes", "last")
# Widths in pixels that fit the values (HH:MM:SS, 12,345 / 12,345); a heading may ask for more.
_WIDTHS = {"id": 32, "address": 130, "since": 64, "messages": 64, "bytes": 96, "last": 64}
_ADDRESS_MIN_WIDTH = 90
BUTTON_WIDTH = 60  # the one column that gives up room when the window is narrow
_HEADING_PADDING = 16


def _anchor(column: str) -> Literal["e", "w"]:
    return "e" if column in _NUMERIC else "w"


_NUMERIC = {"id", "messages", "bytes"}


@dataclass
class _Row:
    address: str
    since: float
    messages: int = 0
    bytes_in: int = 0
    bytes_out: int = 0
    last: float = 0.0


class ClientsTable(ctk.CTkFrame):  # type: ignore[misc]
    def __init__(
        self,
        master: Any,
        tr: Translator,
        fonts: Fonts,
        *,
        on_disconnect: Callable[[list[int]], None],
        on_disconnect_all: Callable[[], None],
        on_push: Callable[[list[int] | None, bytes], None],
    ) -> None:
        super().__init__(master)
        self._tr = tr
        self._fonts = fonts
        self._on_disconnect, self._on_disconnect_all, self._on_push = on_disconnect, on_disconnect_all, on_push
        self._push_mode = InputMode.TEXT
        self._rows: dict[int, _Row] = {}
        self._shown: list[int] = []  # ids with a row in the tree, in the tree's order (ascending)
        self._dirty: set[int] = set()  # ids whose row must be added, updated or removed
        self._stale: set[int] = set()  # rows whose values are out of date (off screen when they changed)
        self.view_shown = True  # False while another view of the window is shown: the tree waits
        self.rowconfigure(1, weight=1)
        self.columnconfigure(0, weight=1)

        self.title = ctk.CTkLabel(self, font=fonts.heading, anchor="w")
        self.title.grid(row=0, column=0, sticky="w", padx=PADDING, pady=(10, 6))

        holder = ctk.CTkFrame(self, fg_color=theme.PANEL, corner_radius=0)
        holder.grid(row=1, column=0, sticky="nsew", padx=(PADDING, 4))
        holder.rowconfigure(0, weight=1)
        holder.columnconfigure(0, weight=1)
        self.tree = ttk.Treeview(holder, columns=COLUMNS, show="headings", style=theme.TREE_STYLE, height=4)
        self._natural: dict[str, int] = dict(_WIDTHS)  # widths wanted; set by retranslate()
        for column in COLUMNS:
            self.tree.column(column, anchor=_anchor(column), stretch=False)  # _fit_columns sizes them
        self.tree.grid(row=0, column=0, sticky="nsew")
        self._scrollbar = ctk.CTkScrollbar(self, command=self.tree.yview)
        self._scrollbar.grid(row=1, column=1, sticky="ns", padx=(0, 8))
        self.tree.configure(yscrollcommand=self._view_changed)

        # Push: send the clients a message they did not ask for, in any input mode.
        push = ctk.CTkFrame(self, fg_color="transparent")
        push.grid(row=2, column=0, columnspan=2, sticky="ew", padx=PADDING, pady=(8, 0))
        push.columnconfigure(1, weight=1)
        self.push_label = ctk.CTkLabel(push, font=fonts.body, anchor="w")
        self.push_label.grid(row=0, column=0, sticky="w", padx=(0, 6))
        self.push_entry = ctk.CTkEntry(push, font=fonts.mono)
        self.push_entry.grid(row=0, column=1, sticky="ew")
        self.push_entry.bind("<KeyRelease>", lambda _e: self._check_push(), add="+")
        self.push_mode_picker = ctk.CTkSegmentedButton(push, font=fonts.small, command=self._push_mode_picked)
        self.push_mode_picker.grid(row=0, column=2, padx=(6, 0))
        self.push_hint = ctk.CTkLabel(push, text="", font=fonts.small, text_color=theme.MUTED, anchor="w", height=16)
        self.push_hint.grid(row=1, column=1, columnspan=2, sticky="w")

        buttons = ctk.CTkFrame(self, fg_color="transparent")
        buttons.grid(row=3, column=0, columnspan=2, sticky="ew", padx=PADDING, pady=(2, 10))
        buttons.columnconfigure(2, weight=1)
        # Buttons as wide as their words (at least BUTTON_WIDTH): four of them share the panel's width.
        self.disconnect_button = ctk.CTkButton(
            buttons, width=BUTTON_WIDTH, font=fonts.small, command=self._disconnect_pressed
        )
        self.disconnect_all_button = ctk.CTkButton(
            buttons, width=BUTTON_WIDTH, font=fonts.small, command=self._on_disconnect_all
        )
        self.push_selected_button = ctk.CTkButton(
            buttons, width=BUTTON_WIDTH, font=fonts.small, command=lambda: self._push(selected=True)
        )
        self.push_all_button = ctk.CTkButton(
            buttons, width=BUTTON_WIDTH, font=fonts.small, command=lambda: self._push(selected=False)
        )
        # Sending on the left, disconnecting on the right, apart: the buttons that end sessions stand on their own.
        self.push_selected_button.grid(row=0, column=0)
        self.push_all_button.grid(row=0, column=1, padx=(6, 0))
        self.disconnect_button.grid(row=0, column=3, padx=(6, 0))
        self.disconnect_all_button.grid(row=0, column=4, padx=(6, 0))
        self.tree.bind("<<TreeviewSelect>>", lambda _e: self._update_buttons())
        self.tree.bind("<Configure>", lambda _e: self._fit_columns())
        self.tree.bind("<Delete>", lambda _e: self.disconnect_button.invoke())

        self.retranslate()
        self._update_buttons()

    # -- events from the server (buffered) ---------------------------------------

    def add_client(self, event: ClientConnected) -> None:
        self._rows[event.client_id] = _Row(
            join_host_port(event.host, event.port), event.when.wall, last=event.when.wall
        )
        self._dirty.add(event.client_id)

    def remove_client(self, client_id: int) -> None:
        if self._rows.pop(client_id, None) is not None:
            self._dirty.add(client_id)

    def update_stats(self, changed: tuple[ClientStats, ...]) -> None:
        for stats in changed:
            row = self._rows.get(stats.client_id)
            if row is None:
                continue  # already gone
            row.messages, row.bytes_in, row.bytes_out = stats.messages_in, stats.bytes_in, stats.bytes_out
            row.last = stats.last_activity
            self._dirty.add(stats.client_id)

    def clear(self) -> None:
        self._dirty.update(self._rows)
        self._rows.clear()

    def set_view_shown(self, shown: bool) -> None:
        """The table's view was shown or hidden; shown again, the tree catches up at once."""
        if shown != self.view_shown:
            self.view_shown = shown
            self.flush()

    def flush(self) -> None:
        """Bring the tree up to date with every change since the last flush (while the view is shown)."""
        if not self._dirty:
            return
        if not self.view_shown:
            self._forget_passing()
            return
        self._apply()

    def _forget_passing(self) -> None:
        """Hidden: forget the changes of clients that came and went since (no row was ever made for them), so
        what waits stays as small as the clients connected plus the rows there were."""
        if len(self._dirty) > 2 * (len(self._rows) + len(self._shown)):
            rows, shown = self._rows, set(self._shown)
            self._dirty = {client_id for client_id in self._dirty if client_id in rows or client_id in shown}

    def _apply(self) -> None:
        tree, shown, rows = self.tree, self._shown, self._rows
        gone = {client_id for client_id in self._dirty if client_id not in rows}
        if gone:
            kept = [client_id for client_id in shown if client_id not in gone]
            if len(kept) < len(shown):
                tree.delete(*(str(client_id) for client_id in shown if client_id in gone))
                shown[:] = kept
            self._stale -= gone
        for client_id in sorted(self._dirty - gone):
            index = bisect.bisect_left(shown, client_id)
            if index < len(shown) and shown[index] == client_id:
                self._stale.add(client_id)
            else:  # new rows go where their id sorts, so `shown` stays the tree's order
                tree.insert("", index, iid=str(client_id), values=self._values(client_id, rows[client_id]))
                shown.insert(index, client_id)
        self._dirty.clear()
        if self._stale:
            first, last = tree.yview()
            self._refresh_rows(float(first), float(last))
        self._update_buttons()

    # -- reading -----------------------------------------------------------------

    @property
    def client_ids(self) -> list[int]:
        return sorted(self._rows)

    def shown_values(self, client_id: int) -> dict[str, str]:
        """What the row says, column by column (a row off screen is brought up to date first)."""
        if self._dirty:
            self._apply()
        if client_id in self._stale:
            self._write_row(client_id)
        values = self.tree.item(str(client_id), "values")
        return dict(zip(COLUMNS, (str(v) for v in values), strict=True))

    def select(self, client_ids: list[int]) -> None:
        self.tree.selection_set([str(client_id) for client_id in client_ids])
        self._update_buttons()

    def selected_ids(self) -> list[int]:
        return [int(iid) for iid in self.tree.selection()]

    # -- look --------------------------------------------------------------------

    def retranslate(self) -> None:
        tr = self._tr
        self.title.configure(text=tr("clients.title"))
        for column in COLUMNS:
            heading = tr(f"clients.col.{column}")
            self.tree.heading(column, text=heading, anchor=_anchor(column))
            fits_heading = self._fonts.table.measure(heading) + _HEADING_PADDING
            self._natural[column] = max(_WIDTHS[column], fits_heading)
        self._fit_columns()
        self.disconnect_button.configure(text=tr("clients.disconnect"))
        self.disconnect_all_button.configure(text=tr("clients.disconnect_all"))
        self.push_label.configure(text=tr("clients.push"))
        self.push_selected_button.configure(text=tr("clients.push_selected"))
        self.push_all_button.configure(text=tr("clients.push_all"))
        self.push_mode_picker.configure(values=[tr(f"input.mode.{mode.value}") for mode in InputMode])
        self.push_mode_picker.set(tr(f"input.mode.{self._push_mode.value}"))
        self._check_push()
        self._dirty.update(self._rows)  # numbers are grouped the new language's way
        self.flush()

    def apply_theme(self, name: str) -> None:
        row_height = self._fonts.table.metrics("linespace") + 8
        theme.style_tree(self, name, row_height, self._fonts.table)

    # -- inside ------------------------------------------------------------------

    def _values(self, client_id: int, row: _Row) -> tuple[str, ...]:
        count = self._tr.count
        return (
            str(client_id),
            row.address,
            clock(row.since),
            count(row.messages),
            f"{count(row.bytes_in)} / {count(row.bytes_out)}",
            clock(row.last),
        )

    def _view_changed(self, first: float | str, last: float | str) -> None:
        """Tk's yscrollcommand (fractions, passed as strings): the visible rows changed."""
        move_scrollbar(self._scrollbar, first, last)
        if self._stale:
            self._refresh_rows(float(first), float(last))

    def _refresh_rows(self, first: float, last: float) -> None:
        """Bring the stale rows between the view's fractions `first` and `last` up to date."""
        count = len(self._shown)
        # Every row has the same height, so the fractions map to row indexes; one row of margin each side.
        top, bottom = max(0, math.floor(first * count) - 1), min(count, math.ceil(last * count) + 1)
        for client_id in self._shown[top:bottom]:
            if client_id in self._stale:
                self._write_row(client_id)

    def _write_row(self, client_id: int) -> None:
        self._stale.discard(client_id)
        row = self._rows.get(client_id)
        if row is not None:  # else gone since: the next flush() deletes its row
            self.tree.item(str(client_id), values=self._values(client_id, row))

    def _fit_columns(self) -> None:
        """Fill the table's width: the address takes what is spare, or gives up what is missing."""
        available = self.tree.winfo_width()
        if available <= 1:  # not laid out yet
            available = sum(self._natural.values())
        others = sum(width for column, width in self._natural.items() if column != "address")
        address = max(_ADDRESS_MIN_WIDTH, available - others)
        for column, width in self._natural.items():
            wanted = address if column == "address" else width
            if self.tree.column(column, "width") != wanted:
                self.tree.column(column, width=wanted, minwidth=min(wanted, _ADDRESS_MIN_WIDTH))

    def _update_buttons(self) -> None:
        selected, anyone = bool(self.tree.selection()), bool(self._shown)
        set_enabled(self.disconnect_button, selected)
        set_enabled(self.disconnect_all_button, anyone)
        set_enabled(self.push_selected_button, selected)
        set_enabled(self.push_all_button, anyone)

    def choose_push_mode(self, mode: InputMode) -> None:
        self._push_mode = mode
        self.push_mode_picker.set(self._tr(f"input.mode.{mode.value}"))
        self._check_push()

    def _push_mode_picked(self, label: str) -> None:
        for mode in InputMode:
            if self._tr(f"input.mode.{mode.value}") == label:
                self._push_mode = mode
        self._check_push()

    def _push_data(self) -> bytes | None:
        """The bytes typed to push, or None (the reason shown) if they are not valid in the chosen mode."""
        try:
            data = parse(str(self.push_entry.get()), self._push_mode)
        except InputError as exc:
            self.push_hint.configure(text=self._tr.input_error(exc), text_color=theme.ERROR)
            return None
        self.push_hint.configure(text="", text_color=theme.MUTED)
        return data

    def _check_push(self) -> None:
        self._push_data()

    def _push(self, selected: bool) -> None:
        data = self._push_data()
        if not data:
            return  # invalid (said), or nothing typed
        targets = self.selected_ids() if selected else None
        if selected and not targets:
            return
        self._on_push(targets, data)

    def _disconnect_pressed(self) -> None:
        ids = self.selected_ids()
        if ids:
            self._on_disconnect(ids)
