"""The load test view: a target and settings, Start and Cancel, live progress, counters and a chart, the summary,
the last runs, and the results saved as CSV and the chart as PNG.

The run itself happens in other processes (core.load, through gui/parts/load_session.py);
this view polls what it reports a few times a second on the Tk thread, so the window
stays responsive. Only the host typed in the form is contacted. `close()` (the window
closing) cancels a run still going and waits until its processes have ended.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from pathlib import Path
from tkinter import filedialog, ttk
from typing import Any

import platformdirs

from core.load import LoadProgress, LoadResult, Payload
from core.version import app_version
from gui import theme
from gui.charts import Axis, ChartSpec, Line, LiveChart
from gui.fonts import Fonts
from gui.panels.widgets import PADDING, CounterTile, StatusLine, fit_wrap, replace_entry_text, set_enabled
from gui.parts.load_form import BOUNDS, DURATION, MESSAGES, FormProblem, LoadForm, read_form
from gui.parts.load_session import LoadSession, Polled
from gui.parts.load_text import (
    COUNTED_KINDS,
    COUNTER_WORDS,
    PAYLOAD_WORDS,
    RUN_COLUMN_WORDS,
    RUN_COLUMNS,
    RunRecord,
    file_stem,
    progress_text,
    results_csv,
    run_row,
)
from gui.parts.samples import RunSeries
from gui.parts.settings import Settings
from gui.toolkit import ctk
from words import Translator
from words.load_summary import summary_lines

POLL_MS = 100  # how often the view takes the run's snapshots (it reports about every 250 ms)
PROGRESS_STEP = 0.002  # the bar moves when the run has gone this much further (a pixel or so) ...
PROGRESS_SECONDS = 0.5  # ... and at most this often (customtkinter redraws the whole bar each time)
RUNS_KEPT = 10  # the table of last runs
RUN_ROWS_SHOWN = 4
SUMMARY_SHARE, RUNS_SHARE = 2, 3  # how the summary and the table of runs share the width
CHART_ROW_SHARE = 2  # ... and how the live row and the summary row share the height beyond the minimum
SUMMARY_FONT_SIZE = 11  # the conversation's monospace, a size smaller: the first mismatch fits in view
ENTRY_WIDTH = 84
# How far the chart's time axis is expected to reach beyond the duration: starting and connecting.
START_SECONDS_HINT = 2.0
COUNTERS_TOP = ("connected", "messages", "rate", "errors")
# The narrowest each column may be; wider when its heading or a value needs it (a target gets what is left).
_RUN_WIDTHS = {"time": 60, "clients": 40, "run": 40, "rate": 50, "p50": 44, "p99": 44, "errors": 40}
_TARGET_MIN_WIDTH = 80
_CELL_PADDING = 12
_PHASE_WORDS = {
    "starting": "loadview.status.starting",
    "connecting": "loadview.status.connecting",
    "running": "loadview.status.running",
    "finishing": "loadview.status.finishing",
}

LOAD_CHART = ChartSpec(
    axes=(
        Axis((Line("rate", "loadview.chart.rate", theme.LOG_COLOURS["client_out"]),), floor=10.0),
        Axis(
            (
                Line("p50", "loadview.chart.p50", theme.LOG_COLOURS["client_in"]),
                Line("p99", "loadview.chart.p99", theme.LOG_COLOURS["server_out"]),
            ),
            floor=1.0,
        ),
    ),
    placeholder="loadview.chart.placeholder",
    x_label="loadview.chart.time",
    x_floor=5.0,
)


class LoadView(ctk.CTkFrame):  # type: ignore[misc]
    """The whole load test view (one of the window's views, below the header)."""

    def __init__(
        self,
        master: Any,
        tr: Translator,
        fonts: Fonts,
        *,
        settings: Settings,
        theme_name: str,
        on_use_own_server: Callable[[], None],
        on_started: Callable[[], None],
        session: LoadSession | None = None,
    ) -> None:
        super().__init__(master, fg_color="transparent")
        self._tr, self._fonts = tr, fonts
        self._on_use_own_server, self._on_started = on_use_own_server, on_started
        self.session = session or LoadSession()
        self.series = RunSeries(("rate", "p50", "p99"))
        self.records: list[RunRecord] = []
        self.last_progress: LoadProgress | None = None
        self.last_result: LoadResult | None = None
        self._poll_after: str | None = None
        self._steps: dict[str, str] = {}  # parts of a poll's drawing still to come, each in a callback of its own
        self._bar_moved_at = -math.inf  # time.monotonic() when the progress bar last moved
        self._bound = settings.load_bound
        self._payload = settings.load_payload
        self.columnconfigure(1, weight=1)
        # A taller window gives the chart most of the room, and the summary some (a mismatch takes lines).
        self.rowconfigure(0, weight=CHART_ROW_SHARE)
        self.rowconfigure(1, weight=1)

        self._build_settings(settings)
        self._build_live(theme_name)
        # Below: the summary and the table of runs, the table wider (it has eight columns to show).
        self._bottom = ctk.CTkFrame(self, fg_color="transparent")
        self._bottom.grid(row=1, column=0, columnspan=2, sticky="nsew", padx=16, pady=(6, 16))
        self._bottom.rowconfigure(0, weight=1)
        self._bottom.columnconfigure(0, weight=SUMMARY_SHARE, uniform="bottom")
        self._bottom.columnconfigure(1, weight=RUNS_SHARE, uniform="bottom")
        self._build_summary()
        self._build_runs()
        self._set_running(False)
        self.retranslate()

    # -- building ------------------------------------------------------------------

    def _build_settings(self, s: Settings) -> None:
        fonts = self._fonts
        panel = ctk.CTkFrame(self)
        panel.grid(row=0, column=0, sticky="nsew", padx=(16, 6), pady=(0, 6))
        panel.columnconfigure(1, weight=1)
        self.title = ctk.CTkLabel(panel, font=fonts.heading, anchor="w")
        self.title.grid(row=0, column=0, sticky="w", padx=PADDING, pady=(10, 4))
        self.use_server_button = ctk.CTkButton(panel, font=fonts.small, width=60, command=self._use_own_server)
        self.use_server_button.grid(row=0, column=1, sticky="e", padx=PADDING, pady=(10, 4))

        self.labels: dict[str, ctk.CTkLabel] = {}

        def row(number: int, name: str) -> ctk.CTkFrame:
            label = ctk.CTkLabel(panel, font=fonts.body, anchor="w")
            label.grid(row=number, column=0, sticky="w", padx=(PADDING, 8), pady=3)
            self.labels[name] = label
            holder = ctk.CTkFrame(panel, fg_color="transparent")
            holder.grid(row=number, column=1, sticky="w", padx=(0, PADDING), pady=3)
            return holder

        target = row(1, "host")
        self.host_entry = ctk.CTkEntry(target, width=124, font=fonts.body)
        self.host_entry.insert(0, s.load_host)
        self.host_entry.grid(row=0, column=0)
        self.port_label = ctk.CTkLabel(target, font=fonts.body)
        self.port_label.grid(row=0, column=1, padx=(8, 6))
        self.port_entry = ctk.CTkEntry(target, width=66, font=fonts.body)
        self.port_entry.insert(0, str(s.load_port))
        self.port_entry.grid(row=0, column=2)

        self.clients_entry = ctk.CTkEntry(row(2, "clients"), width=ENTRY_WIDTH, font=fonts.body)
        self.clients_entry.insert(0, str(s.load_clients))
        self.clients_entry.grid(row=0, column=0)

        bound = row(3, "run_for")
        self.amount_entry = ctk.CTkEntry(bound, width=ENTRY_WIDTH, font=fonts.body)
        self._amounts = {MESSAGES: str(s.load_messages), DURATION: f"{s.load_seconds:g}"}
        self.amount_entry.insert(0, self._amounts[self._bound])
        self.amount_entry.grid(row=0, column=0)
        self.bound_picker = ctk.CTkSegmentedButton(bound, font=fonts.small, command=self._bound_picked)
        self.bound_picker.grid(row=0, column=1, padx=(8, 0))

        size = row(4, "size")
        self.size_entry = ctk.CTkEntry(size, width=ENTRY_WIDTH, font=fonts.body)
        self.size_entry.insert(0, str(s.load_size))
        self.size_entry.grid(row=0, column=0)
        self.bytes_label = ctk.CTkLabel(size, font=fonts.body)
        self.bytes_label.grid(row=0, column=1, padx=(8, 0))

        self.in_flight_entry = ctk.CTkEntry(row(5, "in_flight"), width=ENTRY_WIDTH, font=fonts.body)
        self.in_flight_entry.insert(0, str(s.load_in_flight))
        self.in_flight_entry.grid(row=0, column=0)

        self.payload_picker = ctk.CTkSegmentedButton(row(6, "payload"), font=fonts.small, command=self._payload_picked)
        self.payload_picker.grid(row=0, column=0)

        buttons = ctk.CTkFrame(panel, fg_color="transparent")
        buttons.grid(row=7, column=0, columnspan=2, sticky="w", padx=PADDING, pady=(10, 4))
        self.start_button = ctk.CTkButton(buttons, width=110, font=fonts.body, command=self.start)
        self.start_button.grid(row=0, column=0)
        self.cancel_button = ctk.CTkButton(buttons, width=110, font=fonts.body, command=self.cancel)
        self.cancel_button.grid(row=0, column=1, padx=(10, 0))
        self.status = StatusLine(panel, fonts.body)
        self.status.grid(row=8, column=0, columnspan=2, sticky="ew", padx=PADDING, pady=(4, 10))
        panel.bind("<Configure>", lambda event: fit_wrap(self.status, int(event.width) - 2 * PADDING), add="+")
        self.status.show(lambda: self._tr("loadview.status.idle"), theme.MUTED)
        self.entries = {
            "host": self.host_entry,
            "port": self.port_entry,
            "clients": self.clients_entry,
            "amount": self.amount_entry,
            "size": self.size_entry,
            "in_flight": self.in_flight_entry,
        }
        for entry in self.entries.values():
            for key in ("<Return>", "<KP_Enter>"):
                entry.bind(key, lambda _e: self.start_button.invoke())

    def _build_live(self, theme_name: str) -> None:
        fonts = self._fonts
        panel = ctk.CTkFrame(self)
        panel.grid(row=0, column=1, sticky="nsew", padx=(6, 16), pady=(0, 6))
        panel.columnconfigure(0, weight=1)
        panel.rowconfigure(3, weight=1)
        progress = ctk.CTkFrame(panel, fg_color="transparent")
        progress.grid(row=0, column=0, sticky="ew", padx=PADDING, pady=(14, 4))
        progress.columnconfigure(0, weight=1)
        self.progress_bar = ctk.CTkProgressBar(progress, height=10)
        self.progress_bar.set(0.0)
        self.progress_bar.grid(row=0, column=0, sticky="ew")
        self.time_label = ctk.CTkLabel(progress, text="", font=fonts.small, text_color=theme.MUTED, anchor="e")
        self.time_label.grid(row=0, column=1, sticky="e", padx=(10, 0))
        self.counters: dict[str, CounterTile] = {}
        for number, names in ((1, COUNTERS_TOP), (2, COUNTED_KINDS)):
            tiles = ctk.CTkFrame(panel, fg_color="transparent")
            tiles.grid(row=number, column=0, sticky="w", padx=PADDING, pady=(2, 2))
            for place, name in enumerate(names):
                tile = CounterTile(tiles, fonts.small, fonts.value)
                tile.grid(row=0, column=place, sticky="w", padx=(0, 22))
                self.counters[name] = tile
        self.chart = LiveChart(panel, self._tr, fonts.small, LOAD_CHART, theme_name)
        self.chart.grid(row=3, column=0, sticky="nsew", padx=(6, 10), pady=(2, 8))

    def _build_summary(self) -> None:
        fonts = self._fonts
        panel = ctk.CTkFrame(self._bottom)
        panel.grid(row=0, column=0, sticky="nsew", padx=(0, 6))
        panel.columnconfigure(0, weight=1)
        panel.rowconfigure(1, weight=1)
        self.summary_title = ctk.CTkLabel(panel, font=fonts.heading, anchor="w")
        self.summary_title.grid(row=0, column=0, sticky="w", padx=PADDING, pady=(10, 4))
        font = ctk.CTkFont(family=fonts.mono.cget("family"), size=SUMMARY_FONT_SIZE)
        self.summary_box = ctk.CTkTextbox(panel, font=font, height=132, wrap="word", activate_scrollbars=True)
        self.summary_box.grid(row=1, column=0, sticky="nsew", padx=PADDING, pady=(0, 12))
        self._show_summary(None)

    def _build_runs(self) -> None:
        fonts = self._fonts
        panel = ctk.CTkFrame(self._bottom)
        panel.grid(row=0, column=1, sticky="nsew", padx=(6, 0))
        panel.columnconfigure(0, weight=1)
        panel.rowconfigure(1, weight=1)
        head = ctk.CTkFrame(panel, fg_color="transparent")
        head.grid(row=0, column=0, columnspan=2, sticky="ew", padx=PADDING, pady=(10, 4))
        head.columnconfigure(0, weight=1)
        self.runs_title = ctk.CTkLabel(head, font=fonts.heading, anchor="w")
        self.runs_title.grid(row=0, column=0, sticky="w")
        self.save_csv_button = ctk.CTkButton(head, width=60, font=fonts.small, command=self.ask_save_csv)
        self.save_csv_button.grid(row=0, column=1, padx=(6, 0))
        self.save_png_button = ctk.CTkButton(head, width=60, font=fonts.small, command=self.ask_save_png)
        self.save_png_button.grid(row=0, column=2, padx=(6, 0))
        holder = ctk.CTkFrame(panel, fg_color=theme.PANEL, corner_radius=0)
        holder.grid(row=1, column=0, sticky="nsew", padx=(PADDING, 4))
        holder.rowconfigure(0, weight=1)
        holder.columnconfigure(0, weight=1)
        self.runs_tree = ttk.Treeview(
            holder, columns=RUN_COLUMNS, show="headings", style=theme.TREE_STYLE, height=RUN_ROWS_SHOWN
        )
        for column in RUN_COLUMNS:
            self.runs_tree.column(column, anchor="w" if column in ("time", "target", "run") else "e", stretch=False)
        self.runs_tree.grid(row=0, column=0, sticky="nsew")
        scrollbar = ctk.CTkScrollbar(panel, height=40, command=self.runs_tree.yview)  # as tall as the table
        scrollbar.grid(row=1, column=1, sticky="ns", padx=(0, 8))
        self.runs_tree.configure(yscrollcommand=scrollbar.set)
        self.runs_tree.bind("<Configure>", lambda _e: self._fit_run_columns())
        self.saved_note = StatusLine(panel, fonts.small)
        self.saved_note.grid(row=2, column=0, columnspan=2, sticky="ew", padx=PADDING, pady=(2, 8))
        panel.bind("<Configure>", lambda event: fit_wrap(self.saved_note, int(event.width) - 2 * PADDING), add="+")

    # -- what the user does ----------------------------------------------------------

    def form(self) -> LoadForm:
        """What the form holds now."""
        return LoadForm(
            host=str(self.host_entry.get()),
            port=str(self.port_entry.get()),
            clients=str(self.clients_entry.get()),
            bound=self._bound,
            amount=str(self.amount_entry.get()),
            size=str(self.size_entry.get()),
            in_flight=str(self.in_flight_entry.get()),
            payload=self._payload,
        )

    def start(self) -> bool:
        """Start a run with what the form says; False, with the problem said beside the form, if it cannot."""
        if self.session.running:
            return False
        read = read_form(self.form())
        if isinstance(read, FormProblem):
            problem = read
            values = {name: self._tr.count(value) for name, value in problem.values.items()}
            self.status.show(lambda: self._tr(problem.key, **values), theme.ERROR)
            self.entries[problem.field].focus_set()
            return False
        scenario = read.scenario
        self.series.clear()
        self.last_progress = None
        self.chart.start(scenario.duration + START_SECONDS_HINT if scenario.messages is None else None)
        self.progress_bar.set(0.0)
        self._bar_moved_at = -math.inf
        self.time_label.configure(text="")
        for tile in self.counters.values():
            tile.set_value("0")
        try:
            self.session.start(read.host, read.port, scenario)
        except (OSError, RuntimeError) as exc:
            detail = str(exc) or type(exc).__name__
            self.status.show(lambda: self._tr("loadview.status.failed", detail=detail), theme.ERROR)
            return False
        host, port = read.host, read.port
        self.status.show(lambda: self._tr("loadview.status.starting", host=host, port=port), theme.MUTED)
        self._set_running(True)
        self._on_started()
        self._poll_after = self.after(POLL_MS, self._poll)
        return True

    def cancel(self) -> None:
        """End the run now (within about a second); what was done is still summarised."""
        if self.session.running:
            self.session.cancel()
            set_enabled(self.cancel_button, False)
            self.status.show(lambda: self._tr("loadview.status.cancelling"), theme.MUTED)

    def close(self) -> bool:
        """The window is closing: cancel a run still going and wait until its processes have ended."""
        if self._poll_after is not None:
            self.after_cancel(self._poll_after)
            self._poll_after = None
        self._cancel_steps()
        return self.session.close()

    def set_target(self, host: str, port: int) -> None:
        """Fill in the target (the window's own server, say), as typing it would."""
        replace_entry_text(self.host_entry, host)
        replace_entry_text(self.port_entry, str(port))
        self.status.show(lambda: self._tr("loadview.status.target_filled", host=host, port=port), theme.OK)

    def show_note(self, render: Callable[[], str], colour: theme.Colour = theme.MUTED) -> None:
        """A line under the form (the window's own server starting, or why it could not)."""
        self.status.show(render, colour)

    def store(self, settings: Settings) -> None:
        """Remember the form in `settings`: each value that reads right (the others keep what was there)."""
        settings.load_bound, settings.load_payload = self._bound, self._payload
        host = str(self.host_entry.get()).strip()
        if host:
            settings.load_host = host
        read = read_form(self.form())
        if isinstance(read, FormProblem):
            return
        scenario = read.scenario
        settings.load_port, settings.load_clients = read.port, scenario.clients
        settings.load_size, settings.load_in_flight = scenario.message_bytes, scenario.in_flight
        if scenario.messages is not None:
            settings.load_messages = scenario.messages
        else:
            settings.load_seconds = scenario.duration

    # -- saving ----------------------------------------------------------------------

    def ask_save_csv(self) -> None:
        """The save dialog for the runs' results, in the documents folder, named in the UI's language."""
        if not self.records:
            self._note(lambda: self._tr("loadview.nothing_to_save"))
            return
        path = filedialog.asksaveasfilename(
            parent=self,
            title=self._tr("loadview.save_csv_title"),
            initialdir=platformdirs.user_documents_dir(),
            initialfile=file_stem(self._tr, "loadview.file.csv", time.time()) + ".csv",
            defaultextension=".csv",
            filetypes=[(self._tr("log.filetype_csv"), "*.csv")],
        )
        if path:
            self.save_csv(Path(path))

    def ask_save_png(self) -> None:
        """The save dialog for the chart, in the documents folder, named in the UI's language."""
        if not self.records:
            self._note(lambda: self._tr("loadview.nothing_to_save"))
            return
        path = filedialog.asksaveasfilename(
            parent=self,
            title=self._tr("loadview.save_png_title"),
            initialdir=platformdirs.user_documents_dir(),
            initialfile=file_stem(self._tr, "loadview.file.png", time.time()) + ".png",
            defaultextension=".png",
            filetypes=[(self._tr("loadview.filetype.png"), "*.png")],
        )
        if path:
            self.save_png(Path(path))

    def save_csv(self, path: Path) -> bool:
        """Every run in the table as a CSV row; the outcome is said under the table."""
        content = results_csv(self.records, self._tr, app_version(), time.time())
        return self._save(path, lambda: path.write_text(content, encoding="utf-8", newline=""))

    def save_png(self, path: Path) -> bool:
        """The chart of the last run as a PNG; the outcome is said under the table."""
        return self._save(path, lambda: self.chart.save_png(path))

    def _save(self, path: Path, write: Callable[[], object]) -> bool:
        try:
            write()
        except OSError as exc:
            detail = exc.strerror or str(exc)
            self._note(lambda: self._tr("loadview.save_failed", detail=detail), theme.ERROR)
            return False
        self._note(lambda: self._tr("loadview.saved", path=path))
        return True

    def _note(self, render: Callable[[], str], colour: theme.Colour = theme.MUTED) -> None:
        self.saved_note.show(render, colour)

    # -- the run -----------------------------------------------------------------------

    def _poll(self) -> None:
        """Take what the run reported, show the newest, draw the chart; at the end, the summary.

        The counters, the progress bar and the chart are each drawn in a callback of their own: while the
        window's own server is under load each costs the Tk thread some milliseconds, and in between Tk
        handles what fell due (input, timers, redraws).
        """
        self._poll_after = None
        polled = self.session.poll()
        for snapshot in polled.snapshots:
            self._record(snapshot)
        if polled.snapshots:
            self._show_progress(polled.snapshots[-1])
            self._soon("bar", self._move_bar)
            self._soon("chart", self._draw_chart)
        if polled.over:
            self._finish(polled)
        else:
            self._poll_after = self.after(POLL_MS, self._poll)

    def _soon(self, name: str, step: Callable[[], None]) -> None:
        """Run `step` in a callback of its own, right after what Tk has due (once, however often asked)."""
        if name not in self._steps:

            def run() -> None:
                del self._steps[name]
                step()

            self._steps[name] = self.after(1, run)

    def _cancel_steps(self) -> None:
        for step in self._steps.values():
            self.after_cancel(step)
        self._steps.clear()

    def _draw_chart(self) -> None:
        self.chart.show(self.series.x, self.series.columns)

    def _move_bar(self) -> None:
        """The bar follows the newest snapshot when it has moved a pixel or so, at most every PROGRESS_SECONDS."""
        progress = self.last_progress
        if progress is None:
            return
        now = time.monotonic()
        moved = abs(progress.fraction - float(self.progress_bar.get())) >= PROGRESS_STEP
        if (moved and now - self._bar_moved_at >= PROGRESS_SECONDS) or progress.fraction == 1.0:
            self.progress_bar.set(progress.fraction)
            self._bar_moved_at = now

    def _record(self, snapshot: LoadProgress) -> None:
        """A point of the chart: the rate since the last snapshot, its latencies (none when nothing was answered)."""
        if snapshot.phase in ("starting", "done"):
            return
        rate = snapshot.interval_messages_per_second
        answered = rate > 0
        self.series.add(
            snapshot.elapsed,
            rate=rate,
            p50=snapshot.interval_p50 * 1000 if answered else math.nan,
            p99=snapshot.interval_p99 * 1000 if answered else math.nan,
        )

    def _show_progress(self, progress: LoadProgress) -> None:
        """The newest snapshot on the time line and the counters (the bar: `_move_bar`); the status line when the
        phase changes.

        Widgets are touched only when what they show changes: each change costs the Tk thread a redraw,
        and while the window's own server is under load every call into Tk waits for its turn.
        """
        before, self.last_progress = self.last_progress, progress
        tr = self._tr
        self.time_label.configure(text=progress_text(progress, tr))
        self.counters["connected"].set_value(tr.count(progress.connected))
        self.counters["messages"].set_value(tr.count(progress.completed))
        self.counters["rate"].set_value(tr.count(round(progress.interval_messages_per_second)))
        self.counters["errors"].set_value(tr.count(progress.error_count))
        for kind in COUNTED_KINDS:
            self.counters[kind].set_value(tr.count(progress.errors[kind]))
        key = _PHASE_WORDS.get(progress.phase)
        started = self.session.started
        new_phase = before is None or before.phase != progress.phase
        if new_phase and key is not None and started is not None and not self.session.cancelled:
            host, port, clients = started.host, started.port, tr.count(started.scenario.clients)
            self.status.show(lambda: self._tr(key, host=host, port=port, clients=clients), theme.MUTED)

    def _finish(self, polled: Polled) -> None:
        self._cancel_steps()  # the end is drawn here: the chart whole with every point, the bar full
        self.chart.show(self.series.x, self.series.columns, whole=True)
        started = self.session.started
        if polled.result is None or started is None:
            self._set_running(False)
            detail = str(polled.error) or type(polled.error).__name__
            self.status.show(lambda: self._tr("loadview.status.failed", detail=detail), theme.ERROR)
            return
        result = self.last_result = polled.result
        self.records.insert(0, RunRecord(started.host, started.port, started.wall, result))
        del self.records[RUNS_KEPT:]
        self._set_running(False)
        self._show_runs()
        self._fit_run_columns()
        self._show_summary(result)
        self.progress_bar.set(1.0)
        # At the end the tiles show the run's own figures: connections opened, the mean rate.
        self.counters["connected"].set_value(self._tr.count(result.connected))
        self.counters["rate"].set_value(self._tr.count(round(result.messages_per_second)))
        self.counters["messages"].set_value(self._tr.count(result.completed))
        self.counters["errors"].set_value(self._tr.count(result.error_count))
        for kind in COUNTED_KINDS:
            self.counters[kind].set_value(self._tr.count(result.errors[kind]))
        if result.cancelled:
            self.status.show(lambda: self._tr("loadview.status.cancelled"), theme.WARNING)
        else:
            messages, errors = self._tr.count(result.completed), self._tr.count(result.error_count)
            colour = theme.ERROR if result.error_count else theme.OK
            self.status.show(lambda: self._tr("loadview.status.done", messages=messages, errors=errors), colour)

    # -- showing ---------------------------------------------------------------------------

    def summary_text(self) -> str:
        return str(self.summary_box.get("1.0", "end-1c"))

    def run_rows(self) -> list[tuple[str, ...]]:
        """The table of runs as shown, newest first."""
        return [tuple(str(v) for v in self.runs_tree.item(iid, "values")) for iid in self.runs_tree.get_children()]

    def counter_text(self, name: str) -> str:
        return str(self.counters[name].value.cget("text"))

    def _show_summary(self, result: LoadResult | None) -> None:
        lines = summary_lines(result, self._tr) if result is not None else [self._tr("loadview.summary.none")]
        box = self.summary_box
        box.configure(state="normal")
        box.delete("1.0", "end")
        box.insert("1.0", "\n".join(lines))
        box.configure(state="disabled")

    def _show_runs(self) -> None:
        tree = self.runs_tree
        tree.delete(*tree.get_children())
        for number, record in enumerate(self.records):
            tree.insert("", "end", iid=str(number), values=run_row(record, self._tr))

    def _fit_run_columns(self) -> None:
        """Each column as wide as its heading and values; the target takes what is left (and gives first)."""
        tree, font = self.runs_tree, self._fonts.table
        rows = [run_row(record, self._tr) for record in self.records]
        widths = {}
        for index, name in enumerate(RUN_COLUMNS):
            texts = [self._tr(RUN_COLUMN_WORDS[name]), *(row[index] for row in rows)]
            widths[name] = max(_RUN_WIDTHS.get(name, 0), *(int(font.measure(t)) + _CELL_PADDING for t in texts))
        fixed = sum(width for name, width in widths.items() if name != "target")
        widths["target"] = max(_TARGET_MIN_WIDTH, int(tree.winfo_width()) - fixed)
        for name, width in widths.items():
            tree.column(name, width=width, minwidth=width)

    def _set_running(self, running: bool) -> None:
        for entry in self.entries.values():
            set_enabled(entry, not running)
        for widget in (self.bound_picker, self.payload_picker, self.use_server_button, self.start_button):
            set_enabled(widget, not running)
        set_enabled(self.cancel_button, running)
        set_enabled(self.save_csv_button, not running and bool(self.records))
        set_enabled(self.save_png_button, not running and bool(self.records))

    def _use_own_server(self) -> None:
        self._on_use_own_server()

    def _bound_picked(self, label: str) -> None:
        for bound in BOUNDS:
            if self._tr(f"loadview.bound.{bound}") == label and bound != self._bound:
                self._amounts[self._bound] = str(self.amount_entry.get())
                self._bound = bound
                replace_entry_text(self.amount_entry, self._amounts[bound])

    def _payload_picked(self, label: str) -> None:
        for payload in Payload:
            if self._tr(PAYLOAD_WORDS[payload]) == label:
                self._payload = payload.value

    # -- look ------------------------------------------------------------------------

    def retranslate(self) -> None:
        tr = self._tr
        self.title.configure(text=tr("loadview.title"))
        self.use_server_button.configure(text=tr("loadview.use_my_server"))
        for name, key in (
            ("host", "loadview.host"),
            ("clients", "loadview.clients"),
            ("run_for", "loadview.run_for"),
            ("size", "loadview.size"),
            ("in_flight", "loadview.in_flight"),
            ("payload", "loadview.payload"),
        ):
            self.labels[name].configure(text=tr(key))
        self.port_label.configure(text=tr("common.port"))
        self.bytes_label.configure(text=tr("loadview.bytes"))
        self.bound_picker.configure(values=[tr("loadview.bound.messages"), tr("loadview.bound.duration")])
        self.bound_picker.set(tr(f"loadview.bound.{self._bound}"))
        self.payload_picker.configure(values=[tr(PAYLOAD_WORDS[payload]) for payload in Payload])
        self.payload_picker.set(tr(PAYLOAD_WORDS[Payload(self._payload)]))
        self.start_button.configure(text=tr("loadview.start"))
        self.cancel_button.configure(text=tr("loadview.cancel"))
        for name, tile in self.counters.items():
            tile.set_caption(tr(COUNTER_WORDS[name]))
        self.summary_title.configure(text=tr("load.summary.title"))
        self.runs_title.configure(text=tr("loadview.runs.title"))
        self.save_csv_button.configure(text=tr("loadview.save_csv"))
        self.save_png_button.configure(text=tr("loadview.save_png"))
        for column in RUN_COLUMNS:
            self.runs_tree.heading(column, text=tr(RUN_COLUMN_WORDS[column]))
        self._fit_run_columns()
        self.status.refresh()
        self.saved_note.refresh()
        if self.last_progress is not None:
            self.time_label.configure(text=progress_text(self.last_progress, tr))
        self._show_summary(self.last_result)
        self._show_runs()
        self.chart.retranslate()

    def apply_theme(self, name: str) -> None:
        self.chart.apply_theme(name)
