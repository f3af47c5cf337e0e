"""A real Mayus window under Xvfb (pytest-xvfb), driven the way a person would.

Every window gets a settings file in tmp_path (never the user's real config), any
exception inside a Tk callback fails the test, and at teardown the window is
closed and no Mayus worker thread may be left.
"""

from __future__ import annotations

import gc
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from gui.app import App, create_app
from tests.support.waiting import WAIT, wait_until, worker_threads


def pump(app: App, seconds: float = 0.0) -> None:
    """Run Tk's event loop for a while, the way mainloop() would."""
    end = time.perf_counter() + seconds
    app.update()
    while time.perf_counter() < end:
        time.sleep(0.005)
        app.update()


def wait_for(app: App, condition: Callable[[], bool], timeout: float = WAIT, message: str = "condition") -> None:
    """Pump Tk until the condition holds; fail after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        app.update()
        if condition():
            return
        if time.monotonic() > deadline:
            raise AssertionError(f"{message} not met within {timeout} s")
        time.sleep(0.005)


def type_into(entry: Any, text: str) -> None:
    """Put the cursor in an entry and type, replacing what was there."""
    entry.focus_force()
    entry.delete(0, "end")
    entry.insert(0, text)


def press(app: App, entry: Any, keysym: str) -> None:
    """Press a key in a CTkEntry (delivered to its inner Tk entry, which holds the bindings)."""
    entry.focus_force()
    pump(app)
    entry._entry.event_generate("<KeyPress>", keysym=keysym)
    pump(app)


def pick(segmented: Any, label: str) -> None:
    """Click one segment of a CTkSegmentedButton (set() alone would not call its command)."""
    segmented._buttons_dict[label].invoke()


def start_server(app: App, port: int = 0) -> int:
    """Start the window's server by typing a port and pressing Start; returns the real port."""
    type_into(app.server_panel.port_entry, str(port))
    app.server_panel.start_stop.invoke()
    wait_for(app, lambda: app.network.server_address is not None and "Listening" in app.server_panel.status.text)
    address = app.network.server_address
    assert address is not None
    return address[1]


def connect_client(app: App, port: int, host: str = "127.0.0.1") -> None:
    type_into(app.client_panel.host_entry, host)
    type_into(app.client_panel.port_entry, str(port))
    app.client_panel.connect_button.invoke()
    wait_for(app, lambda: app.client_panel.status.text.startswith("Connected to"), message="client connected")


@pytest.hookimpl(wrapper=True)
def pytest_runtest_protocol(item: pytest.Item, nextitem: pytest.Item | None) -> object:
    """Free each test's closed windows right after it, on the main (Tk) thread.

    A garbage collection may start on any thread. Collected there, tkinter fonts and
    variables call Tcl, which stalls that thread for a second before failing, and a Tk
    interpreter freed off its own thread can abort the process. pytest drops its own
    references to the test's fixtures only once teardown is over, hence this hook.
    """
    result = yield
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
        pump(app)
        return app

    yield make
    for app in apps:
        app.close()
    wait_until(lambda: not worker_threads(), message="every Mayus worker thread ended")
    assert not errors, f"exceptions inside Tk callbacks: {errors!r}"


@pytest.fixture
def app(make_app: Callable[..., App]) -> App:
    return make_app()
