"""A check run on a worker thread of its own, so a window stays responsive while it runs.

The run's callbacks (one per check as it finishes, one with the whole report) are called from the
worker thread: a window must hand them to its own thread, as it does with server events. `cancel()`
ends the run early (its connections and programs are ended); `wait()` blocks until the report is ready.
The worker thread ends by itself once the report is out, so nobody has to stop it.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections.abc import Callable, Coroutine
from typing import Any, Generic, TypeVar

from core.check.results import Detail, Outcome

T = TypeVar("T")
# What a job reports when its run could not give a report itself: cancelled before it began, or a bug.
Fallback = Callable[[Outcome, Detail | None], T]


class CheckJob(Generic[T]):
    """Runs one coroutine (a ServerRun's, ClientRun's or ClassRun's `run`) on a fresh event loop and thread."""

    def __init__(
        self,
        name: str,
        run: Callable[[], Coroutine[Any, Any, T]],
        on_done: Callable[[T], None] | None,
        fallback: Fallback[T],
    ) -> None:
        self._run = run
        self._on_done = on_done
        self._fallback = fallback
        self._lock = threading.Lock()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._task: asyncio.Task[Any] | None = None
        self._cancel_asked = False
        self._report: T | None = None
        self._thread = threading.Thread(target=self._work, name=name, daemon=True)
        self._thread.start()

    def _work(self) -> None:
        try:
            report = asyncio.run(self._main())
        except BaseException as exc:  # a run never raises for what a peer does: this is a bug, reported
            detail = Detail.of("check.detail.checker-error", detail=f"{type(exc).__name__}: {exc}")
            report = self._fallback(Outcome.NOT_STARTED, detail)
        self._report = report
        if self._on_done is not None:
            self._on_done(report)

    async def _main(self) -> T:
        with self._lock:
            self._loop = asyncio.get_running_loop()
            self._task = asyncio.current_task()
            cancelled = self._cancel_asked
        if cancelled:
            return self._fallback(Outcome.CANCELLED, None)
        try:
            return await self._run()
        except asyncio.CancelledError:  # cancelled between the run's own steps: it cleaned up already
            return self._fallback(Outcome.CANCELLED, None)

    @property
    def done(self) -> bool:
        return self._report is not None

    def cancel(self) -> None:
        """Ask the run to end now; its report says CANCELLED (safe from any thread, any number of times)."""
        with self._lock:
            self._cancel_asked = True
            loop, task = self._loop, self._task
        if loop is not None and task is not None:
            with contextlib.suppress(RuntimeError):  # the loop already closed: the run is over
                loop.call_soon_threadsafe(task.cancel)

    def wait(self, timeout: float | None = None) -> T:
        """Block until the report is ready and the worker thread ended; raises TimeoutError after `timeout` s."""
        self._thread.join(timeout)
        if self._thread.is_alive() or self._report is None:
            raise TimeoutError("the check run has not finished")
        return self._report
