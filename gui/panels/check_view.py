"""The check view: the classroom checklist run against a server, a client program, or a whole class.

The form (left) says what to check; the results (right, gui/panels/check_results.py) fill in as each check
finishes. A class shows as a table (one row per student, one column per check) over the checklist of the
student picked in it.

The view's widgets are made the first time it is shown (`grid`), not when the window starts.
Runs happen on the checker's own worker thread (core.check); its callbacks only queue a message, and the
Tk thread drains the queue with `after()` while a run is on. One run at a time; `shutdown()` (the window
closing) cancels it and waits for its thread, so no connection or program outlives the window.
"""

from __future__ import annotations

import contextlib
import sys
import time
import tkinter
from collections.abc import Callable
from pathlib import Path
from tkinter import filedialog
from typing import Any

import platformdirs

from core.addresses import join_host_port
from core.check import (
    CLIENT_CHECK_IDS,
    SERVER_CHECK_IDS,
    CheckJob,
    CheckResult,
    ClassReport,
    Outcome,
    Report,
    start_class_check,
    start_client_check,
    start_server_check,
)
from core.check.api import WAIT_MARGIN_SECONDS
from core.check.registry import client_title, server_title
from core.check.table import class_rows, write_csv
from core.check.targets import Student, TargetsError, parse_targets, read_targets
from core.defaults import DEFAULT_HOST, DEFAULT_PORT
from core.errors import ErrorInfo
from gui import theme
from gui.event_pump import EventPump
from gui.fonts import Fonts
from gui.keyboard import make_keyboard_ready
from gui.panels.check_results import Checklist, ClassTable, Render
from gui.panels.widgets import PADDING, StatusLine, fit_wrap, parse_port, replace_entry_text, set_enabled
from gui.parts.check_display import (
    CheckMessage,
    CommandError,
    ResultCame,
    RunEnded,
    StudentDone,
    quote_path,
    split_command,
    targets_text,
)
from gui.toolkit import ctk
from words import Translator

MODES = ("server", "client", "class")
POLL_MS = 30  # how often the queue is drained while a run is on
BATCH = 50  # messages handled per drain at most: a class's burst never holds the window
FORM_WIDTH = 330  # the form's column, in pixels: the results take the rest
LOWEST_PORT = 1


