"""A cap on how many detailed events go out per second; what is over the cap is summarised by the caller."""

from __future__ import annotations


class EventBudget:
    """Allows `per_second` events a second, counted per `interval`-long window of the caller's clock.

    `take(count, now)` says whether `count` more events fit in the current window;
    the window refills itself when `now` has moved past it.
    """

    __slots__ = ("_left", "_per_interval", "_window_ends", "interval")

    def __init__(self, per_second: int, interval: float) -> None:
        self.interval = interval
        self._per_interval = max(1, int(per_second * interval))
        self._left = self._per_interval
        self._window_ends = float("-inf")

    @property
    def window_ends(self) -> float:
        """When the current window ends, on the caller's clock (-inf before the first `take`)."""
        return self._window_ends

    def take(self, count: int, now: float) -> bool:
        if now >= self._window_ends:
            self._left = self._per_interval
            self._window_ends = now + self.interval
        if count <= self._left:
            self._left -= count
            return True
        return False
