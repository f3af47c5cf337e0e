"""`check` and `check-client`: the classroom test manual, run against a server or a client program.

`check` checks one server (--host/--port) or a class (--targets FILE), `check-client` a client program
(everything after `--`). One line per check as it finishes, ✓ or ✗ and, for a failure, what happened and
the usual cause. Exit 0 when every check passed, 1 when some failed, 2 when nothing could be reached
(and 2 for bad options, as argparse does). --json prints one object instead (a list with --targets);
--csv writes the table, --gradescope Gradescope's results.json.
"""

from __future__ import annotations

import argparse
import io
import json
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TextIO

from cli.options import add_language, port, translator
from cli.output import Output
from core.check import (
    CLIENT_CHECK_IDS,
    SERVER_CHECK_IDS,
    CheckJob,
    CheckResult,
    Clip,
    Detail,
    Outcome,
    Report,
    start_class_check,
    start_client_check,
    start_server_check,
)
from core.check.api import WAIT_MARGIN_SECONDS
from core.check.registry import RUN_BUDGET_SECONDS
from core.check.table import class_rows, gradescope_results, write_csv
from core.check.targets import Student, TargetsError, read_targets
from core.check.text import escaped
from core.defaults import DEFAULT_HOST, DEFAULT_PORT
from words import Translator

PASS_MARK, FAIL_MARK = "✓", "✗"
EXIT_ALL_PASSED, EXIT_SOME_FAILED, EXIT_UNREACHABLE, EXIT_INTERRUPTED = 0, 1, 2, 130
CUT_MARK = "…"  # ends a sent/received text in --json when the bytes were cut


def register(sub: Any) -> None:
    p = sub.add_parser("check", help="run the classroom checklist against a server (or a class of them)")
    p.add_argument("--host", default=DEFAULT_HOST, help="the server to check")
    p.add_argument("--port", type=port, default=DEFAULT_PORT)
    _common(p)
    p.add_argument("--targets", type=Path, help='a class: lines "host:port name", or a CSV file name,host,port')
    p.add_argument("--csv", type=Path, help="also write the table (one row per server, one column per check)")
    p.set_defaults(run=run_server_face, parser=p)

    c = sub.add_parser("check-client", help="run the classroom checklist against a client program")
    c.add_argument("--port", type=port, default=DEFAULT_PORT, help="where Mayus listens for the program")
    _common(c)
    c.add_argument("program", nargs="+", metavar="COMMAND", help="after --: the program (a .py file runs with Python)")
    c.set_defaults(run=run_client_face, parser=c)


def _common(p: argparse.ArgumentParser) -> None:
    add_language(p)
    p.add_argument("--json", action="store_true", help="print one JSON object instead of lines")
    p.add_argument("--gradescope", type=Path, help="also write Gradescope's results.json here")


# --- running ---------------------------------------------------------------------------------------


def _console(out: TextIO) -> Output:
    """The face's output: a console that cannot show ✓ gets a replacement character rather than a crash, and
    a reader that goes away (`| head -1`) turns the output off rather than raising."""
    if isinstance(out, io.TextIOWrapper):
        out.reconfigure(errors="replace")
    return Output(out)


def _wait(job: CheckJob[Any], timeout: float) -> Any:
    """Wait for a job; Ctrl+C cancels it (its connections and programs end) and returns its report."""
    try:
        return job.wait(timeout)
    except KeyboardInterrupt:
        job.cancel()
        return job.wait(WAIT_MARGIN_SECONDS)


def run_server_face(args: argparse.Namespace) -> int:
    if args.targets is not None and args.gradescope is not None:
        args.parser.error("--gradescope writes one student's results: use it without --targets")
    tr = translator(args)
    out = _console(sys.stdout)
    if args.targets is not None:
        return _run_class(args, tr, out)
    printer = None if args.json else OrderedPrinter(tr, out, SERVER_CHECK_IDS)
    if printer is not None:
        printer.line(tr("check.face.server-header", target=_label(args.host, args.port)))
    job = start_server_check(args.host, args.port, printer.add if printer else None)
    report: Report = _wait(job, RUN_BUDGET_SECONDS + WAIT_MARGIN_SECONDS)
    return _finish(args, tr, out, report, printer)


