"""The Check view, driven through its widgets: Mayus's own server in one click, a broken student server and
the original client with their real failures, the hint in the UI's language, the bytes in the detail,
Cancel, closing mid-run, a class of two saved as CSV.

The checker itself is tested check by check in tests/core/check; here a few real runs, on the quickest
stand-ins, show that the window says what the checker found.
"""

from __future__ import annotations

import csv
import tkinter
from collections.abc import Callable
from pathlib import Path

import pytest

from core.check import SERVER_CHECK_IDS
from core.check.table import CSV_FIXED_COLUMNS, CSV_TOTAL_COLUMNS
from gui import theme
from gui.app import App
from gui.ctk_private import destroy_ctk_window, focus_surface
from gui.panels.check_results import Checklist
from gui.panels.server_panel import ServerState
from gui.parts.check_display import quote_path
from tests.support.peers import OriginalServer
from tests.support.sockets import RefusingPort, free_port, taken_port
from tests.support.students import BytesUpperServer, StudentServer, process_alive, write_client
from tests.support.waiting import pump_until, worker_threads
from tests.support.window import check_server, pick, press, show_check, switch_to, type_into, wait_check_done
from words import TABLES

# A client that notes its PID, connects, and then hangs: only the checker's ending of it can stop it.
PID_THEN_HANG = r"""
import os, socket, sys, time
with open(sys.argv[1], "w") as out:
    out.write(str(os.getpid()))
sock = socket.create_connection(("127.0.0.1", int(sys.argv[2])))
time.sleep(600)
"""


# The two pieces of split-reply's reply are 200 ms apart: a program starved of the CPU that long (a loaded
# machine running the suite in parallel) reads both at once and passes. One more run tells that from a client
# that really reads the whole reply.
STARVED_RUNS = 2


def _tab_order(app: App) -> list[tkinter.Misc]:
    """Every widget Tab visits, from the first, once round."""
    widget = app.tk_focusNext()
    order: list[tkinter.Misc] = []
    while widget is not None and widget not in order:
        order.append(widget)
        widget = widget.tk_focusNext()
    return order


def failed(checklist: Checklist) -> set[str]:
    return {check_id for check_id, row in checklist.rows.items() if row.result is not None and not row.result.passed}


def shown_marks(checklist: Checklist) -> dict[str, str]:
    return {check_id: str(row.mark.cget("text")) for check_id, row in checklist.rows.items()}


def test_mayus_own_server_is_one_click_away_and_passes_everything(app: App) -> None:
    type_into(app.server_panel.port_entry, "0")  # any free port: the server is stopped, the click starts it
    show_check(app)
    view = app.check_view

    view.own_button.invoke()

    pump_until(app, lambda: view.running, message="the check started once the server listens")
    wait_check_done(app)
    address = app.network.server_address
    assert app.server_panel.state is ServerState.RUNNING and address is not None
    assert (str(view.host_entry.get()), str(view.port_entry.get())) == ("127.0.0.1", str(address[1]))
    assert set(shown_marks(view.server_list).values()) == {"✓"}
    assert len(view.server_list.rows) == len(SERVER_CHECK_IDS)
    assert view.status.text.startswith(f"{len(SERVER_CHECK_IDS)} passed, 0 failed in ")
    assert view.status.colour == theme.OK
    assert "It takes each read as a message" in str(view.server_list.caption.cget("text"))


def test_mayus_own_server_that_cannot_start_is_said_plainly(app: App) -> None:
    show_check(app)
    type_into(app.server_panel.port_entry, "seventy")
    app.check_view.own_button.invoke()
    assert "could not be started" in app.check_view.status.text
    assert app.check_view.status.colour == theme.ERROR

    with taken_port() as taken:  # the port is someone else's: the server stops with an error
        type_into(app.server_panel.port_entry, str(taken))
        app.check_view.own_button.invoke()
        pump_until(app, lambda: app.check_view.status.text.startswith("Mayus's server did not start:"))
    assert not app.check_view.running


