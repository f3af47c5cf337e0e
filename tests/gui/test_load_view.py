"""The load test view through its widgets: short real runs against the window's own server and stand-in peers.

Each run lasts a second or two (its worker process spawns first). Every test checks
that the processes a run started are gone once it is over (tests/support/processes.py).
"""

from __future__ import annotations

import re
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from cli.load import summary_lines as printed_lines
from core.load import CANCEL_SECONDS
from gui import theme
from gui.app import App
from gui.panels.server_panel import ServerState
from tests.support.launcher import REPO_ROOT
from tests.support.peers import answer_once_then_end_politely, lowercase, misbehaving_server
from tests.support.processes import child_processes, new_child_processes
from tests.support.sockets import taken_port
from tests.support.waiting import WAIT, pump_until, wait_until, worker_threads
from tests.support.window import (
    counter_value,
    pick,
    show_view,
    start_load_test,
    start_server,
    switch_to,
    type_into,
    use_my_server,
    wait_load_test_done,
)

RUN_TIMEOUT = 4 * WAIT  # a short run, its worker process's start included, on a busy machine
# A cancelled run ends within CANCEL_SECONDS; a little more for the poll that notices and a loaded machine.
CANCEL_NOTICED_SECONDS = CANCEL_SECONDS + 0.5


@pytest.fixture
def no_process_left() -> Iterator[None]:
    """Fails the test if a process it started (a load worker) is still alive at its end."""
    before = child_processes()
    yield
    wait_until(lambda: not new_child_processes(before), message="every load process ended")


def _wait_running(app: App, points: int = 2) -> None:
    """Until the run sends and its chart has `points` points."""
    pump_until(app, lambda: app.load_view.chart.points >= points, RUN_TIMEOUT, "the chart drawing the run")


