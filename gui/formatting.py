"""Times and durations as a person reads them; no language-specific words here."""

from __future__ import annotations

import time


def clock_ms(at: float) -> str:
    """Wall-clock time with milliseconds: 14:03:07.281."""
    millis = int(at * 1000) % 1000
    return time.strftime("%H:%M:%S", time.localtime(at)) + f".{millis:03d}"


def clock(at: float) -> str:
    """Wall-clock time to the second: 14:03:07."""
    return time.strftime("%H:%M:%S", time.localtime(at))


def duration(seconds: float) -> str:
    """A round-trip time with sensible precision: 0.42 ms, 12.3 ms, 1.25 s."""
    millis = seconds * 1000
    if millis < 10:
        return f"{millis:.2f} ms"
    if millis < 1000:
        return f"{millis:.1f} ms"
    return f"{seconds:.2f} s"


def shorten(text: str, limit: int) -> str:
    """Cut very long text for display (Tk slows down on huge lines), saying how much was cut."""
    if len(text) <= limit:
        return text
    return f"{text[:limit]}… (+{len(text) - limit})"
