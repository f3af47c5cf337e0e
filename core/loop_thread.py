"""An asyncio event loop running on its own worker thread.

The server and the client each own one: every socket lives on that thread, and
other threads only hand it work with `submit` or `call_soon`.

The loop can be uvloop's (faster at the same asyncio API; not on Windows) or the
standard library's. The environment variable MAYUS_LOOP chooses: `asyncio` forces the
standard loop, `uvloop` insists on uvloop; unset, uvloop is used where it is installed
if UVLOOP_BY_DEFAULT is on. Benchmarks and tests set it to compare the two.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import importlib
import os
import threading
from collections.abc import Callable, Coroutine
from typing import Any, TypeVar

from core import platforms

T = TypeVar("T")

LOOP_ENV = "MAYUS_LOOP"  # "asyncio": the standard loop; "uvloop": uvloop or an error; unset: the default below
ASYNCIO_LOOP = "asyncio"
UVLOOP_LOOP = "uvloop"
LOOP_CHOICES = (ASYNCIO_LOOP, UVLOOP_LOOP)
# Off for now: uvloop's transports are not subclasses of asyncio.Transport, and the server's and
# the client's connection_made still assert that they are (core/server.py, core/client.py).
# tests/core/test_loops.py fails once both run on uvloop, as the reminder to turn this on.
UVLOOP_BY_DEFAULT = True  # Mayus runs on uvloop wherever it is installed (not on Windows)


def _uvloop_factory() -> Callable[[], asyncio.AbstractEventLoop] | None:
    """uvloop's loop constructor, or None where uvloop is not installed or not for this system."""
    if platforms.WINDOWS:
        return None
    try:
        module = importlib.import_module("uvloop")  # optional: not a hard dependency, and no stubs needed
    except ImportError:
        return None
    factory: Callable[[], asyncio.AbstractEventLoop] = module.new_event_loop
    return factory


def uvloop_available() -> bool:
    """True where uvloop is installed and usable (never on Windows)."""
    return _uvloop_factory() is not None


def loop_kind() -> str:
    """Which loop `new_event_loop` makes here: "uvloop" or "asyncio".

    Raises RuntimeError when MAYUS_LOOP asks for something unknown, or for uvloop where it is missing.
    """
    wanted = os.environ.get(LOOP_ENV, "").strip().lower()
    if wanted not in ("", *LOOP_CHOICES):
        raise RuntimeError(f"{LOOP_ENV}={wanted!r}: expected one of {', '.join(LOOP_CHOICES)}")
    if wanted == ASYNCIO_LOOP or (not wanted and not UVLOOP_BY_DEFAULT):
        return ASYNCIO_LOOP
    if uvloop_available():
        return UVLOOP_LOOP
    if wanted == UVLOOP_LOOP:
        raise RuntimeError(f"{LOOP_ENV}=uvloop, but uvloop is not installed here (or this is Windows)")
    return ASYNCIO_LOOP


def new_event_loop() -> asyncio.AbstractEventLoop:
    """A new event loop of the kind `loop_kind` names (the caller closes it)."""
    factory = _uvloop_factory() if loop_kind() == UVLOOP_LOOP else None
    return factory() if factory is not None else asyncio.new_event_loop()


class LoopThread:
    """Start a fresh event loop on a daemon thread; `stop` ends it and joins the thread."""

    def __init__(self, name: str, standard: bool = False) -> None:
        """`standard`: the standard library's loop whatever MAYUS_LOOP says (for what only it offers)."""
        self._loop = asyncio.new_event_loop() if standard else new_event_loop()
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)
        self._thread.start()

    @property
    def loop(self) -> asyncio.AbstractEventLoop:
        return self._loop

    def is_alive(self) -> bool:
        return self._thread.is_alive()

    def in_loop_thread(self) -> bool:
        return threading.current_thread() is self._thread

    def submit(self, coro: Coroutine[Any, Any, T]) -> concurrent.futures.Future[T]:
        """Run a coroutine on the loop; the returned future is safe to wait on elsewhere."""
        return asyncio.run_coroutine_threadsafe(coro, self._loop)

    def call_soon(self, fn: Callable[[], object]) -> None:
        """Run `fn` on the loop thread soon; does nothing once the loop is closed."""
        with contextlib.suppress(RuntimeError):  # loop already closed: nothing left to act on
            self._loop.call_soon_threadsafe(fn)

    def join(self, timeout: float) -> bool:
        """Wait up to `timeout` s for the thread to end (its loop stopped); True if it ended."""
        if not self.in_loop_thread():
            self._thread.join(timeout)
        return not self._thread.is_alive()

    def stop(self, timeout: float) -> bool:
        """Stop the loop, join the thread for up to `timeout` s; True if it ended.

        Tasks still pending are cancelled and given one pass to clean up.
        """
        if self.in_loop_thread():
            raise RuntimeError("LoopThread.stop() called from its own thread")
        self.call_soon(self._loop.stop)
        self._thread.join(timeout)
        return not self._thread.is_alive()

    def _run(self) -> None:
        asyncio.set_event_loop(self._loop)
        try:
            self._loop.run_forever()
            tasks = asyncio.all_tasks(self._loop)
            for task in tasks:
                task.cancel()
            if tasks:
                self._loop.run_until_complete(asyncio.gather(*tasks, return_exceptions=True))
            # Name look-ups run on the loop's default executor: end its threads too.
            self._loop.run_until_complete(self._loop.shutdown_default_executor())
        finally:
            self._loop.close()