def run_client_face(args: argparse.Namespace) -> int:
    tr = translator(args)
    out = _console(sys.stdout)
    printer = None if args.json else OrderedPrinter(tr, out, CLIENT_CHECK_IDS)
    if printer is not None:
        printer.line(tr("check.face.client-header", command=" ".join(args.program), port=args.port))
    job = start_client_check(args.program, args.port, printer.add if printer else None)
    report: Report = _wait(job, RUN_BUDGET_SECONDS + WAIT_MARGIN_SECONDS)
    return _finish(args, tr, out, report, printer)


def _finish(
    args: argparse.Namespace, tr: Translator, out: Output, report: Report, printer: OrderedPrinter | None
) -> int:
    if args.json:
        out.notice(json.dumps(report_json(report, tr), ensure_ascii=False, indent=2))
    elif printer is not None:
        printer.end(report)
    if args.gradescope is not None:
        results = gradescope_results(
            report, lambda r: _test_name(r, tr), lambda r: _test_output(r, tr), _outline(report, tr)
        )
        text = json.dumps(results, ensure_ascii=False, indent=2)
        _write(args.gradescope, tr, out, lambda path: path.write_text(text, encoding="utf-8"), quiet=args.json)
    if getattr(args, "csv", None) is not None:
        student = Student(report.target, args.host, args.port)
        _write(args.csv, tr, out, lambda path: write_csv(path, class_rows([(student, report)])), quiet=args.json)
    return exit_code(report)


def exit_code(report: Report) -> int:
    if report.outcome is Outcome.CANCELLED:
        return EXIT_INTERRUPTED
    if report.outcome in (Outcome.UNREACHABLE, Outcome.NOT_STARTED):
        return EXIT_UNREACHABLE
    return EXIT_ALL_PASSED if report.all_passed else EXIT_SOME_FAILED


def _write(path: Path, tr: Translator, out: Output, write: Callable[[Path], object], quiet: bool) -> None:
    try:
        write(path)
    except OSError as exc:
        out.notice(tr("check.face.cannot-write", path=path, detail=exc.strerror or exc), sys.stderr)
        return
    if not quiet:
        out.notice(tr("check.face.written", path=path))


def _label(host: str, port_: int) -> str:
    return f"[{host}]:{port_}" if ":" in host else f"{host}:{port_}"


# --- words for a result ------------------------------------------------------------------------------


def detail_text(detail: Detail, tr: Translator) -> str:
    return tr.check_detail(detail)


def _test_name(result: CheckResult, tr: Translator) -> str:
    return f"{result.check_id}: {tr(result.title)}"


def _test_output(result: CheckResult, tr: Translator) -> str:
    text = detail_text(result.detail, tr)
    return text if result.passed else tr("check.face.failed", detail=text, hint=tr(result.hint))


def _outline(report: Report, tr: Translator) -> str:
    """One sentence about the whole run: what kind of server it is, or why nothing could be checked."""
    if report.error is not None:
        key = "check.face.not-started" if report.outcome is Outcome.NOT_STARTED else "check.face.unreachable"
        return tr(key, error=detail_text(report.error, tr))
    if report.kind is not None:
        return tr(f"check.kind.{report.kind.value}")
    return ""


def result_line(result: CheckResult, tr: Translator) -> str:
    """✓ id  title   or   ✗ id  title: detail. Hint: hint"""
    if result.passed:
        return f"{PASS_MARK} {result.check_id}  {tr(result.title)}"
    return f"{FAIL_MARK} {result.check_id}  {tr(result.title)}: {_test_output(result, tr)}"


def shown(clip: Clip) -> str:
    """Bytes as text with escapes for what is not printable, ending in … when they were cut."""
    return escaped(clip.data) + (CUT_MARK if clip.cut else "")


def report_json(report: Report, tr: Translator) -> dict[str, Any]:
    """The --json object: target, checks (id, passed, detail, hint, sent, received, ...), passed, failed."""
    checks = []
    for result in report.results:
        check: dict[str, Any] = {
            "id": result.check_id,
            "title": tr(result.title),
            "passed": result.passed,
            "detail": detail_text(result.detail, tr),
            "hint": None if result.passed else tr(result.hint),
            "sent": shown(result.sent),
            "received": shown(result.received),
            "sent_bytes": result.sent.length,
            "received_bytes": result.received.length,
            "seconds": round(result.duration, 3),
        }
        if result.output.length:
            check["output"] = shown(result.output)
            check["output_bytes"] = result.output.length
        checks.append(check)
    return {
        "target": report.target,
        "outcome": report.outcome.value,
        "kind": report.kind.value if report.kind else None,
        "error": detail_text(report.error, tr) if report.error else None,
        "checks": checks,
        "passed": report.passed,
        "failed": report.failed,
        "seconds": round(report.duration, 3),
    }


