"""Language, theme and remembered settings, through the window."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from gui import theme
from gui.app import App
from gui.ctk_private import appearance_set_by_user, inner_text
from gui.toolkit import ctk
from tests.support.sockets import local_listening
from tests.support.waiting import pump_until
from tests.support.window import connect_client, log_shows, pick, press, send_message, start_server


def test_language_switch_changes_every_label_and_is_remembered(
    make_app: Callable[..., App], settings_path: Path
) -> None:
    app = make_app()
    assert app.server_panel.start_stop.cget("text") == "Start"

    pick(app.header.language_picker, "Español")

    assert app.title() == "Mayus: servidor y cliente TCP en mayúsculas"
    assert app.server_panel.title.cget("text") == "Servidor"
    assert app.server_panel.start_stop.cget("text") == "Iniciar"
    assert app.server_panel.status.text == "Detenido"
    assert app.client_panel.connect_button.cget("text") == "Conectar"
    assert app.client_panel.status.text == "Sin conexión"
    assert app.client_panel.send_button.cget("text") == "Enviar"
    assert app.clients.tree.heading("address", "text") == "Dirección"
    assert app.log.save_button.cget("text") == "Guardar…"
    assert app.header.theme_picker.get() == "Claro"
    assert json.loads(settings_path.read_text(encoding="utf-8"))["language"] == "es"

    app.close()
    again = make_app(language=None)
    assert again.client_panel.connect_button.cget("text") == "Conectar"


def test_status_lines_follow_the_language_switch(app: App) -> None:
    port = start_server(app)
    pick(app.header.language_picker, "Español")
    assert app.server_panel.status.text == f"Escuchando en {local_listening(port)}"
    pick(app.header.language_picker, "English")
    assert app.server_panel.status.text == f"Listening on {local_listening(port)}"


def test_theme_switch_recolours_the_window_and_is_remembered(make_app: Callable[..., App], settings_path: Path) -> None:
    app = make_app()
    pick(app.header.theme_picker, "Dark")

    assert ctk.get_appearance_mode() == "Dark"
    dark_reply_colour = theme.pick(theme.LOG_COLOURS["client_in"], "dark")
    assert inner_text(app.log.textbox).tag_cget("client_in", "foreground") == dark_reply_colour
    assert json.loads(settings_path.read_text(encoding="utf-8"))["theme"] == "dark"

    app.close()
    again = make_app(theme_name=None)
    assert ctk.get_appearance_mode() == "Dark"
    assert again.header.theme_picker.get() == "Dark"


def test_a_corrupt_settings_file_does_not_stop_the_app(make_app: Callable[..., App], settings_path: Path) -> None:
    settings_path.parent.mkdir(parents=True)
    settings_path.write_text('{"client_port": 7, "history": [', encoding="utf-8")

    app = make_app()

    log_shows(app, "The settings file could not be read")
    assert app.client_panel.port_text == "5000"
    assert app.server_panel.port_text == "5000"


def test_settings_are_remembered_between_runs(make_app: Callable[..., App]) -> None:
    app = make_app()
    port = start_server(app)
    connect_client(app, port)
    pick(app.client_panel.ending_picker, "CRLF")
    for text in ("uno", "dos"):
        send_message(app, text)
    pump_until(app, lambda: app.client_panel.reply_label.cget("text") == "DOS")
    app.geometry("1300x850")
    pump_until(app, lambda: (app.winfo_width(), app.winfo_height()) == (1300, 850), message="resized")
    app.close()

    again = make_app()
    assert again.client_panel.port_text == str(port)
    assert again.client_panel.host == "127.0.0.1"
    assert again.client_panel.ending_picker.get() == "CRLF"
    press(again, again.client_panel.message_entry, "Up")
    assert again.client_panel.message == "dos"
    pump_until(again, lambda: (again.winfo_width(), again.winfo_height()) == (1300, 850), message="same size")


def test_the_first_start_follows_the_os_language(make_app: Callable[..., App], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LANGUAGE", "es_ES:en")
    app = make_app(language=None)
    assert app.server_panel.start_stop.cget("text") == "Iniciar"


def test_the_first_start_follows_the_os_theme_and_never_polls_it(
    make_app: Callable[..., App], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("darkdetect.theme", lambda: "Dark")
    app = make_app(theme_name=None)
    assert ctk.get_appearance_mode() == "Dark"
    assert app.header.theme_picker.get() == "Dark"
    # "system" would make customtkinter ask the OS every 30 ms; the choice is fixed instead.
    assert appearance_set_by_user()


def test_settings_that_cannot_be_saved_are_reported_once(make_app: Callable[..., App], tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("", encoding="utf-8")
    app = make_app(settings_path=blocker / "settings.json")
    pick(app.header.theme_picker, "Dark")
    pick(app.header.theme_picker, "Light")
    app.log.flush()
    assert app.log.shown_text().count("The settings could not be saved") == 1
