"""Write PNGs of the window, both themes and both languages, with a short real session on screen.

    python -m tools.screenshots OUTDIR [--docs DOCSDIR]

The conversation view with a few messages exchanged (mayus-THEME-LANG.png); the load
test view while a run against the window's own server goes on and after it ended, at the
usual size and at the minimum size (mayus-load-running|done-THEME-LANG-SIZE.png), plus
one run against a server that lowercases, to show the first mismatch; the Check view after
checking the original classroom server (its real failures, one detail open), at both sizes
(mayus-check-THEME-LANG-SIZE.png).
`make screenshots` runs it under Xvfb when available (same picture on every machine).
Each shot uses a throw-away settings file: the user's own settings are never touched.
Traffic stays on 127.0.0.1. `--docs` also writes the READMEs' pictures: docs/screenshot-THEME.png,
docs/load-test.png (the load test after a run) and docs/check.png (light theme) in English for README.md,
and the same in Spanish for README.es.md (docs/screenshot-THEME.es.png, load-test.es.png, check.es.png).
"""

from __future__ import annotations

import argparse
import gc
import socket
import sys
import tempfile
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from core import platforms
from core.defaults import DEFAULT_PORT
from gui.parts.settings import MIN_HEIGHT, MIN_WIDTH, THEMES
from tests.support.peers import OriginalServer, lowercase, misbehaving_server
from tests.support.waiting import WAIT, pump_until
from tests.support.window import (
    App,
    charts_drawn,
    check_server,
    connect_client,
    open_window,
    send_message,
    settle,
    start_load_test,
    start_server,
    wait_load_test_done,
)
from words import LANGUAGES

SIZE = "1200x800"
MIN_SIZE = f"{MIN_WIDTH}x{MIN_HEIGHT}"
# The load test shown: enough clients and time for a chart with a shape, short enough for `make screenshots`.
LOAD_CLIENTS, LOAD_SECONDS, LOAD_IN_FLIGHT = 200, 6.0, 4
LOAD_SHOWN_POINTS = 12  # the "running" shot waits for this many points on the chart
LOAD_TIMEOUT = 60.0
MESSAGES = {
    "es": ("hola servidor", "¿qué tal?", "temperatura=21.5"),
    "en": ("hello server", "how are you?", "temperature=21.5"),
}
DOCS_LANGUAGE = "en"  # docs/screenshot-<theme>.png; the other languages get docs/screenshot-<theme>.<language>.png
CHECK_DETAIL = "concurrent-clients"  # the original server's best-known weakness, its detail open


def _port_to_show() -> int:
    """The default port when it is free (as a first start would show), else any free port."""
    with socket.socket() as probe:
        if platforms.REUSE_ADDRESS:  # as the server binds: a port left in TIME_WAIT counts as free
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(("127.0.0.1", DEFAULT_PORT))
        except OSError:
            return 0
    return DEFAULT_PORT


@contextmanager
def _demo_session(app: App, language: str) -> Iterator[None]:
    """Start the server, connect the window's client and two raw clients, exchange a few messages."""
    port = start_server(app, _port_to_show())
    others = [socket.create_connection(("127.0.0.1", port), timeout=WAIT) for _ in range(2)]
    try:
        for n, sock in enumerate(others, start=1):
            sock.sendall(b"sensor %d: ok\n" % n)
            sock.recv(64)
        connect_client(app, port)
        for text in MESSAGES[language]:
            send_message(app, text)
            pump_until(app, lambda: app.client_panel.reply_label.cget("text") == text.upper())  # noqa: B023
        shown = str(len(others) + len(MESSAGES[language]))
        pump_until(app, lambda: app.server_panel.counter_text("messages") == shown, message="the counters caught up")
        app.log.flush()
        yield
    finally:
        for sock in others:
            sock.close()


def _resize(app: App, size: str = SIZE) -> None:
    app.geometry(f"{size}+0+0")
    width, height = (int(n) for n in size.split("x"))
    pump_until(app, lambda: (app.winfo_width(), app.winfo_height()) == (width, height), message=f"window at {size}")
    settle(app)


def _grab(app: App, path: Path) -> None:
    from PIL import ImageGrab  # a dev dependency: only this tool needs it

    app.lift()
    app.focus_set()  # no field's focus ring or cursor in the picture
    charts_drawn(app)
    x, y = app.winfo_rootx(), app.winfo_rooty()
    ImageGrab.grab(bbox=(x, y, x + app.winfo_width(), y + app.winfo_height())).save(path)
    print(path)


