"""The client panel through a fake network: what it sends, and what it shows for each event (no sockets)."""

from __future__ import annotations

import ssl
import time

from core.client import ClientState
from core.defaults import LineEnding
from core.errors import ErrorInfo, ErrorKind
from core.events import (
    Connected,
    DataReceived,
    DisconnectAnswered,
    Disconnected,
    DisconnectReason,
    MessageSent,
    Stamp,
    TlsInfo,
)
from core.tls import ClientContext, ClientMode
from gui import theme
from gui.app import App
from gui.panels.client_panel import ConnectionState
from tests.support.fake_network import FakeNetwork
from tests.support.waiting import pump_until
from tests.support.window import choose, log_shows, pick, send_message, switch_to, type_into

PINNED = ":".join(["AB"] * 32)  # a fingerprint in the pin file


def _connected(window: App, fake: FakeNetwork) -> None:
    type_into(window.client_panel.port_entry, "7000")
    window.client_panel.connect_button.invoke()
    fake.client_state = ClientState.CONNECTED
    fake.emit(Connected("127.0.0.1", 7000, "127.0.0.1", 50_000, Stamp.now()))
    pump_until(window, lambda: window.client_panel.state is ConnectionState.CONNECTED)


def _reply(text: bytes, rtt: float | None, waiting: int = 0, complete: bool = True) -> DataReceived:
    return DataReceived(1, text, len(text), len(text), 1, complete, b"", rtt, waiting, None, Stamp.now())


def test_what_is_typed_goes_out_exactly_with_the_chosen_ending(window: App, fake: FakeNetwork) -> None:
    _connected(window, fake)
    pick(window.client_panel.ending_picker, "CR")
    send_message(window, "  desconexion ")
    assert fake.calls[-1] == ("send", b"  desconexion ", LineEnding.CR)  # never trimmed, never rewritten


def test_the_last_reply_and_what_waits_show_and_a_new_connection_clears_them(window: App, fake: FakeNetwork) -> None:
    _connected(window, fake)
    panel = window.client_panel
    since = time.perf_counter() - 7.2
    fake.emit(MessageSent(1, b"uno\n", 4, b"\n", False, True, 2, since, Stamp.now()))
    pump_until(window, lambda: window.pump.pending() == 0, message="the event handled")
    panel.refresh_waiting(time.perf_counter())  # what the window's clock does twice a second
    assert panel.waiting_label.cget("text") == "2 waiting for a reply · 7 s"

    fake.emit(_reply(b"UNO", 0.0123))
    pump_until(window, lambda: panel.reply_label.cget("text") == "UNO")
    assert panel.rtt_label.cget("text") == "round trip 12.3 ms"
    panel.refresh_waiting(time.perf_counter())
    assert panel.waiting_label.cget("text") == ""

    fake.emit(Disconnected(DisconnectReason.REQUESTED, None, Stamp.now()))
    pump_until(window, lambda: panel.state is ConnectionState.IDLE)
    fake.client_state = ClientState.IDLE
    window.client_panel.connect_button.invoke()
    assert panel.reply_label.cget("text") == "(none yet)" and panel.rtt_label.cget("text") == ""


def test_numbers_read_the_spanish_way_in_spanish(window: App, fake: FakeNetwork) -> None:
    pick(window.header.language_picker, "Español")
    _connected_es(window, fake)
    fake.emit(_reply(b"UNO", 0.0123))
    pump_until(window, lambda: window.client_panel.rtt_label.cget("text") == "ida y vuelta 12,3 ms")


def _connected_es(window: App, fake: FakeNetwork) -> None:
    window.client_panel.connect_button.invoke()
    fake.client_state = ClientState.CONNECTED
    fake.emit(Connected("127.0.0.1", 5000, "127.0.0.1", 50_000, Stamp.now()))
    pump_until(window, lambda: window.client_panel.state is ConnectionState.CONNECTED)


