"""The top bar: the name, what the app does, the language and theme pickers."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from gui import theme
from gui.fonts import Fonts
from gui.parts.settings import THEMES
from gui.toolkit import ctk
from words import LANGUAGE_NAMES, LANGUAGES, Translator


class Header(ctk.CTkFrame):  # type: ignore[misc]
    def __init__(
        self,
        master: Any,
        tr: Translator,
        fonts: Fonts,
        *,
        theme_name: str,
        views: tuple[str, ...],
        on_view: Callable[[str], None],
        on_language: Callable[[str], None],
        on_theme: Callable[[str], None],
    ) -> None:
        super().__init__(master, fg_color="transparent")
        self._tr = tr
        self._theme = theme_name
        self._views = views
        self._view = views[0]
        self._on_view, self._on_language, self._on_theme = on_view, on_language, on_theme
        self.columnconfigure(2, weight=1)

        self.name = ctk.CTkLabel(self, text="Mayus", font=fonts.title, anchor="w")
        self.name.grid(row=0, column=0, sticky="w", padx=(4, 14))
        # The parts of the window (conversation, check, load test): one at a time below the header.
        self.view_picker = ctk.CTkSegmentedButton(self, font=fonts.body, command=self._view_picked)
        if len(views) > 1:
            self.view_picker.grid(row=0, column=1, sticky="w")
        self.subtitle = ctk.CTkLabel(self, font=fonts.small, text_color=theme.MUTED, anchor="w", height=16)
        self.subtitle.grid(row=1, column=0, columnspan=7, sticky="w", padx=(4, 0))

        self.language_label = ctk.CTkLabel(self, font=fonts.small, text_color=theme.MUTED)
        self.language_label.grid(row=0, column=3, padx=(12, 6))
        self.language_picker = ctk.CTkSegmentedButton(
            self, values=[LANGUAGE_NAMES[code] for code in LANGUAGES], font=fonts.small, command=self._language_picked
        )
        self.language_picker.grid(row=0, column=4)
        self.theme_label = ctk.CTkLabel(self, font=fonts.small, text_color=theme.MUTED)
        self.theme_label.grid(row=0, column=5, padx=(16, 6))
        self.theme_picker = ctk.CTkSegmentedButton(self, font=fonts.small, command=self._theme_picked)
        self.theme_picker.grid(row=0, column=6, padx=(0, 4))
        self.retranslate()

    def show_view(self, name: str) -> None:
        self._view = name
        self.view_picker.set(self._tr(f"view.{name}"))

    def show_theme(self, name: str) -> None:
        self._theme = name
        self.theme_picker.set(self._tr(f"theme.{name}"))

    def retranslate(self) -> None:
        tr = self._tr
        self.subtitle.configure(text=tr("header.subtitle"))
        self.language_label.configure(text=tr("header.language"))
        self.theme_label.configure(text=tr("header.theme"))
        self.language_picker.set(LANGUAGE_NAMES[tr.language])
        self.theme_picker.configure(values=[tr(f"theme.{name}") for name in THEMES])
        self.view_picker.configure(values=[tr(f"view.{name}") for name in self._views])
        self.show_view(self._view)
        self.show_theme(self._theme)

    def _language_picked(self, label: str) -> None:
        for code, name in LANGUAGE_NAMES.items():
            if name == label and code != self._tr.language:
                self._on_language(code)

    def _view_picked(self, label: str) -> None:
        for name in self._views:
            if self._tr(f"view.{name}") == label and name != self._view:
                self._view = name
                self._on_view(name)

    def _theme_picked(self, label: str) -> None:
        for name in THEMES:
            if self._tr(f"theme.{name}") == label and name != self._theme:
                self._on_theme(name)
