"""The headless faces of Mayus, one module each (serve, client, ...); `main` runs the one named."""

from cli.parser import build_parser, main

__all__ = ["build_parser", "main"]
