"""The window driver: what a person does with Mayus's window (type, press, click) and reads from it.

Tests and benchmarks share it. Every wait is a condition with a deadline
(`pump_until`), never a fixed sleep.
"""

from __future__ import annotations

import re
import time
import traceback
from collections.abc import Sequence
from pathlib import Path
from types import TracebackType
from typing import Any

from core.check.api import WAIT_MARGIN_SECONDS
from core.check.registry import RUN_BUDGET_SECONDS
from core.defaults import DEFAULT_HOST
from core.events import Stamp
from core.load import Payload
from gui.app import App, create_app
from gui.ctk_private import choose_option, inner_entry, segment_button
from gui.network import Network
from gui.panels.client_panel import ConnectionState
from gui.panels.server_panel import ServerState
from gui.parts.load_text import PAYLOAD_WORDS
from gui.parts.log_model import Direction, LogEntry, Side
from gui.toolkit import ctk
from tests.support.waiting import WAIT, pump_until


def settle(app: App) -> None:
    """Let Tk handle what is pending now (events, redraws): one pass of its loop, not a wait."""
    app.update()


def type_into(entry: Any, text: str) -> None:
    """Put the cursor in an entry (or a combo box's entry) and type, replacing what was there."""
    entry.focus_force()
    if isinstance(entry, ctk.CTkComboBox):
        entry.set(text)
        return
    entry.delete(0, "end")
    entry.insert(0, text)


def press(app: App, entry: Any, keysym: str) -> None:
    """Press a key in a CTkEntry (delivered to its inner Tk entry, which holds the bindings)."""
    entry.focus_force()
    # Tk delivers a key to the window that has the focus: wait until the entry has it (a loaded X server may lag).
    pump_until(app, lambda: app.focus_get() == inner_entry(entry), message="the entry focused")
    inner_entry(entry).event_generate("<KeyPress>", keysym=keysym)
    settle(app)


def pick(segmented: Any, label: str) -> None:
    """Click one segment of a CTkSegmentedButton (set() alone would not call its command)."""
    segment_button(segmented, label).invoke()


def choose(option_menu: Any, label: str) -> None:
    """Pick `label` in a drop-down choice (a CTkOptionMenu) as its list would (set() would not call its command)."""
    choose_option(option_menu, label)


def switch_to(switch: Any, on: bool) -> None:
    """Turn a switch on or off with a click, if it is not so already."""
    if bool(switch.get()) is not on:
        switch.toggle()


def server_pid(app: App) -> int | None:
    """The process id of the window's server while it runs (None with a fake network, or none running)."""
    return app.network.server_pid if isinstance(app.network, Network) else None


def start_server(app: App, port: int = 0, host: str = DEFAULT_HOST, timeout: float = WAIT) -> int:
    """Choose where to listen, type the port, press Start; wait until it listens and return the real port."""
    panel = app.server_panel
    panel.choose_host(host)
    type_into(panel.port_entry, str(port))
    panel.start_stop.invoke()
    pump_until(
        app,
        lambda: panel.state is ServerState.RUNNING and app.network.server_address is not None,
        timeout,
        f"the window's server listening ({panel.status.text})",
    )
    address = app.network.server_address
    assert address is not None
    return address[1]


def connect_client(app: App, port: int, host: str = "127.0.0.1") -> None:
    """Type host and port in the client panel, press Connect, wait until connected."""
    panel = app.client_panel
    type_into(panel.host_entry, host)
    type_into(panel.port_entry, str(port))
    panel.connect_button.invoke()
    pump_until(app, lambda: panel.state is ConnectionState.CONNECTED, message="client connected")


def send_message(app: App, text: str) -> None:
    """Type a message and press Enter."""
    type_into(app.client_panel.message_entry, text)
    press(app, app.client_panel.message_entry, "Return")


def log_shows(app: App, text: str, timeout: float = WAIT) -> None:
    """Wait until the conversation log shows `text`."""
    pump_until(app, lambda: text in app.log.shown_text(), timeout, f"the log showing {text!r}")


