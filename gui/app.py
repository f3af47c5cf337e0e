"""The window: composes the panels, turns their intents into core calls, routes core events back.

Worker threads never touch a widget: the core reports through `EventPump.put`
(a queue), and the Tk thread drains it in bounded batches (see event_pump.py).
"""

from __future__ import annotations

import gc
import signal
import sys
import time
import tkinter
import traceback
from collections.abc import Callable
from ipaddress import ip_address
from pathlib import Path
from types import FrameType, TracebackType
from typing import TYPE_CHECKING, Any

import places
from core import platforms
from core.addresses import describe_peer, join_addresses, join_host_port
from core.client import ClientState
from core.defaults import MAX_MESSAGE_EVENTS_PER_SECOND, LineEnding
from core.errors import CertificateFileError, ErrorInfo, ErrorKind, error_info
from core.events import (
    AcceptPaused,
    ClientConnected,
    ClientDisconnected,
    Connected,
    DataReceived,
    DataSummarised,
    DisconnectAnswered,
    Disconnected,
    DisconnectReason,
    Event,
    MessagePushed,
    MessageReceived,
    MessageSent,
    ReplySent,
    ServerStarted,
    ServerStats,
    ServerStopped,
    Stamp,
    TlsInfo,
)
from core.input_modes import InputError, best_mode, render
from core.interfaces import local_addresses
from core.pins import PinStore
from core.text import ending_name
from core.tls import ClientContext, ClientMode, TlsIdentity, client_context, ensure_certificate
from core.version import app_version
from gui import icon, theme
from gui.ctk_private import destroy_ctk_window
from gui.event_pump import EventPump
from gui.fonts import Fonts
from gui.keyboard import make_keyboard_ready
from gui.network import Network, NetworkPort
from gui.panels.check_view import CheckView
from gui.panels.client_panel import ClientPanel, ConnectionState, join_target
from gui.panels.clients_table import ClientsTable
from gui.panels.header import Header
from gui.panels.help_window import HelpWindow
from gui.panels.log_panel import LogPanel
from gui.panels.saved_window import SavedWindow
from gui.panels.server_panel import LOWEST_SERVER_PORT, ServerPanel, ServerState
from gui.panels.widgets import parse_port
from gui.parts.backoff import Backoff
from gui.parts.check_display import loopback_for
from gui.parts.log_model import Direction, LogEntry, SaveContext, Side
from gui.parts.rate import RateMeter
from gui.parts.saved_messages import SavedMessage
from gui.parts.settings import MIN_HEIGHT, MIN_WIDTH, VIEWS, default_settings_path, load_settings, save_settings
from gui.toolkit import ctk
from words import Translator, detect_os_language

if TYPE_CHECKING:
    from gui.panels.load_view import LoadView

WINDOW_CLASS = "Mayus"
CLOCK_MS = 500  # how often the rate, the waiting time and the log's pause notice are refreshed
SERVER, CLIENT, APP = Side.SERVER, Side.CLIENT, Side.APP
IN, OUT, INFO, ERROR = Direction.IN, Direction.OUT, Direction.INFO, Direction.ERROR
SAVED_NAME_CHARS = 24  # a saved message's name, when made from its text
USER_ENDED = frozenset({DisconnectReason.REQUESTED, DisconnectReason.CLOSED_LOCALLY})
# No reconnect after these: the user ended it, or TLS failed (a certificate or a mismatch does not mend by itself).
NO_RECONNECT = USER_ENDED | {DisconnectReason.TLS_FAILED}
# While the window is open the Tk thread shares the GIL with the client's thread and the load run's: a thread that
# wants it waits at most this long (Python's default is 5 ms), so Tk's timers and input are handled on time during
# a load test (bench/gui_bench.py's self-load). The server has a process, and so a GIL, of its own.
GIL_SWITCH_SECONDS = 0.001
_windows_open: list[float] = []  # the switch interval from before each window still open opened (tests open several)


