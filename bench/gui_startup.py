"""Time from spawning `python main.py` to its window on screen and drawn, seen from outside.

Nothing in the app helps: the bench polls the X server (`xdotool search --onlyvisible
--pid`) until the window is mapped, then grabs its pixels until they show more than a
flat background (a mapped window is painted its background colour before Tk draws the
widgets). Each run gets a fresh, empty XDG_CONFIG_HOME, so the user's settings are never
read or written, and ends with SIGTERM: the process must exit, its window must go and no
child process may be left.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass

import psutil
from PIL import ImageGrab

from tests.support.launcher import REPO_ROOT
from tests.support.waiting import wait_until

WINDOW_NAME = "Mayus"
DRAWN_DEADLINE_SECONDS = 15.0
POLL_SECONDS = 0.005
EXIT_TIMEOUT_SECONDS = 10.0
# A window painted only with its background has one colour; drawn text and widgets have hundreds.
DRAWN_MIN_COLOURS = 16
MAX_COLOURS_COUNTED = 1 << 16


@dataclass(frozen=True)
class StartupRun:
    mapped: float  # seconds from spawn to the window mapped (visible)
    drawn: float  # seconds from spawn to the window's pixels showing widgets
    exit_code: int | None
    left_behind: list[str]  # problems at the end: still running, window still there, children alive

    @property
    def clean(self) -> bool:
        return not self.left_behind


class StartupFailed(RuntimeError):
    pass


def measure_startup(runs: int) -> list[StartupRun]:
    return [time_one_startup() for _ in range(runs)]


def time_one_startup() -> StartupRun:
    with tempfile.TemporaryDirectory(prefix="mayus-bench-config-") as config:
        env = dict(os.environ, XDG_CONFIG_HOME=config)
        began = time.perf_counter()
        process = subprocess.Popen(
            [sys.executable, "main.py"],
            cwd=REPO_ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        try:
            window, mapped_at = _wait_mapped(process, began)
            drawn_at = _wait_drawn(process, window, began)
        except BaseException:
            process.kill()
            process.wait()
            raise
        children = psutil.Process(process.pid).children(recursive=True)
        exit_code, left_behind = _terminate(process, children)
        if _find_windows(process.pid):
            left_behind.append("its window is still on screen")
    return StartupRun(mapped_at - began, drawn_at - began, exit_code, left_behind)


def _find_windows(pid: int) -> list[str]:
    found = subprocess.run(
        ["xdotool", "search", "--onlyvisible", "--pid", str(pid), "--name", WINDOW_NAME],
        capture_output=True,
        text=True,
        check=False,
    )
    return found.stdout.split()


def _check_alive(process: subprocess.Popen[str]) -> None:
    if process.poll() is not None:
        _, err = process.communicate()
        raise StartupFailed(f"main.py exited with {process.returncode} before drawing its window: {err.strip()}")


def _wait_mapped(process: subprocess.Popen[str], began: float) -> tuple[str, float]:
    found: list[str] = []

    def mapped() -> bool:
        _check_alive(process)
        found[:] = _find_windows(process.pid)
        return bool(found)

    _wait(mapped, began, "no window")
    return found[0], time.perf_counter()


def _wait_drawn(process: subprocess.Popen[str], window: str, began: float) -> float:
    def drawn() -> bool:
        _check_alive(process)
        return _colours(window) >= DRAWN_MIN_COLOURS

    _wait(drawn, began, "window mapped but not drawn")
    return time.perf_counter()


def _wait(condition: Callable[[], bool], began: float, failure: str) -> None:
    """Wait for `condition` until DRAWN_DEADLINE_SECONDS after `began`; StartupFailed if it never holds."""
    left = DRAWN_DEADLINE_SECONDS - (time.perf_counter() - began)
    try:
        wait_until(condition, max(0.0, left), failure, poll=POLL_SECONDS)
    except AssertionError as exc:
        raise StartupFailed(f"{failure} within {DRAWN_DEADLINE_SECONDS:g} s") from exc


def _colours(window: str) -> int:
    """How many distinct colours the window shows (no window manager: its pixels are on the root)."""
    shape = subprocess.run(
        ["xdotool", "getwindowgeometry", "--shell", window], capture_output=True, text=True, check=False
    ).stdout
    values = dict(line.split("=", 1) for line in shape.splitlines() if "=" in line)
    try:
        x, y, width, height = (int(values[key]) for key in ("X", "Y", "WIDTH", "HEIGHT"))
    except (KeyError, ValueError):
        return 0  # gone or not laid out yet
    image = ImageGrab.grab(bbox=(x, y, x + width, y + height), xdisplay=os.environ["DISPLAY"])
    colours = image.getcolors(MAX_COLOURS_COUNTED)
    return MAX_COLOURS_COUNTED if colours is None else len(colours)


def _terminate(process: subprocess.Popen[str], children: list[psutil.Process]) -> tuple[int | None, list[str]]:
    """SIGTERM, as a session ending would send; the app must be gone with all it started."""
    problems: list[str] = []
    process.terminate()
    try:
        process.communicate(timeout=EXIT_TIMEOUT_SECONDS)
    except subprocess.TimeoutExpired:
        problems.append(f"still running {EXIT_TIMEOUT_SECONDS:g} s after SIGTERM (killed)")
        process.kill()
        process.communicate()
    alive = [child for child in children if child.is_running() and child.status() != psutil.STATUS_ZOMBIE]
    if alive:
        problems.append(f"child processes left: {', '.join(str(child.pid) for child in alive)}")
        for child in alive:
            child.kill()
    return process.returncode, problems