def set_up_repeat(app: App, message: str, every_ms: int, count: int | None) -> None:
    """Type a message and how to repeat it (every `every_ms`, `count` times; None: until stopped); press nothing."""
    panel = app.client_panel
    type_into(panel.message_entry, message)
    type_into(panel.repeat_every, str(every_ms))
    type_into(panel.repeat_count, "" if count is None else str(count))


def repeat_counts(app: App) -> tuple[int, int]:
    """(sent, answered), as the client panel's hint says them ("Repeating: 3 sent · 2 answered"); else (0, 0)."""
    numbers = re.findall(r"[\d,]+", app.client_panel.hint.cget("text"))
    if len(numbers) < 2:
        return 0, 0
    return int(numbers[0].replace(",", "")), int(numbers[1].replace(",", ""))


def sent_by_the_client(app: App) -> list[LogEntry]:
    """The log's entries for what the window's client sent, oldest first (the log flushed first)."""
    app.log.flush()
    return [e for e in app.log.model.entries() if e.is_data and e.side is Side.CLIENT and e.direction is Direction.OUT]


def record_callback_errors(app: App) -> list[str]:
    """Exceptions inside Tk callbacks, recorded (and still shown as the window shows them)."""
    errors: list[str] = []
    shown_error = app.report_callback_exception

    def record_error(kind: type[BaseException], value: BaseException, tb: TracebackType | None) -> None:
        errors.append("".join(traceback.format_exception_only(kind, value)).strip())
        shown_error(kind, value, tb)

    # On the instance, where Tk looks first (mypy forbids assigning to a method).
    setattr(app, "report_callback_exception", record_error)  # noqa: B010
    return errors


def fill_log(app: App, messages: Sequence[bytes]) -> None:
    """Put these messages in the conversation log at once, as a long session would have left them: server and
    client lines in turn, in and out, each with its line ending (if it has one) and the client's replies with
    a round-trip time; then written on screen."""
    began = time.perf_counter()
    for number, data in enumerate(messages):
        side = Side.CLIENT if number % 2 else Side.SERVER
        direction = Direction.IN if number % 4 < 2 else Direction.OUT
        ending = b"\r\n" if data.endswith(b"\r\n") else data[-1:] if data.endswith((b"\n", b"\r")) else b""
        reply = side is Side.CLIENT and direction is Direction.IN
        when = Stamp(began + number * 1e-6, time.time() - (len(messages) - number) * 1e-3)  # a ms apart
        rtt = 0.0012 if reply else None
        app.log.add_data(
            None, side, direction, data, len(data), when=when, first=True, complete=True, ending=ending, rtt=rtt
        )
    app.log.flush()
    settle(app)


def log_text_writes(app: App) -> int:
    """How many times the conversation log has written into its text box so far (writes, growths, clears)."""
    return app.log.text_writes


def charts_drawn(app: App) -> None:
    """Wait until the charts on show have put their latest whole draw (made off the Tk thread) on screen."""
    app.server_panel.chart.finish_drawing()
    if app.view == "load":
        app.load_view.chart.finish_drawing()
    settle(app)


def counter_value(shown: str) -> int:
    """The number a counter shows ('1,234,567' in English, '1.234.567' in Spanish)."""
    return int("".join(ch for ch in shown if ch.isdigit()) or "0")


# A check run ends within its budget whatever the target does; a class run, within one budget per student.
CHECK_WAIT = RUN_BUDGET_SECONDS + WAIT_MARGIN_SECONDS


def show_check(app: App, mode: str = "server") -> None:
    """Pick the Check view in the header, then what to check: "server", "client" or "class"."""
    pick(app.header.view_picker, app.tr("view.check"))
    pick(app.check_view.mode_picker, app.tr(f"check.view.mode.{mode}"))
    settle(app)


