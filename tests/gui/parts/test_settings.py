"""What the window remembers between runs (gui/parts/settings.py): no window needed."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from core.defaults import DEFAULT_PORT, LineEnding
from core.tls import ClientMode
from gui.parts.history import HISTORY_LIMIT
from gui.parts.settings import Settings, load_settings, save_settings


def test_settings_round_trip(tmp_path: Path) -> None:
    path = tmp_path / "deep" / "settings.json"
    settings = Settings(client_port=6000, line_ending="CR", history=["a", "b"], language="es", theme="dark")
    save_settings(path, settings)
    loaded = load_settings(path)
    assert loaded.settings == settings
    assert loaded.problem is None
    assert not loaded.first_start
    assert loaded.settings.ending is LineEnding.CR


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
    values["view"] = "chat"  # a view this version does not have
    path.write_text(json.dumps({**values, "client_host": "device.local", "history": ["x"] * 500}), encoding="utf-8")
    settings = load_settings(path).settings
    assert settings.client_port == DEFAULT_PORT
    assert settings.server_port == DEFAULT_PORT
    assert settings.server_host == "localhost"
    assert settings.language is None
    assert settings.theme is None
    assert settings.view == "conversation"
    assert settings.client_host == "device.local"
    assert len(settings.history) == HISTORY_LIMIT


@pytest.mark.parametrize(("saved", "now"), [("127.0.0.1", "localhost"), ("0.0.0.0", "::")])
def test_a_server_host_saved_by_an_earlier_version_keeps_its_meaning_on_both_families(
    tmp_path: Path, saved: str, now: str
) -> None:
    path = tmp_path / "settings.json"
    path.write_text(json.dumps({"server_host": saved}), encoding="utf-8")
    assert load_settings(path).settings.server_host == now


def test_the_load_tests_settings_round_trip_and_bad_ones_fall_back(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    chosen = Settings(load_host="::1", load_port=7000, load_clients=500, load_bound="messages", load_seconds=2.5)
    save_settings(path, chosen)
    assert load_settings(path).settings == chosen
    bad = {"load_clients": 0, "load_bound": "forever", "load_seconds": True, "load_payload": "klingon", "load_size": 1}
    path.write_text(json.dumps(bad), encoding="utf-8")
    assert load_settings(path).settings == Settings()


def test_the_tls_choices_round_trip_and_bad_ones_fall_back(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    assert (Settings().server_tls, Settings().client_tls, Settings().tls_mode) == (False, False, ClientMode.VERIFY)
    chosen = Settings(server_tls=True, client_tls=True, client_tls_mode="pin")
    save_settings(path, chosen)
    loaded = load_settings(path).settings
    assert loaded == chosen and loaded.tls_mode is ClientMode.PIN
    bad = {"server_tls": "yes", "client_tls": 1, "client_tls_mode": "trust-everyone"}
    path.write_text(json.dumps(bad), encoding="utf-8")
    assert load_settings(path).settings == Settings()
