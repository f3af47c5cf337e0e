"""Every control reachable from the keyboard: Tab and Shift+Tab in the window's order, a visible focus ring,
Space and Enter press what has the ring.

customtkinter's controls draw themselves on a canvas that Tk's traversal skips. After
the window is built, `make_keyboard_ready` walks it once: each button, check box,
switch, radio button and each segment of a segmented button gets a canvas that takes
the focus, a ring drawn while it has it, and Space/Enter bound to its own action;
a drop-down choice (an option menu) opens its list on Space/Enter and steps through its
choices with Up/Down; entries, text boxes and tables get the ring too.
"""

from __future__ import annotations

import tkinter
from collections.abc import Callable
from tkinter import ttk
from typing import Any

import customtkinter as ctk

from gui import theme
from gui.ctk_private import choose_option, focus_surface, open_dropdown, segment_buttons

RING_WIDTH = 2


def make_keyboard_ready(root: tkinter.Misc) -> int:
    """Make every control below `root` reachable and usable from the keyboard; returns how many were reached."""
    count = 0
    for widget in _walk(root):
        if isinstance(widget, ctk.CTkSegmentedButton):
            for button in segment_buttons(widget):
                _pressable(button, button.invoke)
                count += 1
        elif isinstance(widget, ctk.CTkButton) and not _inside_segmented(widget):
            _pressable(widget, widget.invoke)
            count += 1
        elif isinstance(widget, (ctk.CTkCheckBox, ctk.CTkSwitch)):
            _pressable(widget, widget.toggle)
            count += 1
        elif isinstance(widget, ctk.CTkRadioButton):
            _pressable(widget, widget.invoke)
            count += 1
        elif isinstance(widget, ctk.CTkOptionMenu):
            _pressable(widget, _opener(widget))
            _steppable(widget)
            count += 1
        elif isinstance(widget, (ctk.CTkEntry, ctk.CTkComboBox, ctk.CTkTextbox)):
            _ringed(widget)
            count += 1
        elif isinstance(widget, ttk.Treeview):
            widget.configure(takefocus=True)
            count += 1
    return count


def _walk(widget: tkinter.Misc) -> list[tkinter.Misc]:
    found: list[tkinter.Misc] = []
    for child in widget.winfo_children():
        found.append(child)
        found += _walk(child)
    return found


def _inside_segmented(widget: tkinter.Misc) -> bool:
    return isinstance(widget.master, ctk.CTkSegmentedButton)


def _pressable(widget: Any, action: Callable[[], object]) -> None:
    """Focus on Tab, a ring while focused, Space or Enter to act (only when enabled)."""
    surface = focus_surface(widget)
    surface.configure(takefocus=True)

    def act(_event: Any) -> str:
        if str(widget.cget("state")) != "disabled":
            action()
        return "break"

    for key in ("<space>", "<Return>", "<KP_Enter>"):
        surface.bind(key, act, add="+")
    _ringed(widget)


def _opener(menu: ctk.CTkOptionMenu) -> Callable[[], None]:
    return lambda: open_dropdown(menu)


def _steppable(menu: ctk.CTkOptionMenu) -> None:
    """Up and Down pick the choice before or after the one shown, as picking it from the list would."""
    surface = focus_surface(menu)

    def step(by: int) -> str:
        values = list(menu.cget("values"))
        if str(menu.cget("state")) != "disabled" and values:
            place = values.index(menu.get()) if menu.get() in values else 0
            chosen = values[max(0, min(len(values) - 1, place + by))]
            if chosen != menu.get():
                choose_option(menu, chosen)
        return "break"

    surface.bind("<Up>", lambda _event: step(-1), add="+")
    surface.bind("<Down>", lambda _event: step(1), add="+")


def _ringed(widget: Any) -> None:
    """Draw a ring round the control while it has the keyboard focus (its border, in the ring's colour)."""
    surface = focus_surface(widget)
    if isinstance(widget, ctk.CTkOptionMenu):  # no border to draw: its arrow's part takes the ring's colour
        arrow = widget.cget("button_color")
        surface.bind("<FocusIn>", lambda _event: widget.configure(button_color=theme.FOCUS_RING), add="+")
        surface.bind("<FocusOut>", lambda _event: widget.configure(button_color=arrow), add="+")
        return
    try:
        before = (widget.cget("border_width"), widget.cget("border_color"))
    except (ValueError, tkinter.TclError):  # a control with no border to draw on
        return

    def focused(_event: Any) -> None:
        widget.configure(border_width=max(RING_WIDTH, int(before[0] or 0)), border_color=theme.FOCUS_RING)

    def left(_event: Any) -> None:
        widget.configure(border_width=before[0], border_color=before[1])

    surface.bind("<FocusIn>", focused, add="+")
    surface.bind("<FocusOut>", left, add="+")
