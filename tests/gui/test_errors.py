"""Errors show in the window in plain words, the controls come back, nothing is left running."""

from __future__ import annotations

import socket
import struct
from collections.abc import Callable, Iterator

import pytest

from gui import theme
from gui.app import App
from gui.network import Network
from gui.panels.server_panel import ServerState
from tests.support.sockets import local_listening, unanswered_listener
from tests.support.waiting import pump_until, worker_threads
from tests.support.window import connect_client, log_shows, pick, press, start_server, type_into


def test_port_in_use_is_explained_and_start_works_again(app: App, busy_port: int) -> None:
    type_into(app.server_panel.port_entry, str(busy_port))
    app.server_panel.start_stop.invoke()

    expected = f"Port {busy_port} is already in use on localhost. Stop the other program or pick another port."
    pump_until(app, lambda: app.server_panel.state is ServerState.STOPPED, message="back to stopped")
    assert app.server_panel.status.text == expected
    assert app.server_panel.status.colour == theme.ERROR
    log_shows(app, expected)
    assert app.server_panel.start_stop.cget("text") == "Start"
    assert app.server_panel.start_stop.cget("state") == "normal"
    assert app.server_panel.port_entry.cget("state") == "normal"
    pump_until(app, lambda: not any(name.startswith("mayus-server") for name in worker_threads()))

    port = start_server(app)  # the user picks another port and carries on
    assert app.server_panel.status.text == f"Listening on {local_listening(port)}"


def test_connection_refused_is_explained(app: App, refused_port: int) -> None:
    type_into(app.client_panel.port_entry, str(refused_port))
    app.client_panel.connect_button.invoke()

    expected = f"Connection refused by localhost:{refused_port}. Is a server running on that port?"
    pump_until(app, lambda: app.client_panel.status.text == expected, message="refusal shown")
    assert app.client_panel.status.colour == theme.ERROR
    assert app.client_panel.connect_button.cget("text") == "Connect"
    assert app.client_panel.connect_button.cget("state") == "normal"
    log_shows(app, expected)
    assert "Traceback" not in app.log.shown_text()


def test_errors_are_shown_in_spanish_too(app: App, refused_port: int) -> None:
    pick(app.header.language_picker, "Español")
    type_into(app.client_panel.port_entry, str(refused_port))
    app.client_panel.connect_button.invoke()

    expected = f"localhost:{refused_port} rechazó la conexión. ¿Hay un servidor funcionando en ese puerto?"
    pump_until(app, lambda: app.client_panel.status.text == expected, message="refusal shown in Spanish")


def test_a_server_stopped_under_the_client_shows_why(app: App) -> None:
    port = start_server(app)
    connect_client(app, port)
    app.server_panel.start_stop.invoke()  # Stop

    pump_until(app, lambda: app.client_panel.status.text.startswith("Session closed"), message="client noticed")
    assert app.client_panel.connect_button.cget("text") == "Connect"
    pump_until(app, lambda: app.server_panel.status.text == "Stopped")
    assert app.clients.client_ids == []


def test_a_connection_reset_by_the_other_side_is_explained(app: App) -> None:
    """The client may point at any server; this one accepts and then resets the connection."""
    with socket.socket() as other:
        other.bind(("127.0.0.1", 0))
        other.listen()
        port = other.getsockname()[1]
        connect_client(app, port)
        accepted, _ = other.accept()
        accepted.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        accepted.close()  # linger 0: the close sends RST

    expected = (
        "Session closed: connection cut off (reset). "
        f"The connection with 127.0.0.1:{port} was cut off by the other side (reset)."
    )
    pump_until(app, lambda: app.client_panel.status.text == expected, message="reset explained")
    assert app.client_panel.status.colour == theme.ERROR
    assert app.client_panel.connect_button.cget("text") == "Connect"


@pytest.mark.parametrize(
    ("field", "text", "expected"),
    [
        ("port", "http", "The port must be a whole number from 1 to 65535."),
        ("port", "70000", "The port must be a whole number from 1 to 65535."),
        ("host", "  ", "Type a host name or an IP address."),
    ],
)
def test_client_fields_are_checked_before_connecting(app: App, field: str, text: str, expected: str) -> None:
    entry = app.client_panel.port_entry if field == "port" else app.client_panel.host_entry
    type_into(entry, text)
    app.client_panel.connect_button.invoke()
    assert app.client_panel.status.text == expected
    assert app.client_panel.connect_button.cget("text") == "Connect"
    assert "mayus-client" not in worker_threads()  # nothing went near the network


def test_server_port_is_checked_before_starting(app: App) -> None:
    type_into(app.server_panel.port_entry, "-1")
    app.server_panel.start_stop.invoke()
    assert app.server_panel.status.text == "The port must be a whole number from 0 to 65535 (0 picks a free port)."
    assert app.server_panel.state is ServerState.STOPPED


def test_sending_without_a_connection_says_so_and_keeps_the_text(app: App) -> None:
    type_into(app.client_panel.message_entry, "hola")
    press(app, app.client_panel.message_entry, "Return")
    assert app.client_panel.status.text == "Not connected. Connect to a server first."
    assert app.client_panel.message == "hola"


UNKNOWN_HOST = "no-such-host.invalid"  # fails at once: tests/conftest.py lets no lookup reach a name server
SHORT_CONNECT_TIMEOUT = 0.5


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", f"Host {UNKNOWN_HOST} was not found. Check the name or use an IP address."),
        ("es", f"No se encontró el host {UNKNOWN_HOST}. Revisa el nombre o usa una dirección IP."),
    ],
    ids=["en", "es"],
)
def test_an_unknown_host_is_explained(make_app: Callable[..., App], language: str, expected: str) -> None:
    app = make_app(language=language)
    type_into(app.client_panel.host_entry, UNKNOWN_HOST)
    type_into(app.client_panel.port_entry, "5000")
    app.client_panel.connect_button.invoke()

    pump_until(app, lambda: app.client_panel.status.text == expected, message="unknown host explained")
    assert app.client_panel.status.colour == theme.ERROR
    log_shows(app, expected)
    assert app.client_panel.connect_button.cget("state") == "normal"
    assert "Traceback" not in app.log.shown_text()


@pytest.fixture
def unanswered_port() -> Iterator[int]:
    """A listener whose accept queue is full: the system drops new handshakes, so a connect gets no answer."""
    with unanswered_listener() as port:
        yield port


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", "No answer from localhost:{port} in time (timed out)."),
        ("es", "localhost:{port} no respondió a tiempo (tiempo de espera agotado)."),
    ],
    ids=["en", "es"],
)
def test_a_connect_with_no_answer_times_out_and_is_explained(
    make_app: Callable[..., App], unanswered_port: int, language: str, expected: str
) -> None:
    app = make_app(language=language, network=Network(connect_timeout=SHORT_CONNECT_TIMEOUT))
    type_into(app.client_panel.port_entry, str(unanswered_port))
    app.client_panel.connect_button.invoke()

    shown = expected.format(port=unanswered_port)
    pump_until(app, lambda: app.client_panel.status.text == shown, message="time-out explained")
    assert app.client_panel.status.colour == theme.ERROR
    log_shows(app, shown)
    assert app.client_panel.connect_button.cget("state") == "normal"
