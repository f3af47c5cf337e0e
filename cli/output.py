"""The terminal's output, for faces whose reader may go away (`| head -1`): never a traceback, never a stall.

A write to a closed pipe (EPIPE; EINVAL on Windows) turns the output off for good and points stdout at the
null device, so Python's final flush cannot fail either. Threads may share one `Output`: a lock keeps lines whole.
"""

from __future__ import annotations

import contextlib
import os
import sys
import threading
from collections.abc import Callable
from typing import TextIO


class Output:
    """Lines and partial lines to a text stream, shared by a worker thread (arrivals) and the main thread."""

    def __init__(self, text: TextIO) -> None:
        self._text = text
        self._lock = threading.Lock()
        self.mid_line = False  # a partial line was written (an entry still arriving)
        self.broken = False  # the reader went away: nothing more is written

    def write(self, text: str, ends_line: bool) -> None:
        with self._lock:
            self._guard(lambda: self._text.write(text + ("\n" if ends_line else "")))
            self.mid_line = not ends_line

    def notice(self, line: str, stream: TextIO | None = None) -> None:
        """A line of its own, after any partial line (on `stream`, stderr say, when given)."""
        with self._lock:
            out = stream or self._text
            self._guard(lambda: out.write(("\n" if self.mid_line else "") + line + "\n"))
            self.mid_line = False

    def _guard(self, write: Callable[[], object]) -> None:
        if self.broken:
            return
        try:
            write()
            self._text.flush()
        except (OSError, ValueError):  # the reader went away: stop writing, quietly
            self.broken = True
            silence_stdout()


def silence_stdout() -> None:
    """Point stdout at the null device, so Python's final flush cannot fail with a traceback."""
    with contextlib.suppress(OSError, ValueError):
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, sys.stdout.fileno())
