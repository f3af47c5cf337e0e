"""The entry points a face calls: start a run on a worker thread, or run one and wait for its report."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from core.check.class_run import ClassReport, ClassRun
from core.check.client_run import ClientRun
from core.check.job import CheckJob
from core.check.registry import RUN_BUDGET_SECONDS
from core.check.results import CheckResult, Detail, Outcome, Report
from core.check.server_run import ResultCallback, ServerRun
from core.check.targets import Student

# wait() gives a run its budget and this much more (ending programs, closing connections) before giving up.
WAIT_MARGIN_SECONDS = 5.0
ReportCallback = Callable[[Report], None]


def _empty_report(target: str) -> Callable[[Outcome, Detail | None], Report]:
    return lambda outcome, error: Report(target, outcome, (), 0.0, None, error)


def start_server_check(
    host: str,
    port: int,
    on_result: ResultCallback | None = None,
    on_done: ReportCallback | None = None,
    budget: float = RUN_BUDGET_SECONDS,
) -> CheckJob[Report]:
    """Start checking the server at host:port on a worker thread; results arrive through the callbacks.

    Only host:port is contacted (the name is resolved once). The run ends within `budget` seconds.
    """
    run = ServerRun(host, port, on_result, budget)
    return CheckJob("mayus-check-server", run.run, on_done, _empty_report(run.label))


def check_server(
    host: str, port: int, on_result: ResultCallback | None = None, budget: float = RUN_BUDGET_SECONDS
) -> Report:
    """Check the server at host:port and return the report (blocks for the run, at most its budget)."""
    return start_server_check(host, port, on_result, None, budget).wait(budget + WAIT_MARGIN_SECONDS)


def start_client_check(
    command: Sequence[str],
    port: int,
    on_result: ResultCallback | None = None,
    on_done: ReportCallback | None = None,
    budget: float = RUN_BUDGET_SECONDS,
) -> CheckJob[Report]:
    """Start checking a client program on a worker thread: Mayus listens on 127.0.0.1:port, starts the
    program once per check, types into it and ends it (by its PID, with its children) after each check."""
    run = ClientRun(command, port, on_result, budget)
    return CheckJob("mayus-check-client", run.run, on_done, _empty_report(run.label))


def check_client(
    command: Sequence[str], port: int, on_result: ResultCallback | None = None, budget: float = RUN_BUDGET_SECONDS
) -> Report:
    """Check a client program and return the report (blocks for the run, at most its budget)."""
    return start_client_check(command, port, on_result, None, budget).wait(budget + WAIT_MARGIN_SECONDS)


def start_class_check(
    students: Sequence[Student],
    on_result: Callable[[Student, CheckResult], None] | None = None,
    on_report: Callable[[Student, Report], None] | None = None,
    on_done: Callable[[ClassReport], None] | None = None,
    budget: float = RUN_BUDGET_SECONDS,
) -> CheckJob[ClassReport]:
    """Start checking every student's server in turn on a worker thread (each run within `budget`)."""
    run = ClassRun(students, on_result, on_report, budget)
    return CheckJob(
        "mayus-check-class", run.run, on_done, lambda outcome, _error: ClassReport(tuple(run.rows), outcome)
    )
