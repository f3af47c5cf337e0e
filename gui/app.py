"""The window: composes the panels, turns their intents into core calls, routes core events back.

Worker threads never touch a widget: the core reports through `EventPump.put`
(a queue), and the Tk thread drains it in bounded batches (see event_pump.py).
"""

from __future__ import annotations

import signal
import sys
import time
import tkinter
import traceback
from pathlib import Path
from types import TracebackType

import customtkinter as ctk

from core.client import ClientState
from core.defaults import MAX_MESSAGE_EVENTS_PER_SECOND
from core.events import (
    ClientConnected,
    ClientDisconnected,
    ClientError,
    Connected,
    Disconnected,
    MessageReceived,
    MessageSent,
    ReplyReceived,
    ReplySent,
    ServerError,
    ServerStarted,
    ServerStats,
    ServerStopped,
)
from core.protocol import is_disconnect_word
from core.text import visible
from gui import icon, theme
from gui.client_panel import ClientPanel
from gui.clients_table import ClientsTable
from gui.event_pump import EventPump
from gui.fonts import Fonts
from gui.header import Header
from gui.log_panel import LogPanel
from gui.log_store import Direction, Side
from gui.network import AppEvent, Network, ServerReleased
from gui.rate import RateMeter
from gui.server_panel import LOWEST_SERVER_PORT, ServerPanel, ServerState
from gui.settings import MIN_HEIGHT, MIN_WIDTH, default_settings_path, load_settings, save_settings
from gui.tk_cleanup import destroy_ctk_window
from gui.widgets import parse_port
from words import Translator, detect_os_language

WINDOW_CLASS = "Mayus"
CLOCK_MS = 500  # how often the rate and the log's pause notice are refreshed
SERVER, CLIENT, APP = Side.SERVER, Side.CLIENT, Side.APP
IN, OUT, INFO, ERROR = Direction.IN, Direction.OUT, Direction.INFO, Direction.ERROR


