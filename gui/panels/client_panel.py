"""The client's controls: where to connect and how (TLS), the message box, line ending, the last reply and what is
pending."""

from __future__ import annotations

import enum
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from core.defaults import LineEnding
from core.errors import ErrorInfo
from core.events import DisconnectReason, TlsInfo
from core.input_modes import InputError, InputMode, parse
from core.tls import ClientMode, short_fingerprint
from gui import theme
from gui.fonts import Fonts
from gui.panels.widgets import (
    PADDING,
    StatusLine,
    Tooltip,
    fit_text,
    fit_wrap,
    parse_port,
    replace_entry_text,
    set_enabled,
)
from gui.parts.history import History
from gui.parts.repeat_schedule import RepeatSchedule
from gui.toolkit import ctk
from words import Translator

LOWEST_CLIENT_PORT = 1
RECENT_TARGETS = 10  # host:port pairs offered in the host field
MIN_REPEAT_MS, MAX_REPEAT_MS = 1, 3_600_000
MAX_REPEAT_COUNT = 10_000_000
DEFAULT_RECONNECT_SECONDS = 2
MAX_RECONNECT_SECONDS = 3600
REPLY_PADDING = 12
REPLY_BOX_HEIGHT = 64  # pixels: a caption row and one line of reply, whatever the reply (never reflows)
REPLY_COLOUR = theme.LOG_COLOURS["client_in"]  # the same colour as replies in the conversation
_ENDINGS = (LineEnding.NONE, LineEnding.LF, LineEnding.CR, LineEnding.CRLF)
_TLS_MODES = (ClientMode.VERIFY, ClientMode.PIN, ClientMode.INSECURE)
# How a TLS connection shows in the status line, by how its certificate was trusted.
_TLS_STATUS = {
    ClientMode.VERIFY.value: "client.status.tls_verify",
    ClientMode.PIN.value: "client.status.tls_pin",
    ClientMode.INSECURE.value: "client.status.tls_insecure",
}
TLS_MENU_ROOM = 52  # pixels beside the longest mode's name in the TLS menu: its margins and its arrow


class ConnectionState(enum.Enum):
    IDLE = "idle"
    CONNECTING = "connecting"
    CONNECTED = "connected"
    DISCONNECTING = "disconnecting"


