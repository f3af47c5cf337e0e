"""The window as a whole: closing, the clients table under many clients, size and keys."""

from __future__ import annotations

import gc
import itertools
import json
import os
import signal
import socket
import sys
import time
import tkinter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import psutil
import pytest

from core import platforms
from gui import theme
from gui.app import GIL_SWITCH_SECONDS, App
from gui.ctk_private import focus_surface, inner_entry, segment_buttons
from gui.keyboard import RING_TAG
from gui.panels.log_panel import HERE
from gui.panels.server_panel import ServerState
from gui.parts.settings import MIN_HEIGHT, MIN_WIDTH
from gui.toolkit import ctk
from tests.support.peers import close_at_once, misbehaving_server
from tests.support.sockets import connect_raw, recv_exactly
from tests.support.waiting import WAIT, pump_until, worker_threads
from tests.support.window import (
    check_server,
    choose,
    connect_client,
    log_shows,
    pick,
    press,
    send_message,
    server_pid,
    settle,
    show_check,
    show_view,
    start_load_test,
    start_server,
    switch_to,
    type_into,
    wait_check_done,
    wait_load_test_done,
)

MANY_CLIENTS = 300
SLOW_STOP_SECONDS = 1.0  # how long the server takes to close, in the test of a slow stop


def _widget_count(widget: tkinter.Misc) -> int:
    return 1 + sum(_widget_count(child) for child in widget.winfo_children())


def test_closing_the_window_stops_everything_and_frees_the_port(
    make_app: Callable[..., App], settings_path: Path
) -> None:
    app = make_app()
    port = start_server(app)
    connect_client(app, port)
    assert worker_threads()
    server = server_pid(app)
    assert server is not None

    app.tk.call(app.protocol("WM_DELETE_WINDOW"))  # what the window manager's close button does

    assert app.closed
    assert not worker_threads()
    assert not psutil.pid_exists(server), "the server's process outlived the window"
    with socket.socket() as again:  # as any server would (ours too): fails while anything still listens there
        again.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        again.bind(("127.0.0.1", port))
        again.listen()
    assert json.loads(settings_path.read_text(encoding="utf-8"))["client_port"] == port


def test_stopping_a_slow_server_only_asks_and_the_window_keeps_running(app: App) -> None:
    """Stop returns at once even when the server takes its time to close: the window's timers never pause.

    The server's process is paused (SIGSTOP, or Windows's suspend) as Stop is pressed, and let go a second later.
    """
    panel = app.server_panel
    start_server(app)
    running = server_pid(app)
    assert running is not None
    server = psutil.Process(running)
    ticks: list[float] = []

    def tick() -> None:
        ticks.append(time.monotonic())
        if panel.state is not ServerState.STOPPED:
            app.after(10, tick)

    app.after(10, tick)
    server.suspend()
    app.after(int(SLOW_STOP_SECONDS * 1000), server.resume)
    pressed = time.monotonic()
    panel.start_stop.invoke()
    assert time.monotonic() - pressed < SLOW_STOP_SECONDS / 4 and panel.state is ServerState.STOPPING
    pump_until(app, lambda: panel.state is ServerState.STOPPED, message="the server's ServerStopped")
    assert time.monotonic() - pressed >= SLOW_STOP_SECONDS  # it really was slow to stop
    gaps = [later - earlier for earlier, later in itertools.pairwise([pressed, *ticks])]
    assert max(gaps) < SLOW_STOP_SECONDS / 4, "the Tk thread was blocked while the server stopped"


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


def _tab_order(app: App) -> list[tkinter.Misc]:
    """Every widget Tab visits, from the first, once round."""
    first = app.tk_focusNext()
    assert first is not None
    order, widget = [first], first.tk_focusNext()
    while widget is not None and widget not in order:
        order.append(widget)
        widget = widget.tk_focusNext()
    return order


