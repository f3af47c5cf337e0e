"""customtkinter, imported the one safe way: the window's modules take it from here (`from gui.toolkit import ctk`).

Importing customtkinter rewrites its fonts in ~/.fonts, which can crash a window already open
(gui/font_install.py). Importing it here, whichever module comes first, always goes through
`import_customtkinter`. tests/test_layering.py holds that no other module imports customtkinter.
"""

from __future__ import annotations

from gui.font_install import import_customtkinter

import_customtkinter()

import customtkinter as ctk  # noqa: E402  (after the safe import above, which it reuses)

__all__ = ["ctk"]