def _in_window(language: str, theme_name: str, show: Callable[[App], None]) -> None:
    """Open a window (throw-away settings), let `show` put something on it and grab it, close it."""
    with tempfile.TemporaryDirectory() as scratch:
        app = open_window(Path(scratch) / "settings.json", language, theme_name)
        try:
            show(app)
        finally:
            app.close()
            del app
            # Free the closed window here, on the Tk thread: a collection on another thread (the next
            # window's server) would stall it for a second per Tk object, then fail.
            gc.collect()


def shoot(path: Path, language: str, theme_name: str) -> None:
    def show(app: App) -> None:
        _resize(app)
        with _demo_session(app, language):
            _grab(app, path)

    _in_window(language, theme_name, show)


def shoot_load(outdir: Path, language: str, theme_name: str) -> None:
    """The load view while a run against the window's own server goes on, then after it; both sizes each time."""

    def show(app: App) -> None:
        _resize(app)
        start_server(app, _port_to_show())  # "Use my server" then aims at it, even when the default port is taken
        start_load_test(app, clients=LOAD_CLIENTS, seconds=LOAD_SECONDS, in_flight=LOAD_IN_FLIGHT)
        pump_until(app, lambda: app.load_view.chart.points >= LOAD_SHOWN_POINTS, LOAD_TIMEOUT, "a chart with a shape")
        for stage, sizes in (("running", (SIZE, MIN_SIZE)), ("done", (MIN_SIZE, SIZE))):
            if stage == "done":
                wait_load_test_done(app, LOAD_TIMEOUT)
            for size in sizes:
                _resize(app, size)
                _grab(app, outdir / f"mayus-load-{stage}-{theme_name}-{language}-{size}.png")

    _in_window(language, theme_name, show)


def shoot_mismatch(path: Path) -> None:
    """A run against a server that lowercases: mismatches counted, the first one shown byte for byte."""

    def show(app: App) -> None:
        _resize(app)
        with misbehaving_server(lowercase) as target:
            start_load_test(app, clients=4, seconds=1.0, target=target)
            wait_load_test_done(app, LOAD_TIMEOUT)
        _grab(app, path)

    _in_window(DOCS_LANGUAGE, THEMES[0], show)


@contextmanager
def _original_server() -> Iterator[OriginalServer]:
    """The original classroom server.py. The split character kills its thread (one of its real weaknesses,
    which the checklist shows): that traceback is the stand-in's, not the tool's, so it is not printed."""
    previous = threading.excepthook

    def quiet(args: threading.ExceptHookArgs) -> None:
        if args.thread is None or not args.thread.name.startswith(OriginalServer.__name__):
            previous(args)

    threading.excepthook = quiet
    server = OriginalServer()
    try:
        yield server
    finally:
        server.close()
        threading.excepthook = previous


def shoot_check(outdir: Path, language: str, theme_name: str) -> None:
    """The Check view after checking the original server, one detail open, at both sizes."""

    def show(app: App) -> None:
        _resize(app)
        with _original_server() as original:
            check_server(app, *original.address)
        app.check_view.server_list.rows[CHECK_DETAIL].toggle.invoke()
        for size in (SIZE, MIN_SIZE):
            _resize(app, size)
            _grab(app, outdir / f"mayus-check-{theme_name}-{language}-{size}.png")

    _in_window(language, theme_name, show)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("outdir", type=Path)
    parser.add_argument("--docs", type=Path, help="also write the README's pictures here")
    args = parser.parse_args(argv)
    args.outdir.mkdir(parents=True, exist_ok=True)
    for theme_name in THEMES:
        for language in LANGUAGES:
            path = args.outdir / f"mayus-{theme_name}-{language}.png"
            shoot(path, language, theme_name)
            shoot_load(args.outdir, language, theme_name)
            shoot_check(args.outdir, language, theme_name)
            if args.docs is not None:
                args.docs.mkdir(parents=True, exist_ok=True)
                suffix = _docs_suffix(language)
                _copy(path, args.docs / f"screenshot-{theme_name}{suffix}.png")
                if theme_name == THEMES[0]:  # light
                    done = args.outdir / f"mayus-load-done-{theme_name}-{language}-{SIZE}.png"
                    _copy(done, args.docs / f"load-test{suffix}.png")
                    check = args.outdir / f"mayus-check-{theme_name}-{language}-{SIZE}.png"
                    _copy(check, args.docs / f"check{suffix}.png")
    shoot_mismatch(args.outdir / f"mayus-load-mismatch-{THEMES[0]}-{DOCS_LANGUAGE}.png")
    return 0


def _docs_suffix(language: str) -> str:
    """README.md's pictures have none (docs/check.png), each other README's its language (docs/check.es.png)."""
    return "" if language == DOCS_LANGUAGE else f".{language}"


def _copy(source: Path, target: Path) -> None:
    target.write_bytes(source.read_bytes())
    print(target)


if __name__ == "__main__":
    sys.exit(main())
