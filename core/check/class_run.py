"""A class at a time: every student's server checked in turn, one report per student."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from core.check.registry import RUN_BUDGET_SECONDS
from core.check.results import CheckResult, Outcome, Report
from core.check.server_run import ServerRun
from core.check.targets import Student


@dataclass(frozen=True, slots=True)
class ClassReport:
    """One row per student checked so far, in the list's order; CANCELLED if the run was stopped early."""

    rows: tuple[tuple[Student, Report], ...]
    outcome: Outcome


class ClassRun:
    """Checks each student's server in turn (each run bounded by `budget`); reports each as it finishes."""

    def __init__(
        self,
        students: Sequence[Student],
        on_result: Callable[[Student, CheckResult], None] | None = None,
        on_report: Callable[[Student, Report], None] | None = None,
        budget: float = RUN_BUDGET_SECONDS,
    ) -> None:
        self.students = list(students)
        self.rows: list[tuple[Student, Report]] = []
        self._on_result = on_result
        self._on_report = on_report
        self._budget = budget

    async def run(self) -> ClassReport:
        try:
            for student in self.students:
                report = await ServerRun(student.host, student.port, self._result_of(student), self._budget).run()
                self.rows.append((student, report))
                if self._on_report is not None:
                    self._on_report(student, report)
                if report.outcome is Outcome.CANCELLED:
                    return ClassReport(tuple(self.rows), Outcome.CANCELLED)
        except asyncio.CancelledError:
            return ClassReport(tuple(self.rows), Outcome.CANCELLED)
        return ClassReport(tuple(self.rows), Outcome.COMPLETED)

    def _result_of(self, student: Student) -> Callable[[CheckResult], None] | None:
        on_result = self._on_result
        if on_result is None:
            return None
        return lambda result: on_result(student, result)
