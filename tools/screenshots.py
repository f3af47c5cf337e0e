"""Write PNGs of the window, both themes and both languages, with a short real session on screen.

    python -m gui.screenshots OUTDIR [--docs DOCSDIR]

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
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from core import platforms
from core.defaults import DEFAULT_PORT
from gui.parts.settings import THEMES
from tests.support.waiting import WAIT, pump_until
from tests.support.window import App, connect_client, open_window, send_message, settle, start_server
from words import LANGUAGES

SIZE = "1200x800"
MESSAGES = {
    "es": ("hola servidor", "¿qué tal?", "temperatura=21.5"),
    "en": ("hello server", "how are you?", "temperature=21.5"),
}
DOCS_LANGUAGE = "en"  # docs/screenshot-<theme>.png


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


def _resize(app: App) -> None:
    app.geometry(f"{SIZE}+0+0")
    pump_until(app, lambda: app.winfo_width() == int(SIZE.split("x")[0]), message="window at its size")


def shoot(path: Path, language: str, theme_name: str) -> None:
    from PIL import ImageGrab  # a dev dependency: only this tool needs it

    with tempfile.TemporaryDirectory() as scratch:
        app = open_window(Path(scratch) / "settings.json", language, theme_name)
        try:
            _resize(app)
            with _demo_session(app, language):
                app.lift()
                settle(app)
                x, y = app.winfo_rootx(), app.winfo_rooty()
                image = ImageGrab.grab(bbox=(x, y, x + app.winfo_width(), y + app.winfo_height()))
                image.save(path)
        finally:
            app.close()
            del app
            gc.collect()  # free the closed window on this (the Tk) thread


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("outdir", type=Path)
    parser.add_argument("--docs", type=Path, help="also write screenshot-light.png and screenshot-dark.png here")
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
    return 0


if __name__ == "__main__":
    sys.exit(main())
