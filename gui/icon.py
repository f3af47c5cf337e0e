"""The window icon: Mayus's own picture in the title bar, the taskbar and the window switcher.

The pictures live in gui/assets (drawn by tools/make_icon.py). They are found the same way in a checkout, in an
installed package and inside the single-file executable that PyInstaller builds (tools/build_app.py).
"""

from __future__ import annotations

import contextlib
import sys
import tkinter
from importlib import resources
from pathlib import Path

from core import platforms

ASSETS_DIR = "assets"
PNG_SIZES = (256, 128, 64, 48, 32)  # every size in gui/assets
WINDOW_ICON_SIZES = (128, 64, 48, 32)  # handed to the window manager, which picks; 256 would only add weight
WINDOWS_ICON = "mayus.ico"
IMAGES_ATTRIBUTE = "_mayus_icon_images"  # Tk forgets a PhotoImage once its Python object is collected


def png_name(size: int) -> str:
    return f"mayus-{size}.png"


def assets_dir() -> Path | None:
    """The folder with the icon files, or None when it cannot be reached as a plain folder."""
    bundle = getattr(sys, "_MEIPASS", None)  # set by PyInstaller's bootloader: the unpacked bundle
    if bundle is not None:
        return Path(bundle) / "gui" / ASSETS_DIR
    folder = resources.files(__package__ or "gui") / ASSETS_DIR
    # Tk reads images by file name, so a package imported from a zip has no usable folder.
    return folder if isinstance(folder, Path) else None


def asset_path(name: str) -> Path | None:
    """The icon file called `name`, or None if it is missing."""
    folder = assets_dir()
    if folder is None:
        return None
    path = folder / name
    return path if path.is_file() else None


def _load_images(window: tkinter.Misc) -> list[tkinter.PhotoImage]:
    images: list[tkinter.PhotoImage] = []
    for size in WINDOW_ICON_SIZES:
        path = asset_path(png_name(size))
        if path is None:
            continue
        try:
            images.append(tkinter.PhotoImage(master=window, file=str(path)))
        except tkinter.TclError:
            continue  # an unreadable file costs that one size, not the window
    return images


def apply_icon(window: tkinter.Tk | tkinter.Toplevel) -> None:
    """Give the window (and every window opened after it) the Mayus icon; without the files, do nothing."""
    images = _load_images(window)
    if images:
        window.iconphoto(True, *images)
        setattr(window, IMAGES_ATTRIBUTE, images)
    ico = asset_path(WINDOWS_ICON)
    if platforms.WINDOWS and ico is not None:
        # The .ico holds every size Windows asks for. Calling iconbitmap also tells customtkinter an icon was
        # chosen; otherwise it puts its own icon on the window 200 ms after start.
        with contextlib.suppress(tkinter.TclError):
            window.iconbitmap(str(ico))  # type: ignore[no-untyped-call]  # typeshed leaves iconbitmap untyped
