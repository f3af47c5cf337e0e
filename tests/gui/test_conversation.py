"""The README's two test cases, done by clicking and typing in the real window."""

from __future__ import annotations

from core.events import ServerStats
from gui.app import App
from tests.gui.conftest import connect_client, pick, press, start_server, type_into, wait_for


def test_readme_case_1_hola_servidor_comes_back_uppercase(app: App) -> None:
    port = start_server(app)
    assert app.server_panel.status.text == f"Listening on 127.0.0.1:{port}"
    connect_client(app, port)

    type_into(app.client_panel.message_entry, "hola servidor")
    press(app, app.client_panel.message_entry, "Return")

    wait_for(app, lambda: app.client_panel.reply_label.cget("text") == "HOLA SERVIDOR", message="reply shown")
    assert app.client_panel.rtt_label.cget("text").startswith("round trip ")
    assert app.client_panel.message == ""  # sent, so the box is ready for the next one
    wait_for(app, lambda: "HOLA SERVIDOR" in app.log.shown_text(), message="log updated")
    lines = app.log.shown_text().splitlines()
    # The server side shows the message received, the client side the uppercase reply with its round trip.
    assert any("SERVER   ← #1" in line and line.endswith("hola servidor") for line in lines)
    assert any("SERVER   → #1" in line and line.endswith("HOLA SERVIDOR") for line in lines)
    assert any("CLIENT   →" in line and line.endswith("hola servidor") for line in lines)
    assert any("CLIENT   ←" in line and "HOLA SERVIDOR  (" in line and line.endswith(" ms)") for line in lines)


def test_readme_case_2_disconnect_button_closes_the_session_on_both_sides(app: App) -> None:
    port = start_server(app)
    connect_client(app, port)
    wait_for(app, lambda: app.clients.client_ids == [1], message="client in the table")

    app.client_panel.connect_button.invoke()  # it reads "Disconnect" while connected

    expected = "Session closed: requested disconnect"
    wait_for(app, lambda: app.client_panel.status.text == expected, message="client session closed")
    wait_for(app, lambda: "disconnected: requested disconnect" in app.log.shown_text(), message="server saw it")
    assert any(
        "SERVER   · #1" in line and line.endswith("disconnected: requested disconnect")
        for line in app.log.shown_text().splitlines()
    )
    wait_for(app, lambda: app.clients.client_ids == [], message="row removed")
    _assert_client_idle(app)


def test_typing_desconexion_ends_the_session_the_same_way(app: App) -> None:
    port = start_server(app)
    connect_client(app, port)

    type_into(app.client_panel.message_entry, "desconexion")
    press(app, app.client_panel.message_entry, "Return")

    wait_for(app, lambda: app.client_panel.status.text == "Session closed: requested disconnect")
    wait_for(app, lambda: "disconnected: requested disconnect" in app.log.shown_text())
    _assert_client_idle(app)


def _assert_client_idle(app: App) -> None:
    panel = app.client_panel
    assert panel.connect_button.cget("text") == "Connect"
    assert panel.connect_button.cget("state") == "normal"
    assert panel.send_button.cget("state") == "disabled"
    assert panel.host_entry.cget("state") == "normal"
    assert panel.port_entry.cget("state") == "normal"


def test_server_counters_show_exact_totals(app: App) -> None:
    port = start_server(app)
    connect_client(app, port)
    for text in ("uno", "dos", "tres"):
        type_into(app.client_panel.message_entry, text)
        press(app, app.client_panel.message_entry, "Return")
    wait_for(app, lambda: app.client_panel.reply_label.cget("text") == "TRES")
    counters = app.server_panel.counters
    # "uno\n" + "dos\n" + "tres\n" = 13 bytes each way.
    wait_for(app, lambda: counters["bytes_in"].value.cget("text") == "13", message="bytes in counted")
    assert counters["messages"].value.cget("text") == "3"
    assert counters["bytes_out"].value.cget("text") == "13"
    assert counters["clients"].value.cget("text") == "1"


def test_line_ending_choice_changes_what_goes_on_the_wire(app: App) -> None:
    port = start_server(app)
    connect_client(app, port)
    pick(app.client_panel.ending_picker, "CRLF")
    type_into(app.client_panel.message_entry, "abc")
    press(app, app.client_panel.message_entry, "Return")
    bytes_in = app.server_panel.counters["bytes_in"].value
    wait_for(app, lambda: bytes_in.cget("text") == "5", message="abc + CRLF counted")  # a, b, c, \r, \n

    pick(app.client_panel.ending_picker, "None")
    type_into(app.client_panel.message_entry, "xyz")
    press(app, app.client_panel.message_entry, "Return")
    wait_for(app, lambda: bytes_in.cget("text") == "8", message="xyz alone counted")
    wait_for(app, lambda: app.client_panel.reply_label.cget("text") == "XYZ")


def test_up_and_down_browse_the_history_and_escape_clears(app: App) -> None:
    port = start_server(app)
    connect_client(app, port)
    entry = app.client_panel.message_entry
    for text in ("first", "second"):
        type_into(entry, text)
        press(app, entry, "Return")
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
    from tests.support.sockets import connect_raw

    port = start_server(app)
    with connect_raw(("127.0.0.1", port)) as sock:
        sock.sendall(b"a\x01b\xff\n")
        wait_for(app, lambda: "a\\x01b\\xff" in app.log.shown_text(), message="escaped bytes in the log")
        assert "A\\x01B\\xff" in app.log.shown_text()


def test_send_button_sends_what_is_typed(app: App) -> None:
    port = start_server(app)
    connect_client(app, port)
    type_into(app.client_panel.message_entry, "por botón")
    app.client_panel.send_button.invoke()
    wait_for(app, lambda: app.client_panel.reply_label.cget("text") == "POR BOTÓN")


def test_events_wait_in_the_queue_until_the_tk_thread_drains_them(app: App) -> None:
    """Events wait in the queue until the Tk thread drains them: nothing changes before that."""
    app.pump.stop()
    port = start_server_without_pump(app)
    assert app.server_panel.status.text.startswith("Starting")
    app.drain_events()
    assert app.server_panel.status.text == f"Listening on 127.0.0.1:{port}"
    app.pump.put(ServerStats(0, 0, 0, 0, 0, 0, 0, (), 0.0))
    assert app.pump.pending() == 1
    assert app.drain_events() == 1


def start_server_without_pump(app: App) -> int:
    type_into(app.server_panel.port_entry, "0")
    app.server_panel.start_stop.invoke()
    wait_for(app, lambda: app.pump.pending() > 0 and app.network.server_address is not None, message="started")
    address = app.network.server_address
    assert address is not None
    return address[1]
