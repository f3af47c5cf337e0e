"""The client's controls: where to connect, the message box, line ending, the last reply and what is pending."""

from __future__ import annotations

import enum
from collections.abc import Callable
from typing import Any

import customtkinter as ctk

from core.defaults import LineEnding
from core.errors import ErrorInfo
from core.events import DisconnectReason
from gui import theme
from gui.fonts import Fonts
from gui.panels.widgets import PADDING, StatusLine, fit_text, fit_wrap, parse_port, replace_entry_text, set_enabled
from gui.parts.history import History
from words import Translator

LOWEST_CLIENT_PORT = 1
REPLY_PADDING = 12
REPLY_BOX_HEIGHT = 64  # pixels: a caption row and one line of reply, whatever the reply (never reflows)
REPLY_COLOUR = theme.LOG_COLOURS["client_in"]  # the same colour as replies in the conversation
_ENDINGS = (LineEnding.NONE, LineEnding.LF, LineEnding.CR, LineEnding.CRLF)


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
        history: list[str],
        on_connect: Callable[[str, int], None],
        on_disconnect: Callable[[], None],
        on_send: Callable[[str], bool],
    ) -> None:
        super().__init__(master)
        self._tr = tr
        self._on_connect, self._on_disconnect, self._on_send = on_connect, on_disconnect, on_send
        self.history = History(history)
        self.state = ConnectionState.IDLE
        self._ending = ending
        self.columnconfigure(1, weight=1)

        self.title = ctk.CTkLabel(self, font=fonts.heading, anchor="w")
        self.title.grid(row=0, column=0, columnspan=3, sticky="w", padx=PADDING, pady=(10, 4))

        self.host_label = ctk.CTkLabel(self, font=fonts.body, anchor="w")
        self.host_label.grid(row=1, column=0, sticky="w", padx=(PADDING, 8), pady=4)
        target = ctk.CTkFrame(self, fg_color="transparent")
        target.grid(row=1, column=1, columnspan=2, sticky="ew", padx=(0, 14), pady=4)
        target.columnconfigure(0, weight=1)
        self.host_entry = ctk.CTkEntry(target, font=fonts.body)
        self.host_entry.insert(0, host)
        self.host_entry.grid(row=0, column=0, sticky="ew")
        self.port_label = ctk.CTkLabel(target, font=fonts.body)
        self.port_label.grid(row=0, column=1, padx=(10, 6))
        self.port_entry = ctk.CTkEntry(target, width=80, font=fonts.body)
        self.port_entry.insert(0, str(port))
        self.port_entry.grid(row=0, column=2)
        self.connect_button = ctk.CTkButton(target, width=120, font=fonts.body, command=self._connect_pressed)
        self.connect_button.grid(row=0, column=3, padx=(10, 0))
        for entry in (self.host_entry, self.port_entry):
            entry.bind("<Return>", lambda _e: self.connect_button.invoke())
            entry.bind("<KP_Enter>", lambda _e: self.connect_button.invoke())

        self.status = StatusLine(self, fonts.body)
        self.status.grid(row=2, column=0, columnspan=3, sticky="ew", padx=PADDING, pady=(2, 6))

        self.message_label = ctk.CTkLabel(self, font=fonts.body, anchor="w")
        self.message_label.grid(row=3, column=0, sticky="w", padx=(PADDING, 8), pady=4)
        self.message_entry = ctk.CTkEntry(self, font=fonts.mono, height=34)
        self.message_entry.grid(row=3, column=1, sticky="ew", pady=4)
        self.send_button = ctk.CTkButton(self, width=100, height=34, font=fonts.body, command=self.send)
        self.send_button.grid(row=3, column=2, padx=(10, 14), pady=4)
        for key, action in (
            ("<Return>", self.send),
            ("<KP_Enter>", self.send),
            ("<Up>", self._history_older),
            ("<Down>", self._history_newer),
            ("<Escape>", self.clear_message),
        ):
            self.message_entry.bind(key, lambda _e, act=action: act() or "break")

        self.hint = ctk.CTkLabel(self, font=fonts.small, text_color=theme.MUTED, anchor="w", height=16)
        self.hint.grid(row=4, column=1, columnspan=2, sticky="w")

        self.ending_label = ctk.CTkLabel(self, font=fonts.body, anchor="w")
        self.ending_label.grid(row=5, column=0, sticky="w", padx=(PADDING, 8), pady=(6, 4))
        self.ending_picker = ctk.CTkSegmentedButton(self, font=fonts.body, command=self._ending_picked)
        self.ending_picker.grid(row=5, column=1, sticky="w", pady=(6, 4))

        reply = ctk.CTkFrame(self, fg_color=theme.PANEL_INSET, height=REPLY_BOX_HEIGHT)
        reply.grid(row=6, column=0, columnspan=3, sticky="ew", padx=PADDING, pady=(8, 12))
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
    def port_text(self) -> str:
        return str(self.port_entry.get())

    @property
    def ending(self) -> LineEnding:
        return self._ending

    @property
    def message(self) -> str:
        return str(self.message_entry.get())

    def set_target(self, host: str, port: int) -> None:
        replace_entry_text(self.host_entry, host)
        replace_entry_text(self.port_entry, str(port))

    def clear_message(self) -> None:
        self.message_entry.delete(0, "end")
        self.history.reset()

    def send(self) -> None:
        """Send what is typed (Enter or the Send button); kept in the box if it could not go."""
        text = self.message
        if not text and self._ending is LineEnding.NONE:
            return  # nothing at all would go on the wire
        if self._on_send(text):
            self.history.add(text)
            self.message_entry.delete(0, "end")

    # -- states --------------------------------------------------------------------

    def show_idle(self) -> None:
        self._set_state(ConnectionState.IDLE)
        self.status.show(lambda: self._tr("client.status.idle"), theme.MUTED)

    def show_connecting(self, host: str, port: int) -> None:
        self._set_state(ConnectionState.CONNECTING)
        self.status.show(lambda: self._tr("client.status.connecting", host=host, port=port), theme.MUTED)

    def show_connected(self, host: str, port: int, local_port: int) -> None:
        self._set_state(ConnectionState.CONNECTED)
        text = lambda: self._tr("client.status.connected", host=host, port=port, local_port=local_port)  # noqa: E731
        self.status.show(text, theme.OK)
        self.message_entry.focus_set()

    def show_disconnecting(self) -> None:
        self._set_state(ConnectionState.DISCONNECTING)
        self.status.show(lambda: self._tr("client.status.disconnecting"), theme.MUTED)

    def show_closed(self, reason: DisconnectReason, error: ErrorInfo | None) -> None:
        """The session ended (or never began): why, in plain words; back to idle."""
        self._set_state(ConnectionState.IDLE)
        tr = self._tr

        def render() -> str:
            if reason is DisconnectReason.CONNECT_FAILED and error is not None:
                return tr.error(error)
            closed = tr("client.status.closed", reason=tr.reason(reason))
            return f"{closed}. {tr.error(error)}" if error is not None else closed

        self.status.show(render, theme.ERROR if error is not None else theme.MUTED)

    def show_problem(self, key: str) -> None:
        self.status.show(lambda: self._tr(key), theme.ERROR)

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
        self.host_label.configure(text=tr("client.host"))
        self.port_label.configure(text=tr("common.port"))
        self.message_label.configure(text=tr("client.message"))
        self.send_button.configure(text=tr("client.send"))
        self.hint.configure(text=tr("client.message_hint"))
        self.ending_label.configure(text=tr("client.line_ending"))
        self.ending_picker.configure(values=[self._ending_name(e) for e in _ENDINGS])
        self.ending_picker.set(self._ending_name(self._ending))
        self.reply_caption.configure(text=tr("client.last_reply"))
        self._set_state(self.state)
        self._render_reply()
        self.status.refresh()

    # -- inside --------------------------------------------------------------------

    def _ending_name(self, ending: LineEnding) -> str:
        return self._tr(f"ending.{ending.name.lower()}")

    def _ending_picked(self, label: str) -> None:
        for ending in _ENDINGS:
            if self._ending_name(ending) == label:
                self._ending = ending

    def _render_reply(self) -> None:
        if self._reply is None:
            self.reply_label.configure(text=self._tr("client.no_reply"), text_color=theme.MUTED)
            self.rtt_label.configure(text="")
            return
        text, rtt = self._reply
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
        for entry in (self.host_entry, self.port_entry):
            set_enabled(entry, idle)

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
