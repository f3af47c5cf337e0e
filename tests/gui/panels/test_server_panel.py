"""The server panel through a fake network: what it asks for and what it shows for each event (no sockets)."""

from __future__ import annotations

import time
import tkinter
from pathlib import Path

import pytest

from core.errors import ErrorInfo, ErrorKind
from core.events import AcceptPaused, ServerStarted, ServerStats, ServerStopped, Stamp
from core.tls import CERT_FILE_NAME
from gui import theme
from gui.app import App
from gui.ctk_private import inner_entry
from gui.panels.server_panel import ServerState
from tests.support.fake_network import FakeNetwork
from tests.support.tls import fingerprint_of_pem
from tests.support.waiting import pump_until
from tests.support.window import log_shows, settle, show_view, switch_to, type_into


def _press_start(window: App, port: str = "6000") -> None:
    type_into(window.server_panel.port_entry, port)
    window.server_panel.start_stop.invoke()


def test_start_asks_the_network_and_shows_starting_until_it_listens(window: App, fake: FakeNetwork) -> None:
    panel = window.server_panel
    panel.all_choice.invoke()
    _press_start(window)
    assert fake.calls == [("start_server", "::", 6000)]
    assert panel.state is ServerState.STARTING and panel.status.text == "Starting on port 6000…"
    assert panel.port_entry.cget("state") == "disabled"  # nothing to edit while it starts

    fake.emit(ServerStarted("::", 6000, ("0.0.0.0", "::"), 100, 1024, Stamp.now()))
    pump_until(window, lambda: panel.state is ServerState.RUNNING)
    assert panel.status.text == "Listening on 0.0.0.0:6000, [::]:6000" and panel.start_stop.cget("text") == "Stop"


def test_stop_only_asks_and_the_panel_follows_the_servers_word(window: App, fake: FakeNetwork) -> None:
    _press_start(window)
    fake.emit(ServerStarted("localhost", 6000, ("127.0.0.1", "::1"), 100, 1024, Stamp.now()))
    pump_until(window, lambda: window.server_panel.state is ServerState.RUNNING)
    window.server_panel.start_stop.invoke()
    assert fake.calls[-1] == ("stop_server",)
    assert window.server_panel.state is ServerState.STOPPING  # nothing blocked: the answer comes as an event
    fake.emit(ServerStopped(None, Stamp.now()))
    pump_until(window, lambda: window.server_panel.state is ServerState.STOPPED)
    assert window.server_panel.status.text == "Stopped"
    assert fake.calls.count(("stop_server",)) == 1  # the server's word ends it: no second stop


def test_a_failed_start_is_one_event_and_leaves_the_panel_ready(window: App, fake: FakeNetwork) -> None:
    _press_start(window, "80")
    fake.emit(ServerStopped(ErrorInfo(ErrorKind.PERMISSION_DENIED, "127.0.0.1", 80), Stamp.now()))
    panel = window.server_panel
    pump_until(window, lambda: panel.state is ServerState.STOPPED)
    assert panel.status.text.startswith("Permission denied for 127.0.0.1:80.")
    assert panel.status.colour == theme.ERROR
    assert panel.start_stop.cget("text") == "Start" and panel.port_entry.cget("state") == "normal"
    assert fake.calls == [("start_server", "localhost", 80)]  # nothing was left started, so nothing to stop


def test_the_counters_show_exact_totals_and_refused_connections(window: App, fake: FakeNetwork) -> None:
    fake.emit(ServerStats(3, 12_345, 12_345, 99_000, 99_000, 0, 7, (), Stamp.now()))
    panel = window.server_panel
    pump_until(window, lambda: panel.counter_text("messages") == "12,345")
    assert (panel.counter_text("clients"), panel.counter_text("refused")) == ("3", "7")
    assert panel.counter_text("bytes_in") == "99,000"


def test_hidden_the_counters_keep_their_figures_and_show_them_once_back(window: App, fake: FakeNetwork) -> None:
    panel = window.server_panel
    show_view(window, "load")  # under a load test from the window, its server panel is out of sight
    fake.emit(ServerStats(3, 12_345, 12_345, 99_000, 99_000, 0, 7, (), Stamp.now()))
    pump_until(window, lambda: panel.counter_text("messages") == "12,345", message="the figures kept")
    assert panel.counters["messages"].value.cget("text") == "0"  # not drawn while hidden
    show_view(window, "conversation")
    assert panel.counters["messages"].value.cget("text") == "12,345"
    assert panel.counters["clients"].value.cget("text") == "3"