class App(ctk.CTk):  # type: ignore[misc]
    """The Mayus window. `App(settings_path=tmp)` in tests; `start_pump=False` to drain by hand."""

    def __init__(
        self,
        settings_path: Path | None = None,
        *,
        language: str | None = None,
        theme_name: str | None = None,
        start_pump: bool = True,
    ) -> None:
        self.settings_path = settings_path or default_settings_path()
        loaded = load_settings(self.settings_path)
        self.settings = settings = loaded.settings
        settings.language = language or settings.language or detect_os_language()
        settings.theme = theme_name or settings.theme or theme.detect_os_theme()
        theme.apply_appearance(settings.theme)  # before the root exists: never "system" polling
        super().__init__(className=WINDOW_CLASS)  # desktops match the window to mayus.desktop by it
        self.closed = False
        self.tr = Translator(settings.language)
        self.fonts = Fonts.create()
        self.pump: EventPump[AppEvent] = EventPump(self, self._handle_batch)
        self.network = Network(self.pump.put)
        self.rate = RateMeter()
        self._summarised_seen = 0
        self._summarised_noted_at = 0.0
        self._save_failed = False

        self._build()
        self.title(self.tr("app.title"))
        icon.apply_icon(self)
        self.geometry(f"{settings.window_width}x{settings.window_height}")
        self.minsize(MIN_WIDTH, MIN_HEIGHT)
        self.protocol("WM_DELETE_WINDOW", self.close)
        self._apply_theme(settings.theme)
        if loaded.problem is not None:
            self.log.add(APP, ERROR, self.tr("notice.settings_unreadable", detail=loaded.problem))
            self.log.flush()
        if start_pump:
            self.pump.start()
            self.after(CLOCK_MS, self._clock)

    def _build(self) -> None:
        s, tr, fonts = self.settings, self.tr, self.fonts
        self.header = Header(
            self, tr, fonts, theme_name=str(s.theme), on_language=self.set_language, on_theme=self.set_theme
        )
        self.server_panel = ServerPanel(
            self,
            tr,
            fonts,
            host=s.server_host,
            port=s.server_port,
            on_start=self.start_server,
            on_stop=self.stop_server,
        )
        self.clients = ClientsTable(
            self, tr, fonts, on_disconnect=self.network.disconnect_clients, on_disconnect_all=self.disconnect_all
        )
        self.client_panel = ClientPanel(
            self,
            tr,
            fonts,
            host=s.client_host,
            port=s.client_port,
            ending=s.ending,
            history=s.history,
            on_connect=self.connect,
            on_disconnect=self.disconnect,
            on_send=self.send,
        )
        self.log = LogPanel(self, tr, fonts)

        self.columnconfigure(0, weight=1, uniform="columns")
        self.columnconfigure(1, weight=1, uniform="columns")
        self.rowconfigure(2, weight=1)
        self.header.grid(row=0, column=0, columnspan=2, sticky="ew", padx=16, pady=(12, 8))
        self.server_panel.grid(row=1, column=0, sticky="nsew", padx=(16, 6), pady=(0, 6))
        self.client_panel.grid(row=1, column=1, sticky="nsew", padx=(6, 16), pady=(0, 6))
        self.clients.grid(row=2, column=0, sticky="nsew", padx=(16, 6), pady=(6, 16))
        self.log.grid(row=2, column=1, sticky="nsew", padx=(6, 16), pady=(6, 16))

    # -- intents from the panels ---------------------------------------------------

    def start_server(self, host: str, port: int) -> None:
        self.server_panel.show_starting(port)
        self.server_panel.reset_counters()
        self.rate.reset()
        self._summarised_seen = 0
        self.network.start_server(host, port)

    def stop_server(self) -> None:
        self.server_panel.show_stopping()
        self.network.stop_server()

    def disconnect_all(self) -> None:
        self.network.disconnect_all_clients()

    def connect(self, host: str, port: int) -> None:
        self.client_panel.show_connecting(host, port)
        self.network.connect(host, port)

    def disconnect(self) -> None:
        self.client_panel.show_disconnecting()
        self.network.disconnect(self.client_panel.ending)

    def send(self, text: str) -> bool:
        """Send a message; False (and a plain notice) if there is no connection to send on."""
        if self.network.client_state is not ClientState.CONNECTED:
            self.client_panel.show_problem("error.not_connected")
            return False
        if is_disconnect_word(text.encode()):
            self.disconnect()  # the polite way: wait for the server to close
        else:
            self.network.send(text, self.client_panel.ending)
        return True

    def set_language(self, code: str) -> None:
        self.tr.set_language(code)
        self.settings.language = code
        self.title(self.tr("app.title"))
        for panel in (self.header, self.server_panel, self.clients, self.client_panel, self.log):
            panel.retranslate()
        self.save_settings()

    def set_theme(self, name: str) -> None:
        self._apply_theme(name)
        self.save_settings()

    def _apply_theme(self, name: str) -> None:
        theme.apply_appearance(name)
        self.settings.theme = name
        self.header.show_theme(name)
        self.clients.apply_theme(name)
        self.log.apply_theme(name)

    # -- events from the core ------------------------------------------------------

    def drain_events(self, limit: int | None = None) -> int:
        """Handle queued events now, on the Tk thread (tests and benchmarks)."""
        return self.pump.drain(limit)

    def _handle_batch(self, events: list[AppEvent]) -> None:
        for event in events:
            self._route(event)
        self.log.flush()
        self.clients.flush()

    def _route(self, event: AppEvent) -> None:
        tr, log = self.tr, self.log
        match event:
            case MessageReceived(client_id, data, at):
                log.add(SERVER, IN, visible(data), client_id=client_id, at=at)
            case ReplySent(client_id, data, at):
                log.add(SERVER, OUT, visible(data), client_id=client_id, at=at)
            case ServerStats():
                self._show_stats(event)
            case ClientConnected(client_id, host, port, at):
                self.clients.add_client(event)
                log.add(SERVER, INFO, tr("log.client_connected", host=host, port=port), client_id=client_id, at=at)
            case ClientDisconnected(client_id, reason, at):
                self.clients.remove_client(client_id)
                text = tr("log.client_disconnected", reason=tr.reason(reason))
                log.add(SERVER, INFO, text, client_id=client_id, at=at)
            case ServerStarted(host, port):
                self.server_panel.show_listening(host, port)
                log.add(SERVER, INFO, tr("log.listening", host=host, port=port))
                self.save_settings()
            case ServerError(error):
                self.server_panel.show_error(error)
                log.add(SERVER, ERROR, tr.error(error))
            case ServerStopped():
                if self.server_panel.state is not ServerState.STARTING:
                    log.add(SERVER, INFO, tr("log.stopped"))
                self.network.stop_server()  # after a failed start: join its thread
            case ServerReleased():
                self.clients.clear()
                self.rate.reset()
                self.server_panel.show_rate(0)
                self.server_panel.show_stopped()
            case MessageSent(data, at):
                log.add(CLIENT, OUT, visible(data), at=at)
            case ReplyReceived(data, rtt, at):
                text = visible(data)
                log.add(CLIENT, IN, text, rtt=rtt, at=at)
                self.client_panel.show_reply(text, rtt)
            case Connected(host, port, local_port):
                self.client_panel.show_connected(host, port, local_port)
                log.add(CLIENT, INFO, tr("log.connected", host=host, port=port, local_port=local_port))
                self.save_settings()
            case Disconnected(reason):
                self.client_panel.show_closed(reason)
                log.add(CLIENT, INFO, tr("log.session_closed", reason=tr.reason(reason)))
            case ClientError(error):
                self.client_panel.show_error(error)
                log.add(CLIENT, ERROR, tr.error(error))

    def _show_stats(self, stats: ServerStats) -> None:
        self.clients.update_stats(stats.changed)
        self.server_panel.show_counters(stats)
        self.rate.add(stats.at, stats.messages_in)
        unlisted = stats.summarised_messages - self._summarised_seen
        if unlisted > 0 and stats.at - self._summarised_noted_at >= 1.0:
            text = self.tr("log.summarised", count=self.tr.count(unlisted), limit=MAX_MESSAGE_EVENTS_PER_SECOND)
            self.log.add(SERVER, INFO, text, at=stats.at)
            self._summarised_seen = stats.summarised_messages
            self._summarised_noted_at = stats.at

    def _clock(self) -> None:
        self.server_panel.show_rate(self.rate.rate(time.time()))
        self.log.refresh_paused()
        self.after(CLOCK_MS, self._clock)

    # -- settings and closing ----------------------------------------------------------

    def save_settings(self) -> None:
        """Remember what the user chose; a failure is noted once in the log, never raised."""
        s = self.settings
        s.server_host = self.server_panel.host
        s.server_port = parse_port(self.server_panel.port_text, LOWEST_SERVER_PORT) or s.server_port
        s.client_host = self.client_panel.host or s.client_host
        s.client_port = parse_port(self.client_panel.port_text, 1) or s.client_port
        s.line_ending = self.client_panel.ending.name
        s.history = list(self.client_panel.history.items)
        if self.winfo_ismapped():
            size = str(self.geometry()).split("+")[0]
            width, height = (int(n) for n in size.split("x"))
            s.window_width, s.window_height = max(width, MIN_WIDTH), max(height, MIN_HEIGHT)
        try:
            save_settings(self.settings_path, s)
        except OSError as exc:
            if not self._save_failed:
                self._save_failed = True
                self.log.add(APP, ERROR, self.tr("notice.settings_not_saved", detail=exc.strerror or exc))
                self.log.flush()

    def close(self) -> None:
        """Stop the server and the client (threads joined, port freed), save, destroy the window."""
        if self.closed:
            return
        self.closed = True
        if not self._window_alive():  # destroyed from outside: only the threads are left to stop
            self.network.shutdown()
            return
        self.save_settings()
        self.withdraw()  # gone from the screen at once; the rest takes milliseconds
        self.pump.stop()
        try:
            self.network.shutdown()
        finally:
            destroy_ctk_window(self)

    def _window_alive(self) -> bool:
        try:
            return bool(self.winfo_exists())
        except tkinter.TclError:
            return False

    def report_callback_exception(self, exc: type[BaseException], val: BaseException, tb: TracebackType | None) -> None:
        """A bug in a callback: details to the terminal, a plain line in the window, no crash."""
        traceback.print_exception(exc, val, tb, file=sys.stderr)
        self.log.add(APP, ERROR, self.tr("notice.internal_error", detail=f"{exc.__name__}: {val}"))
        self.log.flush()


def create_app(
    settings_path: Path | None = None,
    *,
    language: str | None = None,
    theme_name: str | None = None,
    start_pump: bool = True,
) -> App:
    return App(settings_path, language=language, theme_name=theme_name, start_pump=start_pump)


def run(settings_path: Path | None = None) -> int:
    """Open the window and return its exit code once it is closed."""
    try:
        app = create_app(settings_path)
    except tkinter.TclError as exc:  # no display, most likely
        print(f"mayus: cannot open the window: {exc}", file=sys.stderr)
        return 1
    # A logout or `kill` sends SIGTERM: leave the loop and close as the close button
    # would, so settings are saved and the server lets go of its port.
    signal.signal(signal.SIGTERM, lambda signum, frame: app.quit())
    try:
        app.mainloop()
    except KeyboardInterrupt:
        pass
    finally:
        app.close()
    return 0
