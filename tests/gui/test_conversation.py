"""Talking to servers through the real window's widgets: the README's cases and the servers users meet."""

from __future__ import annotations

from collections.abc import Callable

from core.events import ServerStats, Stamp
from gui.app import App
from tests.support.peers import DeviceServer, OriginalServer, SlowServer, StandInServer, StripServer
from tests.support.sockets import connect_raw, local_listening
from tests.support.waiting import pump_until
from tests.support.window import (
    connect_client,
    log_shows,
    pick,
    press,
    send_message,
    settle,
    start_server,
    type_into,
)


def reply_shown(app: App, text: str) -> None:
    pump_until(app, lambda: app.client_panel.reply_label.cget("text") == text, message=f"last reply {text!r}")


def lines_with(app: App, *parts: str) -> list[str]:
    return [line for line in app.log.shown_text().splitlines() if all(part in line for part in parts)]


# --- the README's two cases ------------------------------------------------------


def test_readme_case_1_hola_servidor_comes_back_uppercase(app: App) -> None:
    port = start_server(app)
    assert app.server_panel.status.text == f"Listening on {local_listening(port)}"
    connect_client(app, port)

    send_message(app, "hola servidor")

    reply_shown(app, "HOLA SERVIDOR")
    pump_until(app, lambda: app.client_panel.rtt_label.cget("text").startswith("round trip "))
    assert app.client_panel.message == ""  # sent, so the box is ready for the next one
    log_shows(app, "HOLA SERVIDOR LF  14 B  (")
    # The server side shows the message received, the client side the uppercase reply with its round trip.
    assert lines_with(app, "SERVER   ← #1", "hola servidor LF  14 B")
    assert lines_with(app, "SERVER   → #1", "HOLA SERVIDOR LF  14 B")
    assert lines_with(app, "CLIENT   →", "hola servidor LF  14 B")
    [reply] = lines_with(app, "CLIENT   ←", "HOLA SERVIDOR LF  14 B  (")
    assert reply.endswith(" ms)")


def test_readme_case_2_disconnect_button_closes_the_session_on_both_sides(app: App) -> None:
    port = start_server(app)
    connect_client(app, port)
    pump_until(app, lambda: app.clients.client_ids == [1], message="client in the table")

    app.client_panel.connect_button.invoke()  # it reads "Disconnect" while connected

    expected = "Session closed: requested disconnect"
    pump_until(app, lambda: app.client_panel.status.text == expected, message="client session closed")
    log_shows(app, "disconnected: requested disconnect")
    assert lines_with(app, "SERVER   · #1", "disconnected: requested disconnect")
    pump_until(app, lambda: app.clients.client_ids == [], message="row removed")
    _assert_client_idle(app)


def test_both_readme_cases_pass_against_the_original_server_with_default_settings(
    app: App, original_server: OriginalServer
) -> None:
    connect_client(app, original_server.address[1])
    send_message(app, "hola servidor")
    reply_shown(app, "HOLA SERVIDOR")
    app.client_panel.connect_button.invoke()  # Disconnect: the word alone, so the original server closes
    pump_until(app, lambda: app.client_panel.status.text == "Session closed: requested disconnect")
    assert original_server.goodbyes == 1
    _assert_client_idle(app)


def test_typing_desconexion_sends_it_as_typed_and_the_session_ends_as_requested(app: App) -> None:
    port = start_server(app)
    connect_client(app, port)
    send_message(app, "desconexion")
    pump_until(app, lambda: app.client_panel.status.text == "Session closed: requested disconnect")
    log_shows(app, "disconnected: requested disconnect")
    assert lines_with(app, "CLIENT   →", "desconexion")  # never rewritten to DESCONEXION
    _assert_client_idle(app)


def test_a_typed_desconexion_that_the_server_answers_is_said_plainly_and_the_session_stays(
    app: App, original_server: OriginalServer
) -> None:
    connect_client(app, original_server.address[1])
    send_message(app, "DESCONEXION")  # with LF: the original server compares the exact text and echoes it
    pump_until(app, lambda: "answered DESCONEXION instead of closing" in app.client_panel.status.text)
    assert "line ending: none" in app.client_panel.status.text
    log_shows(app, "answered DESCONEXION instead of closing")
    assert app.client_panel.connect_button.cget("text") == "Disconnect"  # still connected
    send_message(app, "sigo")
    reply_shown(app, "SIGO")