def test_the_log_says_how_many_clients_fit_and_when_descriptors_run_out(window: App, fake: FakeNetwork) -> None:
    _press_start(window)
    fake.emit(ServerStarted("localhost", 6000, ("127.0.0.1", "::1"), 960, 1024, Stamp.now()))
    log_shows(window, "listening on 127.0.0.1:6000, [::1]:6000; at most 960 clients at once (open-file limit 1,024)")
    fake.emit(AcceptPaused(37, 1024, Stamp.now()))
    log_shows(window, "no file descriptor left: new clients wait until one frees up (37 accepts failed)")


def test_the_chart_takes_a_sample_from_each_stats_event(window: App, fake: FakeNetwork) -> None:
    panel = window.server_panel
    assert not panel.chart.created  # nothing to draw yet: matplotlib is not even imported for it
    _press_start(window)
    fake.emit(ServerStarted("localhost", 6000, ("127.0.0.1",), 100, 1024, Stamp.now()))
    pump_until(window, lambda: panel.chart.created and panel.chart.points > 0, message="the chart drawn")
    began = time.perf_counter()
    for step in range(1, 5):  # 2,000 messages a second from 7 clients
        fake.emit(ServerStats(7, step * 500, step * 500, 0, 0, 0, 0, (), Stamp(began + step * 0.25, time.time())))
    pump_until(window, lambda: len(panel.history) >= 5, message="every stats event sampled")
    rates = [sample.rate for sample in panel.history.samples[-3:]]
    assert rates == pytest.approx([2000.0] * 3)
    draws = panel.chart.full_draws + panel.chart.blits
    pump_until(window, lambda: panel.chart.full_draws + panel.chart.blits > draws, message="the chart redrawn")
    last = panel.chart.last_point
    assert last is not None and last[0] == 0.0 and last[1]["clients"] == 7.0  # "now", at the right edge
    assert "clients" in panel.chart.shown_words()


def test_tls_on_starts_the_server_on_the_certificate_made_beside_the_settings(
    window: App, fake: FakeNetwork, settings_path: Path
) -> None:
    panel = window.server_panel
    assert window.certificate_folder == settings_path.parent / "tls"  # a test's window keeps off the user's folder
    switch_to(panel.tls_switch, True)
    _press_start(window)

    assert fake.calls == [("start_server", "localhost", 6000)]
    assert fake.server_tls is not None and fake.server_tls.cert_file == window.certificate_folder / CERT_FILE_NAME
    assert panel.tls_switch.cget("state") == "disabled"  # fixed from Start on
    fingerprint = fingerprint_of_pem(window.certificate_folder / CERT_FILE_NAME)
    fake.emit(ServerStarted("localhost", 6000, ("127.0.0.1",), 100, 1024, Stamp.now()))
    pump_until(window, lambda: panel.state is ServerState.RUNNING)
    assert panel.status.text == "Listening on 127.0.0.1:6000 with TLS"
    assert panel.fingerprint == fingerprint
    log_shows(window, f"SHA-256 fingerprint {fingerprint}, valid until")

    fake.emit(ServerStopped(None, Stamp.now()))
    pump_until(window, lambda: panel.state is ServerState.STOPPED)
    assert panel.fingerprint is None and panel.tls_switch.cget("state") == "normal"
    switch_to(panel.tls_switch, False)
    _press_start(window)
    assert fake.server_tls is None  # plain TCP again


def test_the_chart_never_takes_the_keyboard_focus(window: App, fake: FakeNetwork) -> None:
    """matplotlib focuses its canvas as it is made and at each click: typing must stay where the user put it."""
    panel, message = window.server_panel, inner_entry(window.client_panel.message_entry)
    _press_start(window)
    message.focus_force()
    pump_until(window, lambda: window.focus_get() == message, message="the message field focused")
    fake.emit(ServerStarted("localhost", 6000, ("127.0.0.1",), 100, 1024, Stamp.now()))
    pump_until(window, lambda: panel.chart.created, message="the chart made")
    [canvas] = [child for child in panel.chart.winfo_children() if isinstance(child, tkinter.Canvas)]  # matplotlib's
    canvas.event_generate("<ButtonPress-1>", x=20, y=20)
    canvas.event_generate("<ButtonRelease-1>", x=20, y=20)
    settle(window)
    assert window.focus_get() == message
    assert str(window.tk.call("focus", "-lastfor", str(window))) == str(message)  # nor queued for the next focus-in
