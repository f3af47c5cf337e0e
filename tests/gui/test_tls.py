"""TLS in the window: the server's switch and the certificate made for it, the client's switch and its three ways
to trust a certificate, and every mismatch in plain words. Real sockets, on 127.0.0.1 and a free port only."""

from __future__ import annotations

import json
import re
import ssl
import stat
from collections.abc import Callable
from pathlib import Path

import pytest

from core import platforms
from core.errors import ErrorInfo, ErrorKind
from core.events import DisconnectReason
from core.tls import CERT_FILE_NAME, KEY_FILE_NAME, ClientMode, short_fingerprint
from gui import theme
from gui.app import App
from gui.ctk_private import focus_surface
from gui.panels.client_panel import ConnectionState
from gui.panels.server_panel import ServerState
from gui.parts.log_model import Direction, Side
from tests.support.sockets import local_listening
from tests.support.tls import ask_over_tls, fingerprint_of_pem
from tests.support.waiting import pump_until, worker_threads
from tests.support.window import (
    choose,
    connect_client,
    log_shows,
    pick,
    send_message,
    settle,
    start_server,
    switch_to,
    type_into,
)

LOOPBACK = "127.0.0.1"


@pytest.fixture
def tls_folder(tmp_path: Path) -> Path:
    return tmp_path / "certificate"


@pytest.fixture
def pins_path(tmp_path: Path) -> Path:
    return tmp_path / "pins.json"


@pytest.fixture
def open_app(make_app: Callable[..., App], tls_folder: Path, pins_path: Path) -> Callable[..., App]:
    """Windows whose certificate and pins live in tmp_path (never the user's config folder)."""

    def open_one(**options: object) -> App:
        return make_app(certificate_folder=tls_folder, pins_path=pins_path, **options)

    return open_one


@pytest.fixture
def app(open_app: Callable[..., App]) -> App:
    return open_app()


def start_tls_server(app: App, port: int = 0) -> int:
    """Turn the server's TLS switch on, press Start, wait until it listens; its port."""
    switch_to(app.server_panel.tls_switch, True)
    return start_server(app, port)


def press_connect(app: App, port: int, mode: ClientMode | None) -> None:
    """Turn the client's TLS on in `mode` (off for None), type 127.0.0.1 and the port, press Connect."""
    panel = app.client_panel
    switch_to(panel.tls_switch, mode is not None)
    if mode is not None:
        choose(panel.tls_menu, app.tr(f"client.tls_mode.{mode.value}"))
    type_into(panel.host_entry, LOOPBACK)
    type_into(panel.port_entry, str(port))
    panel.connect_button.invoke()


def disconnect(app: App) -> None:
    app.client_panel.connect_button.invoke()
    pump_until(app, lambda: app.client_panel.state is ConnectionState.IDLE, message="disconnected")


def notices(app: App, side: Side, direction: Direction) -> list[str]:
    app.log.flush()
    return [e.notice for e in app.log.model.entries() if e.side is side and e.direction is direction and e.notice]


def server_says(app: App, text: str) -> None:
    """Wait until the server's side of the log says `text` as an error (about one of its clients)."""
    said = lambda: any(text in notice for notice in notices(app, Side.SERVER, Direction.ERROR))  # noqa: E731
    pump_until(app, said, message=f"the server's side saying {text!r}")


# --- the server ---------------------------------------------------------------------


def test_the_tls_server_answers_a_tls_client_in_uppercase_and_shows_its_fingerprint(app: App, tls_folder: Path) -> None:
    panel = app.server_panel
    assert not panel.tls_on  # off until asked for

    port = start_tls_server(app)

    cert_file, key_file = tls_folder / CERT_FILE_NAME, tls_folder / KEY_FILE_NAME
    fingerprint = fingerprint_of_pem(cert_file)
    assert panel.status.text == f"Listening on {local_listening(port)} with TLS"
    assert panel.fingerprint == fingerprint
    assert panel.fingerprint_label.cget("text") == f"SHA-256 {fingerprint[:11]}...{fingerprint[-11:]}"
    log_shows(app, f"TLS: a certificate was made for you in {tls_folder}; SHA-256 fingerprint {fingerprint}")
    assert panel.tls_switch.cget("state") == "disabled"  # fixed while the server runs
    if platforms.OWNER_ONLY_FILE_MODES:
        assert stat.S_IMODE(key_file.stat().st_mode) == 0o600

    trusting_it = ssl.create_default_context(cafile=str(cert_file))  # Python's own client, checking the name too
    assert ask_over_tls(port, trusting_it, b"hola por tls\n") == b"HOLA POR TLS\n"
    pump_until(app, lambda: panel.counter_text("messages") == "1", message="the message counted")

    panel.start_stop.invoke()
    pump_until(app, lambda: panel.state is ServerState.STOPPED, message="stopped")
    assert panel.fingerprint is None and panel.fingerprint_label.cget("text") == ""
    assert panel.tls_switch.cget("state") == "normal"


