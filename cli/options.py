"""Option types and checks shared by the terminal faces: each bad value is one plain line, exit 2."""

from __future__ import annotations

import argparse
import math
import os

from core.defaults import LineEnding
from words import LANGUAGES, Translator, detect_os_language

ENDINGS = {"none": LineEnding.NONE, "lf": LineEnding.LF, "cr": LineEnding.CR, "crlf": LineEnding.CRLF}


def port(text: str) -> int:
    """A TCP port: a whole number from 0 to 65535."""
    try:
        value = int(text)
    except ValueError:
        value = -1
    if not 0 <= value <= 65535:
        raise argparse.ArgumentTypeError("a port is a whole number from 0 to 65535")
    return value


def add_language(parser: argparse.ArgumentParser) -> None:
    """`--lang es|en`; without it, the system's language (LANG, LC_ALL, ...)."""
    parser.add_argument("--lang", choices=LANGUAGES, default=None, help="es or en (default: the system's)")


def translator(args: argparse.Namespace) -> Translator:
    """The words in the language asked for, or the system's."""
    return Translator(args.lang or detect_os_language())


def positive_seconds(text: str) -> float:
    """A number of seconds: finite and above zero."""
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not math.isfinite(value) or value <= 0:
        raise argparse.ArgumentTypeError("seconds must be a number above 0, such as 5 or 0.5")
    return value


def argument_bytes(text: str) -> bytes:
    """A command-line argument as the bytes that were typed, even when they are not valid UTF-8."""
    return os.fsencode(text)


def positive_count(text: str) -> int:
    """A whole number of 1 or more."""
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError("must be a whole number of 1 or more, such as 100")
    return value
