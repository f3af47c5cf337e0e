"""Helpers for the checker's tests (the stand-in peers themselves live in tests/support/students.py)."""

from __future__ import annotations

import socket


def free_port() -> int:
    """A port free on 127.0.0.1 a moment ago (the checker listens on it for a client program)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port
