"""Every control reachable from the keyboard: Tab and Shift+Tab in the window's order, a visible focus ring,
Space and Enter press what has the ring.

customtkinter's controls draw themselves on a canvas that Tk's traversal skips. After
the window is built, `make_keyboard_ready` walks it once: each button, check box,
switch, radio button and each segment of a segmented button gets a canvas that takes
the focus, a ring drawn while it has it, and Space/Enter bound to its own action;
entries, text boxes (read-only ones too: the conversation) and tables get the ring
too. A drop-down (option menu) takes the focus and wears a ring drawn on its canvas
(it has no border); Space, Enter and Down choose its next value, Up the one before,
as a click on that value would.
"""

from __future__ import annotations

import tkinter
from collections.abc import Callable
from tkinter import ttk
from typing import Any

from gui import theme
from gui.ctk_private import focus_surface, segment_buttons
from gui.toolkit import ctk

RING_WIDTH = 2
RING_TAG = "keyboard_ring"  # the ring drawn on a drop-down's canvas


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
        elif isinstance(widget, ctk.CTkOptionMenu):
            _steppable(widget)
            count += 1
        elif isinstance(widget, ctk.CTkRadioButton):
            _pressable(widget, widget.invoke)
            count += 1
        elif isinstance(widget, (ctk.CTkEntry, ctk.CTkComboBox)):
            _ringed(widget)
            count += 1
        elif isinstance(widget, ctk.CTkTextbox):
            focus_surface(widget).configure(takefocus=True)  # a read-only text too (Tk skips disabled ones)
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


def _ringed(widget: Any) -> None:
    """Draw a ring round the control while it has the keyboard focus (its border, in the ring's colour)."""
    surface = focus_surface(widget)
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


def _steppable(menu: ctk.CTkOptionMenu) -> None:
    """A drop-down: focus on Tab, a ring while focused, Space/Enter/Down for the next value, Up for the one before."""
    surface = focus_surface(menu)
    surface.configure(takefocus=True)

    def step(by: int) -> str:
        values = list(menu.cget("values"))
        if values and str(menu.cget("state")) != "disabled":
            now = values.index(menu.get()) if menu.get() in values else -1
            chosen = values[(now + by) % len(values)]
            menu.set(chosen)  # set() alone does not call the command: what a click on the value would do
            command = menu.cget("command")
            if command is not None:
                command(chosen)
        return "break"

    for key in ("<space>", "<Return>", "<KP_Enter>", "<Down>"):
        surface.bind(key, lambda _e: step(1), add="+")
    surface.bind("<Up>", lambda _e: step(-1), add="+")

    def focused(_event: Any) -> None:
        surface.delete(RING_TAG)
        width, height = surface.winfo_width(), surface.winfo_height()
        inset = RING_WIDTH // 2
        colour = theme.pick(theme.FOCUS_RING, str(ctk.get_appearance_mode()).lower())
        corners = _rounded_box(inset, inset, width - inset, height - inset, int(menu.cget("corner_radius")))
        surface.create_polygon(corners, smooth=True, fill="", outline=colour, width=RING_WIDTH, tags=RING_TAG)

    surface.bind("<FocusIn>", focused, add="+")
    surface.bind("<FocusOut>", lambda _e: surface.delete(RING_TAG), add="+")


def _rounded_box(left: int, top: int, right: int, bottom: int, radius: int) -> list[int]:
    """The points of a rectangle with rounded corners, for a smoothed canvas polygon (each corner given twice
    keeps the straight sides straight)."""
    r = max(1, min(radius, (right - left) // 2, (bottom - top) // 2))
    return [
        *(left + r, top, left + r, top, right - r, top, right - r, top),
        *(right, top, right, top + r, right, top + r, right, bottom - r, right, bottom - r),
        *(right, bottom, right - r, bottom, right - r, bottom, left + r, bottom, left + r, bottom),
        *(left, bottom, left, bottom - r, left, bottom - r, left, top + r, left, top + r, left, top),
    ]
