"""Words in the user's language: lookup, errors, reasons, numbers; and which language the OS speaks."""

from __future__ import annotations

import locale
import os
import subprocess
import sys
from collections.abc import Mapping

from core.check.results import Detail
from core.errors import ErrorInfo
from core.events import DisconnectReason, TlsInfo
from core.input_modes import InputError
from core.tls import TlsIdentity
from words.tables import FALLBACK_LANGUAGE, TABLES

# How digits are grouped and decimals marked in each language (12,345.6 / 12.345,6).
_THOUSANDS = {"en": ",", "es": "."}
_DECIMAL = {"en": ".", "es": ","}
CHECK_DECIMALS = 1  # the checker's times are to a tenth of a second


class Translator:
    """Looks up strings in the current language; the language can change at run time."""

    def __init__(self, language: str) -> None:
        self.language = language if language in TABLES else FALLBACK_LANGUAGE

    def set_language(self, language: str) -> None:
        if language not in TABLES:
            raise ValueError(f"unknown language {language!r}")
        self.language = language

    def __call__(self, key: str, **values: object) -> str:
        text = TABLES[self.language].get(key) or TABLES[FALLBACK_LANGUAGE][key]
        return text.format(**values) if values else text

    def error(self, info: ErrorInfo) -> str:
        return self(f"error.{info.kind.value}", **info.word_values())

    def reason(self, reason: DisconnectReason) -> str:
        return self(f"reason.{reason.value}")

    def check_detail(self, detail: Detail) -> str:
        """Why a check passed or failed, its times with the language's decimal mark (2,2 s in Spanish)."""
        values = {
            name: self.decimal(value, CHECK_DECIMALS) if isinstance(value, float) else value
            for name, value in detail.values
        }
        return self(detail.key, **values)

    def input_error(self, error: InputError) -> str:
        """What is wrong with a typed message, and where (counting characters from 1)."""
        return self(f"input.{error.problem}", position=error.position + 1, detail=error.detail)

    def capacity(self, clients: int, open_files: int | None) -> str:
        """How many clients a server takes at once, and the open-file limit behind it when there is one."""
        if open_files is None:
            return self("server.capacity_unknown", clients=self.count(clients))
        return self("server.capacity", clients=self.count(clients), limit=self.count(open_files))

    def tls_identity(self, identity: TlsIdentity) -> str:
        """Which certificate a TLS server presents, where it is, its fingerprint and its end of validity."""
        origin = self(
            f"server.tls.origin.{identity.origin.value}",
            folder=str(identity.cert_file.parent),
            file=str(identity.cert_file),
        )
        date = identity.not_after.date().isoformat()
        return self("server.tls.identity", origin=origin, fingerprint=identity.fingerprint, date=date)

    def tls_session(self, host: str, info: TlsInfo, first_seen: bool = False) -> str:
        """How a client's TLS connection is secured, and how far its certificate was checked."""
        trust = "first_seen" if first_seen else info.mode
        return f"{self('session.tls.secured', version=info.version, fingerprint=info.fingerprint)}; " + self(
            f"session.tls.{trust}", host=host
        )

    def count(self, value: int) -> str:
        """A whole number with the language's grouping: 1,234,567 / 1.234.567."""
        return f"{value:,}".replace(",", _THOUSANDS[self.language])

    def decimal(self, value: float, places: int) -> str:
        """A number with `places` decimals and the language's marks: 1,234.5 / 1.234,5."""
        text = f"{value:,.{places}f}"
        return text.translate({ord(","): _THOUSANDS[self.language], ord("."): _DECIMAL[self.language]})

    def duration(self, seconds: float) -> str:
        """A round-trip time with sensible precision: 0.42 ms, 12.3 ms, 1.25 s (0,42 ms in Spanish)."""
        millis = seconds * 1000
        if millis < 10:
            return f"{self.decimal(millis, 2)} ms"
        if millis < 1000:
            return f"{self.decimal(millis, 1)} ms"
        return f"{self.decimal(seconds, 2)} s"


def _language_of(tag: str) -> str | None:
    """'es_ES.UTF-8' -> 'es', 'Spanish_Spain' -> 'es', 'C' -> None (says nothing)."""
    tag = tag.strip().lower()
    if not tag or tag in ("c", "posix") or tag.startswith("c."):
        return None
    if tag.startswith(("es", "spanish")):
        return "es"
    return "en"


def detect_os_language(environ: Mapping[str, str] | None = None) -> str:
    """The OS language as 'es' or 'en'; read once at first start, when no setting exists yet."""
    env = os.environ if environ is None else environ
    for name in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        # LANGUAGE may list several languages ("es:en"); the first one wins.
        found = _language_of(env.get(name, "").split(":")[0])
        if found:
            return found
    if environ is None:
        found = _platform_language()
        if found:
            return found
    return FALLBACK_LANGUAGE


def _platform_language() -> str | None:
    if sys.platform == "win32":
        import ctypes

        lang_id = ctypes.windll.kernel32.GetUserDefaultUILanguage()
        return "es" if lang_id & 0x3FF == 0x0A else "en"  # 0x0A: the primary language id of Spanish
    if sys.platform == "darwin":
        # GUI apps on macOS usually start with no LANG; ask the user defaults once.
        try:
            out = subprocess.run(
                ["defaults", "read", "-g", "AppleLocale"], capture_output=True, text=True, timeout=1, check=False
            )
            found = _language_of(out.stdout)
            if found:
                return found
        except (OSError, subprocess.SubprocessError):
            pass
    try:
        current = locale.getlocale()[0]
    except ValueError:
        current = None
    return _language_of(current or "")