def _assert_client_idle(app: App) -> None:
    panel = app.client_panel
    assert panel.connect_button.cget("text") == "Connect"
    assert panel.connect_button.cget("state") == "normal"
    assert panel.send_button.cget("state") == "disabled"
    assert panel.host_entry.cget("state") == "normal"
    assert panel.port_entry.cget("state") == "normal"


# --- servers that are not Mayus's ---------------------------------------------------


def test_a_reply_with_no_newline_shows_at_once_and_gets_its_round_trip(app: App, strip_server: StripServer) -> None:
    connect_client(app, strip_server.address[1])
    send_message(app, "hola servidor")
    reply_shown(app, "HOLA SERVIDOR")  # not at disconnect: as it arrives
    pump_until(app, lambda: app.client_panel.rtt_label.cget("text").startswith("round trip "))
    send_message(app, "otra")
    reply_shown(app, "OTRA")  # not glued to the first
    assert len(lines_with(app, "CLIENT   ←", "HOLA SERVIDOR  13 B  (")) == 1  # no newline: no mark


def test_a_banner_and_pushes_are_labelled_unsolicited(app: App, make_peer: Callable[..., StandInServer]) -> None:
    device = make_peer(DeviceServer, 0.2)
    connect_client(app, device.address[1])
    pick(app.client_panel.ending_picker, "CRLF")
    log_shows(app, "WELCOME CRLF  9 B  (unsolicited)")
    send_message(app, "PING")
    reply_shown(app, "OK")
    log_shows(app, "\\x02STAT\\0\\x17\\x03  8 B  (unsolicited)")
    [ok] = lines_with(app, "CLIENT   ←", "OK CRLF  4 B  (")
    assert "unsolicited" not in ok and ok.endswith(" ms)")


def test_what_waits_for_a_reply_is_shown_beside_the_last_reply(
    app: App, make_peer: Callable[..., StandInServer]
) -> None:
    slow = make_peer(SlowServer, 1.5)
    connect_client(app, slow.address[1])
    send_message(app, "uno")
    waiting = app.client_panel.waiting_label
    pump_until(app, lambda: waiting.cget("text").startswith("1 waiting for a reply · "), message="pending shown")
    reply_shown(app, "UNO")
    pump_until(app, lambda: waiting.cget("text") == "", message="pending cleared")


def test_the_last_reply_box_never_changes_size_and_is_cleared_by_a_new_connection(app: App) -> None:
    port = start_server(app)
    connect_client(app, port)
    box = app.client_panel.reply_box
    settle(app)
    height, window = box.winfo_height(), app.winfo_height()
    send_message(app, "palabra " * 400)
    pump_until(app, lambda: app.client_panel.reply_label.cget("text").startswith("PALABRA"))
    settle(app)
    assert (box.winfo_height(), app.winfo_height()) == (height, window)
    assert app.client_panel.reply_label.cget("text").endswith("…")
    assert not app.log.paused  # a long line does not pause the auto-scroll by itself

    app.client_panel.connect_button.invoke()
    pump_until(app, lambda: app.client_panel.connect_button.cget("text") == "Connect")
    connect_client(app, port)
    assert app.client_panel.reply_label.cget("text") == "(none yet)"
    assert app.client_panel.rtt_label.cget("text") == ""


def test_a_refused_connection_clears_the_last_reply(app: App) -> None:
    port = start_server(app)
    connect_client(app, port)
    send_message(app, "hola")
    reply_shown(app, "HOLA")
    app.client_panel.connect_button.invoke()
    pump_until(app, lambda: app.client_panel.connect_button.cget("text") == "Connect")
    holder = connect_raw(("127.0.0.1", port))  # any open socket: the port is known to be ours
    holder.close()
    app.server_panel.start_stop.invoke()  # stop the server: the port now refuses
    pump_until(app, lambda: app.server_panel.status.text == "Stopped")
    type_into(app.client_panel.port_entry, str(port))
    app.client_panel.connect_button.invoke()
    pump_until(app, lambda: "refused" in app.client_panel.status.text)
    assert app.client_panel.reply_label.cget("text") == "(none yet)"


# --- order and bookkeeping ---------------------------------------------------------


