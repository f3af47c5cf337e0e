"""Mayus: the composition root.

`python main.py` opens the window; `python main.py serve|connect|send|...` runs a face of `cli`.
"""

from __future__ import annotations

import io
import multiprocessing
import signal
import sys
from collections.abc import Sequence
from typing import TextIO


def run_app() -> int:
    """Open the window (the gui-scripts entry point)."""
    from gui.app import run

    exit_code: int = run()
    return exit_code


def main(argv: Sequence[str] | None = None) -> int:
    """With no arguments, the window; otherwise the terminal face the arguments name."""
    args = list(sys.argv[1:] if argv is None else argv)
    if not args:
        return run_app()
    escape_what_cannot_be_shown(sys.stdout, sys.stderr)
    import cli

    return cli.main(args)


def escape_what_cannot_be_shown(*streams: TextIO | None) -> None:
    """Make each text stream write an escape (\\u2192) for a character its encoding lacks, instead of raising.

    A face prints what peers send, in any script. A UTF-8 terminal shows it all, but Windows writes pipes and
    files in its ANSI code page (cp1252...), where "→" would end the face with UnicodeEncodeError. Anything that is
    not a text file (None under pythonw.exe) is left as it is.
    """
    for stream in streams:
        if isinstance(stream, io.TextIOWrapper):
            stream.reconfigure(errors="backslashreplace")


if __name__ == "__main__":
    # Until a face takes Ctrl+C over (each does, first thing), it ends the process quietly: never a traceback.
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    # A frozen executable re-runs itself for each load-generator worker process:
    # freeze_support() turns those runs into workers instead of new windows.
    multiprocessing.freeze_support()
    sys.exit(main())
