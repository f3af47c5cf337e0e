"""Destroy a customtkinter window completely (customtkinter 6.0 leaves pieces behind)."""

from __future__ import annotations

import tkinter

import customtkinter as ctk


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
