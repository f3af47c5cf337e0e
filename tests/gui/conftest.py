"""A real Mayus window under Xvfb (pytest-xvfb), driven the way a person would (tests/support/window.py).

Every window gets a settings file in tmp_path (never the user's real config), any
exception inside a Tk callback fails the test, and at teardown the window is
closed and no Mayus worker thread may be left.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from gui.app import App, create_app
from tests.support.waiting import wait_until, worker_threads
from tests.support.window import settle


@pytest.hookimpl(wrapper=True)
def pytest_runtest_protocol(item: pytest.Item, nextitem: pytest.Item | None) -> object:
    """Free each window test's closed windows right after it, on the main (Tk) thread.

    A garbage collection may start on any thread. Collected there, tkinter fonts and
    variables call Tcl, which stalls that thread for a second before failing, and a Tk
    interpreter freed off its own thread can abort the process. pytest drops its own
    references to the test's fixtures only once teardown is over, hence this hook.

    pytest and pytest-xdist call this hook for every test of the run, not only for this folder's, and a full
    collection walks the whole heap (a closed window unfreezes it: gui/app.py): 50-120 ms. Only the tests that
    opened windows, through `make_app` (below; `app` uses it), are collected: a minute of the suite's time saved.
    """
    result = yield
    if "make_app" in getattr(item, "fixturenames", ()):
        gc.collect()
    return result


@pytest.fixture
def settings_path(tmp_path: Path) -> Path:
    return tmp_path / "config" / "settings.json"


@pytest.fixture
def make_app(settings_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[..., App]]:
    """Open windows (English, light, settings in tmp_path unless told otherwise); all closed at teardown."""
    apps: list[App] = []
    errors: list[BaseException] = []

    def make(**options: Any) -> App:
        options.setdefault("settings_path", settings_path)
        options.setdefault("language", "en")
        options.setdefault("theme_name", "light")
        app = create_app(**options)
        monkeypatch.setattr(app, "report_callback_exception", lambda _type, value, _tb: errors.append(value))
        apps.append(app)
        settle(app)
        return app

    yield make
    for app in apps:
        app.close()
    wait_until(lambda: not worker_threads(), message="every Mayus worker thread ended")
    assert not errors, f"exceptions inside Tk callbacks: {errors!r}"


@pytest.fixture
def app(make_app: Callable[..., App]) -> App:
    return make_app()