class CheckView(ctk.CTkFrame):  # type: ignore[misc]
    """The Check part of the window. `on_own_server()` asks the window to check its own server: the window
    calls `check_server_at` once it listens (starting it first if need be), or `show_own_server_failed`."""

    def __init__(
        self,
        master: Any,
        tr: Translator,
        fonts: Fonts,
        *,
        on_own_server: Callable[[], None],
        on_error: Callable[[BaseException], None],
    ) -> None:
        super().__init__(master, fg_color="transparent")
        self._tr, self._fonts = tr, fonts
        self._on_own_server = on_own_server
        self.mode = "server"
        self.job: CheckJob[Any] | None = None
        self._run = 0  # the current run's number: messages of any other are dropped
        self._running_mode = ""
        self._cancelling = False
        self._poll_id: str | None = None
        self._pump: EventPump[CheckMessage] = EventPump(self, self._handle, lambda: None, on_error)
        self._results: dict[str, CheckResult] = {}
        self._target = ""
        self._header: Render = lambda: ""
        self._students: list[Student] = []
        self._following = True  # the class checklist follows the student being checked
        self.built = False

    def grid(self, **options: Any) -> None:
        """Shown: built the first time, not when the window starts (many sessions never open this view)."""
        if not self.built:
            self._build()
        super().grid(**options)

    def _build(self) -> None:
        tr, fonts = self._tr, self._fonts
        self.built = True
        self.columnconfigure(1, weight=1)
        self.rowconfigure(0, weight=1)

        self.form = ctk.CTkFrame(self, width=FORM_WIDTH)
        self.form.grid(row=0, column=0, sticky="nsew", padx=(16, 6), pady=(0, 16))
        self.form.grid_propagate(False)  # as wide as FORM_WIDTH, whatever its words: the results take the rest
        self.form.columnconfigure(0, weight=1)
        self.mode_picker = ctk.CTkSegmentedButton(self.form, font=fonts.body, command=self._mode_picked)
        self.mode_picker.grid(row=0, column=0, sticky="ew", padx=PADDING, pady=(12, 8))
        self._build_server_form()
        self._build_client_form()
        self._build_class_form()

        buttons = ctk.CTkFrame(self.form, fg_color="transparent")
        buttons.grid(row=2, column=0, sticky="ew", padx=PADDING, pady=(8, 4))
        buttons.columnconfigure((0, 1), weight=1, uniform="buttons")
        self.run_button = ctk.CTkButton(buttons, font=fonts.body, command=self.run)
        self.run_button.grid(row=0, column=0, sticky="ew", padx=(0, 4))
        self.cancel_button = ctk.CTkButton(buttons, font=fonts.body, command=self.cancel)
        self.cancel_button.grid(row=0, column=1, sticky="ew", padx=(4, 0))
        self.status = StatusLine(self.form, fonts.body)
        self.status.grid(row=3, column=0, sticky="ew", padx=PADDING, pady=(4, 12))
        self.form.bind("<Configure>", lambda event: self._wrap_form(int(event.width)))

        self.results = ctk.CTkFrame(self, fg_color="transparent")
        self.results.grid(row=0, column=1, sticky="nsew", padx=(6, 16), pady=(0, 16))
        self.results.columnconfigure(0, weight=1)
        self.results.rowconfigure(1, weight=1)
        self.server_list = Checklist(self.results, tr, fonts, SERVER_CHECK_IDS, server_title)
        self.client_list = Checklist(self.results, tr, fonts, CLIENT_CHECK_IDS, client_title)
        self.class_table = ClassTable(self.results, tr, fonts, self._student_picked)
        self.class_list = Checklist(self.results, tr, fonts, SERVER_CHECK_IDS, server_title)

        self.status.show(lambda: self._tr("check.view.idle"), theme.MUTED)
        self.show_mode("server")
        self._update_controls()
        self.retranslate()
        make_keyboard_ready(self)

    # -- the forms ---------------------------------------------------------------------

    def _field(self, master: Any, row: int, entry_width: int = 0) -> tuple[ctk.CTkLabel, ctk.CTkEntry]:
        label = ctk.CTkLabel(master, font=self._fonts.body, anchor="w")
        label.grid(row=row, column=0, sticky="w", padx=(0, 8), pady=4)
        entry = ctk.CTkEntry(master, font=self._fonts.body, **({"width": entry_width} if entry_width else {}))
        entry.grid(row=row, column=1, sticky="w" if entry_width else "ew", pady=4)
        for key in ("<Return>", "<KP_Enter>"):
            entry.bind(key, lambda _e: self.run())
        return label, entry

    def _build_server_form(self) -> None:
        form = self.server_form = ctk.CTkFrame(self.form, fg_color="transparent")
        form.columnconfigure(1, weight=1)
        self.host_label, self.host_entry = self._field(form, 0)
        self.host_entry.insert(0, DEFAULT_HOST)
        self.port_label, self.port_entry = self._field(form, 1, entry_width=90)
        self.port_entry.insert(0, str(DEFAULT_PORT))
        self.own_button = ctk.CTkButton(form, font=self._fonts.body, command=self.check_own_server)
        self.own_button.grid(row=2, column=0, columnspan=2, sticky="ew", pady=(8, 0))
        self.own_note = ctk.CTkLabel(form, font=self._fonts.small, text_color=theme.MUTED, anchor="w", justify="left")
        self.own_note.grid(row=3, column=0, columnspan=2, sticky="ew", pady=(2, 0))

    def _build_client_form(self) -> None:
        form = self.client_form = ctk.CTkFrame(self.form, fg_color="transparent")
        form.columnconfigure(1, weight=1)
        self.program_label, self.program_entry = self._field(form, 0)
        self.choose_button = ctk.CTkButton(form, font=self._fonts.body, command=self.ask_program)
        self.choose_button.grid(row=1, column=1, sticky="w", pady=(0, 4))
        self.client_port_label, self.client_port_entry = self._field(form, 2, entry_width=90)
        self.client_port_entry.insert(0, str(DEFAULT_PORT))
        self.client_note = ctk.CTkLabel(form, font=self._fonts.small, text_color=theme.MUTED, anchor="w")
        self.client_note.configure(justify="left")
        self.client_note.grid(row=3, column=0, columnspan=2, sticky="ew", pady=(2, 0))

    def _build_class_form(self) -> None:
        form = self.class_form = ctk.CTkFrame(self.form, fg_color="transparent")
        form.columnconfigure((0, 1), weight=1, uniform="class")
        form.rowconfigure(1, weight=1)
        self.targets_label = ctk.CTkLabel(form, font=self._fonts.small, anchor="w", justify="left")
        self.targets_label.grid(row=0, column=0, columnspan=2, sticky="ew", pady=(0, 4))
        self.targets_box = ctk.CTkTextbox(form, font=self._fonts.mono, height=120, wrap="none")
        self.targets_box.grid(row=1, column=0, columnspan=2, sticky="nsew")
        self.load_button = ctk.CTkButton(form, font=self._fonts.body, command=self.ask_targets)
        self.load_button.grid(row=2, column=0, sticky="ew", padx=(0, 4), pady=(8, 0))
        self.save_button = ctk.CTkButton(form, font=self._fonts.body, command=self.ask_save_csv)
        self.save_button.grid(row=2, column=1, sticky="ew", padx=(4, 0), pady=(8, 0))

    def _wrap_form(self, width: int) -> None:
        inner = width - 2 * PADDING
        for label in (self.status, self.own_note, self.client_note, self.targets_label):
            fit_wrap(label, inner)

    # -- modes ---------------------------------------------------------------------------

    def _mode_picked(self, label: str) -> None:
        for mode in MODES:
            if self._tr(f"check.view.mode.{mode}") == label:
                self.show_mode(mode)

    def show_mode(self, mode: str) -> None:
        """Show the form and the results of one kind of check (a server, a client program, a class)."""
        self.mode = mode
        self.mode_picker.set(self._tr(f"check.view.mode.{mode}"))
        forms = {"server": self.server_form, "client": self.client_form, "class": self.class_form}
        for name, form in forms.items():
            if name == mode:
                form.grid(row=1, column=0, sticky="nsew", padx=PADDING)
            else:
                form.grid_remove()
        shown: dict[Any, tuple[int, str]] = {}
        if mode == "server":
            shown[self.server_list] = (1, "nsew")
        elif mode == "client":
            shown[self.client_list] = (1, "nsew")
        else:
            shown[self.class_table] = (0, "nsew")
            shown[self.class_list] = (1, "nsew")
        for widget in (self.server_list, self.client_list, self.class_table, self.class_list):
            if widget in shown:
                row, sticky = shown[widget]
                widget.grid(row=row, column=0, sticky=sticky, pady=(0, 8) if row == 0 else 0)
            else:
                widget.grid_remove()
        self.results.rowconfigure(0, weight=0 if mode != "class" else 2)
        self.results.rowconfigure(1, weight=3)
        # The class list grows with the window; the other forms keep Run and the status right below them.
        self.form.rowconfigure(1, weight=1 if mode == "class" else 0)
        self.form.rowconfigure(4, weight=0 if mode == "class" else 1)

    # -- what the user typed -------------------------------------------------------------

    def set_server(self, host: str, port: int) -> None:
        replace_entry_text(self.host_entry, host)
        replace_entry_text(self.port_entry, str(port))

    def set_program(self, command: str, port: int | None = None) -> None:
        replace_entry_text(self.program_entry, command)
        if port is not None:
            replace_entry_text(self.client_port_entry, str(port))

    def set_targets(self, text: str) -> None:
        self.targets_box.delete("1.0", "end")
        self.targets_box.insert("1.0", text)

    @property
    def targets(self) -> str:
        return str(self.targets_box.get("1.0", "end-1c"))

    # -- runs ----------------------------------------------------------------------------

    @property
    def running(self) -> bool:
        return self.job is not None

    def run(self) -> None:
        """Start the checks the shown form describes; refused, plainly, while a run is on."""
        if self.running:
            self.status.show(lambda: self._tr("check.view.busy"), theme.WARNING)
            return
        {"server": self._run_server, "client": self._run_client, "class": self._run_class}[self.mode]()

    def _problem(self, render: Render) -> None:
        self.status.show(render, theme.ERROR)

    def _run_server(self) -> None:
        host = str(self.host_entry.get()).strip()
        port = parse_port(str(self.port_entry.get()), LOWEST_PORT)
        if not host:
            self._problem(lambda: self._tr("client.host_empty"))
            return
        if port is None:
            self._problem(lambda: self._tr("client.port_invalid"))
            return
        target = join_host_port(host, port)
        self._begin("server", target, lambda: self._tr("check.view.server_target", target=target))
        self.server_list.start(self._header)
        self._started(start_server_check(host, port, self._queue_result(self._run), self._queue_end(self._run)))

    def _run_client(self) -> None:
        try:
            command = split_command(str(self.program_entry.get()))
        except CommandError:
            self._problem(lambda: self._tr("check.view.bad_command"))
            return
        port = parse_port(str(self.client_port_entry.get()), LOWEST_PORT)
        if not command:
            self._problem(lambda: self._tr("check.view.no_program"))
            return
        if port is None:
            self._problem(lambda: self._tr("client.port_invalid"))
            return
        shown = " ".join(command)
        self._begin("client", shown, lambda: self._tr("check.view.client_target", command=shown, port=port))
        self.client_list.start(self._header)
        self._started(start_client_check(command, port, self._queue_result(self._run), self._queue_end(self._run)))

    def _run_class(self) -> None:
        try:
            students = parse_targets(self.targets)
        except TargetsError as exc:
            values = exc.detail.kwargs
            self._problem(lambda: self._tr("check.view.bad_target", number=values["number"], text=values["text"]))
            return
        if not students:
            self._problem(lambda: self._tr("check.view.no_targets"))
            return
        self._students = students
        self._following = True
        self.class_table.clear()
        self._begin("class", "", lambda: "")
        self._start_student(0)
        run = self._run

        def on_result(student: Student, result: CheckResult) -> None:
            self._pump.put(ResultCame(run, result, students.index(student)))

        def on_report(student: Student, report: Report) -> None:
            self._pump.put(StudentDone(run, students.index(student), report))

        self._started(start_class_check(students, on_result, on_report, self._queue_end(run)))

    def _begin(self, mode: str, target: str, header: Render) -> None:
        self._run += 1
        self._running_mode, self._target, self._header, self._cancelling = mode, target, header, False
        self._results = {}
        self._show_progress()

    def _started(self, job: CheckJob[Any]) -> None:
        """The run is on its worker thread: the form waits, Cancel works, its messages are drained."""
        self.job = job
        self._update_controls()
        if self._poll_id is None:
            self._poll_id = self.after(POLL_MS, self._poll)

    def _queue_result(self, run: int) -> Callable[[CheckResult], None]:
        """The run's on_result: called on its worker thread, so it only queues."""
        return lambda result: self._pump.put(ResultCame(run, result))

    def _queue_end(self, run: int) -> Callable[[Any], None]:
        return lambda report: self._pump.put(RunEnded(run, report))

    def cancel(self) -> None:
        """Stop the run: its connections and programs end; the checks not reached show as not run."""
        if self.job is None or self._cancelling:
            return
        self._cancelling = True
        self.job.cancel()
        self.status.show(lambda: self._tr("check.view.stopping"), theme.MUTED)
        self._update_controls()

    def shutdown(self) -> None:
        """The window is closing: cancel the run and wait (bounded) for its thread, programs and sockets to end.

        Works on a window already destroyed too (then only the run is left to end).
        """
        job, self.job = self.job, None
        if job is not None:
            job.cancel()
            try:
                job.wait(WAIT_MARGIN_SECONDS)
            except TimeoutError:  # reported; the window still closes (the thread is a daemon)
                print("mayus: a check run did not end in time", file=sys.stderr)
        poll, self._poll_id = self._poll_id, None
        if poll is not None:
            with contextlib.suppress(tkinter.TclError):  # the window is gone already: so is the timer
                self.after_cancel(poll)

    # -- messages from the run (on the Tk thread) ------------------------------------------

    def _poll(self) -> None:
        self._poll_id = None
        self._pump.drain(BATCH)
        if self.job is not None or self._pump.pending():
            self._poll_id = self.after(POLL_MS, self._poll)

    def _handle(self, message: CheckMessage) -> None:
        if message.run != self._run:
            return
        match message:
            case ResultCame(result=result, student=None):
                self._results[result.check_id] = result
                (self.server_list if self._running_mode == "server" else self.client_list).add(result)
            case ResultCame(result=result):
                self._results[result.check_id] = result
                if self._following:
                    self.class_list.add(result)
            case StudentDone(student=number, report=checked):
                student = self._students[number]
                self.class_table.add(student, checked)
                if number + 1 < len(self._students) and not self._cancelling:
                    self._start_student(number + 1)
                elif self._following:  # the last one stays on show, with how it went
                    self.class_list.finish()
                    self.class_list.show_caption(lambda: self._student_caption(student, checked))
            case RunEnded(report=report):
                self.job = None
                self._ended(report)
        if self.job is not None and not self._cancelling:
            self._show_progress()

    def _start_student(self, number: int) -> None:
        self._results = {}
        student = self._students[number]
        if self._following:
            self.class_list.start(lambda: self._student_caption(student))

    def _student_caption(self, student: Student, report: Report | None = None) -> str:
        tr = self._tr
        name = tr("check.view.student", name=student.name, target=student.label)
        if report is None:
            return name
        return self._caption(name, report)

    def _ended(self, report: Report | ClassReport) -> None:
        mode = self._running_mode
        if isinstance(report, ClassReport):
            if self._following:
                self.class_list.finish()
            done, total = len(report.rows), len(self._students)
            if report.outcome is Outcome.CANCELLED:
                self.status.show(lambda: self._tr("check.view.class_stopped", done=done, total=total), theme.MUTED)
            else:
                self.status.show(lambda: self._tr("check.view.class_done", count=done), theme.TEXT)
        else:
            checklist = self.server_list if mode == "server" else self.client_list
            checklist.finish()
            header = self._header
            checklist.show_caption(lambda: self._caption(header(), report))
            self.status.show(lambda: self._summary(report), _colour(report))
        self._update_controls()

    def _summary(self, report: Report) -> str:
        """How the run went: passed and failed, or why nothing could be checked, or that it was stopped."""
        tr = self._tr
        if report.error is not None:
            error = tr.check_detail(report.error)
            key = "check.face.not-started" if report.outcome is Outcome.NOT_STARTED else "check.face.unreachable"
            return tr(key, error=error)
        if report.outcome is Outcome.CANCELLED:
            return tr("check.face.cancelled")
        seconds = tr.decimal(report.duration, 1)
        return tr("check.face.summary", passed=report.passed, failed=report.failed, seconds=seconds)

    def _caption(self, head: str, report: Report) -> str:
        """A checklist's caption once its run is over: the target, how it went, and the kind of server found."""
        kind = self._tr(f"check.kind.{report.kind.value}") if report.kind is not None and not report.error else ""
        parts = [part for part in (head, self._summary(report), kind) if part]
        return " · ".join([part.rstrip(".") for part in parts[:-1]] + parts[-1:])  # no ". ·" between parts

    def _show_progress(self) -> None:
        tr = self._tr
        done = len(self._results)
        if self._running_mode == "class":
            number = min(len(self.class_table.rows), len(self._students) - 1)
            student, students = self._students[number], len(self._students)
            values = {"number": number + 1, "students": students, "name": student.name, "target": student.label}
            checks = len(SERVER_CHECK_IDS)
            self.status.show(lambda: tr("check.view.class_progress", done=done, total=checks, **values), theme.MUTED)
            return
        total_checks = len(SERVER_CHECK_IDS if self._running_mode == "server" else CLIENT_CHECK_IDS)
        target = self._target
        self.status.show(lambda: tr("check.view.progress", target=target, done=done, total=total_checks), theme.MUTED)

    def _update_controls(self) -> None:
        running = self.job is not None
        for widget in (self.run_button, self.own_button, self.choose_button, self.load_button):
            set_enabled(widget, not running)
        set_enabled(self.mode_picker, not running)
        set_enabled(self.cancel_button, running and not self._cancelling)
        set_enabled(self.save_button, not running and bool(self.class_table.rows))

    # -- the class table -----------------------------------------------------------------

    def _student_picked(self, index: int) -> None:
        student, report = self.class_table.rows[index]
        if self.job is not None and self._running_mode == "class":
            self._following = False
        self.class_list.show_report(report, lambda: self._student_caption(student, report))

    # -- Mayus's own server --------------------------------------------------------------

    def check_own_server(self) -> None:
        """One click: check the window's own server (the window starts it first if it is stopped)."""
        if self.running:
            self.status.show(lambda: self._tr("check.view.busy"), theme.WARNING)
            return
        self._on_own_server()

    def show_own_server_starting(self) -> None:
        self.status.show(lambda: self._tr("check.view.own_starting"), theme.MUTED)

    def check_server_at(self, host: str, port: int) -> None:
        """Fill in host and port and check the server there (the window's own, once it listens)."""
        self.show_mode("server")
        self.set_server(host, port)
        self.run()

    def show_own_server_uses_tls(self, error: ErrorInfo) -> None:
        """The checks speak plain TCP: say why this window's TLS server cannot be checked."""
        self._problem(lambda: self._tr.error(error))

    def show_own_server_failed(self, error: ErrorInfo | None) -> None:
        if error is None:
            self._problem(lambda: self._tr("check.view.own_not_started"))
            return
        self._problem(lambda: self._tr("check.view.own_failed", error=self._tr.error(error)))

    # -- files ---------------------------------------------------------------------------

    def ask_program(self) -> None:
        """Pick a client program: a .py file runs with the current Python."""
        path = filedialog.askopenfilename(
            parent=self,
            title=self._tr("check.view.program_title"),
            filetypes=[(self._tr("check.view.filetype_python"), "*.py"), (self._tr("check.view.filetype_any"), "*")],
        )
        if path:
            self.set_program(quote_path(str(path)))

    def ask_targets(self) -> None:
        """Load a class list (lines or a CSV file name,host,port) into the box, as lines."""
        path = filedialog.askopenfilename(
            parent=self,
            title=self._tr("check.view.load_title"),
            filetypes=[
                (self._tr("check.view.filetype_targets"), "*.csv *.txt"),
                (self._tr("check.view.filetype_any"), "*"),
            ],
        )
        if path:
            self.load_targets(Path(path))

    def load_targets(self, path: Path) -> bool:
        try:
            students = read_targets(path)
        except TargetsError as exc:
            detail = exc.detail
            self._problem(lambda: self._tr.check_detail(detail))
            return False
        self.set_targets(targets_text(students))
        count = len(students)
        self.status.show(lambda: self._tr("check.view.loaded", count=count, path=path), theme.TEXT)
        return True

    def ask_save_csv(self) -> None:
        stamp = time.strftime("%Y%m%d-%H%M%S")
        path = filedialog.asksaveasfilename(
            parent=self,
            title=self._tr("check.view.save_title"),
            initialdir=platformdirs.user_documents_dir(),
            initialfile=self._tr("check.view.csv_name", stamp=stamp) + ".csv",
            defaultextension=".csv",
            filetypes=[(self._tr("log.filetype_csv"), "*.csv")],
        )
        if path:
            self.save_csv(Path(path))

    def save_csv(self, path: Path) -> bool:
        """The class table as CSV, as the terminal's --csv writes it (1/0 per check, by stable id)."""
        try:
            write_csv(path, class_rows(self.class_table.rows))
        except OSError as exc:
            detail = exc.strerror or str(exc)
            self._problem(lambda: self._tr("check.face.cannot-write", path=path, detail=detail))
            return False
        self.status.show(lambda: self._tr("check.face.written", path=path), theme.TEXT)
        return True

    # -- language ------------------------------------------------------------------------

    def retranslate(self) -> None:
        if not self.built:
            return
        tr = self._tr
        self.mode_picker.configure(values=[tr(f"check.view.mode.{mode}") for mode in MODES])
        self.mode_picker.set(tr(f"check.view.mode.{self.mode}"))
        self.host_label.configure(text=tr("client.host"))
        self.port_label.configure(text=tr("common.port"))
        self.own_button.configure(text=tr("check.view.own_server"))
        self.own_note.configure(text=tr("check.view.own_note"))
        self.program_label.configure(text=tr("check.view.program"))
        self.program_entry.configure(placeholder_text=tr("check.view.program_placeholder"))
        self.choose_button.configure(text=tr("check.view.choose_program"))
        self.client_port_label.configure(text=tr("common.port"))
        self.client_note.configure(text=tr("check.view.client_note"))
        self.targets_label.configure(text=tr("check.view.targets"))
        self.load_button.configure(text=tr("check.view.load"))
        self.save_button.configure(text=tr("check.view.save_csv"))
        self.run_button.configure(text=tr("check.view.run"))
        self.cancel_button.configure(text=tr("check.view.cancel"))
        self.status.refresh()
        for part in (self.server_list, self.client_list, self.class_table, self.class_list):
            part.retranslate()


def _colour(report: Report) -> theme.Colour:
    if report.outcome is Outcome.CANCELLED:
        return theme.MUTED
    return theme.OK if report.all_passed else theme.ERROR
