"""Every use of customtkinter's private parts, in one place (checked against customtkinter 6.0).

customtkinter keeps the plain Tk widgets inside its own (`_textbox`, `_entry`, the
segments' buttons) and its trackers of windows. The window needs them for what the
public API does not offer: one-call text inserts with tags, key bindings and focus
on the real entry, clicking a segment, and tearing a window down completely. If a
customtkinter release renames one, only this module changes.
"""

from __future__ import annotations

import tkinter
from typing import Any

from gui.toolkit import ctk


def inner_text(textbox: ctk.CTkTextbox) -> tkinter.Text:
    """The Tk Text inside a CTkTextbox (tags, marks and many-segment inserts in one call)."""
    text: tkinter.Text = textbox._textbox
    return text


def inner_entry(entry: ctk.CTkEntry) -> tkinter.Entry:
    """The Tk Entry inside a CTkEntry: it holds the keyboard focus and the key bindings."""
    inner: tkinter.Entry = entry._entry
    return inner


def segment_button(segmented: ctk.CTkSegmentedButton, label: str) -> Any:
    """The button of one segment: `.invoke()` on it clicks that segment (`set()` would not call the command)."""
    return segmented._buttons_dict[label]


def destroy_ctk_window(root: tkinter.Tk) -> None:
    """Cancel every pending `after`, destroy the window, drop customtkinter's references to it.

    Without this each destroyed window stays alive in customtkinter's trackers and
    its leftover timers print `invalid command name` errors.
    """
    for after_id in root.tk.splitlist(root.tk.call("after", "info")):
        # root.after_cancel() would also delete the Python command, which breaks later cancels.
        root.tk.call("after", "cancel", after_id)
    root.destroy()
    if root in ctk.AppearanceModeTracker.app_list:
        ctk.AppearanceModeTracker.app_list.remove(root)
    ctk.AppearanceModeTracker.update_loop_running = False
    ctk.ScalingTracker.window_dpi_scaling_dict.pop(root, None)
    ctk.ScalingTracker.window_widgets_dict.pop(root, None)
    ctk.ScalingTracker.update_loop_running = False


def appearance_set_by_user() -> bool:
    """True once the appearance was set to light or dark (never left on "system", which polls the OS)."""
    return bool(ctk.AppearanceModeTracker.appearance_mode_set_by == "user")


def drag_scrollbar(scrollbar: ctk.CTkScrollbar, fraction: float) -> None:
    """Do what dragging a CTkScrollbar's handle to `fraction` does: call its command with "moveto"."""
    scrollbar._command("moveto", str(fraction))


def focus_surface(widget: Any) -> Any:
    """The plain Tk widget that takes the keyboard focus for a customtkinter control (its canvas, or its entry)."""
    for name in ("_entry", "_textbox", "_canvas"):
        inner = getattr(widget, name, None)
        if isinstance(inner, tkinter.Misc):
            return inner
    return widget  # a plain Tk or ttk widget: itself


def segment_buttons(segmented: ctk.CTkSegmentedButton) -> list[Any]:
    """The buttons of a segmented button, left to right."""
    return list(segmented._buttons_dict.values())


def choose_option(option_menu: ctk.CTkOptionMenu, value: str) -> None:
    """Pick `value` in a CTkOptionMenu as its list does: shown, and its command called (`set()` would not call it)."""
    option_menu._dropdown_callback(value)
