"""Clock times and cut text as a person reads them, the same in every language (numbers: see Translator)."""

from __future__ import annotations

import time


def clock_ms(at: float) -> str:
    """Wall-clock time with milliseconds: 14:03:07.281."""
    millis = int(at * 1000) % 1000
    return time.strftime("%H:%M:%S", time.localtime(at)) + f".{millis:03d}"


def clock(at: float) -> str:
    """Wall-clock time to the second: 14:03:07."""
    return time.strftime("%H:%M:%S", time.localtime(at))


def shorten(text: str, limit: int) -> str:
    """Cut very long text for display (Tk slows down on huge lines), saying how much was cut."""
    if len(text) <= limit:
        return text
    return f"{text[:limit]}… (+{len(text) - limit})"
