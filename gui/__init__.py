"""The customtkinter window. Importing this package imports customtkinter first, safely (gui/font_install.py)."""

from gui.font_install import import_customtkinter

import_customtkinter()
