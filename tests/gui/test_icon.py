"""The window icon: the files ship in every size, apply_icon really sets it, missing or broken files do no harm.

Tk cannot report a window's icon, so the tests read what the window manager would read: the window's
_NET_WM_ICON property on the X server (pytest-xvfb's display), through libX11.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import shutil
import struct
import tkinter
from collections.abc import Iterator
from pathlib import Path

import pytest

from core import platforms
from gui import icon

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def png_size(path: Path) -> tuple[int, int]:
    """Width and height from the PNG header (the IHDR chunk always comes first)."""
    header = path.read_bytes()[:24]
    assert header[:8] == PNG_SIGNATURE, f"{path.name} is not a PNG"
    width, height = struct.unpack(">II", header[16:24])
    return width, height


def load_x11() -> ctypes.CDLL:
    library = ctypes.util.find_library("X11")
    if library is None:
        pytest.skip("libX11 not found: cannot read the window's properties")
    x11 = ctypes.CDLL(library)
    ulong_out = ctypes.POINTER(ctypes.c_ulong)
    x11.XOpenDisplay.restype = ctypes.c_void_p
    x11.XOpenDisplay.argtypes = [ctypes.c_char_p]
    x11.XCloseDisplay.argtypes = [ctypes.c_void_p]
    x11.XFree.argtypes = [ctypes.c_void_p]
    x11.XInternAtom.restype = ctypes.c_ulong
    x11.XInternAtom.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_int]
    x11.XQueryTree.argtypes = [
        *(ctypes.c_void_p, ctypes.c_ulong),  # display, window
        *(ulong_out, ulong_out, ctypes.POINTER(ctypes.c_void_p), ctypes.POINTER(ctypes.c_uint)),  # root, parent, kids
    ]
    x11.XGetWindowProperty.argtypes = [
        *(ctypes.c_void_p, ctypes.c_ulong, ctypes.c_ulong),  # display, window, property
        *(ctypes.c_long, ctypes.c_long, ctypes.c_int, ctypes.c_ulong),  # offset, length, delete, requested type
        *(ulong_out, ctypes.POINTER(ctypes.c_int), ulong_out, ulong_out),  # type, format, items, bytes left
        ctypes.POINTER(ctypes.c_void_p),  # the data, freed with XFree
    ]
    return x11


def parent_window(x11: ctypes.CDLL, display: int, window: int) -> int:
    root, parent, children, count = ctypes.c_ulong(), ctypes.c_ulong(), ctypes.c_void_p(), ctypes.c_uint()
    assert x11.XQueryTree(display, window, root, parent, children, count), "XQueryTree failed"
    if children.value:
        x11.XFree(children)
    return parent.value


def net_wm_icon_sizes(window: tkinter.Tk) -> list[tuple[int, int]]:
    """The (width, height) of each image in the window's _NET_WM_ICON property; [] if it has none."""
    window.update()  # mapped: Tk's wrapper window exists and holds the properties
    x11 = load_x11()
    display = x11.XOpenDisplay(None)
    assert display, "cannot open the X display"
    try:
        # Tk puts the window-manager properties on a wrapper window, the toplevel's parent.
        wrapper = parent_window(x11, display, window.winfo_id())
        atom = x11.XInternAtom(display, b"_NET_WM_ICON", 0)
        kind, fmt = ctypes.c_ulong(), ctypes.c_int()
        count, remaining, data = ctypes.c_ulong(), ctypes.c_ulong(), ctypes.c_void_p()
        any_type, whole_property = 0, 1 << 24
        status = x11.XGetWindowProperty(
            display, wrapper, atom, 0, whole_property, 0, any_type, kind, fmt, count, remaining, data
        )
        assert status == 0, "XGetWindowProperty failed"
        if not data.value:
            return []
        try:
            # Format 32 comes to the client as C longs: width, height, then width * height pixels, per image.
            values = (ctypes.c_ulong * count.value).from_address(data.value)
            sizes: list[tuple[int, int]] = []
            index = 0
            while index + 2 <= count.value:
                width, height = int(values[index]), int(values[index + 1])
                sizes.append((width, height))
                index += 2 + width * height
            return sizes
        finally:
            x11.XFree(data)
    finally:
        x11.XCloseDisplay(display)


MARKER_SIZE = 16  # no Mayus icon has this size


@pytest.fixture
def root() -> Iterator[tkinter.Tk]:
    """A window wearing a plain 16 x 16 icon, so each test sees what apply_icon changed.

    (iconphoto(True, ...) is also the default for every later window of the process, so a fresh window alone
    would not prove anything.)
    """
    window = tkinter.Tk()
    window.title("Mayus icon test")
    marker = tkinter.PhotoImage(master=window, width=MARKER_SIZE, height=MARKER_SIZE)
    window.iconphoto(False, marker)
    assert net_wm_icon_sizes(window) == [(MARKER_SIZE, MARKER_SIZE)]
    yield window
    window.destroy()


def test_the_icon_ships_in_every_size() -> None:
    for size in icon.PNG_SIZES:
        path = icon.asset_path(icon.png_name(size))
        assert path is not None, f"{icon.png_name(size)} is missing from gui/assets"
        assert png_size(path) == (size, size)
    ico = icon.asset_path(icon.WINDOWS_ICON)
    assert ico is not None
    assert ico.read_bytes()[:4] == b"\x00\x00\x01\x00"  # the .ico header PyInstaller and Windows expect


def test_apply_icon_sets_the_window_icon(root: tkinter.Tk) -> None:
    icon.apply_icon(root)

    assert net_wm_icon_sizes(root) == [(size, size) for size in icon.WINDOW_ICON_SIZES]


def test_a_missing_icon_leaves_the_window_as_it_was(
    root: tkinter.Tk, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("sys._MEIPASS", str(tmp_path), raising=False)  # a bundle with no assets in it
    assert icon.asset_path(icon.png_name(32)) is None

    icon.apply_icon(root)

    assert net_wm_icon_sizes(root) == [(MARKER_SIZE, MARKER_SIZE)]


def test_a_broken_file_costs_only_its_own_size(
    root: tkinter.Tk, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bundled = tmp_path / "gui" / icon.ASSETS_DIR
    bundled.mkdir(parents=True)
    real = icon.assets_dir()
    assert real is not None
    for size in icon.WINDOW_ICON_SIZES:
        shutil.copy(real / icon.png_name(size), bundled)
    (bundled / icon.png_name(64)).write_bytes(b"not a picture")
    monkeypatch.setattr("sys._MEIPASS", str(tmp_path), raising=False)  # found the way the frozen app finds it

    icon.apply_icon(root)

    assert net_wm_icon_sizes(root) == [(size, size) for size in icon.WINDOW_ICON_SIZES if size != 64]


def test_on_windows_the_ico_is_applied_too(root: tkinter.Tk, monkeypatch: pytest.MonkeyPatch) -> None:
    applied: list[str] = []
    monkeypatch.setattr(platforms, "WINDOWS", True)
    monkeypatch.setattr(root, "iconbitmap", applied.append)

    icon.apply_icon(root)

    assert applied == [str(icon.asset_path(icon.WINDOWS_ICON))]
    assert net_wm_icon_sizes(root) == [(size, size) for size in icon.WINDOW_ICON_SIZES]  # the PNGs as well


def test_an_ico_that_tk_refuses_costs_nothing_else(root: tkinter.Tk, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(platforms, "WINDOWS", True)  # X11's Tk cannot read a .ico: TclError, swallowed

    icon.apply_icon(root)

    assert net_wm_icon_sizes(root) == [(size, size) for size in icon.WINDOW_ICON_SIZES]
