"""An asyncio event loop running on its own worker thread.

The server and the client each own one: every socket lives on that thread, and
other threads only hand it work with `submit` or `call_soon`.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import threading
from collections.abc import Callable, Coroutine
from typing import Any, TypeVar

T = TypeVar("T")


class LoopThread:
    """Start a fresh event loop on a daemon thread; `stop` ends it and joins the thread."""

    def __init__(self, name: str) -> None:
        self._loop = asyncio.new_event_loop()
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
