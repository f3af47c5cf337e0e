"""The server's controls: where to listen, TLS, Start/Stop, status, the certificate's fingerprint and live counters.

While the panel's view is hidden (`set_view_shown`) the counters and the chart keep their
figures without drawing them: they are drawn once the view is shown again.
"""

from __future__ import annotations

import enum
import time
import tkinter
from collections.abc import Callable
from typing import Any

from core.defaults import ALL_INTERFACES_HOST, DEFAULT_HOST
from core.errors import ErrorInfo
from core.events import ServerStats
from core.tls import short_fingerprint
from gui import theme
from gui.charts import Axis, ChartSpec, Line, LiveChart
from gui.fonts import Fonts
from gui.panels.widgets import (
    PADDING,
    CounterTile,
    StatusLine,
    Tooltip,
    fit_wrap,
    parse_port,
    replace_entry_text,
    set_enabled,
)
from gui.parts.samples import WINDOW_SECONDS, ServerHistory
from gui.toolkit import ctk
from words import Translator

MAX_ADDRESSES_SHOWN = 4  # the rest are counted: the line stays short
TILES_PER_ROW = 3
# Port 0 asks the system for any free port; the status line then shows the real one.
LOWEST_SERVER_PORT = 0


class ServerState(enum.Enum):
    STOPPED = "stopped"
    STARTING = "starting"
    RUNNING = "running"
    STOPPING = "stopping"


_COUNTERS = ("clients", "messages", "bytes_in", "bytes_out", "rate", "refused", "pushed")

# Beside the counters: messages/s (left axis) and connected clients (right axis) over the last minute.
SERVER_CHART = ChartSpec(
    axes=(
        Axis((Line("rate", "serverchart.rate", theme.LOG_COLOURS["client_out"]),), floor=10.0),
        Axis(
            (Line("clients", "serverchart.clients", theme.LOG_COLOURS["server_in"]),), floor=4.0, twin=True, whole=True
        ),
    ),
    placeholder="serverchart.placeholder",
    x_window=WINDOW_SECONDS,
    font_size=7.5,
    y_ticks=3,
    x_ticks=4,
)
CHART_MIN_WIDTH = 150
COPIED_SHOWN_MS = 1500  # how long "copied" stands in for the fingerprint after a click
WIDEST_COUNT = "8,888,888"


