"""Mayus networking: the uppercase protocol, server, client and load generator.

Nothing in this package imports tkinter or customtkinter: it runs headless as well
as under the window, and reports everything through immutable events.
"""