class ClientPanel(ctk.CTkFrame):  # type: ignore[misc]
    def __init__(
        self,
        master: Any,
        tr: Translator,
        fonts: Fonts,
        *,
        host: str,
        port: int,
        ending: LineEnding,
        mode: InputMode,
        history: list[str],
        recent: list[str],
        on_connect: Callable[[str, int], None],
        on_disconnect: Callable[[], None],
        on_send: Callable[[bytes, LineEnding], bool],
        on_saved: Callable[[], None],
        tls: bool = False,
        tls_mode: ClientMode = ClientMode.VERIFY,
        on_tls_changed: Callable[[], None] = lambda: None,
        on_forget: Callable[[], None] = lambda: None,
    ) -> None:
        super().__init__(master)
        self._tr = tr
        self._fonts = fonts
        self._on_connect, self._on_disconnect, self._on_send = on_connect, on_disconnect, on_send
        self._on_tls_changed = on_tls_changed
        self._tls_mode = tls_mode
        self.history = History(history)
        self.recent = list(recent)
        self.state = ConnectionState.IDLE
        self._ending = ending
        self._mode = mode
        self._repeat: _Repeat | None = None
        self._hint_error: Callable[[], str] | None = None  # what is wrong with the message typed, if anything
        self._hint_text: Callable[[], str] | None = None  # what the hint line says otherwise (None: the keys)
        self.columnconfigure(1, weight=1)

        self.title = ctk.CTkLabel(self, font=fonts.heading, anchor="w")
        self.title.grid(row=0, column=0, sticky="w", padx=PADDING, pady=(10, 4))
        # TLS beside the title: on or off, how the server's certificate is trusted, and a mark when it is not.
        security = ctk.CTkFrame(self, fg_color="transparent")
        security.grid(row=0, column=1, columnspan=2, sticky="e", padx=(8, PADDING), pady=(10, 4))
        self.insecure_label = ctk.CTkLabel(security, text="", font=fonts.small, text_color=theme.WARNING, anchor="e")
        self.insecure_label.grid(row=0, column=0, padx=(0, 10))
        self.tls_switch = ctk.CTkSwitch(security, font=fonts.body, width=40, command=self._tls_changed)
        self.tls_switch.grid(row=0, column=1)
        if tls:
            self.tls_switch.select()
        self.tls_menu = ctk.CTkOptionMenu(
            security, font=fonts.small, dropdown_font=fonts.small, dynamic_resizing=False, command=self._tls_picked
        )
        self.tls_menu.grid(row=0, column=2, padx=(6, 0))
        self.tls_tip = Tooltip(self.tls_menu, lambda: self._tr("client.tls_tip"), fonts.small)

        self.host_label = ctk.CTkLabel(self, font=fonts.body, anchor="w")
        self.host_label.grid(row=1, column=0, sticky="w", padx=(PADDING, 8), pady=4)
        target = ctk.CTkFrame(self, fg_color="transparent")
        target.grid(row=1, column=1, columnspan=2, sticky="ew", padx=(0, 14), pady=4)
        target.columnconfigure(0, weight=1)
        # The host field offers the last targets: picking one fills host and port.
        self.host_entry = ctk.CTkComboBox(target, font=fonts.body, values=self.recent, command=self.choose_recent)
        self.host_entry.set(host)
        self.host_entry.grid(row=0, column=0, sticky="ew")
        self.port_label = ctk.CTkLabel(target, font=fonts.body)
        self.port_label.grid(row=0, column=1, padx=(10, 6))
        self.port_entry = ctk.CTkEntry(target, width=72, font=fonts.body)
        self.port_entry.insert(0, str(port))
        self.port_entry.grid(row=0, column=2)
        self.connect_button = ctk.CTkButton(target, width=112, font=fonts.body, command=self._connect_pressed)
        self.connect_button.grid(row=0, column=3, padx=(10, 0))
        for entry in (self.host_entry, self.port_entry):
            entry.bind("<Return>", lambda _e: self.connect_button.invoke())
            entry.bind("<KP_Enter>", lambda _e: self.connect_button.invoke())

        # The status, and below it, after a certificate that is not the one trusted, the way to forget that one.
        said = ctk.CTkFrame(self, fg_color="transparent")
        said.grid(row=2, column=0, columnspan=3, sticky="ew", padx=PADDING, pady=(2, 4))
        said.columnconfigure(0, weight=1)
        self.status = StatusLine(said, fonts.body)
        self.status.grid(row=0, column=0, sticky="ew")
        self.forget_button = ctk.CTkButton(said, font=fonts.small, height=26, command=on_forget)
        self.forget_button.grid(row=1, column=0, sticky="w", pady=(4, 0))
        self.forget_button.grid_remove()  # shown by offer_forget

        self.message_label = ctk.CTkLabel(self, font=fonts.body, anchor="w")
        self.message_label.grid(row=3, column=0, sticky="w", padx=(PADDING, 8), pady=4)
        self.message_entry = ctk.CTkEntry(self, font=fonts.mono, height=34)
        self.message_entry.grid(row=3, column=1, sticky="ew", pady=4)
        sending = ctk.CTkFrame(self, fg_color="transparent")
        sending.grid(row=3, column=2, padx=(8, 14), pady=4)
        self.send_button = ctk.CTkButton(sending, width=84, height=34, font=fonts.body, command=self.send)
        self.send_button.grid(row=0, column=0)
        self.saved_button = ctk.CTkButton(sending, width=40, height=34, font=fonts.small, command=on_saved)
        self.saved_button.grid(row=0, column=1, padx=(6, 0))
        for key, action in (
            ("<Return>", self.send),
            ("<KP_Enter>", self.send),
            ("<Up>", self._history_older),
            ("<Down>", self._history_newer),
            ("<Escape>", self.clear_message),
        ):
            self.message_entry.bind(key, lambda _e, act=action: act() or "break")
        self.message_entry.bind("<KeyRelease>", lambda _e: self._check_typed(), add="+")

        self.hint = ctk.CTkLabel(self, font=fonts.small, text_color=theme.MUTED, anchor="w", height=16)
        self.hint.grid(row=4, column=1, columnspan=2, sticky="w")

        modes = ctk.CTkFrame(self, fg_color="transparent")
        modes.grid(row=5, column=0, columnspan=3, sticky="ew", padx=PADDING, pady=(4, 2))
        self.mode_label = ctk.CTkLabel(modes, font=fonts.body, anchor="w")
        self.mode_label.grid(row=0, column=0, sticky="w", padx=(0, 6))
        self.mode_picker = ctk.CTkSegmentedButton(modes, font=fonts.small, command=self._mode_picked)
        self.mode_picker.grid(row=0, column=1, sticky="w")
        self.ending_label = ctk.CTkLabel(modes, font=fonts.body, anchor="w")
        self.ending_label.grid(row=0, column=2, sticky="w", padx=(14, 6))
        self.ending_picker = ctk.CTkSegmentedButton(modes, font=fonts.small, command=self._ending_picked)
        self.ending_picker.grid(row=0, column=3, sticky="w")

        # Repeat and reconnect share a row: what a test bench does again by itself.
        again = ctk.CTkFrame(self, fg_color="transparent")
        again.grid(row=6, column=0, columnspan=3, sticky="ew", padx=PADDING, pady=2)
        again.columnconfigure(5, weight=1)
        self.repeat_label = ctk.CTkLabel(again, font=fonts.body, anchor="w")
        self.repeat_label.grid(row=0, column=0, sticky="w", padx=(0, 6))
        self.repeat_every = ctk.CTkEntry(again, width=56, font=fonts.small)
        self.repeat_every.insert(0, "1000")
        self.repeat_every.grid(row=0, column=1)
        self.repeat_times_label = ctk.CTkLabel(again, font=fonts.small, anchor="w")
        self.repeat_times_label.grid(row=0, column=2, padx=4)
        self.repeat_count = ctk.CTkEntry(again, width=48, font=fonts.small)
        self.repeat_count.grid(row=0, column=3)
        self.repeat_button = ctk.CTkButton(again, width=64, font=fonts.small, command=self._repeat_pressed)
        self.repeat_button.grid(row=0, column=4, padx=(6, 0))
        self.reconnect_box = ctk.CTkCheckBox(again, font=fonts.body, width=20)
        self.reconnect_box.grid(row=0, column=6, sticky="e")
        self.reconnect_every = ctk.CTkEntry(again, width=40, font=fonts.small)
        self.reconnect_every.insert(0, str(DEFAULT_RECONNECT_SECONDS))
        self.reconnect_every.grid(row=0, column=7, padx=(6, 4))
        self.reconnect_unit = ctk.CTkLabel(again, font=fonts.small, text_color=theme.MUTED, anchor="w")
        self.reconnect_unit.grid(row=0, column=8, sticky="w")

        reply = ctk.CTkFrame(self, fg_color=theme.PANEL_INSET, height=REPLY_BOX_HEIGHT)
        reply.grid(row=7, column=0, columnspan=3, sticky="ew", padx=PADDING, pady=(6, 12))
        reply.grid_propagate(False)  # a fixed height: a long reply never moves the window under the pointer
        reply.columnconfigure(0, weight=1)
        self.reply_box = reply
        self.reply_caption = ctk.CTkLabel(reply, font=fonts.small, text_color=theme.MUTED, anchor="w", height=18)
        self.reply_caption.grid(row=0, column=0, sticky="w", padx=REPLY_PADDING, pady=(6, 0))
        self.waiting_label = ctk.CTkLabel(reply, font=fonts.small, text_color=theme.WARNING, anchor="e", height=18)
        self.waiting_label.grid(row=0, column=1, sticky="e", padx=(0, 10), pady=(6, 0))
        self.rtt_label = ctk.CTkLabel(reply, font=fonts.small, text_color=theme.MUTED, anchor="e", height=18)
        self.rtt_label.grid(row=0, column=2, sticky="e", padx=(0, REPLY_PADDING), pady=(6, 0))
        self.reply_label = ctk.CTkLabel(reply, font=fonts.reply, text_color=REPLY_COLOUR, anchor="w", height=26)
        self.reply_label.grid(row=1, column=0, columnspan=3, sticky="ew", padx=REPLY_PADDING, pady=(0, 6))
        self._reply_font = fonts.reply
        self._reply: tuple[str, float | None] | None = None
        self._waiting: tuple[int, float | None] = (0, None)  # how many, since when (Stamp.mono)

        self.bind("<Configure>", self._fit_wraps)
        self.show_idle()
        self.retranslate()

    # -- what the user typed -------------------------------------------------------

    @property
    def host(self) -> str:
        return str(self.host_entry.get()).strip()

    @property
    def mode(self) -> InputMode:
        return self._mode

    @property
    def port_text(self) -> str:
        return str(self.port_entry.get())

    @property
    def tls_on(self) -> bool:
        """True when the client is to connect over TLS (the switch is on)."""
        return bool(self.tls_switch.get())

    @property
    def tls_mode(self) -> ClientMode:
        """How the server's certificate is to be trusted (the TLS menu's choice)."""
        return self._tls_mode

    @property
    def forget_offered(self) -> bool:
        return bool(self.forget_button.winfo_manager())

    @property
    def ending(self) -> LineEnding:
        return self._ending

    @property
    def message(self) -> str:
        return str(self.message_entry.get())

    def set_target(self, host: str, port: int) -> None:
        self.host_entry.set(host)
        replace_entry_text(self.port_entry, str(port))

    def set_message(self, text: str, mode: InputMode, ending: LineEnding) -> None:
        """Put a message in the box, as a saved one or a log entry gives it."""
        replace_entry_text(self.message_entry, text)
        self.choose_mode(mode)
        self.choose_ending(ending)
        self._check_typed()

    def choose_mode(self, mode: InputMode) -> None:
        self._mode = mode
        self.mode_picker.set(self._tr(f"input.mode.{mode.value}"))
        self._check_typed()

    def choose_ending(self, ending: LineEnding) -> None:
        self._ending = ending
        self.ending_picker.set(self._ending_name(ending))

    def add_recent(self, host: str, port: int) -> None:
        """Remember a target that answered: the newest first, each once, RECENT_TARGETS at most."""
        target = join_target(host, port)
        self.recent = [target, *(t for t in self.recent if t != target)][:RECENT_TARGETS]
        self.host_entry.configure(values=self.recent)

    def clear_message(self) -> None:
        self.message_entry.delete(0, "end")
        self.history.reset()
        self._check_typed()

    def typed_data(self) -> bytes | None:
        """The bytes the message box stands for in its input mode; None (and the reason shown) if it is not valid."""
        try:
            data = parse(self.message, self._mode)
        except InputError as exc:
            self._show_typed_error(exc)
            return None
        self._show_typed_error(None)
        return data

    def send(self) -> None:
        """Send what is typed (Enter or the Send button); kept in the box if it could not go."""
        data = self.typed_data()
        if data is None or (not data and self._ending is LineEnding.NONE):
            return  # invalid, or nothing at all would go on the wire
        if self._on_send(data, self._ending):
            self.history.add(self.message)
            self.message_entry.delete(0, "end")

    # -- repeat and reconnect ---------------------------------------------------------

    @property
    def repeating(self) -> bool:
        """True while a repeat sends (its answers are still counted for a while after it stopped)."""
        return self._repeat is not None and not self._repeat.done

    def start_repeat(self, message: tuple[bytes, LineEnding] | None = None) -> bool:
        """Send the message in the box (or `message`: a saved one's bytes and ending) every N ms, M times (or
        until stopped); False (and why) if it cannot."""
        every = _whole(self.repeat_every.get(), MIN_REPEAT_MS, MAX_REPEAT_MS)
        count_text = str(self.repeat_count.get()).strip()
        count = _whole(count_text, 1, MAX_REPEAT_COUNT) if count_text else 0
        data, ending = message if message is not None else (self.typed_data(), self._ending)
        if every is None or count is None:
            self.show_problem("client.repeat_invalid")
            return False
        if data is None or self.state is not ConnectionState.CONNECTED:
            return False
        self.stop_repeat()
        self._repeat = _Repeat(data, ending, every, count, RepeatSchedule(every / 1000, time.perf_counter()))
        self.repeat_button.configure(text=self._tr("client.repeat_stop"))
        self._repeat_tick()
        return True

    def stop_repeat(self) -> None:
        """No more sends; the replies still on their way are counted until the session ends or a new repeat."""
        repeat = self._repeat
        if repeat is None or repeat.done:
            return
        repeat.done = True
        if repeat.after_id is not None:
            self.after_cancel(repeat.after_id)
            repeat.after_id = None
        self.repeat_button.configure(text=self._tr("client.repeat_start"))
        self._show_repeat()

    def note_answered(self) -> None:
        """A reply completed: counted for the last repeat."""
        if self._repeat is not None:
            self._repeat.answered += 1
            self._show_repeat()

    @property
    def reconnect_seconds(self) -> float | None:
        """How long to wait before reconnecting by itself, if the user asked for it (None: do not)."""
        if not self.reconnect_box.get():
            return None
        seconds = _whole(self.reconnect_every.get(), 1, MAX_RECONNECT_SECONDS)
        return float(seconds) if seconds is not None else None

    def show_reconnecting(self, seconds: float, attempt: int) -> None:
        tr = self._tr
        self.status.show(lambda: tr("client.status.reconnecting", seconds=tr.decimal(seconds, 0), attempt=attempt))

    # -- states --------------------------------------------------------------------

    def show_idle(self) -> None:
        self._set_state(ConnectionState.IDLE)
        self.status.show(lambda: self._tr("client.status.idle"), theme.MUTED)

    def show_connecting(self, address: str) -> None:
        """Connecting to `address` (host:port as typed)."""
        self._set_state(ConnectionState.CONNECTING)
        self.forget_button.grid_remove()
        self.status.show(lambda: self._tr("client.status.connecting", address=address), theme.MUTED)

    def show_connected(
        self, address: str, local_port: int, tls: TlsInfo | None = None, first_seen: bool = False
    ) -> None:
        """Connected to `address` (as asked, and what answered when that differs) from `local_port`; over TLS
        when `tls` says how, its certificate seen for the first time with `first_seen`."""
        self._set_state(ConnectionState.CONNECTED)
        tr = self._tr

        def text() -> str:
            connected = tr("client.status.connected", address=address, local_port=local_port)
            if tls is None:
                return connected
            version = tls.version.replace("TLSv", "TLS ")  # TLSv1.3 -> TLS 1.3
            key = "client.status.tls_first_seen" if first_seen else _TLS_STATUS.get(tls.mode, "client.status.tls_pin")
            return f"{connected} · " + tr(key, version=version, fingerprint=short_fingerprint(tls.fingerprint))

        self.status.show(text, theme.WARNING if tls is not None and tls.insecure else theme.OK)
        self.message_entry.focus_set()

    def show_disconnecting(self) -> None:
        self._set_state(ConnectionState.DISCONNECTING)
        self.status.show(lambda: self._tr("client.status.disconnecting"), theme.MUTED)

    def show_closed(self, reason: DisconnectReason, error: ErrorInfo | None) -> None:
        """The session ended (or never began): why, in plain words; back to idle (a repeat stops)."""
        self.stop_repeat()
        self._repeat = None
        self._set_state(ConnectionState.IDLE)
        tr = self._tr

        def render() -> str:
            if reason in (DisconnectReason.CONNECT_FAILED, DisconnectReason.TLS_FAILED) and error is not None:
                return tr.error(error)
            closed = tr("client.status.closed", reason=tr.reason(reason))
            return f"{closed}. {tr.error(error)}" if error is not None else closed

        self.status.show(render, theme.ERROR if error is not None else theme.MUTED)

    def show_problem(self, key: str) -> None:
        self.status.show(lambda: self._tr(key), theme.ERROR)

    def offer_forget(self) -> None:
        """The server's certificate is not the one trusted: offer to forget that one (the button below the status)."""
        self.forget_button.grid()

    def show_forgotten(self, address: str) -> None:
        """The certificate trusted for `address` is forgotten: say what the next connect will do."""
        self.forget_button.grid_remove()
        self.status.show(lambda: self._tr("client.tls_forgotten", address=address), theme.MUTED)

    def show_reply(self, text: str, rtt: float | None) -> None:
        """The last reply, so far: its text as shown in the log, and its round trip once complete."""
        self._reply = (text, rtt)
        self._render_reply()

    def clear_reply(self) -> None:
        """A new connection: nothing of the last session's replies or waits stays on show."""
        self._reply = None
        self._waiting = (0, None)
        self._render_reply()
        self.refresh_waiting(0.0)

    def show_waiting(self, count: int, since: float | None) -> None:
        """How many messages wait for a reply, and since when (a Stamp.mono); shown beside the last reply."""
        self._waiting = (count, since)

    def refresh_waiting(self, now: float) -> None:
        """Called now and then: "2 waiting for a reply · 7 s", or nothing."""
        count, since = self._waiting
        if count and since is not None:
            text = self._tr("session.waiting", count=count, seconds=self._tr.decimal(max(0.0, now - since), 0))
        else:
            text = ""
        if self.waiting_label.cget("text") != text:
            self.waiting_label.configure(text=text)

    def show_word_answered(self, text: str) -> None:
        """The server answered DESCONEXION instead of closing: say so; the session goes on."""
        self.status.show(lambda: text, theme.WARNING)

    def retranslate(self) -> None:
        tr = self._tr
        self.title.configure(text=tr("client.title"))
        self.tls_switch.configure(text=tr("tls.switch"))
        names = [self._tls_mode_name(mode) for mode in _TLS_MODES]
        widest = max(int(self._fonts.small.measure(name)) for name in names)
        self.tls_menu.configure(values=names, width=widest + TLS_MENU_ROOM)
        self.tls_menu.set(self._tls_mode_name(self._tls_mode))
        self.forget_button.configure(text=tr("client.tls_forget"))
        self._show_insecure()
        self.host_label.configure(text=tr("client.host"))
        self.port_label.configure(text=tr("common.port"))
        self.message_label.configure(text=tr("client.message"))
        self.send_button.configure(text=tr("client.send"))
        self.mode_label.configure(text=tr("client.input"))
        self.mode_picker.configure(values=[tr(f"input.mode.{mode.value}") for mode in InputMode])
        self.mode_picker.set(tr(f"input.mode.{self._mode.value}"))
        self.ending_label.configure(text=tr("client.line_ending"))
        self.ending_picker.configure(values=[self._ending_name(e) for e in _ENDINGS])
        self.ending_picker.set(self._ending_name(self._ending))
        self.repeat_label.configure(text=tr("client.repeat"))
        self.repeat_times_label.configure(text=tr("client.repeat_times"))
        self.repeat_button.configure(text=tr("client.repeat_stop" if self.repeating else "client.repeat_start"))
        self.saved_button.configure(text=tr("client.saved"))
        self.reconnect_box.configure(text=tr("client.reconnect"))
        self.reconnect_unit.configure(text=tr("client.reconnect_unit"))
        self._refresh_hint()
        self.reply_caption.configure(text=tr("client.last_reply"))
        self._set_state(self.state)
        self._render_reply()
        self.status.refresh()

    # -- inside --------------------------------------------------------------------

    def choose_tls_mode(self, mode: ClientMode) -> None:
        """Set how the server's certificate is trusted, as picking it in the TLS menu would."""
        self.tls_menu.set(self._tls_mode_name(mode))
        self._tls_picked(self._tls_mode_name(mode))

    def _tls_mode_name(self, mode: ClientMode) -> str:
        return self._tr(f"client.tls_mode.{mode.value}")

    def _tls_picked(self, label: str) -> None:
        for mode in _TLS_MODES:
            if self._tls_mode_name(mode) == label:
                self._tls_mode = mode
        self._tls_changed()

    def _tls_changed(self) -> None:
        self.forget_button.grid_remove()  # offered for the last connect's certificate, in the mode it used
        self._set_state(self.state)
        self._show_insecure()
        self._on_tls_changed()

    def _show_insecure(self) -> None:
        """The mark beside the switch: TLS that checks nothing is marked insecure before anything is sent."""
        insecure = self.tls_on and self._tls_mode is ClientMode.INSECURE
        self.insecure_label.configure(text=self._tr("client.tls_insecure") if insecure else "")

    def _ending_name(self, ending: LineEnding) -> str:
        return self._tr(f"ending.{ending.name.lower()}")

    def _ending_picked(self, label: str) -> None:
        for ending in _ENDINGS:
            if self._ending_name(ending) == label:
                self._ending = ending

    def _mode_picked(self, label: str) -> None:
        for mode in InputMode:
            if self._tr(f"input.mode.{mode.value}") == label:
                self._mode = mode
        self._check_typed()

    def choose_recent(self, chosen: str) -> None:
        """A target picked from the host field's list: its host and its port fill the fields."""
        host, port = split_target(chosen)
        self.host_entry.set(host)
        if port is not None:
            replace_entry_text(self.port_entry, str(port))

    def _check_typed(self) -> None:
        """Say at once, beside the box, what is wrong with an escape or a hex digit (nothing is sent)."""
        try:
            parse(self.message, self._mode)
        except InputError as exc:
            self._show_typed_error(exc)
            return
        self._show_typed_error(None)

    def _show_typed_error(self, error: InputError | None) -> None:
        self._hint_error = (lambda: self._tr.input_error(error)) if error is not None else None
        self._refresh_hint()

    def _set_hint(self, render: Callable[[], str]) -> None:
        self._hint_text = render
        self._refresh_hint()

    def _refresh_hint(self) -> None:
        if self._hint_error is not None:
            self.hint.configure(text=self._hint_error(), text_color=theme.ERROR)
        else:
            render = self._hint_text
            self.hint.configure(text=render() if render else self._tr("client.message_hint"), text_color=theme.MUTED)

    def _repeat_pressed(self) -> None:
        if self.repeating:
            self.stop_repeat()
        else:
            self.start_repeat()

    def _repeat_tick(self) -> None:
        repeat = self._repeat
        if repeat is None or repeat.done:
            return
        repeat.after_id = None
        if self.state is not ConnectionState.CONNECTED or not self._on_send(repeat.data, repeat.ending):
            self.stop_repeat()
            return
        repeat.sent += 1
        self._show_repeat()
        if repeat.count and repeat.sent >= repeat.count:
            self.stop_repeat()
            return
        # Due on the grid from the start (never `every` after this send): late ticks do not add up.
        wait = repeat.schedule.wait(repeat.sent, time.perf_counter())
        repeat.after_id = self.after(round(wait * 1000), self._repeat_tick)

    def _show_repeat(self) -> None:
        repeat, tr = self._repeat, self._tr
        if repeat is not None:
            sent, answered = repeat.sent, repeat.answered
            key = "client.repeat_done" if repeat.done else "client.repeat_progress"
            self._set_hint(lambda: tr(key, sent=tr.count(sent), answered=tr.count(answered)))

    def _render_reply(self) -> None:
        if self._reply is None:
            self.reply_label.configure(text=self._tr("client.no_reply"), text_color=theme.MUTED)
            self.rtt_label.configure(text="")
            return
        text, rtt = self._reply
        text = text or self._tr("log.empty")  # a reply with no text at all, said so
        width = self.reply_box.winfo_width() - 2 * REPLY_PADDING
        shown = fit_text(text, self._reply_font, width) if width > 1 else text[:80]
        self.reply_label.configure(text=shown or " ", text_color=REPLY_COLOUR)
        self.rtt_label.configure(text=self._tr("client.rtt", rtt=self._tr.duration(rtt)) if rtt is not None else "")

    def _fit_wraps(self, event: Any) -> None:
        fit_wrap(self.status, int(event.width) - 2 * PADDING)
        if self._reply is not None:
            self._render_reply()

    def _set_state(self, state: ConnectionState) -> None:
        self.state = state
        idle = state is ConnectionState.IDLE
        connected = state is ConnectionState.CONNECTED
        self.connect_button.configure(text=self._tr("client.connect" if idle else "client.disconnect"))
        set_enabled(self.connect_button, idle or connected)
        set_enabled(self.send_button, connected)
        set_enabled(self.repeat_button, connected)
        for entry in (self.host_entry, self.port_entry, self.tls_switch):
            set_enabled(entry, idle)
        set_enabled(self.tls_menu, idle and self.tls_on)

    def _connect_pressed(self) -> None:
        if self.state is ConnectionState.CONNECTED:
            self._on_disconnect()
            return
        if self.state is not ConnectionState.IDLE:
            return
        port = parse_port(self.port_text, LOWEST_CLIENT_PORT)
        if not self.host:
            self.show_problem("client.host_empty")
        elif port is None:
            self.show_problem("client.port_invalid")
        else:
            self._on_connect(self.host, port)

    def _history_older(self) -> None:
        text = self.history.older(self.message)
        if text is not None:
            replace_entry_text(self.message_entry, text)

    def _history_newer(self) -> None:
        text = self.history.newer()
        if text is not None:
            replace_entry_text(self.message_entry, text)


@dataclass(slots=True)
class _Repeat:
    """A repeat under way: what goes out, how often, how many times (0: until stopped), and the counts."""

    data: bytes
    ending: LineEnding
    every_ms: int
    count: int
    schedule: RepeatSchedule
    sent: int = 0
    answered: int = 0
    after_id: str | None = None
    done: bool = False  # no more sends (answers still count)


def _whole(text: str, lowest: int, highest: int) -> int | None:
    """A whole number typed in a field, or None if it is not one from `lowest` to `highest`."""
    text = str(text).strip()
    if not (text.isascii() and text.isdigit()):
        return None
    value = int(text)
    return value if lowest <= value <= highest else None


def join_target(host: str, port: int) -> str:
    """host:port, with an IPv6 address in brackets: [::1]:5000."""
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


def split_target(text: str) -> tuple[str, int | None]:
    """The host and port of "host:port" or "[v6]:port"; the port is None when there is none."""
    text = text.strip()
    if text.startswith("[") and "]" in text:
        host, _, rest = text[1:].partition("]")
        port = rest[1:] if rest.startswith(":") else ""
    elif text.count(":") == 1:
        host, _, port = text.partition(":")
    else:
        return text, None
    return host, int(port) if port.isdigit() and int(port) <= 65535 else None