def test_the_certificate_is_kept_for_the_next_start(app: App, tls_folder: Path) -> None:
    start_tls_server(app)
    first = app.server_panel.fingerprint
    app.server_panel.start_stop.invoke()
    pump_until(app, lambda: app.server_panel.state is ServerState.STOPPED, message="stopped")

    start_server(app)

    assert app.server_panel.fingerprint == first == fingerprint_of_pem(tls_folder / CERT_FILE_NAME)
    log_shows(app, f"TLS: the certificate made for you in {tls_folder}; SHA-256 fingerprint {first}")


def test_the_fingerprint_shows_whole_in_its_tip_and_a_click_copies_it(app: App) -> None:
    start_tls_server(app)
    panel = app.server_panel
    fingerprint = panel.fingerprint
    assert fingerprint is not None
    surface = focus_surface(panel.fingerprint_label)

    surface.event_generate("<Enter>")  # the pointer rests on it
    pump_until(app, lambda: panel.fingerprint_tip.shown, message="the tip shown")
    assert fingerprint in panel.fingerprint_tip.text
    surface.event_generate("<Leave>")
    assert not panel.fingerprint_tip.shown

    surface.event_generate("<Button-1>")
    assert app.clipboard_get() == fingerprint
    assert panel.fingerprint_label.cget("text") == "Fingerprint copied"
    shown = f"SHA-256 {short_fingerprint(fingerprint)}"
    pump_until(app, lambda: panel.fingerprint_label.cget("text") == shown, message="the fingerprint back")


def test_a_certificate_that_cannot_be_saved_is_a_failed_start_said_plainly(
    open_app: Callable[..., App], make_app: Callable[..., App], tmp_path: Path
) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the certificate's folder should be", encoding="utf-8")
    app = make_app(certificate_folder=blocker, pins_path=tmp_path / "pins.json")
    panel = app.server_panel
    switch_to(panel.tls_switch, True)
    type_into(panel.port_entry, "0")

    panel.start_stop.invoke()

    expected = f"The TLS certificate could not be saved in {blocker}. Check that the folder is writable."
    pump_until(app, lambda: panel.state is ServerState.STOPPED, message="back to stopped")
    assert panel.status.text == expected and panel.status.colour == theme.ERROR
    log_shows(app, expected)
    assert app.network.server_address is None
    assert not any(name.startswith("mayus-server") for name in worker_threads())
    assert panel.tls_switch.cget("state") == "normal"

    switch_to(panel.tls_switch, False)  # the user carries on without TLS
    port = start_server(app)
    assert panel.status.text == f"Listening on {local_listening(port)}"


# --- the client ---------------------------------------------------------------------


@pytest.mark.parametrize("language", ["en", "es"])
def test_verify_mode_against_the_windows_own_certificate_says_it_is_self_signed(
    open_app: Callable[..., App], language: str
) -> None:
    app = open_app(language=language)
    port = start_tls_server(app)

    press_connect(app, port, ClientMode.VERIFY)

    panel = app.client_panel
    expected = app.tr.error(ErrorInfo(ErrorKind.CERT_SELF_SIGNED, LOOPBACK, port))
    start = {"en": "The certificate of {} is self-signed", "es": "El certificado de {} es autofirmado"}[language]
    assert expected.startswith(start.format(f"{LOOPBACK}:{port}"))
    pump_until(app, lambda: panel.status.text == expected, message=f"self-signed said ({panel.status.text})")
    assert panel.status.colour == theme.ERROR
    assert panel.state is ConnectionState.IDLE and panel.connect_button.cget("state") == "normal"
    log_shows(app, expected)
    assert app.tr("log.session_closed", reason=app.tr.reason(DisconnectReason.TLS_FAILED)) not in app.log.shown_text()
    assert not panel.forget_offered  # nothing was trusted: nothing to forget