def test_a_broken_server_shows_exactly_its_failures_with_hints_in_spanish(
    make_app: Callable[..., App], bytes_upper_server: BytesUpperServer
) -> None:
    app = make_app(language="es")
    view = app.check_view

    check_server(app, *bytes_upper_server.address)

    checklist = view.server_list
    assert failed(checklist) == {"unicode", "split-utf8"}
    row = checklist.rows["unicode"]
    assert row.mark.cget("text") == "✗" and row.mark.cget("text_color") == theme.ERROR
    assert checklist.rows["caso1"].mark.cget("text_color") == theme.OK
    assert row.hint.winfo_ismapped()
    assert row.hint.cget("text") == "Pista: " + TABLES["es"]["check.hint.unicode"]
    assert not checklist.rows["caso1"].hint.winfo_ismapped()  # a hint only where something failed
    assert "Toma cada línea como un mensaje." in str(checklist.caption.cget("text"))
    assert view.status.text.startswith("12 bien, 2 mal en ")

    row.toggle.invoke()  # open the detail: what happened, and the bytes both ways
    pump_until(app, lambda: row.detail is not None and row.detail.winfo_ismapped(), message="the detail open")
    assert row.detail is not None
    shown = str(row.detail.get("1.0", "end-1c"))
    assert "Qué pasó: solo volvieron en mayúscula las letras ASCII" in shown
    assert "Mayus envió (24 bytes):\nñandú camión straße\\n" in shown
    assert "Mayus recibió (24 bytes):\nñANDú CAMIóN STRAßE\\n" in shown
    assert row.toggle.cget("text") == "Ocultar"
    toggle = focus_surface(row.toggle)  # from the keyboard: Tab reaches it, Space presses it (once)
    assert toggle in _tab_order(app)
    toggle.focus_force()
    toggle.event_generate("<space>")
    pump_until(app, lambda: not row.detail.winfo_ismapped(), message="the detail closed")  # type: ignore[union-attr]
    assert row.toggle.cget("text") == "Detalles"

    pick(app.header.language_picker, "English")  # the results follow the language
    assert row.hint.cget("text") == "Hint: " + TABLES["en"]["check.hint.unicode"]
    assert view.status.text.startswith("12 passed, 2 failed in ")


def test_cancel_stops_a_run_and_a_second_run_is_refused_meanwhile(app: App, original_server: OriginalServer) -> None:
    show_check(app)
    view = app.check_view
    type_into(view.host_entry, original_server.address[0])
    type_into(view.port_entry, str(original_server.address[1]))
    view.run_button.invoke()
    pump_until(app, lambda: view.server_list.rows["caso1"].result is not None, message="the first check done")
    assert view.running and view.run_button.cget("state") == "disabled"

    press(app, view.port_entry, "Return")  # Enter would start a run: refused, plainly
    assert view.status.text == "A check is already running: wait for it to finish or press Cancel."
    assert len([name for name in worker_threads() if name.startswith("mayus-check")]) == 1

    view.cancel_button.invoke()
    wait_check_done(app)
    assert view.status.text == "Stopped."
    assert not [name for name in worker_threads() if name.startswith("mayus-check")]
    marks = shown_marks(view.server_list)
    assert marks["caso1"] == "✓" and marks["abrupt-close"] == "–"  # what never ran says so, not ✗
    assert view.run_button.cget("state") == "normal"


def test_closing_the_window_mid_run_ends_the_run_and_the_program(app: App, tmp_path: Path) -> None:
    program = tmp_path / "hangs.py"
    program.write_text(PID_THEN_HANG, encoding="utf-8")
    pid_file = tmp_path / "pid"
    port = free_port()
    show_check(app, "client")
    view = app.check_view
    type_into(view.program_entry, f"{quote_path(str(program))} {quote_path(str(pid_file))} {port}")
    type_into(view.client_port_entry, str(port))
    view.run_button.invoke()
    pump_until(app, lambda: pid_file.exists() and pid_file.read_text() != "", message="the program started")
    pid = int(pid_file.read_text())
    assert process_alive(pid)

    app.tk.call(app.protocol("WM_DELETE_WINDOW"))  # the window manager's close button

    assert app.closed
    assert not worker_threads()
    assert not process_alive(pid)


def test_a_window_destroyed_from_outside_mid_run_still_ends_the_run(app: App, original_server: OriginalServer) -> None:
    show_check(app)
    view = app.check_view
    type_into(view.host_entry, original_server.address[0])
    type_into(view.port_entry, str(original_server.address[1]))
    view.run_button.invoke()
    pump_until(app, lambda: view.server_list.rows["caso1"].result is not None, message="the first check done")

    destroy_ctk_window(app)  # gone without its close handler (as at a crash of Tk's loop)
    app.close()

    assert not worker_threads()


