"""Light and dark: the OS theme read once, colours customtkinter does not manage, the table style."""

from __future__ import annotations

import tkinter
from tkinter import ttk

from gui.parts.settings import THEMES
from gui.toolkit import ctk

TREE_STYLE = "Mayus.Treeview"

# (light, dark) pairs, the way customtkinter takes colours.
Colour = tuple[str, str]
TEXT: Colour = ("gray10", "#DCE4EE")
MUTED: Colour = ("gray40", "gray62")
ERROR: Colour = ("#B3261E", "#FF8A80")
WARNING: Colour = ("#8A5A00", "#FFCC66")
OK: Colour = ("#1B6E20", "#7EE787")
PANEL: Colour = ("gray86", "gray17")
PANEL_INSET: Colour = ("#F9F9FA", "#1D1E1E")  # a box inside a panel, like the entries

FOCUS_RING: Colour = ("#E8A100", "#FFC640")  # the control the keyboard acts on
DISABLED_FILL: Colour = ("gray78", "gray30")  # a button or a field that cannot be used now
DISABLED_TEXT: Colour = ("gray50", "gray55")
EDGE_BACKGROUND: Colour = ("#D5DCE6", "#3A4250")  # a space at either end of a message, made visible
MATCH_BACKGROUND: Colour = ("#FFE58A", "#5C4A00")  # a search match in the conversation

# Conversation log colours per tag (see LogEntry.tag).
LOG_COLOURS: dict[str, Colour] = {
    "client_out": ("#1558B0", "#79B8FF"),  # what the client sent
    "client_in": ("#1B6E20", "#7EE787"),  # the replies the client got
    "server_in": ("#8A3FA0", "#D2A8FF"),  # what the server received
    "server_out": ("#9A4D00", "#FFAB70"),  # what the server answered
    "info": MUTED,
    "error": ERROR,
    "head": ("gray45", "gray58"),  # time, side and arrow columns
    "rtt": ("gray45", "gray58"),
    "mark": ("gray55", "gray48"),  # a line ending's mark and the size: dim
    "hex": ("gray30", "gray70"),
}

_TREE = {
    # background, text, heading background, heading text, selection, grid-free row height padding
    "light": ("#F9F9FA", "gray10", "gray81", "gray10", "#3B8ED0"),
    "dark": ("#1D1E1E", "#DCE4EE", "gray25", "#DCE4EE", "#1F6AA5"),
}


def detect_os_theme() -> str:
    """The OS theme, read once at first start ("light" when it cannot be told).

    Never leave customtkinter on "system": it would poll the OS every 30 ms.
    """
    try:
        import darkdetect

        return "dark" if darkdetect.theme() == "Dark" else "light"
    except Exception:  # no desktop session, missing tool: any failure means "light"
        return "light"


def apply_appearance(theme: str) -> None:
    ctk.set_appearance_mode(theme)


def pick(colour: Colour, theme: str) -> str:
    return colour[THEMES.index(theme)]


def style_tree(root: tkinter.Misc, theme: str, row_height: int, font: tkinter.font.Font) -> None:
    """Style the clients table (a ttk.Treeview) to sit well in the customtkinter theme."""
    background, text, head_bg, head_text, selected = _TREE[theme]
    style = ttk.Style(root)
    style.theme_use("clam")  # the only built-in ttk theme that honours these colours everywhere
    style.configure(
        TREE_STYLE,
        background=background,
        fieldbackground=background,
        foreground=text,
        rowheight=row_height,
        borderwidth=0,
        font=font,
    )
    style.map(TREE_STYLE, background=[("selected", selected)], foreground=[("selected", "white")])
    style.configure(
        f"{TREE_STYLE}.Heading", background=head_bg, foreground=head_text, relief="flat", borderwidth=0, font=font
    )
    style.map(f"{TREE_STYLE}.Heading", background=[("active", head_bg)])
    style.layout(TREE_STYLE, [("Treeview.treearea", {"sticky": "nswe"})])  # no border around the table