@pytest.mark.usefixtures("no_process_left")
def test_a_short_run_against_the_windows_own_server(app: App, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    view = app.load_view
    start_load_test(app, clients=4, seconds=2, in_flight=2)
    assert view.session.started is not None and view.session.started.host == "127.0.0.1"
    _wait_running(app, points=1)
    seen = view.chart.points
    wait_load_test_done(app, RUN_TIMEOUT)

    assert view.chart.points > seen and view.chart.created  # the chart moved while the run went on
    assert view.chart.full_draws + view.chart.blits >= 2
    result = view.last_result
    assert result is not None and result.error_count == 0 and result.completed > 0
    summary = view.summary_text()
    assert f"messages: {app.tr.count(result.completed)} in " in summary
    assert "errors: none" in summary and "connections opened: 4 of 4" in summary
    assert counter_value(view.counter_text("messages")) == result.completed
    assert view.status.text == f"Done: {app.tr.count(result.completed)} messages, 0 errors."
    assert view.status.colour == theme.OK
    rows = view.run_rows()
    assert len(rows) == 1 and rows[0][1:4] == (view.session.started.host + f":{view.session.started.port}", "4", "2 s")
    # The window's own server counted every one of those messages.
    pump_until(app, lambda: counter_value(app.server_panel.counter_text("messages")) == result.completed)

    csv_path, png_path = tmp_path / "results.csv", tmp_path / "chart.png"
    chosen = iter([str(csv_path), str(png_path)])
    monkeypatch.setattr("gui.panels.load_view.filedialog.asksaveasfilename", lambda **_options: next(chosen))
    view.save_csv_button.invoke()
    view.save_png_button.invoke()
    lines = csv_path.read_text(encoding="utf-8").splitlines()
    assert lines[0].startswith("# Mayus ") and lines[1].startswith("started,host,port,messages,")
    assert len(lines) == 3 and f",{result.completed}," in lines[2]
    assert png_path.read_bytes().startswith(b"\x89PNG\r\n\x1a\n")
    assert view.saved_note.text == f"Saved to {png_path}"


@pytest.mark.usefixtures("no_process_left")
def test_cancel_ends_the_run_within_a_second(app: App) -> None:
    view = app.load_view
    start_load_test(app, clients=4, seconds=60)
    _wait_running(app)
    began = time.monotonic()
    view.cancel_button.invoke()
    assert view.status.text == "Cancelling…"
    wait_load_test_done(app, RUN_TIMEOUT)
    assert time.monotonic() - began < CANCEL_NOTICED_SECONDS
    assert view.last_result is not None and view.last_result.cancelled
    assert "cancelled: these numbers count what was done until then" in view.summary_text()
    assert view.status.text.startswith("Cancelled")
    assert view.start_button.cget("state") == "normal" and view.cancel_button.cget("state") == "disabled"


def test_closing_the_window_mid_run_cancels_it_and_leaves_nothing(make_app: Callable[..., App]) -> None:
    before = child_processes()
    app = make_app()
    start_load_test(app, clients=4, seconds=60)
    _wait_running(app)
    assert new_child_processes(before)  # the load's worker process
    began = time.monotonic()
    app.tk.call(app.protocol("WM_DELETE_WINDOW"))  # what the window manager's close button does
    assert app.closed and time.monotonic() - began < CANCEL_NOTICED_SECONDS + 1.0
    assert new_child_processes(before) == []
    assert not worker_threads()


@pytest.mark.usefixtures("no_process_left")
def test_a_server_that_lowercases_shows_mismatches_and_the_first_one(app: App) -> None:
    with misbehaving_server(lowercase) as target:
        start_load_test(app, clients=2, seconds=1, target=target)
        wait_load_test_done(app, RUN_TIMEOUT)
    view = app.load_view
    assert counter_value(view.counter_text("mismatch")) > 0
    summary = view.summary_text()
    assert "errors: mismatched reply " in summary
    assert "first mismatched reply (first wrong byte: 7):" in summary  # "0000 ¡" (¡: 2 bytes), then h for H
    number = r"\d{4}"  # the message's number: whichever client met the first mismatch
    assert re.search(rf"^  sent \(64 bytes\): {number} ¡Hola! El niño", summary, re.MULTILINE)
    assert re.search(rf"^  expected: {number} ¡HOLA! EL NIÑO", summary, re.MULTILINE)
    assert re.search(rf"^  received \(64 bytes\): {number} ¡hola! el niño", summary, re.MULTILINE)
    assert summary.count("\\n") >= 3  # the line feeds are shown, escaped
    assert view.status.colour == theme.ERROR
    # The `load` face prints the very same sentences for this result, under its title; in Spanish too.
    result = view.last_result
    assert result is not None
    assert summary.splitlines() == printed_lines(result, app.tr)[1:]
    pick(app.header.language_picker, "Español")
    assert view.summary_text().splitlines() == printed_lines(result, app.tr)[1:]
    assert view.summary_text().startswith("mensajes: ")


@pytest.mark.usefixtures("no_process_left")
def test_a_server_that_closes_early_gives_closed_errors(app: App) -> None:
    with misbehaving_server(answer_once_then_end_politely) as target:
        start_load_test(app, clients=3, seconds=1, target=target)
        wait_load_test_done(app, RUN_TIMEOUT)
    view = app.load_view
    closed, reset = counter_value(view.counter_text("closed")), counter_value(view.counter_text("reset"))
    assert (closed, reset) == (3, 0)
    assert f"closed early {closed}" in view.summary_text()
    assert view.last_result is not None and view.last_result.completed == 3  # each answered once


def test_a_bad_setting_is_said_and_nothing_starts(app: App) -> None:
    show_view(app, "load")
    view = app.load_view
    type_into(view.clients_entry, "0")
    view.start_button.invoke()
    assert not view.session.running
    assert view.status.text == "Clients: a whole number from 1 to 10,000."
    assert view.status.colour == theme.ERROR


def test_use_my_server_takes_the_running_server_or_starts_it(app: App) -> None:
    port = start_server(app)
    show_view(app, "load")
    type_into(app.load_view.host_entry, "example.test")
    assert use_my_server(app) == port
    assert app.load_view.host_entry.get() == "127.0.0.1"
    app.server_panel.start_stop.invoke()  # stopping: pressed now, the button starts it again once stopped
    again = use_my_server(app)
    assert app.network.server_address == ("127.0.0.1", again)
    app.server_panel.start_stop.invoke()
    pump_until(app, lambda: app.server_panel.state is ServerState.STOPPED, message="the server stopped")
    with taken_port() as busy:  # the port typed is another program's: the start fails, plainly
        type_into(app.server_panel.port_entry, str(busy))
        app.load_view.use_server_button.invoke()
        pump_until(app, lambda: not app.own_server_pending, message="the start refused")
    assert app.load_view.status.text.startswith("Your server could not start: ")
    assert str(busy) in app.load_view.status.text


@pytest.mark.usefixtures("no_process_left")
def test_the_chart_follows_the_theme_and_the_language(app: App) -> None:
    start_load_test(app, clients=2, seconds=0.5)
    wait_load_test_done(app, RUN_TIMEOUT)
    chart = app.load_view.chart
    assert chart.background == "#dbdbdb"  # gray86, the light panel
    pick(app.header.theme_picker, "Dark")
    assert chart.background == "#2b2b2b"  # gray17, the dark panel
    assert "latency p99 (ms)" in chart.shown_words()
    pick(app.header.language_picker, "Español")
    assert chart.shown_words() == ["mensajes/s", "latencia p50 (ms)", "latencia p99 (ms)", "segundos desde el inicio"]
    assert app.load_view.run_rows()[0][3] == "0,5 s"


def test_the_form_is_remembered(make_app: Callable[..., App]) -> None:
    app = make_app()
    show_view(app, "load")
    view = app.load_view
    type_into(view.clients_entry, "250")
    pick(view.bound_picker, "messages")
    type_into(view.amount_entry, "5000")
    pick(view.payload_picker, "ASCII")
    app.close()
    again = make_app().load_view
    assert (again.clients_entry.get(), again.amount_entry.get()) == ("250", "5000")
    assert again.bound_picker.get() == "messages" and again.payload_picker.get() == "ASCII"
    assert again.form().payload == "ascii"


def test_the_window_opens_without_matplotlib_or_the_load_view(tmp_path: Path) -> None:
    """The charts' library is imported when a chart is first shown, the load view built when first shown."""
    script = (
        "import sys\n"
        "from pathlib import Path\n"
        "from gui.app import create_app\n"
        f"app = create_app(Path({str(tmp_path / 'settings.json')!r}), language='en', theme_name='light')\n"
        "app.update()\n"
        "opened = ('matplotlib' in sys.modules, app._load_view is not None)\n"
        "app.load_view.chart.start(10.0)\n"  # not on screen: still nothing to draw
        "hidden = 'matplotlib' in sys.modules\n"
        "app.show_view('load')\n"
        "app.update()\n"
        "app.load_view.chart.start(10.0)\n"
        "print(opened, hidden, 'matplotlib' in sys.modules)\n"
        "app.close()\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=REPO_ROOT, capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "(False, False) False True"


def test_use_my_server_with_tls_on_says_the_load_test_speaks_plain_tcp(app: App) -> None:
    switch_to(app.server_panel.tls_switch, True)
    show_view(app, "load")
    type_into(app.load_view.host_entry, "example.test")
    app.load_view.use_server_button.invoke()
    assert "the server uses TLS but the client does not" in app.load_view.status.text
    assert app.load_view.host_entry.get() == "example.test"  # the target is left as typed
    assert not app.own_server_pending