def test_the_original_client_fails_split_reply(app: App, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    client = write_client("original", tmp_path)
    port = free_port()
    show_check(app, "client")
    view = app.check_view
    monkeypatch.setattr("gui.panels.check_view.filedialog.askopenfilename", lambda **_options: str(client))
    view.choose_button.invoke()
    assert str(view.program_entry.get()) == quote_path(str(client))
    type_into(view.program_entry, f"{view.program_entry.get()} {port}")  # the stand-in takes the port
    type_into(view.client_port_entry, str(port))

    for _ in range(STARVED_RUNS):
        view.run_button.invoke()
        wait_check_done(app)
        if "split-reply" in failed(view.client_list):
            break
    assert failed(view.client_list) == {"split-reply", "split-utf8"}
    row = view.client_list.rows["split-reply"]
    assert row.hint.cget("text") == "Hint: " + TABLES["en"]["check.client.hint.split-reply"]
    row.toggle.invoke()
    detail = row.detail_text()
    assert "Mayus sent (13 bytes):\nHOLA SERVIDOR" in detail
    assert "Mayus received (13 bytes):\nhola servidor" in detail
    assert "The program printed" in detail and "Respuesta: HOLA \\n" in detail


def test_a_class_of_two_fills_the_table_and_saves_the_terminals_csv(
    app: App, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    good, refusing = StudentServer(), RefusingPort()
    try:
        class_file = tmp_path / "class.csv"
        class_file.write_text(
            f"name,host,port\nAna,{good.address[0]},{good.address[1]}\n"
            f"Eva,{refusing.address[0]},{refusing.address[1]}\n",
            encoding="utf-8",
        )
        show_check(app, "class")
        view = app.check_view
        assert view.save_button.cget("state") == "disabled"  # nothing to save yet
        monkeypatch.setattr("gui.panels.check_view.filedialog.askopenfilename", lambda **_options: str(class_file))
        view.load_button.invoke()
        assert view.targets.splitlines() == [f"127.0.0.1:{good.address[1]} Ana", f"127.0.0.1:{refusing.address[1]} Eva"]

        view.run_button.invoke()
        pump_until(app, lambda: view.status.text.startswith("Student 1 of 2: Ana"), message="progress shown")
        wait_check_done(app)
    finally:
        good.close()
        refusing.close()

    table = view.class_table
    assert table.cells(0) == ["Ana", *["✓"] * len(SERVER_CHECK_IDS), str(len(SERVER_CHECK_IDS))]
    assert table.cells(1) == ["Eva: could not connect", *["–"] * len(SERVER_CHECK_IDS), "0"]
    assert view.status.text == "2 students checked."

    table.pick(1)  # a student's own checklist, below the table
    pump_until(app, lambda: "Could not connect at all" in str(view.class_list.caption.cget("text")))
    assert set(shown_marks(view.class_list).values()) == {"–"}

    saved = tmp_path / "class-table.csv"
    monkeypatch.setattr("gui.panels.check_view.filedialog.asksaveasfilename", lambda **_options: str(saved))
    view.save_button.invoke()
    assert view.status.text == f"Wrote {saved}"
    with saved.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    assert rows[0] == [*CSV_FIXED_COLUMNS, *SERVER_CHECK_IDS, *CSV_TOTAL_COLUMNS]  # as `check --csv` writes it
    assert rows[1][:4] == ["Ana", "127.0.0.1", str(good.address[1]), "1"]
    assert rows[1][-2:] == [str(len(SERVER_CHECK_IDS)), "0"]
    assert rows[2][:4] == ["Eva", "127.0.0.1", str(refusing.address[1]), "0"]


def test_a_command_with_an_open_quote_is_refused_plainly(app: App) -> None:
    show_check(app, "client")
    type_into(app.check_view.program_entry, 'python3 "my client.py')
    app.check_view.run_button.invoke()
    assert app.check_view.status.text == "The command cannot be read: a quote is not closed, or it ends in a backslash."
    assert not app.check_view.running


def test_a_bad_line_in_the_class_list_says_which(app: App) -> None:
    show_check(app, "class")
    view = app.check_view
    view.set_targets("127.0.0.1:5000 Ana\n127.0.0.1 Luis\n")
    view.run_button.invoke()
    assert view.status.text == 'Line 2 is not "host:port name" nor name,host,port: 127.0.0.1 Luis'
    assert not view.running


def test_the_view_is_built_when_first_shown_in_the_language_of_the_moment(app: App) -> None:
    assert not app.check_view.built  # the window starts without it: most sessions never open it
    pick(app.header.language_picker, "Español")
    show_check(app, "client")
    view = app.check_view
    assert view.built
    assert view.mode_picker.get() == "Un cliente"
    assert view.run_button.cget("text") == "Revisar"
    assert focus_surface(view.run_button) in _tab_order(app)


def test_the_own_server_with_tls_on_is_not_checked_and_the_reason_is_said(app: App) -> None:
    switch_to(app.server_panel.tls_switch, True)
    show_check(app)
    app.check_view.own_button.invoke()
    assert "the server uses TLS but the client does not" in app.check_view.status.text
    assert app.check_view.status.colour == theme.ERROR
    assert not app.check_view.running
    assert app.server_panel.state is ServerState.STOPPED  # nothing started for a check that cannot run
