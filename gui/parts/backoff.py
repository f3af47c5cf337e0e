"""How long to wait before the next reconnect: the user's interval, doubled on each failed try, with a cap."""

from __future__ import annotations

MAX_WAIT_SECONDS = 30.0


class Backoff:
    """`next_wait()` gives base, 2×base, 4×base … up to MAX_WAIT_SECONDS; `reset()` after a success."""

    def __init__(self) -> None:
        self.attempt = 0

    def next_wait(self, base: float) -> float:
        self.attempt += 1
        return float(min(base * 2.0 ** (self.attempt - 1), MAX_WAIT_SECONDS))

    def reset(self) -> None:
        self.attempt = 0
