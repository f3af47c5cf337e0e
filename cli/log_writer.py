"""A log that never blocks or breaks the program writing it.

`serve` logs from its event loop. Writing there to a terminal that scrolls slowly, a
pipe nobody reads, or a pipe whose reader left (`| head -1`) would stall or crash the
server. Here lines wait in a bounded queue for a writer thread instead: a full queue
drops lines and counts them, and an output that is gone turns the log off for good.
"""

from __future__ import annotations

import contextlib
import os
import queue
import threading
from collections import deque
from collections.abc import Callable

LOG_QUEUE_LINES = 10_000  # lines waiting for the writer; past this they are dropped and counted
WRITE_BATCH_LINES = 1_000  # lines joined into one write
# Set in the writer's queue to ask it to finish once every line before it is written.
_FINISH = object()


class LogWriter:
    """Writes text lines to a file descriptor from a thread of its own.

    `write` never blocks: when the queue is full the line is dropped and counted, and the
    next line that fits is preceded by `dropped_line(count)`. When the descriptor fails
    (its reader has gone: EPIPE), the log turns off: later lines are discarded, and the
    descriptor is pointed at os.devnull so no other write in the process trips on it.
    The thread is a daemon: a reader that never reads cannot keep the process alive.
    """

    def __init__(self, fd: int, encoding: str, dropped_line: Callable[[int], str]) -> None:
        self._fd = fd
        self._encoding = encoding
        self._dropped_line = dropped_line
        self._queue: queue.Queue[object] = queue.Queue(LOG_QUEUE_LINES)
        self._lock = threading.Lock()
        self._accepted = 0  # lines queued so far
        # Runs of dropped lines, oldest first: [lines queued before the run, lines dropped in it].
        self._drops: deque[list[int]] = deque()
        self.off = False  # the output is gone: nothing more is written
        self._thread = threading.Thread(target=self._run, name="mayus-log", daemon=True)
        self._thread.start()

    @property
    def dropped(self) -> int:
        """Lines dropped because the output could not keep up, not yet reported in the log."""
        with self._lock:
            return sum(count for _, count in self._drops)

    def write(self, line: str) -> None:
        """Queue one line (without its newline); drop and count it if the queue is full. Never blocks."""
        if self.off:
            return
        with self._lock:
            try:
                self._queue.put_nowait(line)
            except queue.Full:
                if self._drops and self._drops[-1][0] == self._accepted:
                    self._drops[-1][1] += 1
                else:
                    self._drops.append([self._accepted, 1])
            else:
                self._accepted += 1

    def close(self, timeout: float) -> bool:
        """Wait up to `timeout` seconds for the queued lines to be written; True if they all were.

        A reader that does not read leaves the writer blocked: the lines are given up, and
        the daemon thread ends with the process.
        """
        with contextlib.suppress(queue.Full):
            self._queue.put(_FINISH, timeout=timeout)
        self._thread.join(timeout)
        return not self._thread.is_alive()

    def _run(self) -> None:
        taken = 0  # lines taken from the queue so far: where each run of drops goes
        while True:
            batch = [self._queue.get()]
            with contextlib.suppress(queue.Empty):
                while len(batch) < WRITE_BATCH_LINES:
                    batch.append(self._queue.get_nowait())
            lines: list[str] = []
            for item in batch:
                if isinstance(item, str):
                    lines.extend(self._drops_before(taken))
                    lines.append(item)
                    taken += 1
            lines.extend(self._drops_before(taken))
            if lines and not self.off:
                self._write("".join(line + "\n" for line in lines))
            if _FINISH in batch:
                return

    def _drops_before(self, position: int) -> list[str]:
        """The report of each run of drops that came after the first `position` queued lines."""
        with self._lock:
            reports = []
            while self._drops and self._drops[0][0] <= position:
                reports.append(self._dropped_line(self._drops.popleft()[1]))
            return reports

    def _write(self, text: str) -> None:
        data = memoryview(text.encode(self._encoding, "backslashreplace"))
        try:
            while data:
                data = data[os.write(self._fd, data) :]
        except OSError:
            self._turn_off()

    def _turn_off(self) -> None:
        """The reader has gone: stop writing, and let the descriptor swallow anything else written to it."""
        self.off = True
        with contextlib.suppress(OSError):
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, self._fd)
            os.close(devnull)
