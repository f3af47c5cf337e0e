"""Pinned certificates: the fingerprint a user trusts for each server, kept in one small JSON file.

"Trust this certificate" (core/tls.py's PIN mode) needs a fingerprint to compare with. The first
connect to a server shows its fingerprint and remembers it here; later connects must present the
same one. The window and the terminal faces share the file (places.pins_file()), so a server
trusted in one is trusted in the other.

The file maps "host:port" (as join_host_port writes it, the host in lower case) to a fingerprint
('AB:CD:...'). A missing, unreadable or damaged file reads as "no pins": the worst that costs is a
fingerprint shown again as seen for the first time, which asks the user to compare it. Writes are
atomic (a temporary file, then a rename), so a crash never leaves half a file; they raise OSError.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from pathlib import Path

from core.addresses import join_host_port
from core.tls import normalize_fingerprint

MAX_PINS = 1000  # far above what anyone pins by hand; keeps a hostile or runaway file small to read


def pin_key(host: str, port: int) -> str:
    """The key of a server in the pin file: 'localhost:5000', '[::1]:5000'."""
    return join_host_port(host.strip().lower(), port)


class PinStore:
    """The pin file at `path`; read on every call, so two faces open at once see each other's pins."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def get(self, host: str, port: int) -> str | None:
        """The fingerprint pinned for host:port, or None."""
        return self._read().get(pin_key(host, port))

    def remember(self, host: str, port: int, fingerprint: str) -> None:
        """Pin `fingerprint` for host:port, replacing an earlier pin. ValueError if it is not a fingerprint."""
        pins = self._read()
        pins[pin_key(host, port)] = normalize_fingerprint(fingerprint)
        self._write(pins)

    def forget(self, host: str, port: int) -> bool:
        """Remove the pin of host:port; True if there was one."""
        pins = self._read()
        if pins.pop(pin_key(host, port), None) is None:
            return False
        self._write(pins)
        return True

    def all(self) -> dict[str, str]:
        """Every pin, by key."""
        return self._read()

    def _read(self) -> dict[str, str]:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        if not isinstance(data, dict):
            return {}
        pins: dict[str, str] = {}
        for key, value in list(data.items())[:MAX_PINS]:
            if isinstance(key, str) and isinstance(value, str):
                with contextlib.suppress(ValueError):
                    pins[key] = normalize_fingerprint(value)
        return pins

    def _write(self, pins: dict[str, str]) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        text = json.dumps(dict(sorted(pins.items())[:MAX_PINS]), indent=2)
        fd, tmp = tempfile.mkstemp(prefix=".pins-", suffix=".tmp", dir=self.path.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as out:
                out.write(text)
            os.replace(tmp, self.path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
