"""The window as a whole: closing, the clients table under many clients, size and keys."""

from __future__ import annotations

import json
import socket
import tkinter
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from gui.app import App
from gui.ctk_private import inner_entry
from gui.parts.settings import MIN_HEIGHT, MIN_WIDTH
from tests.support.sockets import connect_raw, recv_exactly
from tests.support.waiting import pump_until, worker_threads
from tests.support.window import connect_client, log_shows, pick, press, settle, start_server, type_into

MANY_CLIENTS = 300


def _widget_count(widget: tkinter.Misc) -> int:
    return 1 + sum(_widget_count(child) for child in widget.winfo_children())


def test_closing_the_window_stops_everything_and_frees_the_port(
    make_app: Callable[..., App], settings_path: Path
) -> None:
    app = make_app()
    port = start_server(app)
    connect_client(app, port)
    assert worker_threads()

    app.tk.call(app.protocol("WM_DELETE_WINDOW"))  # what the window manager's close button does

    assert app.closed
    assert not worker_threads()
    with socket.socket() as again:  # as any server would (ours too): fails while anything still listens there
        again.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        again.bind(("127.0.0.1", port))
        again.listen()
    assert json.loads(settings_path.read_text(encoding="utf-8"))["client_port"] == port


def test_a_flood_keeps_the_counters_exact_and_the_log_bounded(app: App) -> None:
    flood = 20_000  # far past the core's cap on detailed message events per second
    port = start_server(app)
    with connect_raw(("127.0.0.1", port)) as sock:
        sock.sendall(b"m\n" * flood)
        assert recv_exactly(sock, 2 * flood) == b"M\n" * flood
        pump_until(app, lambda: app.server_panel.counter_text("messages") == "20,000", message="every message counted")
    assert app.server_panel.counter_text("bytes_out") == "40,000"
    app.log.flush()
    assert len(app.log.shown_text().splitlines()) <= app.log.model.limit
    log_shows(app, "more messages not listed one by one")


@pytest.fixture
def many_raw_clients(app: App) -> Iterator[list[socket.socket]]:
    port = start_server(app)
    socks = [connect_raw(("127.0.0.1", port)) for _ in range(MANY_CLIENTS)]
    yield socks
    for sock in socks:
        sock.close()


def test_hundreds_of_clients_fill_the_table_without_a_widget_per_row(
    app: App, many_raw_clients: list[socket.socket]
) -> None:
    widgets_before = _widget_count(app)
    pump_until(app, lambda: len(app.clients.client_ids) == MANY_CLIENTS, message="every client listed")
    assert len(app.clients.tree.get_children()) == MANY_CLIENTS
    assert _widget_count(app) == widgets_before
    pump_until(app, lambda: app.server_panel.counter_text("clients") == str(MANY_CLIENTS))

    many_raw_clients[0].sendall(b"hola\n")
    assert many_raw_clients[0].recv(16) == b"HOLA\n"
    pump_until(app, lambda: app.clients.shown_values(1)["messages"] == "1", message="row counters updated")
    row = app.clients.shown_values(1)
    assert row["bytes"] == "5 / 5"
    assert row["address"] == f"127.0.0.1:{many_raw_clients[0].getsockname()[1]}"


def test_disconnect_one_client_then_all(app: App, many_raw_clients: list[socket.socket]) -> None:
    pump_until(app, lambda: len(app.clients.client_ids) == MANY_CLIENTS)
    assert app.clients.disconnect_button.cget("state") == "disabled"  # nothing selected yet

    app.clients.select([2])
    app.clients.disconnect_button.invoke()

    pump_until(app, lambda: 2 not in app.clients.client_ids, message="client 2 gone")
    assert many_raw_clients[1].recv(16) == b""  # its connection really closed
    log_shows(app, "disconnected: disconnected by the server's user")

    app.clients.disconnect_all_button.invoke()
    pump_until(app, lambda: app.clients.client_ids == [], message="table empty")
    assert app.clients.tree.get_children() == ()
    pump_until(app, lambda: app.server_panel.counter_text("clients") == "0")


def test_window_has_a_minimum_size_and_resizes_cleanly(app: App) -> None:
    app.geometry("400x300")
    settle(app)
    assert app.winfo_width() >= MIN_WIDTH
    assert app.winfo_height() >= MIN_HEIGHT
    app.geometry("1600x1000")
    pump_until(app, lambda: app.winfo_width() == 1600, message="resized")
    # The conversation and the clients table take the extra room.
    assert app.log.winfo_height() > app.client_panel.winfo_height()
    assert app.clients.winfo_width() + app.log.winfo_width() > 1500


@pytest.mark.parametrize("language", ["English", "Español"])
def test_at_the_minimum_size_every_table_heading_fits(app: App, language: str) -> None:
    pick(app.header.language_picker, language)
    app.geometry(f"{MIN_WIDTH}x{MIN_HEIGHT}")
    pump_until(app, lambda: app.winfo_width() == MIN_WIDTH, message="at the minimum size")
    tree, font = app.clients.tree, app.fonts.table
    widths = {column: int(tree.column(column, "width")) for column in tree["columns"]}
    assert sum(widths.values()) <= tree.winfo_width()
    for column, width in widths.items():
        assert font.measure(tree.heading(column, "text")) < width, column


def test_enter_in_the_port_fields_starts_and_connects(app: App) -> None:
    type_into(app.server_panel.port_entry, "0")
    press(app, app.server_panel.port_entry, "Return")
    pump_until(app, lambda: app.network.server_address is not None, message="started by Enter")
    address = app.network.server_address
    assert address is not None
    type_into(app.client_panel.port_entry, str(address[1]))
    press(app, app.client_panel.port_entry, "Return")
    pump_until(app, lambda: app.client_panel.status.text.startswith("Connected to"), message="connected by Enter")
    assert app.focus_get() == inner_entry(app.client_panel.message_entry)  # ready to type a message


def test_tab_moves_from_the_client_fields_to_the_message_box(app: App) -> None:
    order = []
    widget: tkinter.Misc | None = inner_entry(app.client_panel.host_entry)
    for _ in range(2):
        assert widget is not None
        widget = widget.tk_focusNext()
        order.append(widget)
    assert order == [inner_entry(app.client_panel.port_entry), inner_entry(app.client_panel.message_entry)]


def test_listening_on_every_interface_comes_with_a_warning(app: App) -> None:
    panel = app.server_panel
    assert panel.warning.cget("text") == ""
    panel.all_choice.invoke()
    assert panel.host == "0.0.0.0"
    assert panel.warning.cget("text") == "Other computers on your network will be able to connect."
    panel.local_choice.invoke()
    assert panel.host == "127.0.0.1"
    assert panel.warning.cget("text") == ""


def test_run_opens_the_window_and_returns_0_once_it_is_closed(
    settings_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from gui import app as app_module

    def close_at_once(window: App) -> None:  # instead of waiting for a person to close it
        window.update()
        window.tk.call(window.protocol("WM_DELETE_WINDOW"))

    monkeypatch.setattr(app_module.App, "mainloop", close_at_once)
    assert app_module.run(settings_path) == 0
    assert settings_path.exists()
    assert not worker_threads()