class OrderedPrinter:
    """Prints each check's line as soon as it and every check before it (in the registry's order) are done.

    `add` is called from the run's worker thread; printing from there is fine for a terminal.
    """

    def __init__(self, tr: Translator, out: Output, order: Sequence[str]) -> None:
        self._tr = tr
        self._out = out
        self._order = list(order)
        self._waiting: dict[str, CheckResult] = {}
        self._printed = 0

    def line(self, text: str) -> None:
        self._out.notice(text)

    def add(self, result: CheckResult) -> None:
        self._waiting[result.check_id] = result
        order = self._order
        while self._printed < len(order) and order[self._printed] in self._waiting:
            self.line(result_line(self._waiting.pop(order[self._printed]), self._tr))
            self._printed += 1

    def end(self, report: Report) -> None:
        """Print whatever is left, then one line for the whole run."""
        for result in report.results[self._printed :]:
            if report.error is None and report.outcome is not Outcome.CANCELLED:
                self.line(result_line(result, self._tr))
        outline = _outline(report, self._tr)
        if report.outcome is Outcome.CANCELLED:
            outline = self._tr("check.face.cancelled")
        if outline:
            self.line(outline)
        if report.error is None:
            seconds = self._tr.decimal(report.duration, 1)
            self.line(self._tr("check.face.summary", passed=report.passed, failed=report.failed, seconds=seconds))


# --- a class at a time -------------------------------------------------------------------------------


def _run_class(args: argparse.Namespace, tr: Translator, out: Output) -> int:
    try:
        students = read_targets(args.targets)
    except TargetsError as exc:
        args.parser.error(detail_text(exc.detail, tr))

    def on_report(student: Student, report: Report) -> None:
        if not args.json:
            out.notice(f"{student.name} ({student.label}): {_short(report, tr)}")

    job = start_class_check(students, on_report=on_report)
    budget = len(students) * (RUN_BUDGET_SECONDS + WAIT_MARGIN_SECONDS)
    result = _wait(job, budget)
    rows = list(result.rows)
    if args.json:
        objects = [{"name": student.name, **report_json(report, tr)} for student, report in rows]
        out.notice(json.dumps(objects, ensure_ascii=False, indent=2))
    else:
        out.notice("\n".join(["", *class_table(rows, tr)]))
    if args.csv is not None:
        _write(args.csv, tr, out, lambda path: write_csv(path, class_rows(rows)), quiet=args.json)
    if result.outcome is Outcome.CANCELLED:
        return EXIT_INTERRUPTED
    if rows and all(report.outcome is Outcome.UNREACHABLE for _, report in rows):
        return EXIT_UNREACHABLE
    return EXIT_ALL_PASSED if all(report.all_passed for _, report in rows) else EXIT_SOME_FAILED


def _short(report: Report, tr: Translator) -> str:
    if report.error is not None:
        return _outline(report, tr)
    return tr("check.face.summary", passed=report.passed, failed=report.failed, seconds=tr.decimal(report.duration, 1))


def class_table(rows: Sequence[tuple[Student, Report]], tr: Translator) -> list[str]:
    """The class as a text table: one row per student, one column per check (✓ or ✗), and the totals."""
    header = [tr("check.face.student"), *SERVER_CHECK_IDS, "✓"]
    body = []
    for student, report in rows:
        if report.outcome is Outcome.UNREACHABLE:
            body.append([student.name, tr("check.face.unreachable-cell")])
            continue
        marks = {r.check_id: PASS_MARK if r.passed else FAIL_MARK for r in report.results}
        body.append([student.name, *(marks.get(check_id, "") for check_id in SERVER_CHECK_IDS), str(report.passed)])
    # A row that could not connect has one cell across every check column: it does not set their widths.
    full = [row for row in [header, *body] if len(row) == len(header)]
    widths = [max(len(row[i]) for row in full) for i in range(len(header))]
    widths[0] = max(len(row[0]) for row in [header, *body])
    return ["  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row)).rstrip() for row in [header, *body]]
