"""The serve log's writer: it never blocks its caller, counts what does not fit, and stops when the reader goes."""

from __future__ import annotations

import os
import threading

from cli.log_writer import LOG_QUEUE_LINES, WRITE_BATCH_LINES, LogWriter
from tests.support.waiting import wait_until


def _dropped(count: int) -> str:
    return f"... {count} dropped"


def test_lines_reach_the_descriptor_in_order() -> None:
    read_fd, write_fd = os.pipe()
    try:
        log = LogWriter(write_fd, "utf-8", _dropped)
        for number in range(100):
            log.write(f"line {number} ñ")
        assert log.close(5.0)
        text = os.read(read_fd, 1 << 16).decode()
    finally:
        os.close(read_fd)
        os.close(write_fd)
    assert text.splitlines() == [f"line {number} ñ" for number in range(100)]


def test_a_reader_that_does_not_read_costs_counted_lines_never_a_blocked_caller() -> None:
    read_fd, write_fd = os.pipe()
    received = bytearray()
    reader = threading.Thread(target=lambda: _read_all(read_fd, received), daemon=True)
    try:
        log = LogWriter(write_fd, "utf-8", _dropped)
        log.write("x" * (1 << 20))  # more than a pipe holds: the writer blocks on it
        extra = LOG_QUEUE_LINES + 2 * WRITE_BATCH_LINES
        for number in range(extra):  # returns at once, the writer blocked or not
            log.write(f"line {number}")
        dropped = log.dropped
        assert dropped >= WRITE_BATCH_LINES
        assert not log.close(0.2)  # the reader never read: the lines are given up, the close is bounded
        reader.start()  # the reader comes back: the queued lines arrive, then the count of those that were not
        wait_until(lambda: received.endswith(f"{_dropped(dropped)}\n".encode()), message="the drops reported")
        assert log.close(5.0)  # now it can finish: the writer thread ends
    finally:
        os.close(write_fd)
        if reader.ident is not None:
            reader.join(5.0)
        os.close(read_fd)
    lines = received.decode().splitlines()
    kept = extra - dropped
    assert lines[1:] == [f"line {number}" for number in range(kept)] + [_dropped(dropped)]


def _read_all(fd: int, into: bytearray) -> None:
    while chunk := os.read(fd, 1 << 16):
        into.extend(chunk)


def test_a_reader_that_left_turns_the_log_off_and_the_descriptor_swallows_the_rest() -> None:
    read_fd, write_fd = os.pipe()
    os.close(read_fd)  # `serve | head -1`: head has gone
    try:
        log = LogWriter(write_fd, "utf-8", _dropped)
        log.write("nobody reads this")
        wait_until(lambda: log.off, message="the log turned off")
        log.write("nor this")
        assert log.close(5.0)
        assert os.write(write_fd, b"anything") == 8  # now /dev/null: no EPIPE for anyone else
    finally:
        os.close(write_fd)