def test_verify_mode_passes_when_this_computer_trusts_the_certificate(
    app: App, tls_folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    port = start_tls_server(app)
    monkeypatch.setenv("SSL_CERT_FILE", str(tls_folder / CERT_FILE_NAME))  # the authorities "of the system"
    monkeypatch.delenv("SSL_CERT_DIR", raising=False)

    press_connect(app, port, ClientMode.VERIFY)

    panel = app.client_panel
    pump_until(app, lambda: panel.state is ConnectionState.CONNECTED, message=f"connected ({panel.status.text})")
    assert re.search(r" · TLS 1\.[23], verified$", panel.status.text), panel.status.text
    assert panel.status.colour == theme.OK
    log_shows(app, f"verified: an authority vouches for it and it names {LOOPBACK}")
    send_message(app, "hola")
    log_shows(app, "HOLA LF")


def test_trust_this_certificate_pins_it_first_then_checks_it_and_forget_lets_a_new_one_in(
    app: App, tls_folder: Path, pins_path: Path
) -> None:
    panel, tr = app.client_panel, app.tr
    port = start_tls_server(app)
    first = fingerprint_of_pem(tls_folder / CERT_FILE_NAME)

    # First connect: the fingerprint is shown, remembered, and the log asks to compare it.
    press_connect(app, port, ClientMode.PIN)
    pump_until(app, lambda: panel.state is ConnectionState.CONNECTED, message=f"connected ({panel.status.text})")
    assert panel.status.text.endswith(f", certificate seen for the first time: {short_fingerprint(first)}")
    log_shows(app, f"SHA-256 fingerprint {first}; seen for the first time: compare the fingerprint")
    assert json.loads(pins_path.read_text(encoding="utf-8")) == {f"{LOOPBACK}:{port}": first}
    assert app.pins.get(LOOPBACK, port) == first
    send_message(app, "hola")
    log_shows(app, "HOLA LF")
    disconnect(app)

    # Second connect: the same certificate, trusted without a word more.
    connect_client(app, port)
    assert panel.status.text.endswith(", the certificate you trust")
    log_shows(app, f"SHA-256 fingerprint {first}; the certificate you trust")
    disconnect(app)

    # The server makes a new certificate (the old one deleted) and listens again on the same port.
    app.server_panel.start_stop.invoke()
    pump_until(app, lambda: app.server_panel.state is ServerState.STOPPED, message="server stopped")
    for name in (CERT_FILE_NAME, KEY_FILE_NAME):
        (tls_folder / name).unlink()
    start_server(app, port)
    second = fingerprint_of_pem(tls_folder / CERT_FILE_NAME)
    assert second != first

    panel.connect_button.invoke()
    changed = tr.error(ErrorInfo(ErrorKind.FINGERPRINT_CHANGED, LOOPBACK, port, second))
    assert changed.startswith(f"The certificate of {LOOPBACK}:{port} is not the one you trusted")
    pump_until(app, lambda: panel.status.text == changed, message=f"the change said ({panel.status.text})")
    assert panel.forget_offered and panel.state is ConnectionState.IDLE
    assert app.pins.get(LOOPBACK, port) == first  # still the one the user trusted
    log_shows(app, changed)

    panel.forget_button.invoke()
    assert app.pins.get(LOOPBACK, port) is None
    assert not panel.forget_offered
    assert panel.status.text.startswith(f"The certificate trusted for {LOOPBACK}:{port} is forgotten.")

    connect_client(app, port)
    assert panel.status.text.endswith(f", certificate seen for the first time: {short_fingerprint(second)}")
    assert app.pins.get(LOOPBACK, port) == second


def test_dont_verify_is_marked_insecure_in_the_panel_and_the_log(app: App) -> None:
    panel = app.client_panel
    port = start_tls_server(app)
    switch_to(panel.tls_switch, True)
    choose(panel.tls_menu, "Don't verify")
    assert panel.insecure_label.cget("text") == "⚠ insecure"  # marked before anything is sent
    switch_to(panel.tls_switch, False)
    assert panel.insecure_label.cget("text") == ""  # plain TCP claims nothing
    switch_to(panel.tls_switch, True)

    press_connect(app, port, ClientMode.INSECURE)

    pump_until(app, lambda: panel.state is ConnectionState.CONNECTED, message=f"connected ({panel.status.text})")
    assert re.search(r" · TLS 1\.[23], NOT verified$", panel.status.text), panel.status.text
    assert panel.status.colour == theme.WARNING
    assert panel.insecure_label.cget("text") == "⚠ insecure"
    marked = [text for text in notices(app, Side.CLIENT, Direction.ERROR) if "NOT verified" in text]
    assert len(marked) == 1 and marked[0].endswith("NOT verified: anyone in between could read or change what is sent")
    send_message(app, "hola")
    log_shows(app, "HOLA LF")


def test_a_plain_client_at_a_tls_server_is_told_so_on_both_sides(app: App) -> None:
    port = start_tls_server(app)
    connect_client(app, port)  # TCP connects; the server learns what the client speaks from its first bytes

    send_message(app, "hola")

    panel = app.client_panel
    expected = (
        f"{LOOPBACK}:{port}: the server uses TLS but the client does not. "
        "Turn TLS on in the client, or off in the server."
    )
    pump_until(app, lambda: panel.status.text == expected, message=f"the mismatch said ({panel.status.text})")
    assert panel.state is ConnectionState.IDLE
    log_shows(app, expected)
    server_says(app, "the server uses TLS but the client does not")


def test_a_tls_client_at_a_plain_server_is_told_so_and_does_not_retry(app: App) -> None:
    port = start_server(app)
    panel = app.client_panel
    panel.reconnect_box.select()  # a dropped connection would be tried again; a mismatch is not

    press_connect(app, port, ClientMode.PIN)

    expected = (
        f"{LOOPBACK}:{port}: the client uses TLS but the server does not (plain TCP). "
        "Turn TLS off in the client, or on in the server."
    )
    pump_until(app, lambda: panel.status.text == expected, message=f"the mismatch said ({panel.status.text})")
    assert not app.reconnect_pending
    assert app.pins.get(LOOPBACK, port) is None  # nothing was seen, nothing remembered
    log_shows(app, expected)
    server_says(app, "the client uses TLS but the server does not")


# --- choices, words, keys ---------------------------------------------------------------------


def test_the_tls_choices_are_remembered_between_runs(open_app: Callable[..., App], settings_path: Path) -> None:
    app = open_app()
    switch_to(app.server_panel.tls_switch, True)
    switch_to(app.client_panel.tls_switch, True)
    choose(app.client_panel.tls_menu, "Don't verify")

    saved = json.loads(settings_path.read_text(encoding="utf-8"))
    assert (saved["server_tls"], saved["client_tls"], saved["client_tls_mode"]) == (True, True, "insecure")

    app.close()
    again = open_app()
    assert again.server_panel.tls_on and again.client_panel.tls_on
    assert again.client_panel.tls_mode is ClientMode.INSECURE
    assert again.client_panel.tls_menu.get() == "Don't verify"
    assert again.client_panel.insecure_label.cget("text") == "⚠ insecure"


def test_the_tls_controls_speak_spanish(app: App) -> None:
    panel = app.client_panel
    switch_to(panel.tls_switch, True)
    choose(panel.tls_menu, "Trust this certificate")

    pick(app.header.language_picker, "Español")

    assert panel.tls_menu.get() == "Confiar en este certificado"
    assert panel.tls_menu.cget("values") == ["Verificar", "Confiar en este certificado", "No verificar"]
    assert panel.tls_mode is ClientMode.PIN
    choose(panel.tls_menu, "No verificar")
    assert panel.insecure_label.cget("text") == "⚠ inseguro"
    assert app.server_panel.tls_switch.cget("text") == "TLS"


def test_the_tls_controls_work_from_the_keyboard(app: App) -> None:
    panel = app.client_panel
    switch = focus_surface(panel.tls_switch)
    switch.focus_force()
    settle(app)
    switch.event_generate("<space>")
    assert panel.tls_on
    menu = focus_surface(panel.tls_menu)
    menu.focus_force()
    settle(app)

    menu.event_generate("<Down>")
    assert panel.tls_mode is ClientMode.PIN and panel.tls_menu.get() == "Trust this certificate"
    menu.event_generate("<Down>")
    assert panel.tls_mode is ClientMode.INSECURE and panel.insecure_label.cget("text") == "⚠ insecure"
    menu.event_generate("<Down>")  # round again, as the log's drop-downs do
    assert panel.tls_mode is ClientMode.VERIFY and panel.insecure_label.cget("text") == ""
    menu.event_generate("<Up>")
    assert panel.tls_mode is ClientMode.INSECURE

    server_switch = focus_surface(app.server_panel.tls_switch)
    server_switch.focus_force()
    settle(app)
    server_switch.event_generate("<Return>")
    assert app.server_panel.tls_on
