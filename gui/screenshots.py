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
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import partial
from pathlib import Path

from core.defaults import DEFAULT_PORT
from gui.app import App, create_app
from gui.theme import THEMES
from words import LANGUAGES

SIZE = "1200x800"
WAIT_SECONDS = 5.0
MESSAGES = {
    "es": ("hola servidor", "¿qué tal?", "temperatura=21.5"),
    "en": ("hello server", "how are you?", "temperature=21.5"),
}
DOCS_LANGUAGE = "en"  # docs/screenshot-<theme>.png


def _pump_until(app: App, condition: Callable[[], bool], timeout: float = WAIT_SECONDS) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError("the window did not reach the expected state in time")
        app.update()
        time.sleep(0.01)


def _settle(app: App, seconds: float) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        app.update()
        time.sleep(0.01)


def _port_to_show() -> int:
    """The default port when it is free (as a first start would show), else any free port."""
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(("127.0.0.1", DEFAULT_PORT))
        except OSError:
            return 0
    return DEFAULT_PORT


def _shows_reply(app: App, reply: str) -> bool:
    return str(app.client_panel.reply_label.cget("text")) == reply


@contextmanager
def _demo_session(app: App, language: str) -> Iterator[None]:
    """Start the server, connect the window's client and two raw clients, exchange a few messages."""
    panel = app.client_panel
    app.server_panel.set_port(_port_to_show())
    app.server_panel.start_stop.invoke()
    _pump_until(app, lambda: app.network.server_address is not None)
    address = app.network.server_address
    assert address is not None
    others = [socket.create_connection(("127.0.0.1", address[1]), timeout=WAIT_SECONDS) for _ in range(2)]
    try:
        for n, sock in enumerate(others, start=1):
            sock.sendall(b"sensor %d: ok\n" % n)
            sock.recv(64)
        panel.set_target("127.0.0.1", address[1])
        panel.connect_button.invoke()
        _pump_until(app, lambda: panel.send_button.cget("state") == "normal")
        for text in MESSAGES[language]:
            panel.message_entry.insert(0, text)
            panel.send()
            _pump_until(app, partial(_shows_reply, app, text.upper()))
        _settle(app, 0.6)  # let the counters and the rate catch up
        yield
    finally:
        for sock in others:
            sock.close()


def shoot(path: Path, language: str, theme_name: str) -> None:
    from PIL import ImageGrab  # a dev dependency: only this tool needs it

    with tempfile.TemporaryDirectory() as scratch:
        app = create_app(Path(scratch) / "settings.json", language=language, theme_name=theme_name)
        try:
            app.geometry(f"{SIZE}+0+0")
            _settle(app, 0.3)
            with _demo_session(app, language):
                app.lift()
                _settle(app, 0.2)
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
