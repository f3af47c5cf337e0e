"""Messages per second from the server's exact running totals."""

from __future__ import annotations

from collections import deque

# The rate is averaged over this window; the server sends totals a few times a second.
RATE_WINDOW_SECONDS = 2.0
# With no new totals for this long nothing is moving: the rate is zero.
STALE_AFTER_SECONDS = 1.0


class RateMeter:
    """Feed (time, running total) samples; read the recent rate per second."""

    def __init__(self) -> None:
        self._samples: deque[tuple[float, int]] = deque()

    def reset(self) -> None:
        self._samples.clear()

    def add(self, at: float, total: int) -> None:
        samples = self._samples
        if samples and at - samples[-1][0] > STALE_AFTER_SECONDS:
            samples.clear()  # after a quiet spell, old totals would dilute the new rate
        samples.append((at, total))
        while len(samples) > 2 and at - samples[1][0] >= RATE_WINDOW_SECONDS:
            samples.popleft()

    def rate(self, now: float) -> float:
        samples = self._samples
        if len(samples) < 2 or now - samples[-1][0] > STALE_AFTER_SECONDS:
            return 0.0
        (t0, n0), (t1, n1) = samples[0], samples[-1]
        return (n1 - n0) / (t1 - t0) if t1 > t0 else 0.0
