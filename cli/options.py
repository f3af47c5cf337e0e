"""Option types and checks shared by the terminal faces: each bad value is one plain line, exit 2."""

from __future__ import annotations

import argparse

from core.defaults import LineEnding

ENDINGS = {"none": LineEnding.NONE, "lf": LineEnding.LF, "crlf": LineEnding.CRLF}


def port(text: str) -> int:
    """A TCP port: a whole number from 0 to 65535."""
    try:
        value = int(text)
    except ValueError:
        value = -1
    if not 0 <= value <= 65535:
        raise argparse.ArgumentTypeError("a port is a whole number from 0 to 65535")
    return value