class App(ctk.CTk):  # type: ignore[misc]
    """The Mayus window. `App(settings_path=tmp)` in tests, with `network=` a fake where sockets add nothing;
    `start_pump=False` to drain the events by hand.

    The certificate made for the server (`certificate_folder`) and the fingerprints the client trusts
    (`pins_path`) live in the user's config folder (places.py), shared with the terminal faces. Given a
    `settings_path`, the window keeps them beside it unless told otherwise: a test's window never touches the
    user's own.
    """

    def __init__(
        self,
        settings_path: Path | None = None,
        *,
        network: NetworkPort | None = None,
        language: str | None = None,
        theme_name: str | None = None,
        start_pump: bool = True,
        certificate_folder: Path | None = None,
        pins_path: Path | None = None,
    ) -> None:
        beside = settings_path.parent if settings_path is not None else None
        self.certificate_folder = certificate_folder or (
            beside / places.CERTIFICATE_FOLDER if beside is not None else places.certificate_folder()
        )
        self.pins = PinStore(pins_path or (beside / places.PINS_FILE if beside is not None else places.pins_file()))
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
        self.pump: EventPump[Event] = EventPump(self, self._route, self._after_batch, self._handler_failed)
        self.network: NetworkPort = network if network is not None else Network()
        self.network.attach(self.pump.put)
        self.rate = RateMeter()
        self._session = 0  # the client's sessions, counted: the log tells entries of different sessions apart
        self._last_reply: tuple[LogEntry, float | None] | None = None  # shown once per batch
        self._summarised_seen = 0
        self._summarised_noted_at = 0.0
        self._save_failed = False
        self.saved = settings.saved
        self._target: tuple[str, int] | None = None  # where the client last connected (or tried to)
        self._server_identity: TlsIdentity | None = None  # the certificate of the server started last, if TLS
        self._pin_first_seen = False  # the last connect trusts a certificate it has not seen before
        self._backoff = Backoff()
        self._reconnect_after: str | None = None
        self.saved_window: SavedWindow | None = None
        self.help_window: HelpWindow | None = None
        self._own_check_pending = False  # the check view asked to check our server once it listens
        self._load_wants_server = False  # "Use my server" started the server: fill the target once it listens
        self._load_restart = False  # ... and it was stopping: start it again once stopped

        self._build()
        self._bind_keys()
        make_keyboard_ready(self)
        self.title(self.tr("app.title"))
        icon.apply_icon(self)
        self.geometry(f"{settings.window_width}x{settings.window_height}")
        self.minsize(MIN_WIDTH, MIN_HEIGHT)
        self.protocol("WM_DELETE_WINDOW", self.close)
        self._apply_theme(settings.theme)
        if loaded.problem is not None:
            self.log.add_notice(APP, ERROR, self.tr("notice.settings_unreadable", detail=loaded.problem))
        if start_pump:
            self.pump.start()
            self.after(CLOCK_MS, self._clock)
        _windows_open.append(sys.getswitchinterval())
        sys.setswitchinterval(GIL_SWITCH_SECONDS)
        # What the window holds now lives as long as it does: out of the collector's full collections, each of which
        # would walk it all again (they come often while the window logs a flood). `close()` hands it back.
        gc.freeze()

    def _build(self) -> None:
        s, tr, fonts = self.settings, self.tr, self.fonts
        # Each view fills the window below the header, one at a time; `show_view` switches.
        conversation = ctk.CTkFrame(self, fg_color="transparent")
        self.check_view = CheckView(self, tr, fonts, on_own_server=self.check_own_server, on_error=self._handler_failed)
        # The load test's widgets are built the first time it is shown (`load_view`): the window opens sooner.
        self._load_holder = ctk.CTkFrame(self, fg_color="transparent")
        self._load_holder.rowconfigure(0, weight=1)
        self._load_holder.columnconfigure(0, weight=1)
        self._load_view: LoadView | None = None
        frames = (conversation, self._load_holder, self.check_view)
        self.views: dict[str, ctk.CTkFrame] = dict(zip(VIEWS, frames, strict=True))
        self.header = Header(
            self,
            tr,
            fonts,
            theme_name=str(s.theme),
            views=tuple(self.views),
            on_view=self.show_view,
            on_language=self.set_language,
            on_theme=self.set_theme,
        )
        self.server_panel = ServerPanel(
            conversation,
            tr,
            fonts,
            host=s.server_host,
            port=s.server_port,
            theme_name=str(s.theme),
            tls=s.server_tls,
            on_start=self.start_server,
            on_stop=self.stop_server,
            on_tls_changed=self.save_settings,
        )
        self.clients = ClientsTable(
            conversation,
            tr,
            fonts,
            on_disconnect=self.disconnect_clients,
            on_disconnect_all=self.disconnect_all,
            on_push=self.network.push,
        )
        self.client_panel = ClientPanel(
            conversation,
            tr,
            fonts,
            host=s.client_host,
            port=s.client_port,
            ending=s.ending,
            mode=s.mode,
            history=s.history,
            recent=s.recent_targets,
            on_connect=self.connect,
            on_disconnect=self.disconnect,
            on_send=self.send,
            on_saved=self.open_saved,
            tls=s.client_tls,
            tls_mode=s.tls_mode,
            on_tls_changed=self.save_settings,
            on_forget=self.forget_certificate,
        )
        self.log = LogPanel(
            conversation, tr, fonts, context=self._save_context, on_save_as_message=self.save_entry_as_message
        )

        # The client and the conversation have a little more to show than the server and its table.
        conversation.columnconfigure(0, weight=9, uniform="columns")
        conversation.columnconfigure(1, weight=10, uniform="columns")
        conversation.rowconfigure(1, weight=1)
        self.server_panel.grid(row=0, column=0, sticky="nsew", padx=(16, 6), pady=(0, 6))
        self.client_panel.grid(row=0, column=1, sticky="nsew", padx=(6, 16), pady=(0, 6))
        self.clients.grid(row=1, column=0, sticky="nsew", padx=(16, 6), pady=(6, 16))
        self.log.grid(row=1, column=1, sticky="nsew", padx=(6, 16), pady=(6, 16))

        self.columnconfigure(0, weight=1)
        self.rowconfigure(1, weight=1)
        self.header.grid(row=0, column=0, sticky="ew", padx=16, pady=(10, 6))
        self.view = ""
        self.show_view(s.view if s.view in self.views else "conversation")

    @property
    def load_view(self) -> LoadView:
        """The load test view, built the first time it is needed (shown, or asked for)."""
        if self._load_view is None:
            from gui.panels.load_view import LoadView  # with its charts' module: imported when first needed

            s = self.settings
            view = LoadView(
                self._load_holder,
                self.tr,
                self.fonts,
                settings=s,
                theme_name=str(s.theme),
                on_use_own_server=self.use_own_server,
                on_started=self.save_settings,
            )
            view.grid(row=0, column=0, sticky="nsew")
            make_keyboard_ready(view)
            self._load_view = view
        return self._load_view

    def show_view(self, name: str) -> None:
        """Show one part of the window (the conversation, the checker, the load test) below the header."""
        if name == self.view:
            return
        if name == "load":
            _ = self.load_view  # built now if it was not yet
        if self.view:
            self.views[self.view].grid_remove()
        self.views[name].grid(row=1, column=0, sticky="nsew")
        self.view = self.settings.view = name
        self.header.show_view(name)
        # The conversation's panels draw nothing while hidden (under a load test against our own server every
        # redraw costs the Tk thread); shown again, they catch up at once.
        shown = name == "conversation"
        for panel in (self.server_panel, self.clients, self.log):
            panel.set_view_shown(shown)
        # A chart hidden while its view was away draws what came meanwhile, once laid out again.
        self.after_idle(self._refresh_charts)

    def _refresh_charts(self) -> None:
        if not self.closed:
            if self._load_view is not None:
                self._load_view.chart.refresh()
            self.server_panel.chart.refresh()

    # -- intents from the panels ---------------------------------------------------

    def start_server(self, host: str, port: int) -> None:
        """Start the server; with TLS on, on the certificate made for you (made first, or renewed, if need be)."""
        self.server_panel.show_starting(port)
        self.server_panel.reset_counters()
        self.rate.reset()
        self._summarised_seen = 0
        self._server_identity = None
        if self.server_panel.tls_on:
            try:  # tens of milliseconds when a certificate is made: once a year
                self._server_identity = ensure_certificate(self.certificate_folder)
            except CertificateFileError as exc:  # a failed start, said as the network says one
                self.pump.put(ServerStopped(error_info(exc, host, port), Stamp.now()))
                return
        self.network.start_server(host, port, self._server_identity)

    def stop_server(self) -> None:
        self.server_panel.show_stopping()
        self.network.stop_server()

    def check_own_server(self) -> None:
        """The check view's one click: check this window's server where it listens, starting it first if stopped."""
        panel, address = self.server_panel, self.network.server_address
        if panel.tls_on:  # the checks speak plain TCP, as a student's client does
            self.check_view.show_own_server_uses_tls(self._plain_tools_need_plain_server())
            return
        if panel.state is ServerState.RUNNING and address is not None:
            self.check_view.check_server_at(loopback_for(address[0]), address[1])
            return
        port = parse_port(panel.port_text, LOWEST_SERVER_PORT)
        if panel.state is ServerState.STOPPING or (panel.state is ServerState.STOPPED and port is None):
            self.check_view.show_own_server_failed(None)
            return
        self._own_check_pending = True
        self.check_view.show_own_server_starting()
        if panel.state is ServerState.STOPPED and port is not None:
            self.start_server(panel.host, port)

    def use_own_server(self) -> None:
        """The load test's target becomes the window's own server, started first if it is stopped."""
        address = self.network.server_address
        panel = self.server_panel
        if panel.tls_on:  # the load generator speaks plain TCP
            error = self._plain_tools_need_plain_server()
            self.load_view.show_note(lambda: self.tr.error(error), theme.ERROR)
            return
        if panel.state is ServerState.RUNNING and address is not None:
            self.load_view.set_target(loopback_for(address[0]), address[1])
            return
        if panel.state is ServerState.STOPPED:
            port = parse_port(panel.port_text, LOWEST_SERVER_PORT)
            if port is None:
                self.load_view.show_note(lambda: self.tr("server.port_invalid"), theme.ERROR)
                return
            self.start_server(panel.host, port)
        # Starting: the target follows once it listens. Stopping: it is started again once stopped.
        self._load_restart = panel.state is ServerState.STOPPING
        self._load_wants_server = True
        self.load_view.show_note(lambda: self.tr("loadview.status.starting_server"))

    def _plain_tools_need_plain_server(self) -> ErrorInfo:
        """Why the check and the load test cannot use this window's server while its TLS switch is on."""
        address, panel = self.network.server_address, self.server_panel
        if address is not None:
            return ErrorInfo(ErrorKind.PLAIN_TO_TLS, loopback_for(address[0]), address[1])
        return ErrorInfo(ErrorKind.PLAIN_TO_TLS, panel.host, parse_port(panel.port_text, 0) or 0)

    @property
    def own_server_pending(self) -> bool:
        """True while "Use my server" waits for the window's server to listen."""
        return self._load_wants_server

    def disconnect_clients(self, client_ids: list[int]) -> None:
        self.network.disconnect_clients(client_ids)

    def disconnect_all(self) -> None:
        self.network.disconnect_all_clients()

    def connect(self, host: str, port: int) -> None:
        """Connect to host:port (over TLS if asked); nothing of an earlier session (its last reply, its waits) stays
        on show."""
        self._cancel_reconnect()
        self._target = (host, port)
        self._last_reply = None
        self.client_panel.clear_reply()
        self.client_panel.show_connecting(join_host_port(host, port))
        self.network.connect(host, port, self._client_tls(host, port))

    def _client_tls(self, host: str, port: int) -> ClientContext | None:
        """The TLS context of a connect to host:port as the panel asks for it; None for plain TCP.

        "Trust this certificate" takes the fingerprint trusted for host:port; with none yet, the certificate
        presented is trusted and remembered, and said to be seen for the first time.
        """
        panel = self.client_panel
        self._pin_first_seen = False
        if not panel.tls_on:
            return None
        pinned = self.pins.get(host, port) if panel.tls_mode is ClientMode.PIN else None
        self._pin_first_seen = panel.tls_mode is ClientMode.PIN and pinned is None
        return client_context(panel.tls_mode, pinned)

    def forget_certificate(self) -> None:
        """Forget the certificate trusted for the last target, so the next connect shows the new one as first seen."""
        if self._target is None:
            return
        host, port = self._target
        try:
            self.pins.forget(host, port)
        except OSError as exc:
            detail = exc.strerror or str(exc)
            self.client_panel.status.show(lambda: self.tr("client.tls_forget_failed", detail=detail), theme.ERROR)
            return
        address = join_host_port(host, port)
        self.client_panel.show_forgotten(address)
        self.log.add_notice(CLIENT, INFO, self.tr("client.tls_forgotten", address=address))

    def disconnect(self) -> None:
        self._cancel_reconnect()
        self.client_panel.show_disconnecting()
        self.network.disconnect(self.client_panel.ending)

    def send(self, data: bytes, ending: LineEnding) -> bool:
        """Send exactly these bytes (DESCONEXION too) plus the line ending; False, said plainly, if they cannot go."""
        if self.network.client_state is not ClientState.CONNECTED or not self.network.send(data, ending):
            self.client_panel.show_problem("client.not_connected")
            return False
        return True

    def send_saved(self, message: SavedMessage) -> None:
        """Send a saved message in its own mode and with its own ending (a click, or Ctrl+1…9)."""
        try:
            data = message.data()
        except InputError as exc:
            problem = exc
            self.client_panel.status.show(lambda: self.tr.input_error(problem), theme.ERROR)
            return
        self.send(data, message.line_ending)

    def repeat_saved(self, message: SavedMessage) -> None:
        """Repeat a saved message (its own mode and ending) every N ms, N times, as the client panel's fields say."""
        panel = self.client_panel
        try:
            data = message.data()
        except InputError as exc:
            problem = exc
            panel.status.show(lambda: self.tr.input_error(problem), theme.ERROR)
            return
        if panel.state is not ConnectionState.CONNECTED:
            panel.show_problem("client.not_connected")
            return
        panel.start_repeat((data, message.line_ending))

    def send_saved_number(self, number: int) -> None:
        if 1 <= number <= len(self.saved.items):
            self.send_saved(self.saved.items[number - 1])

    def open_saved(self) -> None:
        """The saved messages' window (one at a time: a second call brings it forward)."""
        if self.saved_window is not None and self.saved_window.winfo_exists():
            self.saved_window.lift()
            self.saved_window.focus_force()
            return
        panel = self.client_panel

        def current() -> SavedMessage:
            name = panel.message.strip()[:SAVED_NAME_CHARS] or self.tr("saved.title")
            return SavedMessage(name, panel.message, panel.mode.value, panel.ending.name)

        self.saved_window = SavedWindow(
            self,
            self.tr,
            self.fonts,
            saved=self.saved,
            theme_name=str(self.settings.theme),
            current=current,
            on_send=self.send_saved,
            on_repeat=self.repeat_saved,
            on_change=self.save_settings,
        )

    def save_entry_as_message(self, entry: LogEntry) -> None:
        """A line of the conversation becomes a saved message: its bytes in the plainest mode that carries them."""
        ending = LineEnding.named_by(entry.ending)
        body = entry.data[: len(entry.data) - len(ending.bytes)] if entry.data.endswith(ending.bytes) else entry.data
        mode = best_mode(body)
        name = entry.shown_text.strip()[:SAVED_NAME_CHARS] or self.tr("log.empty")
        self.saved.add(SavedMessage(name, render(body, mode), mode.value, ending.name))
        self.save_settings()
        self.log.add_notice(APP, INFO, self.tr("saved.added_from_log", name=name))
        if self.saved_window is not None and self.saved_window.winfo_exists():
            self.saved_window.refresh()

    def open_help(self) -> None:
        if self.help_window is not None and self.help_window.winfo_exists():
            self.help_window.lift()
            return
        self.help_window = HelpWindow(self, self.tr, self.fonts)

    def _bind_keys(self) -> None:
        """The window's shortcuts (listed once, with their words, in gui/panels/help_window.py)."""
        keys: dict[str, Callable[[], object]] = {
            "<F1>": self.open_help,
            "<F5>": self.server_panel.start_stop.invoke,
            "<F6>": self.client_panel.connect_button.invoke,
            "<Control-f>": self.log.focus_search,
            "<Control-l>": self.log.clear,
            "<Control-s>": self.log.ask_save,
        }
        for number in range(1, 10):
            keys[f"<Control-Key-{number}>"] = lambda n=number: self.send_saved_number(n)  # type: ignore[misc]
        for sequence, action in keys.items():
            self.bind(sequence, lambda _event, act=action: (act() and None) or "break")

    def _save_context(self) -> SaveContext:
        server = self.network.server_address
        target = self._target
        return SaveContext(
            app_version=app_version(),
            saved_at=time.time(),
            server=join_target(*server) if server else "",
            client=join_target(*target) if target else "",
        )

    @property
    def reconnect_pending(self) -> bool:
        """True while a reconnect waits for its time."""
        return self._reconnect_after is not None

    def _cancel_reconnect(self) -> None:
        if self._reconnect_after is not None:
            self.after_cancel(self._reconnect_after)
            self._reconnect_after = None

    def _maybe_reconnect(self, reason: DisconnectReason) -> None:
        """After a drop (not a disconnect the user asked for), try again if asked to, waiting longer each time."""
        seconds = self.client_panel.reconnect_seconds
        if seconds is None or self._target is None or reason in NO_RECONNECT:
            self._backoff.reset()
            return
        wait = self._backoff.next_wait(seconds)
        self.client_panel.show_reconnecting(wait, self._backoff.attempt)
        host, port = self._target

        def again() -> None:
            self._reconnect_after = None
            if self.client_panel.state is ConnectionState.IDLE:
                self.connect(host, port)

        self._reconnect_after = self.after(int(wait * 1000), again)

    def set_language(self, code: str) -> None:
        self.tr.set_language(code)
        self.settings.language = code
        self.title(self.tr("app.title"))
        for panel in (self.header, self.server_panel, self.clients, self.client_panel, self.log, self.check_view):
            panel.retranslate()
        if self._load_view is not None:
            self._load_view.retranslate()
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
        self.server_panel.apply_theme(name)
        if self._load_view is not None:
            self._load_view.apply_theme(name)

    # -- events from the core ------------------------------------------------------

    def drain_events(self, limit: int | None = None) -> int:
        """Handle queued events now, on the Tk thread (tests and benchmarks)."""
        return self.pump.drain(limit)

    def _after_batch(self) -> None:
        """Once per drained batch: the table, and the last reply (measured to fit: once, not per event)."""
        self.clients.flush()
        if self._last_reply is not None:
            entry, rtt = self._last_reply
            self._last_reply = None
            self.client_panel.show_reply(entry.shown_text, rtt)

    def _handler_failed(self, exc: BaseException) -> None:
        self.report_callback_exception(type(exc), exc, exc.__traceback__)

    def _route(self, event: Event) -> None:
        match event:
            case MessagePushed():
                self.log.add_data(
                    None,
                    SERVER,
                    OUT,
                    event.data,
                    event.size,
                    when=event.when,
                    first=True,
                    complete=True,
                    ending=event.ending,
                    unsolicited=True,
                    client_id=event.client_id,
                )
            case MessageReceived() | ReplySent():
                direction = IN if isinstance(event, MessageReceived) else OUT
                self.log.add_data(
                    None,
                    SERVER,
                    direction,
                    event.data,
                    event.size,
                    when=event.when,
                    first=True,
                    complete=True,
                    ending=event.ending,
                    continued=event.continued,
                    client_id=event.client_id,
                )
            case ServerStats():
                self._show_stats(event)
            case AcceptPaused(failures=failures, when=when):
                self.log.add_notice(
                    SERVER, ERROR, self.tr("server.accept_paused", count=self.tr.count(failures)), when=when
                )
            case ClientConnected() | ClientDisconnected() | ServerStarted() | ServerStopped():
                self._server_life(event)
            case MessageSent():
                self.log.add_data(
                    None,
                    CLIENT,
                    OUT,
                    event.data,
                    event.size,
                    when=event.when,
                    first=True,
                    complete=True,
                    ending=event.ending,
                    continued=event.continued,
                )
                self.client_panel.show_waiting(event.waiting, event.waiting_since)
            case DataReceived():
                self._data_received(event)
            case DataSummarised():
                tr = self.tr
                text = tr(
                    "session.summarised",
                    count=tr.count(event.entries),
                    size=tr.count(event.size),
                    limit=tr.count(MAX_MESSAGE_EVENTS_PER_SECOND),
                )
                self.log.add_notice(CLIENT, INFO, text, when=event.when)
                self.client_panel.show_waiting(event.waiting, event.waiting_since)
            case Connected() | Disconnected() | DisconnectAnswered():
                self._client_life(event)

    def _data_received(self, piece: DataReceived) -> None:
        entry = self.log.add_data(
            (self._session, piece.entry),
            CLIENT,
            IN,
            piece.data,
            piece.size,
            when=piece.when,
            first=piece.entry_size == piece.size,
            complete=piece.complete,
            ending=piece.ending,
            rtt=piece.rtt,
            unsolicited=piece.reply_to is None,
        )
        if piece.reply_to is not None:
            self._last_reply = (entry, piece.rtt)
            if piece.complete:
                self.client_panel.note_answered()
        self.client_panel.show_waiting(piece.waiting, piece.waiting_since)

    def _server_life(self, event: ClientConnected | ClientDisconnected | ServerStarted | ServerStopped) -> None:
        tr, log = self.tr, self.log
        match event:
            case ClientConnected(client_id=cid, host=host, port=port, when=when):
                self.clients.add_client(event)
                text = tr("log.client_connected", address=join_host_port(host, port))
                log.add_notice(SERVER, INFO, text, client_id=cid, when=when)
            case ClientDisconnected(client_id=cid, reason=reason, when=when, error=error):
                self.clients.remove_client(cid)
                if error is not None:  # a TLS client that could not agree with the server, in plain words
                    log.add_notice(SERVER, ERROR, tr.error(error), client_id=cid, when=when)
                text = tr("log.client_disconnected", reason=tr.reason(reason))
                log.add_notice(SERVER, INFO, text, client_id=cid, when=when)
            case ServerStarted(port=port, addresses=addresses, max_connections=clients, open_files=limit, when=when):
                every_interface = any(ip_address(a).is_unspecified for a in addresses)
                others = [a.with_port(port) for a in local_addresses()] if every_interface else []
                listening = join_addresses(addresses, port)
                identity = self._server_identity
                fingerprint = identity.fingerprint if identity is not None else None
                self.server_panel.show_listening(listening, others, fingerprint)
                text = f"{tr('log.listening', address=listening)}; {tr.capacity(clients, limit)}"
                log.add_notice(SERVER, INFO, text, when=when)
                if identity is not None:
                    log.add_notice(SERVER, INFO, tr.tls_identity(identity), when=when)
                if self._load_wants_server:
                    self._load_wants_server = False
                    self.load_view.set_target(loopback_for(addresses[0]), port)
                self.save_settings()
                if self._own_check_pending:
                    self._own_check_pending = False
                    self.check_view.check_server_at(loopback_for(addresses[0]), port)
            case ServerStopped(error=error, when=when):
                self.clients.clear()
                self.rate.reset()
                self.server_panel.show_rate(0)
                self.server_panel.show_stopped(error)
                if error is not None:
                    log.add_notice(SERVER, ERROR, tr.error(error), when=when)
                else:
                    log.add_notice(SERVER, INFO, tr("log.stopped"), when=when)
                if self._own_check_pending:
                    self._own_check_pending = False
                    self.check_view.show_own_server_failed(error)
                self._own_server_stopped(error)

    def _own_server_stopped(self, error: ErrorInfo | None) -> None:
        """The server stopped while "Use my server" waited for it: start it again, or say why it could not start."""
        if not self._load_wants_server:
            return
        self._load_wants_server = False
        if self._load_restart:
            self._load_restart = False
            self.use_own_server()
        elif error is not None:
            detail = self.tr.error(error)
            self.load_view.show_note(lambda: self.tr("loadview.status.server_failed", detail=detail), theme.ERROR)
        else:  # stopped by its user before it listened
            self.load_view.show_note(lambda: self.tr("loadview.status.idle"))

    def _client_life(self, event: Connected | Disconnected | DisconnectAnswered) -> None:
        tr, log, panel = self.tr, self.log, self.client_panel
        match event:
            case Connected(host=host, port=port, peer=peer, local_port=local_port, when=when, tls=tls):
                self._session += 1
                self._last_reply = None
                self._backoff.reset()
                panel.clear_reply()
                address = describe_peer(host, peer, port)
                first_seen = tls is not None and self._pin_first_seen and tls.mode == ClientMode.PIN.value
                panel.show_connected(address, local_port, tls, first_seen)
                panel.add_recent(host, port)
                log.add_notice(CLIENT, INFO, tr("log.connected", address=address, local_port=local_port), when=when)
                if tls is not None:
                    self._secured(host, port, tls, first_seen, when)
                self.save_settings()
            case Disconnected(reason=reason, error=error, when=when):
                began = panel.state in (ConnectionState.CONNECTED, ConnectionState.DISCONNECTING)
                panel.show_closed(reason, error)
                panel.show_waiting(0, None)
                self._log_closed(reason, error, event.when, began)
                if error is not None and error.kind is ErrorKind.FINGERPRINT_CHANGED:
                    panel.offer_forget()
                self._maybe_reconnect(reason)
            case DisconnectAnswered(ending=ending, polite=polite, when=when):
                if ending and not polite:
                    text = tr("session.word_answered_ending", ending=ending_name(ending))
                else:
                    text = tr("session.word_answered")
                panel.show_word_answered(text)
                log.add_notice(CLIENT, ERROR, text, when=when)

    def _secured(self, host: str, port: int, tls: TlsInfo, first_seen: bool, when: Stamp) -> None:
        """Say how the connection is secured; a certificate seen for the first time is trusted from now on."""
        tr = self.tr
        if first_seen:
            try:
                self.pins.remember(host, port, tls.fingerprint)
            except (OSError, ValueError) as exc:
                detail = getattr(exc, "strerror", None) or str(exc)
                self.log.add_notice(CLIENT, ERROR, tr("client.tls_pin_not_saved", detail=detail), when=when)
        # Not verified: marked as an error line, so it stands out as the panel's mark does.
        self.log.add_notice(CLIENT, ERROR if tls.insecure else INFO, tr.tls_session(host, tls, first_seen), when=when)

    def _log_closed(self, reason: DisconnectReason, error: ErrorInfo | None, when: Any, began: bool = True) -> None:
        """The error in plain words, then "session closed" if a session had begun (a failed TLS handshake is none)."""
        tr = self.tr
        if error is not None:
            self.log.add_notice(CLIENT, ERROR, tr.error(error), when=when)
        if reason is not DisconnectReason.CONNECT_FAILED and (began or reason is not DisconnectReason.TLS_FAILED):
            self.log.add_notice(CLIENT, INFO, tr("log.session_closed", reason=tr.reason(reason)), when=when)

    def _show_stats(self, stats: ServerStats) -> None:
        self.clients.update_stats(stats.changed)
        self.server_panel.show_counters(stats)
        self.rate.add(stats.when.wall, stats.messages_in)
        unlisted = stats.summarised_messages - self._summarised_seen
        if unlisted > 0 and stats.when.wall - self._summarised_noted_at >= 1.0:
            tr = self.tr
            text = tr("log.summarised", count=tr.count(unlisted), limit=tr.count(MAX_MESSAGE_EVENTS_PER_SECOND))
            self.log.add_notice(SERVER, INFO, text, when=stats.when)
            self._summarised_seen = stats.summarised_messages
            self._summarised_noted_at = stats.when.wall

    def _clock(self) -> None:
        self.server_panel.show_rate(self.rate.rate(time.time()))
        self.server_panel.refresh_chart(time.perf_counter())
        self.log.refresh_paused()
        self.client_panel.refresh_waiting(time.perf_counter())
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
        s.input_mode = self.client_panel.mode.value
        s.server_tls = self.server_panel.tls_on
        s.client_tls = self.client_panel.tls_on
        s.client_tls_mode = self.client_panel.tls_mode.value
        s.history = list(self.client_panel.history.items)
        s.recent_targets = list(self.client_panel.recent)
        s.saved_messages = self.saved.as_settings()
        if self._load_view is not None:
            self._load_view.store(s)
        if self.winfo_ismapped():
            size = str(self.geometry()).split("+")[0]
            width, height = (int(n) for n in size.split("x"))
            s.window_width, s.window_height = max(width, MIN_WIDTH), max(height, MIN_HEIGHT)
        try:
            save_settings(self.settings_path, s)
        except OSError as exc:
            if not self._save_failed:
                self._save_failed = True
                self.log.add_notice(APP, ERROR, self.tr("notice.settings_not_saved", detail=exc.strerror or exc))

    def close(self) -> None:
        """End a load run (its processes joined), stop the server and the client (threads joined, port freed),
        save, destroy the window."""
        if self.closed:
            return
        self.closed = True
        if not self._window_alive():  # destroyed from outside: only the runs and the threads are left to stop
            self.check_view.shutdown()
            if self._load_view is not None:
                self._load_view.session.close()
            self.network.shutdown()
            self._restore_runtime()
            return
        self.save_settings()
        self.withdraw()  # gone from the screen at once; the rest takes milliseconds (a load run: up to a second)
        self.pump.stop()
        try:
            self.check_view.shutdown()  # a check run ends first: it may be checking our own server
            if self._load_view is not None:  # before the server goes: the load's clients would meet a closed port
                self._load_view.close()
            self.network.shutdown()
        finally:
            destroy_ctk_window(self)
            self._restore_runtime()

    def _restore_runtime(self) -> None:
        """The last window closed: the GIL's switch interval as it was, what was frozen collectable again."""
        before = _windows_open.pop()
        if not _windows_open:
            sys.setswitchinterval(before)
            gc.unfreeze()

    def _window_alive(self) -> bool:
        try:
            return bool(self.winfo_exists())
        except tkinter.TclError:
            return False

    def report_callback_exception(self, exc: type[BaseException], val: BaseException, tb: TracebackType | None) -> None:
        """A bug in a callback: details to the terminal, a plain line in the window, no crash."""
        traceback.print_exception(exc, val, tb, file=sys.stderr)
        self.log.add_notice(APP, ERROR, self.tr("notice.internal_error", detail=f"{exc.__name__}: {val}"))


