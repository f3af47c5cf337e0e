"""F1: the keyboard shortcuts and the legend of the conversation log, in the UI's language."""

from __future__ import annotations

from typing import Any

from gui.fonts import Fonts
from gui.panels.widgets import PADDING
from gui.toolkit import ctk
from words import Translator

# Every shortcut the window has, with the words key of what it does (one home: App binds these).
SHORTCUTS = (
    ("Enter", "help.key.send"),
    ("F5", "help.key.server"),
    ("F6", "help.key.client"),
    ("Ctrl+F", "help.key.search"),
    ("Ctrl+L", "help.key.clear"),
    ("Ctrl+S", "help.key.save"),
    ("Ctrl+1 … Ctrl+9", "help.key.saved"),
    ("↑ ↓ · Esc", "help.key.history"),
    ("Tab · Shift+Tab", "help.key.tab"),
    ("Enter · Shift+F10", "help.key.line"),
    ("F1", "help.key.help"),
)


class HelpWindow(ctk.CTkToplevel):  # type: ignore[misc]
    def __init__(self, master: Any, tr: Translator, fonts: Fonts) -> None:
        super().__init__(master)
        self._tr = tr
        self.geometry("640x560")
        self.minsize(520, 420)
        self.columnconfigure(0, weight=1)
        self.rowconfigure(0, weight=1)
        self.text = ctk.CTkTextbox(self, font=fonts.body, wrap="word")
        self.text.grid(row=0, column=0, sticky="nsew", padx=PADDING, pady=(PADDING, 8))
        self.close_button = ctk.CTkButton(self, font=fonts.body, command=self.destroy)
        self.close_button.grid(row=1, column=0, pady=(0, PADDING))
        self.bind("<Escape>", lambda _e: self.destroy())
        self.retranslate()

    def content(self) -> str:
        tr = self._tr
        keys = "\n".join(f"  {key:<18} {tr(action)}" for key, action in SHORTCUTS)
        return (
            f"{tr('help.keys')}\n{keys}\n\n{tr('help.saved_and_again')}\n\n{tr('help.tls')}\n\n"
            f"{tr('help.legend')}\n{tr('help.legend_text')}\n"
        )

    def retranslate(self) -> None:
        self.title(self._tr("help.title"))
        self.close_button.configure(text=self._tr("help.close"))
        self.text.configure(state="normal")
        self.text.delete("1.0", "end")
        self.text.insert("1.0", self.content())
        self.text.configure(state="disabled")
