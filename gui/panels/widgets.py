"""Small building blocks shared by the panels."""

from __future__ import annotations

import tkinter
from collections.abc import Callable
from typing import Any

from gui import theme
from gui.toolkit import ctk

Render = Callable[[], str]
PADDING = 14  # the panels' inner margin, left and right


class StatusLine(ctk.CTkLabel):  # type: ignore[misc]
    """A one-line status that re-renders in the new language when the language changes."""

    def __init__(self, master: Any, font: Any) -> None:
        super().__init__(master, text="", font=font, anchor="w", justify="left", text_color=theme.TEXT)
        self._render: Render = lambda: ""
        self._colour: theme.Colour = theme.TEXT

    def show(self, render: Render, colour: theme.Colour = theme.TEXT) -> None:
        self._render, self._colour = render, colour
        self.refresh()

    def refresh(self) -> None:
        self.configure(text=self._render(), text_color=self._colour)

    @property
    def text(self) -> str:
        return str(self.cget("text"))

    @property
    def colour(self) -> theme.Colour:
        return self._colour


def fit_wrap(label: Any, width: int) -> None:
    """Wrap a label's text at `width` pixels, so long messages grow down instead of widening the window.

    The width must come from the label's container (set by the layout), never from the
    label itself: a label that wraps changes its own size, and following that loops.
    """
    width = max(100, width)
    if label.cget("wraplength") != width:
        label.configure(wraplength=width)


class CounterTile(ctk.CTkFrame):  # type: ignore[misc]
    """A caption over a number: one live counter."""

    def __init__(self, master: Any, caption_font: Any, value_font: Any) -> None:
        super().__init__(master, fg_color="transparent")
        self.caption = ctk.CTkLabel(self, text="", font=caption_font, text_color=theme.MUTED, anchor="w", height=16)
        self.value = ctk.CTkLabel(self, text="0", font=value_font, anchor="w", height=22)
        self._value = "0"  # what `value` shows: compared here, not asked of Tk (a call that waits its turn)
        self.caption.grid(row=0, column=0, sticky="w")
        self.value.grid(row=1, column=0, sticky="w")

    def set_caption(self, text: str) -> None:
        self.caption.configure(text=text)

    def set_value(self, text: str) -> None:
        if self._value != text:  # skip redraws when nothing changed
            self._value = text
            self.value.configure(text=text)


MIN_SCROLL_STEP = 0.001  # the least move a scrollbar follows (a fraction of the whole), whatever its size


def move_scrollbar(scrollbar: Any, first: float | str, last: float | str) -> None:
    """A CTkScrollbar to the view's fractions (Tk's yscrollcommand passes them as strings), only if its slider
    moves by a pixel or more: customtkinter redraws the whole bar on every `set` (15-20 ms), and Tk calls back
    after every insert into a Text or a tree. Once a log is full and follows its end, lines that wrap differently
    move the fractions by a hair many times a second, and the slider not at all."""
    start, end = scrollbar.get()
    step = max(MIN_SCROLL_STEP, 1.0 / max(1, scrollbar.winfo_height()))  # one pixel of the bar
    if abs(float(first) - start) >= step or abs(float(last) - end) >= step:
        scrollbar.set(first, last)