def test_tab_reaches_every_control_in_a_sensible_order(app: App) -> None:
    order = _tab_order(app)
    server, client, clients, log = app.server_panel, app.client_panel, app.clients, app.log
    wanted = {
        "server TLS": focus_surface(server.tls_switch),
        "server port": focus_surface(server.port_entry),
        "start": focus_surface(server.start_stop),
        "all interfaces": focus_surface(server.all_choice),
        "client TLS": focus_surface(client.tls_switch),
        "TLS mode": focus_surface(client.tls_menu),
        "host": focus_surface(client.host_entry),
        "connect": focus_surface(client.connect_button),
        "message": focus_surface(client.message_entry),
        "send": focus_surface(client.send_button),
        "hex mode": focus_surface(segment_buttons(client.mode_picker)[2]),
        "CR ending": focus_surface(segment_buttons(client.ending_picker)[2]),
        "repeat": focus_surface(client.repeat_button),
        "saved": focus_surface(client.saved_button),
        "reconnect": focus_surface(client.reconnect_box),
        "clients table": clients.tree,
        "push to all": focus_surface(clients.push_all_button),
        "disconnect all": focus_surface(clients.disconnect_all_button),
        "search": focus_surface(log.search_entry),
        "side filter": focus_surface(log.side_picker),
        "direction filter": focus_surface(log.direction_picker),
        "hex view": focus_surface(log.hex_switch),
        "conversation": focus_surface(log.textbox),
        "save log": focus_surface(log.save_button),
        "language": focus_surface(segment_buttons(app.header.language_picker)[0]),
    }
    missing = [name for name, widget in wanted.items() if widget not in order]
    assert missing == []
    places = {name: order.index(widget) for name, widget in wanted.items()}
    assert places["server port"] < places["start"]  # within a panel, in reading order
    assert places["host"] < places["connect"] < places["message"] < places["send"]
    assert places["client TLS"] < places["TLS mode"] < places["host"]  # the title row first, left to right
    assert places["search"] < places["side filter"] < places["direction filter"] < places["hex view"]


def test_a_drop_down_wears_a_ring_and_the_keys_step_through_its_choices(app: App) -> None:
    log = app.log
    picker, surface = log.side_picker, focus_surface(log.side_picker)
    surface.focus_force()
    pump_until(app, lambda: bool(surface.find_withtag(RING_TAG)), message="a ring while focused")
    [ring] = surface.find_withtag(RING_TAG)
    assert surface.itemcget(ring, "outline") == theme.pick(theme.FOCUS_RING, "light")
    surface.event_generate("<space>")
    settle(app)
    assert picker.get() == "Server"  # the next choice, and the log filtered by it as a click would
    assert log.count_label.cget("text") == "Filtered: some lines are hidden"
    surface.event_generate("<Down>")
    assert picker.get() == "Client"
    surface.event_generate("<Return>")
    assert picker.get() == "Both sides"  # round again
    surface.event_generate("<Up>")
    assert picker.get() == "Client"
    surface.event_generate("<Up>")
    surface.event_generate("<Up>")
    settle(app)
    assert picker.get() == "Both sides" and log.count_label.cget("text") == ""
    focus_surface(app.client_panel.message_entry).focus_force()
    pump_until(app, lambda: not surface.find_withtag(RING_TAG), message="the ring gone")


def test_a_line_of_the_conversation_from_the_keyboard(app: App) -> None:
    port = start_server(app)
    connect_client(app, port)
    send_message(app, "hola")
    log_shows(app, "HOLA LF")
    text, menu = focus_surface(app.log.textbox), app.log.menu
    text.focus_force()
    settle(app)
    text.event_generate("<Control-End>")  # the newest line: the reply
    settle(app)
    assert underlined(text).endswith("HOLA LF  5 B  (" + underlined(text).rsplit("(", 1)[1])
    assert "CLIENT   ←" in underlined(text)
    text.event_generate("<Return>")  # its hex
    settle(app)
    assert app.log.shown_text().endswith("0000  48 4f 4c 41 0a                                   HOLA.\n")
    assert "CLIENT   ←" in underlined(text)  # the keyboard is still on that line
    text.event_generate("<Up>")  # the line before: what the server answered
    settle(app)
    assert "SERVER   → #1" in underlined(text)
    text.event_generate("<Shift-F10>")  # its menu
    pump_until(app, menu.winfo_ismapped, message="the line's menu open")
    menu.invoke("Save as a message")
    menu.unpost()
    menu.grab_release()
    settle(app)
    [saved] = app.saved.items
    assert (saved.text, saved.ending) == ("HOLA", "LF")
    text.focus_force()
    settle(app)
    text.event_generate("<Tab>")  # Tab leaves the log (it is read-only: no tab goes in)
    pump_until(app, lambda: underlined(text) == "", message="no line underlined once the log lost the focus")
    assert app.focus_get() == text.tk_focusNext()


def underlined(text: tkinter.Text) -> str:
    """The line the keyboard is on in the conversation (underlined), or ""."""
    ranges = text.tag_ranges(HERE)
    return str(text.get(ranges[0], ranges[1])) if ranges else ""


def test_the_focused_control_wears_a_ring_and_space_presses_it(app: App) -> None:
    button = app.log.copy_button
    surface = focus_surface(button)
    border = button.cget("border_width")
    surface.focus_force()
    pump_until(app, lambda: button.cget("border_width") == 2, message="a ring while focused")
    assert button.cget("border_color") == theme.FOCUS_RING
    surface.event_generate("<space>")
    settle(app)
    assert app.log.notice.cget("text").endswith("lines copied")  # Space pressed it
    focus_surface(app.client_panel.message_entry).focus_force()
    pump_until(app, lambda: button.cget("border_width") == border, message="the ring gone")


