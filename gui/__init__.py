"""The window. Importing this package imports no Tk: gui/parts runs headless, and the views
take customtkinter from gui/toolkit.py, which imports it safely."""