def test_an_answered_desconexion_is_said_and_the_session_stays(window: App, fake: FakeNetwork) -> None:
    _connected(window, fake)
    fake.emit(DisconnectAnswered(1, b"\n", False, Stamp.now()))
    panel = window.client_panel
    pump_until(window, lambda: "answered DESCONEXION instead of closing" in panel.status.text)
    assert "(LF)" in panel.status.text and panel.status.colour == theme.WARNING
    assert panel.state is ConnectionState.CONNECTED


def test_a_failed_connect_is_one_event_said_in_plain_words(window: App, fake: FakeNetwork) -> None:
    type_into(window.client_panel.port_entry, "7000")
    window.client_panel.connect_button.invoke()
    assert fake.calls == [("connect", "localhost", 7000)]
    error = ErrorInfo(ErrorKind.CONNECTION_REFUSED, "127.0.0.1", 7000)
    fake.emit(Disconnected(DisconnectReason.CONNECT_FAILED, error, Stamp.now()))
    panel = window.client_panel
    pump_until(window, lambda: panel.state is ConnectionState.IDLE)
    assert panel.status.text == "Connection refused by 127.0.0.1:7000. Is a server running on that port?"
    assert panel.status.colour == theme.ERROR


def test_a_reset_says_why_the_session_ended(window: App, fake: FakeNetwork) -> None:
    _connected(window, fake)
    error = ErrorInfo(ErrorKind.CONNECTION_RESET, "127.0.0.1", 7000)
    fake.emit(Disconnected(DisconnectReason.RESET, error, Stamp.now()))
    panel = window.client_panel
    pump_until(window, lambda: panel.state is ConnectionState.IDLE)
    assert panel.status.text.startswith("Session closed: connection cut off (reset). The connection with")


def test_the_tls_context_follows_the_switch_the_mode_and_the_pin(window: App, fake: FakeNetwork) -> None:
    panel = window.client_panel
    type_into(panel.port_entry, "7000")

    def connect_once() -> ClientContext | None:
        panel.connect_button.invoke()
        fake.emit(Disconnected(DisconnectReason.CONNECT_FAILED, None, Stamp.now()))  # back to idle for the next
        pump_until(window, lambda: panel.state is ConnectionState.IDLE)
        return fake.client_tls

    assert connect_once() is None  # TLS off: plain TCP
    assert panel.tls_menu.cget("state") == "disabled"  # the mode waits for TLS
    switch_to(panel.tls_switch, True)
    assert panel.tls_menu.cget("state") == "normal"
    verify = connect_once()
    assert verify is not None and verify.mode is ClientMode.VERIFY and verify.verify_mode is ssl.CERT_REQUIRED
    choose(panel.tls_menu, "Trust this certificate")
    first = connect_once()
    assert first is not None and first.mode is ClientMode.PIN and first.pinned_fingerprint is None
    window.pins.remember("localhost", 7000, PINNED)
    pinned = connect_once()
    assert pinned is not None and pinned.pinned_fingerprint == PINNED
    choose(panel.tls_menu, "Don't verify")
    insecure = connect_once()
    assert insecure is not None and insecure.insecure


def test_a_tls_connection_shows_its_version_and_how_it_was_trusted(window: App, fake: FakeNetwork) -> None:
    panel = window.client_panel
    switch_to(panel.tls_switch, True)
    choose(panel.tls_menu, "Trust this certificate")
    window.pins.remember("127.0.0.1", 7000, PINNED)
    type_into(panel.host_entry, "127.0.0.1")
    type_into(panel.port_entry, "7000")
    panel.connect_button.invoke()
    fake.client_state = ClientState.CONNECTED
    fake.emit(Connected("127.0.0.1", 7000, "127.0.0.1", 50_000, Stamp.now(), TlsInfo("TLSv1.2", PINNED, "pin")))
    pump_until(window, lambda: panel.state is ConnectionState.CONNECTED)
    assert panel.status.text == (
        "Connected to 127.0.0.1:7000 from local port 50000 · TLS 1.2, the certificate you trust"
    )
    assert panel.status.colour == theme.OK
    assert panel.tls_switch.cget("state") == "disabled" and panel.tls_menu.cget("state") == "disabled"
    log_shows(window, f"secured with TLSv1.2; the server's certificate has SHA-256 fingerprint {PINNED}; the cert")
