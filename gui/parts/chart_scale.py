"""Where a live chart's axes end, and how its tick labels read: chosen so the chart rarely redraws whole.

A live chart blits its lines onto a saved background; only a change of an axis limit
forces a full redraw. So limits move in coarse, round steps: up when the data no longer
fits (with headroom), down only when the data has fallen far below (old peaks gone).
"""

from __future__ import annotations

import math

# Round values an axis may end at, times a power of ten.
NICE_STEPS = (1.0, 1.5, 2.0, 2.5, 3.0, 4.0, 5.0, 6.0, 8.0, 10.0)
HEADROOM = 1.4  # a new limit leaves this much room above the peak: the data rarely outgrows it soon
SHRINK_BELOW = 0.3  # the limit comes down once the peak is under this fraction of it
# Suffixes for compact tick labels: 1.5k, 20k, 1.2M.
_SUFFIXES = ((1e9, "G"), (1e6, "M"), (1e3, "k"))


def nice_ceiling(value: float, floor: float = 1.0) -> float:
    """The smallest round value (1, 1.5, 2, 2.5, 3, 4, 5, 6, 8 times a power of ten) at or above `value`.

    Never below `floor`; a value that is not finite or not positive gives `floor`.
    """
    if not math.isfinite(value) or value <= floor:
        return floor
    power = 10.0 ** math.floor(math.log10(value))
    for step in NICE_STEPS:
        candidate = step * power
        if candidate >= value * (1 - 1e-12):
            return candidate
    return 10.0 * power  # not reached: NICE_STEPS ends at 10


def next_limit(current: float | None, peak: float, floor: float = 1.0) -> float:
    """The axis's upper limit for data whose highest value is `peak`, given the limit it has now.

    Unchanged while the peak fits and is not far below it (so the chart only blits);
    otherwise a round value with HEADROOM above the peak.
    """
    if not math.isfinite(peak):
        peak = 0.0
    if current is not None and peak <= current and (peak >= current * SHRINK_BELOW or current <= floor):
        return current
    return nice_ceiling(peak * HEADROOM, floor)


def compact_number(value: float, decimal_mark: str = ".") -> str:
    """A tick label that stays short: 0, 0.5, 12, 950, 1.5k, 20k, 1.2M (decimal comma when asked)."""
    if not math.isfinite(value):
        return ""
    magnitude = abs(value)
    for size, suffix in _SUFFIXES:
        if magnitude >= size:
            return _trimmed(value / size, decimal_mark) + suffix
    return _trimmed(value, decimal_mark)


def _trimmed(value: float, decimal_mark: str) -> str:
    """Up to two decimals, trailing zeros dropped: 1.5, 2, 0.25."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    if text in ("-0", ""):
        text = "0"
    return text.replace(".", decimal_mark)
