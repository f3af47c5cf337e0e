"""main.py: a face's output never dies of a character the console's encoding lacks (Windows pipes: cp1252)."""

from __future__ import annotations

import io
import os
import subprocess

from main import escape_what_cannot_be_shown
from tests.support.launcher import REPO_ROOT
from tests.support.processes import mayus
from tests.support.servers import RunningServer


def test_a_character_the_encoding_lacks_becomes_an_escape() -> None:
    raw = io.BytesIO()
    stream = io.TextIOWrapper(raw, encoding="cp1252")
    escape_what_cannot_be_shown(stream, None)  # None: pythonw.exe has no stdout at all
    stream.write("ñ → ★\n")
    stream.flush()
    assert raw.getvalue() == b"\xf1 \\u2192 \\u2605\n"


def test_connect_on_a_cp1252_pipe_keeps_printing_with_escapes(server: RunningServer) -> None:
    # What Windows gives a face whose output goes to a pipe or a file, forced here through PYTHONIOENCODING.
    # Before, the reply "→ Ñ" could not be encoded and the face went silent for the rest of the session.
    done = subprocess.run(
        mayus("connect", "--port", str(server.address[1]), "--lang", "en"),
        cwd=REPO_ROOT,
        input="→ ñ\nsecond\n".encode(),
        capture_output=True,
        env=dict(os.environ, PYTHONIOENCODING="cp1252"),
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    replies = [line.split(b"  (")[0] for line in done.stdout.splitlines()[1:-1]]  # between hello and goodbye
    assert replies == [b"\\u2192 \xd1", b"SECOND"]  # "→ Ñ" in cp1252, and the face still speaks
