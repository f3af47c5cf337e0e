"""The command line: one sub-command per face; each face module registers its own."""

from __future__ import annotations

import argparse
from collections.abc import Callable, Sequence

from cli import check, client, load, serve

# Each face module has `register(subparsers)`, which adds its sub-commands and sets `run` on them.
FACES = (serve, client, check, load)
Run = Callable[[argparse.Namespace], int]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="mayus", description="Uppercase TCP server and client. With no command, the window opens."
    )
    sub = parser.add_subparsers(dest="command")
    for face in FACES:
        face.register(sub)
    return parser


def main(argv: Sequence[str]) -> int:
    """Run the face that `argv` names; returns its exit code (argparse exits 2 on a bad option)."""
    args = build_parser().parse_args(argv)
    run: Run = args.run
    return run(args)