class ServerPanel(ctk.CTkFrame):  # type: ignore[misc]
    def __init__(
        self,
        master: Any,
        tr: Translator,
        fonts: Fonts,
        *,
        host: str,
        port: int,
        theme_name: str,
        tls: bool = False,
        on_start: Callable[[str, int], None],
        on_stop: Callable[[], None],
        on_tls_changed: Callable[[], None] = lambda: None,
    ) -> None:
        super().__init__(master)
        self._tr = tr
        self._on_start, self._on_stop = on_start, on_stop
        self.state = ServerState.STOPPED
        self._fingerprint: str | None = None  # the certificate's, while a TLS server runs
        self._copied_after: str | None = None
        self.columnconfigure(1, weight=1)

        self.title = ctk.CTkLabel(self, font=fonts.heading, anchor="w")
        self.title.grid(row=0, column=0, sticky="w", padx=PADDING, pady=(10, 4))
        # A TLS server: its certificate's fingerprint beside the switch, short (the tip shows it whole; a click
        # copies it).
        self.fingerprint_label = ctk.CTkLabel(self, text="", font=fonts.small, text_color=theme.MUTED, cursor="hand2")
        self.fingerprint_label.grid(row=0, column=1, sticky="e", pady=(10, 4))
        self.fingerprint_label.bind("<Button-1>", lambda _event: self.copy_fingerprint(), add="+")
        self.fingerprint_tip = Tooltip(self.fingerprint_label, self._fingerprint_tip, fonts.small)
        # TLS, off by default: set before Start, fixed while the server runs.
        self.tls_switch = ctk.CTkSwitch(self, font=fonts.body, width=40, command=on_tls_changed)
        self.tls_switch.grid(row=0, column=2, sticky="e", padx=(8, PADDING), pady=(10, 4))
        if tls:
            self.tls_switch.select()
        self.tls_tip = Tooltip(self.tls_switch, lambda: self._tr("server.tls_tip"), fonts.small)

        self.listen_label = ctk.CTkLabel(self, font=fonts.body, anchor="w")
        self.listen_label.grid(row=1, column=0, sticky="nw", padx=(PADDING, 8), pady=2)
        self.host_var = tkinter.StringVar(self, value=host)
        choices = ctk.CTkFrame(self, fg_color="transparent")
        choices.grid(row=1, column=1, columnspan=2, sticky="w", pady=2)
        self.local_choice = ctk.CTkRadioButton(
            choices, variable=self.host_var, value=DEFAULT_HOST, font=fonts.body, command=self._host_changed
        )
        self.all_choice = ctk.CTkRadioButton(
            choices, variable=self.host_var, value=ALL_INTERFACES_HOST, font=fonts.body, command=self._host_changed
        )
        self.local_choice.grid(row=0, column=0, sticky="w", pady=(4, 3))
        self.all_choice.grid(row=1, column=0, sticky="w", pady=(3, 0))
        self.warning = ctk.CTkLabel(choices, font=fonts.small, text_color=theme.WARNING, anchor="w", height=18)
        self.warning.grid(row=2, column=0, sticky="w", padx=(28, 0))

        self.port_label = ctk.CTkLabel(self, font=fonts.body, anchor="w")
        self.port_label.grid(row=2, column=0, sticky="w", padx=(PADDING, 8), pady=(8, 4))
        row = ctk.CTkFrame(self, fg_color="transparent")
        row.grid(row=2, column=1, columnspan=2, sticky="w", pady=(8, 4))
        self.port_entry = ctk.CTkEntry(row, width=90, font=fonts.body)
        self.port_entry.insert(0, str(port))
        self.port_entry.grid(row=0, column=0)
        self.start_stop = ctk.CTkButton(row, width=110, font=fonts.body, command=self._start_stop_pressed)
        self.start_stop.grid(row=0, column=1, padx=(10, 0))
        for key in ("<Return>", "<KP_Enter>"):
            self.port_entry.bind(key, lambda _e: self.start_stop.invoke())

        self.status = StatusLine(self, fonts.body)
        self.status.grid(row=3, column=0, columnspan=3, sticky="ew", padx=PADDING, pady=(4, 2))
        # Listening on every interface: the addresses other machines can use (read from the interfaces).
        self.addresses = ctk.CTkLabel(
            self, text="", font=fonts.small, text_color=theme.MUTED, anchor="w", justify="left"
        )
        self.addresses.grid(row=4, column=0, columnspan=3, sticky="ew", padx=PADDING)
        self._addresses: list[str] = []

        live = ctk.CTkFrame(self, fg_color="transparent")
        live.grid(row=5, column=0, columnspan=3, sticky="ew", padx=PADDING, pady=(2, 10))
        live.columnconfigure(1, weight=1, minsize=CHART_MIN_WIDTH)
        tiles = ctk.CTkFrame(live, fg_color="transparent")
        tiles.grid(row=0, column=0, sticky="nw")
        self.history = ServerHistory()
        self.chart = LiveChart(live, tr, fonts.small, SERVER_CHART, theme_name)
        self.chart.grid(row=0, column=1, sticky="nsew")
        self.counters: dict[str, CounterTile] = {}
        self.view_shown = True  # False while another view of the window is shown
        self._figures: dict[str, str] = {}  # what the counters will show, kept while the view is hidden
        # Columns as wide as a 7-digit count from the start: numbers that grow do not resize the chart beside
        # them (a resize draws the chart whole).
        column_width = int(fonts.value.measure(WIDEST_COUNT))
        for column in range(TILES_PER_ROW):
            tiles.columnconfigure(column, minsize=column_width)
        for place, name in enumerate(_COUNTERS):  # rows of three: they fit the narrowest window
            tile = CounterTile(tiles, fonts.small, fonts.value)
            tile.grid(row=place // TILES_PER_ROW, column=place % TILES_PER_ROW, sticky="w", padx=(0, 18), pady=(0, 4))
            self.counters[name] = tile

        self.bind("<Configure>", lambda event: fit_wrap(self.status, int(event.width) - 2 * PADDING))
        self.show_stopped()
        self.retranslate()

    # -- what the user typed -------------------------------------------------------

    @property
    def host(self) -> str:
        return str(self.host_var.get())

    @property
    def port_text(self) -> str:
        return str(self.port_entry.get())

    def set_port(self, port: int) -> None:
        replace_entry_text(self.port_entry, str(port))

    @property
    def tls_on(self) -> bool:
        """True when the server is to speak TLS (the switch is on)."""
        return bool(self.tls_switch.get())

    @property
    def fingerprint(self) -> str | None:
        """The full fingerprint of the certificate the running server presents (None: no TLS server runs)."""
        return self._fingerprint

    def choose_host(self, host: str) -> None:
        """Pick where to listen, as a click on its choice would."""
        self.host_var.set(host)
        self._host_changed()

    def counter_text(self, name: str) -> str:
        """What a live counter shows ("clients", "messages", "bytes_in", "bytes_out", "rate", "refused", "pushed"):
        on screen, or once its view is shown again."""
        return self._figures.get(name) or str(self.counters[name].value.cget("text"))

    # -- states --------------------------------------------------------------------

    def show_starting(self, port: int) -> None:
        self._set_state(ServerState.STARTING)
        self.status.show(lambda: self._tr("server.status.starting", port=port), theme.MUTED)

    def show_listening(
        self, listening: str, addresses: list[str] | None = None, fingerprint: str | None = None
    ) -> None:
        """Listening on `listening` (127.0.0.1:5000, [::1]:5000); `addresses` are this machine's own, for
        other machines (all interfaces); `fingerprint`, the certificate's, when the server speaks TLS."""
        self._set_state(ServerState.RUNNING)
        key = "server.status.listening" if fingerprint is None else "server.status.listening_tls"
        self.status.show(lambda: self._tr(key, address=listening), theme.OK)
        self._addresses = list(addresses or [])
        self._show_addresses()
        self._fingerprint = fingerprint
        self._show_fingerprint()
        if self.history.last is None:  # the chart starts with the server, even before any client comes
            self.history.add(time.perf_counter(), 0, 0)
            self.refresh_chart()

    def _show_addresses(self) -> None:
        shown = ", ".join(self._addresses[:MAX_ADDRESSES_SHOWN])
        more = len(self._addresses) - MAX_ADDRESSES_SHOWN
        if more > 0:
            shown += f" (+{more})"
        self.addresses.configure(text=self._tr("server.addresses", addresses=shown) if shown else "")

    def show_stopping(self) -> None:
        self._set_state(ServerState.STOPPING)
        self.status.show(lambda: self._tr("server.status.stopping"), theme.MUTED)

    def show_stopped(self, error: ErrorInfo | None = None) -> None:
        """Back to idle: stopped, or why it could not start or go on (in plain words, in the UI's language)."""
        self._set_state(ServerState.STOPPED)
        self._addresses = []
        self._show_addresses()
        self._fingerprint = None
        self._show_fingerprint()
        if self.history.last is not None:
            self.history.add_stopped(time.perf_counter())
        if error is not None:
            self.status.show(lambda: self._tr.error(error), theme.ERROR)
        else:
            self.status.show(lambda: self._tr("server.status.stopped"), theme.MUTED)

    def show_counters(self, stats: ServerStats) -> None:
        """The exact totals on the counters; the chart takes them as a sample (drawn by `refresh_chart`)."""
        self.history.add(stats.when.mono, stats.messages_in, stats.clients)
        count = self._tr.count
        self._set_figure("clients", count(stats.clients))
        self._set_figure("messages", count(stats.messages_in))
        self._set_figure("bytes_in", count(stats.bytes_in))
        self._set_figure("bytes_out", count(stats.bytes_out))
        self._set_figure("refused", count(stats.refused))
        self._set_figure("pushed", count(stats.pushed))

    def show_rate(self, per_second: float) -> None:
        self._set_figure("rate", self._tr.count(round(per_second)))

    def reset_counters(self) -> None:
        """A server starting: every counter at zero, the chart's minute forgotten."""
        for name in self.counters:
            self._set_figure(name, "0")
        self.history.reset()

    def set_view_shown(self, shown: bool) -> None:
        """The panel's view was shown or hidden; shown again, the counters and the chart catch up."""
        if shown == self.view_shown:
            return
        self.view_shown = shown
        if shown:
            for name, text in self._figures.items():
                self.counters[name].set_value(text)
            self.refresh_chart()

    def _set_figure(self, name: str, text: str) -> None:
        """A counter's new figure: shown now, or kept until the view is shown."""
        self._figures[name] = text
        if self.view_shown:
            self.counters[name].set_value(text)

    def refresh_chart(self, now: float | None = None) -> None:
        """Draw the last minute up to `now` (perf_counter seconds); called a few times a second.

        Once the server has been stopped for a whole minute there is nothing left to move; while the view is
        hidden nothing is drawn (the samples are kept: `set_view_shown` draws them).
        """
        now = time.perf_counter() if now is None else now
        last = self.history.last
        if (
            not self.view_shown
            or last is None
            or (self.state is ServerState.STOPPED and now - last.at > WINDOW_SECONDS + 1)
        ):
            return
        x, columns = self.history.series(now)
        self.chart.show(x, columns)

    def copy_fingerprint(self) -> None:
        """Put the whole fingerprint on the clipboard (a click on it), and say so for a moment."""
        if self._fingerprint is None:
            return
        self.clipboard_clear()
        self.clipboard_append(self._fingerprint)
        self._cancel_copied()
        self.fingerprint_label.configure(text=self._tr("server.tls_copied"))
        self._copied_after = self.after(COPIED_SHOWN_MS, self._copied_over)

    def apply_theme(self, name: str) -> None:
        self.chart.apply_theme(name)

    def retranslate(self) -> None:
        tr = self._tr
        self.title.configure(text=tr("server.title"))
        self.tls_switch.configure(text=tr("tls.switch"))
        self.listen_label.configure(text=tr("server.listen_on"))
        self.local_choice.configure(text=tr("server.local_only"))
        self.all_choice.configure(text=tr("server.all_interfaces"))
        self._host_changed()
        self.port_label.configure(text=tr("common.port"))
        for name, tile in self.counters.items():
            tile.set_caption(tr(f"counter.{name}"))
        self._set_state(self.state)
        self.status.refresh()
        self._show_addresses()
        self._show_fingerprint()
        self.chart.retranslate()

    # -- inside --------------------------------------------------------------------

    def _set_state(self, state: ServerState) -> None:
        self.state = state
        stopped = state is ServerState.STOPPED
        self.start_stop.configure(text=self._tr("server.start" if stopped else "server.stop"))
        set_enabled(self.start_stop, state in (ServerState.STOPPED, ServerState.RUNNING, ServerState.STARTING))
        for widget in (self.port_entry, self.local_choice, self.all_choice, self.tls_switch):
            set_enabled(widget, stopped)

    def _show_fingerprint(self) -> None:
        self._cancel_copied()
        shown = "" if self._fingerprint is None else short_fingerprint(self._fingerprint)
        self.fingerprint_label.configure(text=self._tr("server.tls_fingerprint", fingerprint=shown) if shown else "")

    def _fingerprint_tip(self) -> str:
        if self._fingerprint is None:
            return ""
        return self._tr("server.tls_fingerprint_tip", fingerprint=self._fingerprint)

    def _copied_over(self) -> None:
        self._copied_after = None
        self._show_fingerprint()

    def _cancel_copied(self) -> None:
        if self._copied_after is not None:
            self.after_cancel(self._copied_after)
            self._copied_after = None

    def _host_changed(self) -> None:
        # The line keeps its place when empty, so the panel does not jump.
        warn = self.host == ALL_INTERFACES_HOST
        self.warning.configure(text=self._tr("server.all_warning") if warn else "")

    def _start_stop_pressed(self) -> None:
        if self.state is not ServerState.STOPPED:
            self._on_stop()
            return
        port = parse_port(self.port_text, LOWEST_SERVER_PORT)
        if port is None:
            self.status.show(lambda: self._tr("server.port_invalid"), theme.ERROR)
            return
        self._on_start(self.host, port)
