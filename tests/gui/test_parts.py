"""The window's pieces that need no window: settings, history, rate, event pump."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from core.defaults import DEFAULT_PORT, LineEnding
from gui.history import HISTORY_LIMIT, History
from gui.rate import RateMeter
from gui.settings import Settings, load_settings, save_settings

# -- settings --------------------------------------------------------------------


def test_settings_round_trip(tmp_path: Path) -> None:
    path = tmp_path / "deep" / "settings.json"
    settings = Settings(client_port=6000, line_ending="CRLF", history=["a", "b"], language="es", theme="dark")
    save_settings(path, settings)
    loaded = load_settings(path)
    assert loaded.settings == settings
    assert loaded.problem is None
    assert not loaded.first_start
    assert loaded.settings.ending is LineEnding.CRLF


def test_a_missing_file_is_a_first_start(tmp_path: Path) -> None:
    loaded = load_settings(tmp_path / "nothing.json")
    assert loaded.first_start
    assert loaded.settings == Settings()


@pytest.mark.parametrize("content", [b"{oops", b"[1, 2]", b"\xff\xfe\x00garbage", b""])
def test_an_unreadable_file_gives_defaults_and_a_reason(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "settings.json"
    path.write_bytes(content)
    loaded = load_settings(path)
    assert loaded.settings == Settings()
    assert loaded.problem


def test_each_bad_value_falls_back_on_its_own(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    values = {"client_port": 0, "server_port": "80", "server_host": "10.0.0.1", "language": "fr", "theme": "blue"}
    path.write_text(json.dumps({**values, "client_host": "device.local", "history": ["x"] * 500}), encoding="utf-8")
    settings = load_settings(path).settings
    assert settings.client_port == DEFAULT_PORT
    assert settings.server_port == DEFAULT_PORT
    assert settings.server_host == "127.0.0.1"
    assert settings.language is None
    assert settings.theme is None
    assert settings.client_host == "device.local"
    assert len(settings.history) == HISTORY_LIMIT


# -- history, rate -------------------------------------------------------------------


def test_history_skips_repeats_and_keeps_the_latest() -> None:
    history = History()
    for n in range(HISTORY_LIMIT + 5):
        history.add(str(n))
        history.add(str(n))
    assert len(history.items) == HISTORY_LIMIT
    assert history.items[-1] == str(HISTORY_LIMIT + 4)
    assert history.newer() is None  # already on the new line


def test_rate_is_messages_per_second_and_drops_to_zero_when_quiet() -> None:
    meter = RateMeter()
    for step in range(9):
        meter.add(100.0 + step * 0.25, step * 250)  # 1000 messages a second
    assert meter.rate(102.0) == pytest.approx(1000.0)
    assert meter.rate(105.0) == 0.0
    meter.add(200.0, 5000)  # after a quiet spell, old totals do not dilute the new rate
    meter.add(200.25, 5100)
    assert meter.rate(200.3) == pytest.approx(400.0)
