"""What the window remembers between runs, in the OS's user config folder.

A missing file means first start (language and theme then follow the OS). A file
that cannot be read or parsed gives the defaults plus a notice for the window; a
single bad value falls back to its own default. Nothing here ever raises on load.
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any

from core.defaults import ALL_INTERFACES_HOST, DEFAULT_HOST, DEFAULT_LINE_ENDING, DEFAULT_PORT, LineEnding
from core.input_modes import InputMode
from core.load import Payload
from core.load.scenario import MIN_MESSAGE_BYTES
from core.tls import ClientMode
from gui.parts.history import HISTORY_LIMIT
from gui.parts.load_form import (
    BOUNDS,
    DURATION,
    MAX_CLIENTS,
    MAX_IN_FLIGHT,
    MAX_MESSAGE_BYTES,
    MAX_MESSAGES,
    MAX_SECONDS,
    MIN_SECONDS,
)
from gui.parts.saved_messages import BadSavedMessages, SavedMessage, SavedMessages
from places import config_folder
from words import LANGUAGES

SETTINGS_FILE = "settings.json"
DEFAULT_WIDTH, DEFAULT_HEIGHT = 1200, 800
MIN_WIDTH, MIN_HEIGHT = 1040, 680
SERVER_HOSTS = (DEFAULT_HOST, ALL_INTERFACES_HOST)
# What earlier versions saved for the same two choices, when each meant one IP family only.
_EARLIER_SERVER_HOSTS = {"127.0.0.1": DEFAULT_HOST, "0.0.0.0": ALL_INTERFACES_HOST}
THEMES = ("light", "dark")  # the window's looks (gui/theme.py draws them)
VIEWS = ("conversation", "load", "check")  # the window's views, in the header's order (gui/app.py)


@dataclass
class Settings:
    server_host: str = DEFAULT_HOST
    server_port: int = DEFAULT_PORT
    client_host: str = DEFAULT_HOST
    client_port: int = DEFAULT_PORT
    line_ending: str = DEFAULT_LINE_ENDING.name  # a LineEnding name: NONE, LF, CR, CRLF
    input_mode: str = InputMode.TEXT.value  # how the message box is read: text, escapes, hex
    history: list[str] = field(default_factory=list)  # oldest first
    recent_targets: list[str] = field(default_factory=list)  # "host:port", newest first
    saved_messages: list[dict[str, str]] = field(default_factory=list)  # SavedMessage fields
    window_width: int = DEFAULT_WIDTH
    window_height: int = DEFAULT_HEIGHT
    language: str | None = None  # None until chosen: follow the OS
    theme: str | None = None
    view: str = "conversation"  # the part of the window last shown
    server_tls: bool = False  # the server speaks TLS, with the certificate made for you
    client_tls: bool = False  # the client connects over TLS ...
    client_tls_mode: str = ClientMode.VERIFY.value  # ... trusting the server's certificate this way (a ClientMode)
    # The load test's last settings (gui/parts/load_form.py reads them as the form holds them).
    load_host: str = DEFAULT_HOST
    load_port: int = DEFAULT_PORT
    load_clients: int = 100
    load_bound: str = DURATION  # a run ends after load_messages messages, or after load_seconds seconds
    load_messages: int = 10_000
    load_seconds: float = 5.0
    load_size: int = 64  # bytes per message, the line feed included
    load_in_flight: int = 1  # 1: ping-pong
    load_payload: str = Payload.SPANISH.value

    @property
    def ending(self) -> LineEnding:
        return LineEnding[self.line_ending]

    @property
    def mode(self) -> InputMode:
        return InputMode(self.input_mode)

    @property
    def tls_mode(self) -> ClientMode:
        return ClientMode(self.client_tls_mode)

    @property
    def saved(self) -> SavedMessages:
        return SavedMessages([SavedMessage.from_dict(raw) for raw in self.saved_messages])


@dataclass(frozen=True)
class LoadResult:
    settings: Settings
    first_start: bool  # no settings file yet
    problem: str | None  # why the file could not be used, for the notice


def default_settings_path() -> Path:
    return config_folder() / SETTINGS_FILE


def _valid_port(value: Any, lowest: int) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and lowest <= value <= 65535


def _whole_in(low: int, high: int) -> Any:
    return lambda v: isinstance(v, int) and not isinstance(v, bool) and low <= v <= high


def _seconds_in(low: float, high: float) -> Any:
    return lambda v: isinstance(v, (int, float)) and not isinstance(v, bool) and low <= v <= high


def _valid_saved(value: Any) -> bool:
    """True if `value` is a list of saved messages as the settings keep them."""
    if not isinstance(value, list):
        return False
    try:
        for raw in value:
            SavedMessage.from_dict(raw)
    except BadSavedMessages:
        return False
    return True


# Each field's check; a value that fails keeps the field's default.
_CHECKS: dict[str, Any] = {
    "server_host": lambda v: v in SERVER_HOSTS,
    "server_port": lambda v: _valid_port(v, 0),
    "client_host": lambda v: isinstance(v, str) and bool(v.strip()),
    "client_port": lambda v: _valid_port(v, 1),
    "line_ending": lambda v: v in LineEnding.__members__,
    "input_mode": lambda v: v in {mode.value for mode in InputMode},
    "history": lambda v: isinstance(v, list) and all(isinstance(item, str) for item in v),
    "recent_targets": lambda v: isinstance(v, list) and all(isinstance(item, str) for item in v),
    "saved_messages": _valid_saved,
    "window_width": lambda v: isinstance(v, int) and MIN_WIDTH <= v <= 10_000,
    "window_height": lambda v: isinstance(v, int) and MIN_HEIGHT <= v <= 10_000,
    "language": lambda v: v is None or v in LANGUAGES,
    "theme": lambda v: v is None or v in THEMES,
    "view": lambda v: v in VIEWS,
    "server_tls": lambda v: isinstance(v, bool),
    "client_tls": lambda v: isinstance(v, bool),
    "client_tls_mode": lambda v: v in {mode.value for mode in ClientMode},
    "load_host": lambda v: isinstance(v, str) and bool(v.strip()),
    "load_port": lambda v: _valid_port(v, 1),
    "load_clients": _whole_in(1, MAX_CLIENTS),
    "load_bound": lambda v: v in BOUNDS,
    "load_messages": _whole_in(1, MAX_MESSAGES),
    "load_seconds": _seconds_in(MIN_SECONDS, MAX_SECONDS),
    "load_size": _whole_in(MIN_MESSAGE_BYTES, MAX_MESSAGE_BYTES),
    "load_in_flight": _whole_in(1, MAX_IN_FLIGHT),
    "load_payload": lambda v: v in {payload.value for payload in Payload},
}


def load_settings(path: Path) -> LoadResult:
    try:
        raw = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return LoadResult(Settings(), first_start=True, problem=None)
    except (OSError, UnicodeError) as exc:
        return LoadResult(Settings(), first_start=False, problem=_describe(exc))
    try:
        data = json.loads(raw)
    except ValueError as exc:
        return LoadResult(Settings(), first_start=False, problem=_describe(exc))
    if not isinstance(data, dict):
        return LoadResult(Settings(), first_start=False, problem="not a JSON object")
    settings = Settings()
    if data.get("server_host") in _EARLIER_SERVER_HOSTS:
        data["server_host"] = _EARLIER_SERVER_HOSTS[data["server_host"]]
    for f in fields(Settings):
        if f.name in data and _CHECKS[f.name](data[f.name]):
            setattr(settings, f.name, data[f.name])
    del settings.history[:-HISTORY_LIMIT]
    return LoadResult(settings, first_start=False, problem=None)


def save_settings(path: Path, settings: Settings) -> None:
    """Write atomically (a crash never leaves half a file). Raises OSError on failure."""
    path.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(asdict(settings), ensure_ascii=False, indent=2)
    fd, tmp = tempfile.mkstemp(prefix=".settings-", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _describe(exc: BaseException) -> str:
    return getattr(exc, "strerror", None) or str(exc) or type(exc).__name__
