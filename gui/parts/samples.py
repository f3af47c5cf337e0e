"""The live charts' data, kept without a window: the server's last minute, and one load run from start to end.

`ServerHistory` is a ring buffer of the server's totals (from its ServerStats, a few a
second while anything changes) that gives messages/s and connected clients over the
last WINDOW_SECONDS, as "seconds ago" points. `RunSeries` keeps one load run's
points (elapsed time, then values); a run longer than its capacity keeps every other
point, so a long run is still drawn whole in bounded memory.
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass

from core.defaults import STATS_INTERVAL_SECONDS

WINDOW_SECONDS = 60.0
# The server sends stats about 4 times a second; a minute of them, with room to spare.
SERVER_CAPACITY = 512
# With no stats for this long nothing moved: the rate drops to zero on the chart.
STALE_SECONDS = 1.0
RUN_CAPACITY = 2048  # points of one load run before every other one is dropped

Columns = dict[str, list[float]]


@dataclass(frozen=True, slots=True)
class ServerSample:
    at: float  # the stats' time.perf_counter()
    messages: int  # messages received, in total since the server started
    clients: int  # connected now
    rate: float  # messages per second since the sample before


class ServerHistory:
    """The server's messages/s and connected clients over the last minute (a bounded ring of samples)."""

    def __init__(self, window: float = WINDOW_SECONDS, capacity: int = SERVER_CAPACITY) -> None:
        self.window = window
        self._samples: deque[ServerSample] = deque(maxlen=capacity)

    def __len__(self) -> int:
        return len(self._samples)

    @property
    def last(self) -> ServerSample | None:
        return self._samples[-1] if self._samples else None

    @property
    def samples(self) -> tuple[ServerSample, ...]:
        """The samples held, oldest first."""
        return tuple(self._samples)

    def reset(self) -> None:
        """Forget every sample (a server that starts again starts its counts at zero)."""
        self._samples.clear()

    def add(self, at: float, messages: int, clients: int) -> None:
        """One stats event: running total of messages and clients connected, at `at` (perf_counter seconds)."""
        rate = 0.0
        before = self.last
        if before is not None and at > before.at and messages >= before.messages:
            gap = at - before.at
            # After a quiet spell the server reports again within one interval of the new messages.
            rate = (messages - before.messages) / (gap if gap <= STALE_SECONDS else STATS_INTERVAL_SECONDS)
        self._samples.append(ServerSample(at, messages, clients, rate))
        while self._samples and at - self._samples[0].at > self.window + STALE_SECONDS:
            self._samples.popleft()

    def add_stopped(self, at: float) -> None:
        """The server stopped: no clients, no messages from now on."""
        messages = self.last.messages if self.last is not None else 0
        self._samples.append(ServerSample(at, messages, 0, 0.0))

    def series(self, now: float) -> tuple[list[float], Columns]:
        """Points for the chart: x in seconds before `now` (-window..0), columns "rate" and "clients".

        The rate drops to zero where no stats came for STALE_SECONDS (nothing moved), the
        last values are carried to `now` so the chart scrolls while the server is quiet,
        and the line starts at the left edge when older samples are still held.
        """
        points: list[tuple[float, float, int]] = []  # (at, rate, clients)
        previous: ServerSample | None = None
        for sample in self._samples:
            if previous is not None and sample.at - previous.at > STALE_SECONDS:
                points.append((previous.at + STATS_INTERVAL_SECONDS, 0.0, previous.clients))
            points.append((sample.at, sample.rate, sample.clients))
            previous = sample
        if previous is not None:
            quiet = now - previous.at > STALE_SECONDS
            if quiet:
                points.append((previous.at + STATS_INTERVAL_SECONDS, 0.0, previous.clients))
            points.append((now, 0.0 if quiet else previous.rate, previous.clients))
        start = now - self.window
        first = next((i for i, (at, _, _) in enumerate(points) if at >= start), len(points))
        if first > 0:  # the point just before the window, moved onto its left edge
            first -= 1
            _, rate, clients = points[first]
            points[first] = (start, rate, clients)
        shown = points[first:]
        x = [at - now for at, _, _ in shown]
        return x, {"rate": [rate for _, rate, _ in shown], "clients": [float(c) for _, _, c in shown]}


class RunSeries:
    """Points of one load run: x (seconds) and one value per column; NaN where a value is unknown.

    Past `capacity` points every other point is dropped and from then on only every
    other new point is kept (then every fourth, ...): memory stays bounded, the whole
    run stays on the chart.
    """

    def __init__(self, columns: Sequence[str], capacity: int = RUN_CAPACITY) -> None:
        if capacity < 2:
            raise ValueError("a run series needs room for at least 2 points")
        self.capacity = capacity + capacity % 2  # even: halving always keeps the newest point
        self.x: list[float] = []
        self.columns: Columns = {name: [] for name in columns}
        self._stride = 1
        self._seen = 0

    def __len__(self) -> int:
        return len(self.x)

    def clear(self) -> None:
        self.x.clear()
        for values in self.columns.values():
            values.clear()
        self._stride, self._seen = 1, 0

    def add(self, x: float, **values: float) -> None:
        """Add a point; a column not given is NaN (a gap in its line)."""
        self._seen += 1
        if (self._seen - 1) % self._stride:
            return
        self.x.append(x)
        for name, column in self.columns.items():
            column.append(values.get(name, math.nan))
        if len(self.x) > self.capacity:
            self._halve()

    @property
    def last(self) -> tuple[float, dict[str, float]] | None:
        """The newest point: its x and each column's value."""
        if not self.x:
            return None
        return self.x[-1], {name: column[-1] for name, column in self.columns.items()}

    def _halve(self) -> None:
        self.x[:] = self.x[::2]
        for column in self.columns.values():
            column[:] = column[::2]
        self._stride *= 2
        self._seen = 1  # the point just kept (the last of an odd count) starts the next stride