def fit_text(text: str, font: Any, width: int) -> str:
    """`text` cut (with "…") to fit in `width` pixels on one line; measuring only a screenful, never a flood."""
    text = text[: max(1, width // 4)]  # no glyph is narrower than 4 px: the rest could never show
    if font.measure(text) <= width:
        return text
    low, high = 0, len(text)
    while low < high:  # the longest prefix that fits with its "…"
        middle = (low + high + 1) // 2
        if font.measure(text[:middle] + "…") <= width:
            low = middle
        else:
            high = middle - 1
    return text[:low] + "…"


def parse_port(text: str, lowest: int) -> int | None:
    """The port typed in a field, or None if it is not a whole number from `lowest` to 65535."""
    text = text.strip()
    if not (text.isascii() and text.isdigit()):
        return None
    port = int(text)
    return port if lowest <= port <= 65535 else None


_ENABLED_LOOK = "_mayus_enabled_look"  # a control's own colours, kept while it looks disabled


def set_enabled(widget: Any, enabled: bool) -> None:
    """Enable or disable a control, and make it look so: a disabled button or field is greyed, not just inert."""
    state = "normal" if enabled else "disabled"
    if widget.cget("state") == state:  # customtkinter redraws on every configure
        return
    if isinstance(widget, (ctk.CTkButton, ctk.CTkEntry, ctk.CTkComboBox, ctk.CTkOptionMenu)):
        if not enabled:
            # A drop-down's arrow part has a colour of its own: greyed with the rest.
            parts = ("fg_color", "button_color") if isinstance(widget, ctk.CTkOptionMenu) else ("fg_color",)
            setattr(widget, _ENABLED_LOOK, {part: widget.cget(part) for part in parts})
            widget.configure(state=state, **dict.fromkeys(parts, theme.DISABLED_FILL))
            return
        look = getattr(widget, _ENABLED_LOOK, None)
        if look is not None:
            widget.configure(state=state, **look)
            return
    widget.configure(state=state)


def entry_text(entry: Any) -> str:
    return str(entry.get())


def replace_entry_text(entry: Any, text: str) -> None:
    entry.delete(0, "end")
    entry.insert(0, text)


TOOLTIP_DELAY_MS = 500  # the pointer rests this long on a control before its tip shows
TOOLTIP_WRAP = 380  # pixels


class Tooltip:
    """A few words that show below a control while the pointer rests on it, in the UI's language.

    `render` is called each time the tip shows, so it follows the language and whatever the control shows now;
    an empty text shows nothing. A plain Tk window with no frame of its own, made on show and destroyed on hide.
    """

    def __init__(self, widget: Any, render: Render, font: Any) -> None:
        self._widget, self._render, self._font = widget, render, font
        self._after: str | None = None
        self._window: tkinter.Toplevel | None = None
        self._label: tkinter.Label | None = None
        for sequence, action in (("<Enter>", self._soon), ("<Leave>", self.hide), ("<ButtonPress>", self.hide)):
            widget.bind(sequence, lambda _event, act=action: act(), add="+")

    @property
    def text(self) -> str:
        """What the tip says now."""
        return self._render()

    @property
    def shown(self) -> bool:
        return self._window is not None

    def show(self) -> None:
        """Show the tip now, below the control (or move it there, with today's words)."""
        self._cancel()
        text = self._render()
        if not text or not self._widget.winfo_ismapped():
            self.hide()
            return
        mode = 1 if ctk.get_appearance_mode() == "Dark" else 0
        if self._window is None:
            self._window = tkinter.Toplevel(self._widget)
            self._window.wm_overrideredirect(True)
            self._label = tkinter.Label(self._window, justify="left", padx=8, pady=5)
            self._label.pack()
        assert self._label is not None
        # Lines wrap between words, never inside one (a fingerprint stays whole).
        wrap = max([TOOLTIP_WRAP, *(int(self._font.measure(word)) + 2 for word in text.split())])
        self._label.configure(
            text=text,
            font=self._font,
            wraplength=wrap,
            background=theme.PANEL_INSET[mode],
            foreground=theme.TEXT[mode],
        )
        self._window.configure(background=theme.MUTED[mode], padx=1, pady=1)  # a thin edge
        self._window.update_idletasks()
        # Below the control, from its left edge; moved left as far as needed to stay within the window.
        window = self._widget.winfo_toplevel()
        right = window.winfo_rootx() + window.winfo_width()
        x = max(window.winfo_rootx(), min(self._widget.winfo_rootx(), right - self._window.winfo_reqwidth()))
        y = self._widget.winfo_rooty() + self._widget.winfo_height() + 4
        self._window.wm_geometry(f"+{x}+{y}")

    def hide(self) -> None:
        self._cancel()
        if self._window is not None:
            window, self._window, self._label = self._window, None, None
            window.destroy()

    def _soon(self) -> None:
        self._cancel()
        self._after = self._widget.after(TOOLTIP_DELAY_MS, self.show)

    def _cancel(self) -> None:
        if self._after is not None:
            self._widget.after_cancel(self._after)
            self._after = None