def test_the_log_shows_events_in_the_order_they_happened(app: App) -> None:
    port = start_server(app)
    connect_client(app, port)
    for text in ("uno", "dos", "tres"):
        send_message(app, text)
    reply_shown(app, "TRES")
    app.client_panel.connect_button.invoke()
    log_shows(app, "session closed: requested disconnect")
    app.log.flush()
    entries = app.log.model.entries()
    assert [e.mono for e in entries] == sorted(e.mono for e in entries)
    lines = app.log.shown_text().splitlines()
    for word in ("uno", "dos", "tres"):
        sent = next(i for i, line in enumerate(lines) if "CLIENT   →" in line and f" {word} LF" in line)
        received = next(i for i, line in enumerate(lines) if "SERVER   ←" in line and f" {word} LF" in line)
        answered = next(i for i, line in enumerate(lines) if "SERVER   →" in line and f" {word.upper()} LF" in line)
        reply = next(i for i, line in enumerate(lines) if "CLIENT   ←" in line and f" {word.upper()} LF" in line)
        assert sent < received < answered < reply


def test_server_counters_show_exact_totals(app: App) -> None:
    port = start_server(app)
    connect_client(app, port)
    for text in ("uno", "dos", "tres"):
        send_message(app, text)
    reply_shown(app, "TRES")
    # "uno\n" + "dos\n" + "tres\n" = 13 bytes each way.
    pump_until(app, lambda: app.server_panel.counter_text("bytes_in") == "13", message="bytes in counted")
    assert app.server_panel.counter_text("messages") == "3"
    assert app.server_panel.counter_text("bytes_out") == "13"
    assert app.server_panel.counter_text("clients") == "1"


def test_line_ending_choice_changes_what_goes_on_the_wire(app: App) -> None:
    port = start_server(app)
    connect_client(app, port)
    pick(app.client_panel.ending_picker, "CRLF")
    send_message(app, "abc")
    pump_until(app, lambda: app.server_panel.counter_text("bytes_in") == "5", message="abc + CRLF")

    pick(app.client_panel.ending_picker, "CR")
    send_message(app, "def")
    pump_until(app, lambda: app.server_panel.counter_text("bytes_in") == "9", message="def + CR")

    pick(app.client_panel.ending_picker, "None")
    send_message(app, "xyz")
    pump_until(app, lambda: app.server_panel.counter_text("bytes_in") == "12", message="xyz alone")
    reply_shown(app, "XYZ")


def test_up_and_down_browse_the_history_and_escape_clears(app: App) -> None:
    port = start_server(app)
    connect_client(app, port)
    entry = app.client_panel.message_entry
    for text in ("first", "second"):
        send_message(app, text)
    type_into(entry, "draft")

    press(app, entry, "Up")
    assert app.client_panel.message == "second"
    press(app, entry, "Up")
    assert app.client_panel.message == "first"
    press(app, entry, "Up")
    assert app.client_panel.message == "first"  # the oldest stays
    press(app, entry, "Down")
    assert app.client_panel.message == "second"
    press(app, entry, "Down")
    assert app.client_panel.message == "draft"  # back to what was being typed
    press(app, entry, "Escape")
    assert app.client_panel.message == ""


def test_binary_bytes_from_a_raw_client_are_shown_visibly(app: App) -> None:
    port = start_server(app)
    sock = connect_raw(("127.0.0.1", port))
    sock.sendall(b"a\x01b\xff\\x\n")
    log_shows(app, "a\\x01b\\xff\\\\x")  # a real backslash shows doubled: typed text never looks like a byte
    assert "A\\x01B\\xff\\\\X" in app.log.shown_text()


def test_send_button_sends_what_is_typed(app: App) -> None:
    port = start_server(app)
    connect_client(app, port)
    type_into(app.client_panel.message_entry, "por botón")
    app.client_panel.send_button.invoke()
    reply_shown(app, "POR BOTÓN")


def test_events_wait_in_the_queue_until_the_tk_thread_drains_them(app: App) -> None:
    app.pump.stop()
    type_into(app.server_panel.port_entry, "0")
    app.server_panel.start_stop.invoke()
    pump_until(app, lambda: app.pump.pending() > 0 and app.network.server_address is not None, message="started")
    assert app.server_panel.status.text.startswith("Starting")
    app.drain_events()
    address = app.network.server_address
    assert address is not None and app.server_panel.status.text == f"Listening on {local_listening(address[1])}"
    app.pump.put(ServerStats(0, 0, 0, 0, 0, 0, 0, (), Stamp.now()))
    assert app.pump.pending() == 1
    assert app.drain_events() == 1