def wait_check_done(app: App, timeout: float = CHECK_WAIT) -> None:
    """Wait until the check view's run is over (its report shown, Run enabled again)."""
    view = app.check_view
    pump_until(app, lambda: not view.running, timeout, f"the check run over ({view.status.text})")


def check_server(app: App, host: str, port: int, timeout: float = CHECK_WAIT) -> None:
    """In the Check view: type host and port, press Run, wait for the whole checklist."""
    show_check(app, "server")
    type_into(app.check_view.host_entry, host)
    type_into(app.check_view.port_entry, str(port))
    app.check_view.run_button.invoke()
    wait_check_done(app, timeout)


def show_view(app: App, name: str) -> None:
    """Pick a view in the header ("conversation", "load"), as a click would."""
    if app.view != name:
        pick(app.header.view_picker, app.tr(f"view.{name}"))
    settle(app)


def use_my_server(app: App, timeout: float = WAIT) -> int:
    """In the load view, press "Use my server" (it starts the server if need be); wait for the target; its port."""
    view = app.load_view
    view.use_server_button.invoke()

    def filled() -> bool:
        address = app.network.server_address
        listening = app.server_panel.state is ServerState.RUNNING and not app.own_server_pending
        return listening and address is not None and view.port_entry.get() == str(address[1])

    pump_until(app, filled, timeout, f"the load test aimed at the window's server ({view.status.text})")
    return int(view.port_entry.get())


def start_load_test(
    app: App,
    *,
    clients: int = 10,
    messages: int | None = None,
    seconds: float | None = None,
    size: int = 64,
    in_flight: int = 1,
    payload: str = Payload.SPANISH.value,
    target: tuple[str, int] | None = None,
) -> None:
    """Show the load view, fill its form and press Start: against `target`, or the window's own server (started
    on a free port if it is stopped).

    A run of `messages` messages, or of `seconds` seconds (2 when neither is given).
    """
    show_view(app, "load")
    view = app.load_view
    if target is None:
        if app.server_panel.state is ServerState.STOPPED:  # any free port: the default may be another program's
            type_into(app.server_panel.port_entry, "0")
        use_my_server(app)
    else:
        type_into(view.host_entry, target[0])
        type_into(view.port_entry, str(target[1]))
    type_into(view.clients_entry, str(clients))
    bound, amount = ("messages", str(messages)) if messages is not None else ("duration", f"{seconds or 2.0:g}")
    pick(view.bound_picker, app.tr(f"loadview.bound.{bound}"))
    type_into(view.amount_entry, amount)
    type_into(view.size_entry, str(size))
    type_into(view.in_flight_entry, str(in_flight))
    pick(view.payload_picker, app.tr(PAYLOAD_WORDS[Payload(payload)]))
    before = view.session.started
    view.start_button.invoke()
    settle(app)  # a run against a server that closes at once may already be over
    assert view.session.started is not before, f"the load test did not start: {view.status.text}"


def load_test_running(app: App) -> bool:
    return bool(app.load_view.session.running)


def wait_load_test_done(app: App, timeout: float) -> None:
    """Pump the window until its load test has ended (its summary shown, its processes gone)."""
    pump_until(app, lambda: not app.load_view.session.running, timeout, "the load test's end")


def open_window(settings_path: Path, language: str = "en", theme: str = "light") -> App:
    """Open Mayus's window with its settings in `settings_path` (never the user's own); the caller closes it."""
    app = create_app(settings_path, language=language, theme_name=theme)
    settle(app)
    return app


__all__ = [
    "CHECK_WAIT",
    "App",
    "charts_drawn",
    "check_server",
    "choose",
    "connect_client",
    "counter_value",
    "fill_log",
    "load_test_running",
    "log_shows",
    "log_text_writes",
    "open_window",
    "pick",
    "press",
    "send_message",
    "settle",
    "show_check",
    "show_view",
    "start_load_test",
    "start_server",
    "switch_to",
    "type_into",
    "use_my_server",
    "wait_check_done",
    "wait_load_test_done",
]
