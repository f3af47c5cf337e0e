"""What the check view shows, worked out without a window: bytes as lines, commands, addresses, the class table.

Also the messages a check run's worker thread hands to the Tk thread (through a queue): a result as it
finishes, a student's report in a class, the end of the run. Each carries the number of the run it belongs
to, so nothing of an earlier run can land in a later one.
"""

from __future__ import annotations

import shlex
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import dataclass

from core.addresses import join_host_port
from core.check import CheckResult, ClassReport, Clip, Outcome, Report
from core.check.targets import Student
from core.text import VisibleText

PASS_MARK, FAIL_MARK = "✓", "✗"
PENDING_MARK = "·"  # not finished yet
NOT_RUN_MARK = "–"  # the run was stopped, or nothing could be reached: this check never ran
CUT_MARK = "…"
# A check's detail: the "not run" filler the engine gives checks a stopped run never reached.
NOT_RUN_DETAIL = "check.detail.cancelled"
# Mayus's own server, listening on every interface, is checked on this machine's loopback.
LOOPBACK_FOR: dict[str, str] = {"0.0.0.0": "127.0.0.1", "": "127.0.0.1", "::": "::1"}


# --- the messages from the worker thread --------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ResultCame:
    """One check finished (in a class, for student number `student`)."""

    run: int
    result: CheckResult
    student: int | None = None


@dataclass(frozen=True, slots=True)
class StudentDone:
    """A class run finished checking student number `student`."""

    run: int
    student: int
    report: Report


@dataclass(frozen=True, slots=True)
class RunEnded:
    """The run is over (completed, stopped or unable to start); its worker thread is ending."""

    run: int
    report: Report | ClassReport


CheckMessage = ResultCame | StudentDone | RunEnded


# --- what the checklist shows --------------------------------------------------------------------------


def shown_bytes(clip: Clip) -> str:
    """Bytes as text a person can read: UTF-8 as text, the rest as escapes (core.text), `\\n` kept visible and
    followed by a real line break so a transcript reads line by line, and "…" when the bytes were cut."""
    decoder = VisibleText()
    data = clip.data
    lines, start = [], 0
    while start < len(data):
        end = data.find(b"\n", start)
        end = len(data) if end < 0 else end + 1
        lines.append(decoder.feed(data[start:end], final=end == len(data) and not clip.cut))
        start = end
    # A cut may fall inside a character: its first bytes wait in the decoder and are dropped (not escaped).
    text = "\n".join(lines)
    return text + CUT_MARK if clip.cut else text


def results_that_ran(report: Report) -> list[CheckResult]:
    """The checks of a report that really ran: none if nothing could be reached, not the fillers of a stopped run."""
    if report.outcome in (Outcome.UNREACHABLE, Outcome.NOT_STARTED):
        return []
    if report.outcome is Outcome.CANCELLED:
        return [result for result in report.results if result.detail.key != NOT_RUN_DETAIL]
    return list(report.results)


def loopback_for(host: str) -> str:
    """Where to reach a server listening on `host` from this machine (every interface: the loopback)."""
    return LOOPBACK_FOR.get(host, host)


# --- a client program's command ------------------------------------------------------------------------


class CommandError(ValueError):
    """A typed command that cannot be split into words (an unclosed quote); the message says where."""


def split_command(text: str, windows: bool = sys.platform == "win32") -> list[str]:
    """The words of a typed command, as a shell would split them (quotes group; on Windows a backslash is
    only a path separator). An empty list when nothing is typed; raises CommandError for an unclosed quote."""
    try:
        words = shlex.split(text, posix=not windows)
    except ValueError as exc:
        raise CommandError(str(exc)) from exc
    if windows:  # posix=False keeps the quotes round a word: drop them
        words = [word[1:-1] if len(word) > 1 and word[0] == word[-1] and word[0] in "\"'" else word for word in words]
    return words


def quote_path(path: str, windows: bool = sys.platform == "win32") -> str:
    """A file's path as one word of a command (quoted only when it has to be)."""
    return subprocess.list2cmdline([path]) if windows else shlex.quote(path)


# --- a class at a time ----------------------------------------------------------------------------------


def targets_text(students: Sequence[Student]) -> str:
    """The students as "host:port name" lines (the box's own format; `parse_targets` reads them back)."""
    lines = []
    for student in students:
        label = join_host_port(student.host, student.port)
        lines.append(label if student.name == label else f"{label} {student.name}")
    return "\n".join(lines) + ("\n" if lines else "")


def class_marks(report: Report, check_ids: Sequence[str]) -> list[str]:
    """One mark per check for the class table: ✓ or ✗, "–" for a check that never ran."""
    ran = {result.check_id: result for result in results_that_ran(report)}
    return [
        (PASS_MARK if ran[check_id].passed else FAIL_MARK) if check_id in ran else NOT_RUN_MARK
        for check_id in check_ids
    ]
