"""The window's views: one customtkinter frame per part of the window, with intent-level methods."""
