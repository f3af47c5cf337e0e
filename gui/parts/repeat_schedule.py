"""When a repeat's next send is due: every N ms from its start, with no drift and no long burst after a stall.

Send k (counting from 0) is due at start + k·N. A tick that fires late sends at once,
and the next send is still due on that grid, so lateness never adds up: 500 sends
every 10 ms take 5 s, not 5 s plus 500 timer delays. After a stall (the window busy,
the machine asleep) at most CATCH_UP more sends follow the late one back to back; the
rest of the time lost is dropped, and the grid moves on from there.
"""

from __future__ import annotations

from dataclasses import dataclass

CATCH_UP = 2  # sends that may follow a late one at once, to catch up


@dataclass(slots=True)
class RepeatSchedule:
    every: float  # seconds between two sends
    start: float  # when send 0 was due (perf_counter seconds)

    def due(self, send: int) -> float:
        """When send number `send` (from 0) is due."""
        return self.start + send * self.every

    def wait(self, send: int, now: float) -> float:
        """Seconds from `now` until send number `send` should go (0: at once)."""
        lost = now - self.due(send) - (CATCH_UP - 1) * self.every
        if lost > 0:  # further behind than a short catch-up: forget the time lost
            self.start += lost
        return max(0.0, self.due(send) - now)
