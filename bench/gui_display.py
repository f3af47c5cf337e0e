"""A screen for the window benchmarks: the one in DISPLAY, or a private Xvfb for the run (Linux only: the benchmarks
find and grab the window through the X server)."""

from __future__ import annotations

import os
import select
import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager

from core import platforms

SCREEN = "1400x900x24"
XVFB_START_SECONDS = 10.0
XVFB_STOP_SECONDS = 5.0


class NoDisplay(RuntimeError):
    pass


def missing_display() -> str | None:
    """Why `screen()` cannot give a screen here, in a few words; None when it can."""
    if not platforms.LINUX:
        return "the window benchmarks need an X server (xdotool, Xvfb): Linux only"
    if not os.environ.get("DISPLAY") and shutil.which("Xvfb") is None:
        return "DISPLAY is not set and Xvfb is not installed (apt-get install xvfb)"
    return None


@contextmanager
def screen() -> Iterator[str]:
    """Yield the DISPLAY to use; without one, start Xvfb (it picks a free number) and stop it on exit.

    NoDisplay, saying why in one line, where there is no X server to be had (see `missing_display`).
    """
    why = missing_display()
    if why is not None:
        raise NoDisplay(why)
    existing = os.environ.get("DISPLAY")
    if existing:
        yield existing
        return
    read_end, write_end = os.pipe()
    try:
        xvfb = subprocess.Popen(
            ["Xvfb", "-displayfd", str(write_end), "-screen", "0", SCREEN, "-nolisten", "tcp"],
            pass_fds=(write_end,),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
    except FileNotFoundError as exc:
        raise NoDisplay("DISPLAY is not set and Xvfb is not installed (apt-get install xvfb)") from exc
    finally:
        os.close(write_end)
    try:
        number = _read_display_number(read_end)
        os.environ["DISPLAY"] = f":{number}"
        yield os.environ["DISPLAY"]
    finally:
        os.close(read_end)
        os.environ.pop("DISPLAY", None)
        xvfb.terminate()
        try:
            xvfb.wait(XVFB_STOP_SECONDS)
        except subprocess.TimeoutExpired:
            xvfb.kill()
            xvfb.wait()


def _read_display_number(fd: int) -> int:
    """Xvfb writes the display number it chose, then a newline, once it accepts clients."""
    text = b""
    while not text.endswith(b"\n"):
        readable, _, _ = select.select([fd], [], [], XVFB_START_SECONDS)
        chunk = os.read(fd, 16) if readable else b""
        if not chunk:
            raise NoDisplay(f"Xvfb did not start within {XVFB_START_SECONDS:g} s")
        text += chunk
    return int(text)
