"""A client program under check: started with pipes, typed into, watched, and always ended with its children.

A `.py` file runs with the current Python. The program gets its own process group (a new session on
POSIX, a new process group on Windows), so ending it by its PID ends whatever it started too.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import sys
from collections.abc import Sequence

from core.check.results import Clip
from core.check.wire import Bounded
from core.platforms import kill_process_tree, own_process_group

# What a program prints is searched in its first this-many bytes (a program that prints forever is cut).
OUTPUT_KEPT_BYTES = 256 * 1024
END_WAIT_SECONDS = 1.0  # after a kill, for the exit and the pipes to close
EXIT_POLL_SECONDS = 0.01
# A Python program prints through a pipe in UTF-8 and at once, as it would on a terminal.
PYTHON_ENVIRONMENT = {"PYTHONUNBUFFERED": "1", "PYTHONIOENCODING": "utf-8", "PYTHONUTF8": "1"}


def command_line(command: Sequence[str]) -> list[str]:
    """The command to start: a lone `.py` file (with its arguments) runs with the current Python."""
    parts = list(command)
    if parts and parts[0].lower().endswith(".py"):
        return [sys.executable, *parts]
    return parts


class Output:
    """What a program printed on one stream: the first OUTPUT_KEPT_BYTES bytes, and a wake-up on each new piece."""

    def __init__(self) -> None:
        self.data = bytearray()
        self.length = 0
        self.changed = asyncio.Event()

    def add(self, chunk: bytes) -> None:
        room = OUTPUT_KEPT_BYTES - len(self.data)
        if room > 0:
            self.data += chunk[:room]
        self.length += len(chunk)
        self.changed.set()


class Program:
    """One run of the program; `end()` must be called (the check's runner does, whatever happens)."""

    def __init__(self, process: asyncio.subprocess.Process) -> None:
        self.process = process
        self.stdout = Output()
        self.stderr = Output()
        assert process.stdout is not None and process.stderr is not None
        self._readers = [
            asyncio.ensure_future(self._pump(process.stdout, self.stdout)),
            asyncio.ensure_future(self._pump(process.stderr, self.stderr)),
        ]

    @classmethod
    async def start(cls, command: Sequence[str]) -> Program:
        """Start the program; raises OSError (not found, not executable) or ValueError (empty command)."""
        argv = command_line(command)
        if not argv:
            raise ValueError("empty command")
        process = await asyncio.create_subprocess_exec(
            *argv,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
            env=dict(os.environ, **PYTHON_ENVIRONMENT),
            **own_process_group(),  # so that end() reaches whatever it starts too
        )
        return cls(process)

    @staticmethod
    async def _pump(stream: asyncio.StreamReader, into: Output) -> None:
        with contextlib.suppress(OSError):
            while chunk := await stream.read(65536):
                into.add(chunk)
        into.changed.set()

    @property
    def pid(self) -> int:
        return self.process.pid

    @property
    def exit_code(self) -> int | None:
        return self.process.returncode

    def printed(self) -> str:
        """Everything it printed so far (stdout, then stderr), as text."""
        return (bytes(self.stdout.data) + bytes(self.stderr.data)).decode("utf-8", "replace")

    def printed_length(self) -> int:
        return self.stdout.length + self.stderr.length

    def output_clip(self) -> Clip:
        both = Bounded()
        both.add(bytes(self.stdout.data))
        both.add(bytes(self.stderr.data))
        return Clip(both.clip().data, self.printed_length())

    async def type_line(self, text: str) -> bool:
        """Type a line into its standard input as a person would; False if it no longer reads its input."""
        stdin = self.process.stdin
        if stdin is None or stdin.is_closing():
            return False
        try:
            stdin.write(text.encode("utf-8") + b"\n")
            await asyncio.wait_for(stdin.drain(), 1.0)
        except (OSError, asyncio.TimeoutError):
            return False
        return True

    async def wait_printed(self, text: str, deadline: float) -> bool:
        """Wait until it has printed `text` (stdout or stderr); False at `deadline` or once it ended without."""
        loop = asyncio.get_running_loop()
        while True:
            if text in self.printed():
                return True
            if self._output_closed():
                return False
            remaining = deadline - loop.time()
            if remaining <= 0:
                return False
            self.stdout.changed.clear()
            self.stderr.changed.clear()
            waits = [asyncio.ensure_future(o.changed.wait()) for o in (self.stdout, self.stderr)]
            await asyncio.wait(waits, timeout=remaining, return_when=asyncio.FIRST_COMPLETED)
            for waiting in waits:
                waiting.cancel()

    async def wait_output_closed(self, deadline: float) -> None:
        """Wait (until `deadline`) for both output pipes to close, so everything printed has been read."""
        remaining = deadline - asyncio.get_running_loop().time()
        if remaining > 0:
            await asyncio.wait(self._readers, timeout=remaining)

    def _output_closed(self) -> bool:
        return all(reader.done() for reader in self._readers)

    async def wait_exit(self, deadline: float) -> int | None:
        """Wait for it to end; its exit code, or None if it still runs at `deadline`.

        Looks at the exit code itself: asyncio's `wait()` also waits for the output pipes to close, which a
        child the program started (and left running) may hold open.
        """
        loop = asyncio.get_running_loop()
        while self.process.returncode is None and loop.time() < deadline:
            await asyncio.sleep(EXIT_POLL_SECONDS)
        return self.process.returncode

    async def end(self) -> None:
        """End the program and everything it started, by its PID; close its pipes. Never raises."""
        kill_process_tree(self.pid)
        with contextlib.suppress(asyncio.TimeoutError):
            await asyncio.wait_for(self.process.wait(), END_WAIT_SECONDS)
        if self.process.stdin is not None:
            self.process.stdin.close()
        with contextlib.suppress(asyncio.TimeoutError):
            await asyncio.wait_for(asyncio.gather(*self._readers, return_exceptions=True), END_WAIT_SECONDS)
        for reader in self._readers:
            reader.cancel()