def test_disabled_controls_look_disabled(app: App) -> None:
    send, enabled_fill = app.client_panel.send_button, app.client_panel.connect_button.cget("fg_color")
    assert send.cget("state") == "disabled"  # not connected
    assert send.cget("fg_color") == theme.DISABLED_FILL != enabled_fill
    assert app.clients.disconnect_all_button.cget("fg_color") == theme.DISABLED_FILL  # no client to disconnect
    menu = app.client_panel.tls_menu  # a drop-down, its arrow part too: TLS is off
    assert menu.cget("state") == "disabled"
    assert menu.cget("fg_color") == menu.cget("button_color") == theme.DISABLED_FILL
    switch_to(app.client_panel.tls_switch, True)
    assert menu.cget("fg_color") != theme.DISABLED_FILL != menu.cget("button_color")
    switch_to(app.client_panel.tls_switch, False)
    port = start_server(app)
    assert app.server_panel.port_entry.cget("fg_color") == theme.DISABLED_FILL  # cannot edit while listening
    connect_client(app, port)
    assert send.cget("fg_color") == enabled_fill
    assert app.client_panel.host_entry.cget("fg_color") == theme.DISABLED_FILL


def test_the_shortcuts_do_what_f1_says(app: App) -> None:
    type_into(app.server_panel.port_entry, "0")  # a free port: 5000 may be taken on a shared machine
    app.event_generate("<F5>")  # start the server
    pump_until(app, lambda: app.network.server_address is not None, message="started by F5")
    address = app.network.server_address
    assert address is not None
    type_into(app.client_panel.port_entry, str(address[1]))
    app.event_generate("<F6>")
    pump_until(app, lambda: app.client_panel.status.text.startswith("Connected to"), message="connected by F6")
    send_message(app, "hola")
    log_shows(app, "HOLA LF")
    app.event_generate("<Control-f>")
    settle(app)
    assert app.focus_get() == focus_surface(app.log.search_entry)
    app.event_generate("<Control-l>")
    settle(app)
    assert app.log.shown_text() == ""
    app.event_generate("<F1>")
    pump_until(app, lambda: app.help_window is not None and app.help_window.winfo_exists(), message="help open")
    assert app.help_window is not None
    shown = app.help_window.content()
    assert "Ctrl+F" in shown and "F5" in shown and "CRLF is \\r\\n" in shown


def test_listening_on_every_interface_comes_with_a_warning(app: App) -> None:
    panel = app.server_panel
    assert panel.warning.cget("text") == ""
    panel.all_choice.invoke()
    assert panel.host == "::"
    assert panel.warning.cget("text") == "Other computers on your network will be able to connect."
    panel.local_choice.invoke()
    assert panel.host == "localhost"
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


