"""A window under a flood, in its own process so its memory can be measured.

Run as `python -m tests.support.window_flood PORT`.

It opens Mayus's window, connects the client to PORT, says "ready" (the parent
takes its baseline then), sends one message and pumps Tk until the session ends,
timing how late a 10 ms tick fires all along. It prints one JSON line: the bytes the
window counted, the longest entry kept, the tick delays' p50, p99 and max, in seconds.
"""

from __future__ import annotations

import json
import sys
import tempfile
import time
from pathlib import Path

from gui.panels.client_panel import ConnectionState
from gui.parts.log_model import Direction
from tests.support.waiting import pump_until
from tests.support.window import connect_client, open_window, send_message

TICK_MS = 10
FLOOD_SECONDS = 60.0


def main(argv: list[str]) -> int:
    port = int(argv[0])
    with tempfile.TemporaryDirectory() as scratch:
        app = open_window(Path(scratch) / "settings.json")
        try:
            connect_client(app, port)
            print("ready", flush=True)
            sys.stdin.readline()  # the parent has its baseline
            delays: list[float] = []
            due = [time.perf_counter() + TICK_MS / 1000]

            def tick() -> None:
                now = time.perf_counter()
                delays.append(now - due[0])
                due[0] = now + TICK_MS / 1000
                app.after(TICK_MS, tick)

            app.after(TICK_MS, tick)
            send_message(app, "go")
            pump_until(app, lambda: app.client_panel.state is ConnectionState.IDLE, FLOOD_SECONDS, "the flood's end")
            app.log.flush()
            delays.sort()
            received = [e for e in app.log.model.entries() if e.is_data and e.direction is Direction.IN]
            report = {
                "bytes": sum(e.size for e in received),  # a pause in the flood starts a new entry
                "shown": max(len(e.data) for e in received),
                "p50": delays[len(delays) // 2] if delays else 0.0,
                "p99": delays[int(len(delays) * 0.99)] if delays else 0.0,
                "max": delays[-1] if delays else 0.0,
                "ticks": len(delays),
            }
            print(json.dumps(report), flush=True)
        finally:
            app.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
