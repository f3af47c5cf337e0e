"""Write PNGs of the window, both themes and both languages, with a short real session on screen.

    python -m tools.screenshots OUTDIR [--docs DOCSDIR]

The conversation view at 1200x800; the Check view after checking the original classroom server (its real
failures, one detail open) at 1200x800 and at the minimum size. --docs also writes screenshot-<theme>.png
and check.png (light, English) for the README.

`make screenshots` runs it under Xvfb when available (same picture on every machine).
Each shot uses a throw-away settings file: the user's own settings are never touched.
Traffic stays on 127.0.0.1.
"""

from __future__ import annotations

import argparse
import gc
import socket
import sys
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from core import platforms
from core.defaults import DEFAULT_PORT
from gui.parts.settings import MIN_HEIGHT, MIN_WIDTH, THEMES
from tests.support.peers import OriginalServer
from tests.support.waiting import WAIT, pump_until
from tests.support.window import (
    App,
    check_server,
    connect_client,
    open_window,
    send_message,
    settle,
    start_server,
)
from words import LANGUAGES

SIZE = "1200x800"
MESSAGES = {
    "es": ("hola servidor", "¿qué tal?", "temperatura=21.5"),
    "en": ("hello server", "how are you?", "temperature=21.5"),
}
DOCS_LANGUAGE = "en"  # docs/screenshot-<theme>.png
CHECK_SIZES = (SIZE, f"{MIN_WIDTH}x{MIN_HEIGHT}")
CHECK_DETAIL = "concurrent-clients"  # the original server's best-known weakness, its detail open
DOCS_CHECK = ("light", "en", SIZE)  # docs/check.png


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
    pump_until(app, lambda: app.winfo_width() == int(size.split("x")[0]), message="window at its size")


def _grab(app: App, path: Path) -> None:
    from PIL import ImageGrab  # a dev dependency: only this tool needs it

    app.lift()
    app.focus_set()  # no field's focus ring or cursor in the picture
    settle(app)
    app.update_idletasks()
    settle(app)
    x, y = app.winfo_rootx(), app.winfo_rooty()
    ImageGrab.grab(bbox=(x, y, x + app.winfo_width(), y + app.winfo_height())).save(path)


def shoot(path: Path, language: str, theme_name: str) -> None:
    with tempfile.TemporaryDirectory() as scratch:
        app = open_window(Path(scratch) / "settings.json", language, theme_name)
        try:
            _resize(app)
            with _demo_session(app, language):
                _grab(app, path)
        finally:
            app.close()
            del app
            gc.collect()  # free the closed window on this (the Tk) thread


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


def shoot_check(paths: dict[str, Path], language: str, theme_name: str) -> None:
    """The Check view after checking the original server, one detail open: one PNG per size in `paths`."""
    with tempfile.TemporaryDirectory() as scratch, _original_server() as original:
        app = open_window(Path(scratch) / "settings.json", language, theme_name)
        try:
            _resize(app)
            check_server(app, *original.address)
            app.check_view.server_list.rows[CHECK_DETAIL].toggle.invoke()
            for size, path in paths.items():
                _resize(app, size)
                _grab(app, path)
        finally:
            app.close()
            del app
            gc.collect()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("outdir", type=Path)
    parser.add_argument("--docs", type=Path, help="also write screenshot-<theme>.png and check.png here")
    args = parser.parse_args(argv)
    args.outdir.mkdir(parents=True, exist_ok=True)
    for theme_name in THEMES:
        for language in LANGUAGES:
            path = args.outdir / f"mayus-{theme_name}-{language}.png"
            shoot(path, language, theme_name)
            print(path)
            if args.docs is not None and language == DOCS_LANGUAGE:
                args.docs.mkdir(parents=True, exist_ok=True)
                docs_path = args.docs / f"screenshot-{theme_name}.png"
                docs_path.write_bytes(path.read_bytes())
                print(docs_path)
            paths = {size: args.outdir / f"mayus-check-{theme_name}-{language}-{size}.png" for size in CHECK_SIZES}
            shoot_check(paths, language, theme_name)
            for size, path in paths.items():
                print(path)
                if args.docs is not None and (theme_name, language, size) == DOCS_CHECK:
                    (args.docs / "check.png").write_bytes(path.read_bytes())
                    print(args.docs / "check.png")
    return 0


if __name__ == "__main__":
    sys.exit(main())