def test_a_stop_that_comes_while_the_window_is_built_closes_it_cleanly(
    settings_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from gui import app as app_module

    real_create = app_module.create_app

    def create_then_stop(*args: Any, **kwargs: Any) -> App:  # SIGTERM (a logout, `kill`) as the window appears
        window = real_create(*args, **kwargs)
        os.kill(os.getpid(), signal.SIGTERM)
        return window

    monkeypatch.setattr(app_module, "create_app", create_then_stop)
    before = {signum: signal.getsignal(signum) for signum in platforms.stop_signals()}
    try:
        assert app_module.run(settings_path) == 0  # not killed: the loop ran, saw the stop and closed as asked
    finally:
        for signum, handler in before.items():
            signal.signal(signum, handler)
    assert settings_path.exists()
    assert not worker_threads()


def _holders(widget: tkinter.Misc) -> list[tkinter.Misc]:
    holders, master = [], widget.master
    while master is not None:
        holders.append(master)
        master = master.master
    return holders


def _squeezed(app: App) -> list[str]:
    """Controls narrower than they ask to be (their words cut), or reaching past the window's right edge."""
    problems = []
    right_edge = app.winfo_rootx() + app.winfo_width()
    stack: list[tkinter.Misc] = [app]
    while stack:
        widget = stack.pop()
        stack.extend(widget.winfo_children())
        if not widget.winfo_ismapped():
            continue
        fixed_text = isinstance(widget, (ctk.CTkButton, ctk.CTkCheckBox, ctk.CTkSwitch, ctk.CTkRadioButton))
        label = isinstance(widget, ctk.CTkLabel) and not widget.cget("wraplength")
        if not (fixed_text or label):
            continue
        text = str(widget.cget("text"))
        if widget.winfo_width() + 1 < widget.winfo_reqwidth():
            problems.append(f"{text!r}: {widget.winfo_width()} px of {widget.winfo_reqwidth()}")
        if widget.winfo_rootx() + widget.winfo_width() > right_edge + 1:
            problems.append(f"{text!r}: past the window's edge")
        for holder in _holders(widget):  # cut off by any frame it sits in
            if widget.winfo_rootx() + widget.winfo_width() > holder.winfo_rootx() + holder.winfo_width() + 1:
                problems.append(f"{text!r}: past the edge of {holder.winfo_name()}")
                break
    return problems


@pytest.mark.parametrize("view", ["conversation", "load", "check"])
@pytest.mark.parametrize("language", ["English", "Español"])
def test_at_the_minimum_size_nothing_is_cut_or_overlaps_the_edge(app: App, language: str, view: str) -> None:
    pick(app.header.language_picker, language)
    if view == "check":
        _check_view_at_the_minimum_size(app)
        return
    show_view(app, view)
    if view == "conversation":  # TLS on in both panels, at its widest: the fingerprint and the insecure mark shown
        switch_to(app.server_panel.tls_switch, True)
        start_server(app)
        switch_to(app.client_panel.tls_switch, True)
        choose(app.client_panel.tls_menu, app.tr("client.tls_mode.insecure"))
    if view == "load":  # after a run: its chart, its summary and a row in the table of runs
        start_load_test(app, clients=2, seconds=0.5)
        wait_load_test_done(app, 4 * WAIT)
    app.geometry(f"{MIN_WIDTH}x{MIN_HEIGHT}")
    pump_until(app, lambda: app.winfo_width() == MIN_WIDTH, message="at the minimum size")
    settle(app)
    assert _squeezed(app) == []
    if view == "conversation":
        assert app.log.textbox.winfo_height() > 100  # the conversation keeps room to read
        assert app.server_panel.fingerprint_label.winfo_ismapped() and app.client_panel.insecure_label.winfo_ismapped()
        menu = app.client_panel.tls_menu  # room for its longest choice beside its arrow
        longest = max(app.fonts.small.measure(name) for name in menu.cget("values"))
        assert menu.winfo_width() - menu.winfo_height() - 10 >= longest
    else:
        load = app.load_view
        assert load.chart.winfo_height() > 150 and load.chart.winfo_width() > 400  # room for the live chart
        assert load.summary_box.winfo_height() > 80
        tree, font = load.runs_tree, app.fonts.table  # every heading of the table of runs fits
        widths = {column: int(tree.column(column, "width")) for column in tree["columns"]}
        assert sum(widths.values()) <= tree.winfo_width()
        for column, width in widths.items():
            assert font.measure(tree.heading(column, "text")) < width, column


def _check_view_at_the_minimum_size(app: App) -> None:
    """The Check view, after runs where nearly everything failed (every hint shown) and a detail is open."""
    view = app.check_view
    app.geometry(f"{MIN_WIDTH}x{MIN_HEIGHT}")
    pump_until(app, lambda: app.winfo_width() == MIN_WIDTH, message="at the minimum size")
    with misbehaving_server(close_at_once) as (host, port):
        check_server(app, host, port)
        row = view.server_list.rows["caso1"]
        row.toggle.invoke()
        show_check(app, "class")
        view.set_targets(f"{host}:{port} Ana García-Fernández de la Fuente\n")
        view.run_button.invoke()
        wait_check_done(app)
    for mode in ("server", "client", "class"):
        show_check(app, mode)
        settle(app)
        assert _squeezed(app) == [], mode
    assert view.class_list.winfo_height() > 150  # a student's checklist keeps room to read
    tree, font = view.class_table.tree, app.fonts.table
    widths = {column: int(tree.column(column, "width")) for column in tree["columns"]}
    assert sum(widths.values()) <= tree.winfo_width()
    for column, width in widths.items():
        assert font.measure(tree.heading(column, "text")) < width, column
    show_check(app, "server")
    assert row.detail is not None and row.detail.winfo_ismapped()
    assert view.server_list.winfo_height() > 300


def test_the_squeeze_check_sees_a_cut_control(app: App) -> None:
    box = ctk.CTkFrame(app.log, width=60, height=30)
    box.grid_propagate(False)
    box.grid(row=4, column=0, sticky="w")
    label = ctk.CTkLabel(box, text="a label far too long for its box")
    label.grid(row=0, column=0)
    settle(app)
    assert any("a label far too long" in problem for problem in _squeezed(app))
    box.destroy()


def test_while_open_the_window_takes_the_gil_in_short_turns_and_gives_all_back_once_closed(
    make_app: Callable[..., App],
) -> None:
    before = sys.getswitchinterval()
    first, second = make_app(), make_app()
    # Tk's thread waits at most this long for the server's thread; what the window holds is out of full collections.
    assert sys.getswitchinterval() == GIL_SWITCH_SECONDS and gc.get_freeze_count() > 0
    first.close()
    assert sys.getswitchinterval() == GIL_SWITCH_SECONDS  # the other window is still open
    second.close()
    assert sys.getswitchinterval() == before and gc.get_freeze_count() == 0