def create_app(
    settings_path: Path | None = None,
    *,
    network: NetworkPort | None = None,
    language: str | None = None,
    theme_name: str | None = None,
    start_pump: bool = True,
    certificate_folder: Path | None = None,
    pins_path: Path | None = None,
) -> App:
    return App(
        settings_path,
        network=network,
        language=language,
        theme_name=theme_name,
        start_pump=start_pump,
        certificate_folder=certificate_folder,
        pins_path=pins_path,
    )


def run(settings_path: Path | None = None) -> int:
    """Open the window and return its exit code once it is closed."""
    # A logout or `kill` sends SIGTERM: leave the loop and close as the close button
    # would, so settings are saved and the server lets go of its port. Ctrl+C in the
    # terminal too. Installed before the window is built: a stop that comes while it
    # is built (the window may already show) is kept and honoured once the loop runs.
    stops: list[int] = []
    built: list[App] = []

    def on_stop(signum: int, frame: FrameType | None) -> None:
        stops.append(signum)
        if built:
            built[0].quit()

    for signum in platforms.stop_signals():
        signal.signal(signum, on_stop)
    try:
        app = create_app(settings_path)
    except tkinter.TclError as exc:  # no display, most likely
        print(f"mayus: cannot open the window: {exc}", file=sys.stderr)
        return 1
    built.append(app)
    app.after(0, lambda: app.quit() if stops else None)  # a quit before mainloop() starts would be lost
    try:
        app.mainloop()
    except KeyboardInterrupt:
        pass
    finally:
        app.close()
    return 0
