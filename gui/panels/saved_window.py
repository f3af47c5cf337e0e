"""The saved messages, in a window of their own: add, rename, reorder, delete, send, repeat, import and export.

The list is the App's `SavedMessages`; every change goes through `on_change` (the App
keeps it in the settings). The first nine are sent with Ctrl+1…9 from the main window.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from tkinter import filedialog, ttk
from typing import Any

from core.defaults import LineEnding
from core.input_modes import InputError, InputMode, parse
from gui import theme
from gui.fonts import Fonts
from gui.keyboard import make_keyboard_ready
from gui.panels.widgets import PADDING, StatusLine, replace_entry_text
from gui.parts.saved_messages import BadSavedMessages, SavedMessage, SavedMessages
from gui.toolkit import ctk
from words import Translator

COLUMNS = ("key", "name", "text", "mode", "ending")
_ENDINGS = (LineEnding.NONE, LineEnding.LF, LineEnding.CR, LineEnding.CRLF)


class SavedWindow(ctk.CTkToplevel):  # type: ignore[misc]
    def __init__(
        self,
        master: Any,
        tr: Translator,
        fonts: Fonts,
        *,
        saved: SavedMessages,
        theme_name: str,
        current: Callable[[], SavedMessage],
        on_send: Callable[[SavedMessage], None],
        on_repeat: Callable[[SavedMessage], None],
        on_change: Callable[[], None],
    ) -> None:
        super().__init__(master)
        self._tr, self.saved = tr, saved
        self._current, self._on_send, self._on_change = current, on_send, on_change
        self._on_repeat = on_repeat
        self.title(tr("saved.title"))
        self.geometry("720x460")
        self.minsize(620, 380)
        self.columnconfigure(0, weight=1)
        self.rowconfigure(1, weight=1)

        top = ctk.CTkFrame(self, fg_color="transparent")
        top.grid(row=0, column=0, sticky="ew", padx=PADDING, pady=(12, 6))
        self.add_button = ctk.CTkButton(top, font=fonts.body, command=self.add_current)
        self.add_button.grid(row=0, column=0)
        self.import_button = ctk.CTkButton(top, font=fonts.body, command=self.ask_import)
        self.import_button.grid(row=0, column=1, padx=(8, 0))
        self.export_button = ctk.CTkButton(top, font=fonts.body, command=self.ask_export)
        self.export_button.grid(row=0, column=2, padx=(8, 0))

        holder = ctk.CTkFrame(self, fg_color=theme.PANEL, corner_radius=0)
        holder.grid(row=1, column=0, sticky="nsew", padx=PADDING)
        holder.rowconfigure(0, weight=1)
        holder.columnconfigure(0, weight=1)
        self.tree = ttk.Treeview(holder, columns=COLUMNS, show="headings", style=theme.TREE_STYLE, selectmode="browse")
        for name, width in zip(COLUMNS, (56, 140, 300, 70, 70), strict=True):
            self.tree.column(name, width=width, stretch=name == "text")
        self.tree.grid(row=0, column=0, sticky="nsew")
        self.tree.bind("<<TreeviewSelect>>", lambda _e: self._selected())
        self.tree.bind("<Double-Button-1>", lambda _e: self.send_selected())
        self.tree.bind("<Return>", lambda _e: self.send_selected())
        self.tree.bind("<Delete>", lambda _e: self.delete_selected())

        edit = ctk.CTkFrame(self, fg_color="transparent")
        edit.grid(row=2, column=0, sticky="ew", padx=PADDING, pady=(8, 0))
        edit.columnconfigure(1, weight=1)
        self.name_label = ctk.CTkLabel(edit, font=fonts.body)
        self.name_label.grid(row=0, column=0, sticky="w", padx=(0, 8))
        self.name_entry = ctk.CTkEntry(edit, font=fonts.body)
        self.name_entry.grid(row=0, column=1, sticky="ew")
        self.text_label = ctk.CTkLabel(edit, font=fonts.body)
        self.text_label.grid(row=1, column=0, sticky="w", padx=(0, 8), pady=(6, 0))
        self.text_entry = ctk.CTkEntry(edit, font=fonts.mono)
        self.text_entry.grid(row=1, column=1, sticky="ew", pady=(6, 0))
        pickers = ctk.CTkFrame(edit, fg_color="transparent")
        pickers.grid(row=2, column=1, sticky="w", pady=(6, 0))
        self.mode_picker = ctk.CTkSegmentedButton(pickers, font=fonts.small)
        self.mode_picker.grid(row=0, column=0)
        self.ending_picker = ctk.CTkSegmentedButton(pickers, font=fonts.small)
        self.ending_picker.grid(row=0, column=1, padx=(10, 0))

        actions = ctk.CTkFrame(self, fg_color="transparent")
        actions.grid(row=3, column=0, sticky="ew", padx=PADDING, pady=(8, 4))
        self.send_button = ctk.CTkButton(actions, width=90, font=fonts.body, command=self.send_selected)
        # Every N ms, N times, as the Repeat fields of the main window say; Stop is there too.
        self.repeat_button = ctk.CTkButton(actions, width=90, font=fonts.body, command=self.repeat_selected)
        self.update_button = ctk.CTkButton(actions, width=90, font=fonts.body, command=self.update_selected)
        self.up_button = ctk.CTkButton(actions, width=60, font=fonts.body, command=lambda: self.move_selected(-1))
        self.down_button = ctk.CTkButton(actions, width=60, font=fonts.body, command=lambda: self.move_selected(1))
        self.delete_button = ctk.CTkButton(actions, width=90, font=fonts.body, command=self.delete_selected)
        buttons = (
            self.send_button,
            self.repeat_button,
            self.update_button,
            self.up_button,
            self.down_button,
            self.delete_button,
        )
        for place, button in enumerate(buttons):
            button.grid(row=0, column=place, padx=(0 if place == 0 else 8, 0))
        self.status = StatusLine(self, fonts.small)
        self.status.grid(row=4, column=0, sticky="ew", padx=PADDING, pady=(0, 10))

        theme.style_tree(self, theme_name, fonts.table.metrics("linespace") + 8, fonts.table)
        self.retranslate()
        self.refresh()
        make_keyboard_ready(self)  # built after the main window was: its controls get their rings and keys here

    # -- intents -------------------------------------------------------------------

    def add_current(self) -> None:
        """Add the message in the main window's box (its mode and ending too)."""
        index = self.saved.add(self._current())
        self._changed(index)

    def send_selected(self) -> None:
        index = self.selected()
        if index is not None:
            self._on_send(self.saved.items[index])

    def repeat_selected(self) -> None:
        index = self.selected()
        if index is not None:
            self._on_repeat(self.saved.items[index])

    def update_selected(self) -> None:
        """Keep what the fields say (name, text, mode, ending) for the chosen message."""
        index = self.selected()
        if index is None:
            return
        name = str(self.name_entry.get()).strip()
        message = SavedMessage(name, str(self.text_entry.get()), self._mode().value, self._ending().name)
        if not name:
            self.status.show(lambda: self._tr("saved.name_empty"), theme.ERROR)
            return
        try:
            parse(message.text, message.input_mode)
        except InputError as exc:
            problem = exc  # `exc` is gone after the except block; the status line renders later too
            self.status.show(lambda: self._tr.input_error(problem), theme.ERROR)
            return
        self.saved.replace(index, message)
        self._changed(index)

    def move_selected(self, step: int) -> None:
        index = self.selected()
        if index is not None:
            self._changed(self.saved.move(index, step))

    def delete_selected(self) -> None:
        index = self.selected()
        if index is not None:
            self.saved.delete(index)
            self._changed(min(index, len(self.saved.items) - 1))

    def ask_import(self) -> None:
        path = filedialog.askopenfilename(parent=self, filetypes=[("JSON", "*.json")])
        if path:
            self.import_file(Path(path))

    def import_file(self, path: Path) -> bool:
        """Add the messages of an exported file to the list; a file that is not one is said plainly."""
        try:
            imported = SavedMessages.from_json(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeError, BadSavedMessages) as exc:
            detail = getattr(exc, "detail", None) or getattr(exc, "strerror", None) or str(exc)
            self.status.show(lambda: self._tr("saved.import_failed", detail=detail), theme.ERROR)
            return False
        for message in imported.items:
            self.saved.add(message)
        self._changed(len(self.saved.items) - 1)
        self.status.show(lambda: self._tr("saved.imported", count=len(imported.items)), theme.OK)
        return True

    def ask_export(self) -> None:
        path = filedialog.asksaveasfilename(
            parent=self, defaultextension=".json", initialfile="mayus-messages.json", filetypes=[("JSON", "*.json")]
        )
        if path:
            self.export_file(Path(path))

    def export_file(self, path: Path) -> bool:
        try:
            path.write_text(self.saved.to_json(), encoding="utf-8")
        except OSError as exc:
            detail = exc.strerror or str(exc)
            self.status.show(lambda: self._tr("saved.export_failed", detail=detail), theme.ERROR)
            return False
        self.status.show(lambda: self._tr("saved.exported", path=path), theme.OK)
        return True

    # -- look ------------------------------------------------------------------------

    def selected(self) -> int | None:
        chosen = self.tree.selection()
        return int(chosen[0]) if chosen else None

    def select(self, index: int) -> None:
        if 0 <= index < len(self.saved.items):
            self.tree.selection_set(str(index))
            self.tree.see(str(index))
        self._selected()

    def refresh(self) -> None:
        self.tree.delete(*self.tree.get_children())
        tr = self._tr
        for index, message in enumerate(self.saved.items):
            key = f"Ctrl+{index + 1}" if index < 9 else ""
            ending = tr(f"ending.{message.line_ending.name.lower()}")
            row = (key, message.name, message.text, tr(f"input.mode.{message.mode}"), ending)
            self.tree.insert("", "end", iid=str(index), values=row)

    def retranslate(self) -> None:
        tr = self._tr
        self.title(tr("saved.title"))
        self.add_button.configure(text=tr("saved.add"))
        self.import_button.configure(text=tr("saved.import"))
        self.export_button.configure(text=tr("saved.export"))
        for column in COLUMNS:
            self.tree.heading(column, text=tr(f"saved.col.{column}"))
        self.name_label.configure(text=tr("saved.name"))
        self.text_label.configure(text=tr("saved.text"))
        self.mode_picker.configure(values=[tr(f"input.mode.{mode.value}") for mode in InputMode])
        self.ending_picker.configure(values=[tr(f"ending.{ending.name.lower()}") for ending in _ENDINGS])
        self.send_button.configure(text=tr("saved.send"))
        self.repeat_button.configure(text=tr("saved.repeat"))
        self.update_button.configure(text=tr("saved.update"))
        self.up_button.configure(text="↑")
        self.down_button.configure(text="↓")
        self.delete_button.configure(text=tr("saved.delete"))
        self.refresh()
        self._selected()

    # -- inside ------------------------------------------------------------------------

    def _changed(self, select: int) -> None:
        self._on_change()
        self.refresh()
        self.select(select)

    def _selected(self) -> None:
        index = self.selected()
        if index is None:
            return
        message, tr = self.saved.items[index], self._tr
        replace_entry_text(self.name_entry, message.name)
        replace_entry_text(self.text_entry, message.text)
        self.mode_picker.set(tr(f"input.mode.{message.mode}"))
        self.ending_picker.set(tr(f"ending.{message.line_ending.name.lower()}"))

    def _mode(self) -> InputMode:
        shown = self.mode_picker.get()
        return next((mode for mode in InputMode if self._tr(f"input.mode.{mode.value}") == shown), InputMode.TEXT)

    def _ending(self) -> LineEnding:
        shown = self.ending_picker.get()
        return next((e for e in _ENDINGS if self._tr(f"ending.{e.name.lower()}") == shown), LineEnding.LF)
