"""The client checker against stand-in client programs: the original client.py, a correct one, and
clients with one classic fault each. Every program it starts ends, with its children, by the run's end."""

from __future__ import annotations

import asyncio
import dataclasses
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from core.check import (
    CLIENT_CHECK_IDS,
    CheckResult,
    Outcome,
    Report,
    check_client,
    client_checks,
    client_run,
    start_client_check,
)
from core.check.client_context import ClientContext
from core.check.registry import CLIENT_CHECKS, client_hint
from core.check.server_run import BACKSTOP_SECONDS
from core.check.verdicts import Verdict
from tests.support.sockets import free_port, taken_port
from tests.support.students import CLIENTS, process_alive, write_client
from tests.support.waiting import WAIT, wait_until
from words import TABLES

RUN_BOUND_SECONDS = 30.0
# The client checks the issue asks for, by the ids it gives them: they are public (JSON, Gradescope).
ISSUE_CLIENT_CHECK_IDS = ("caso1", "caso2", "split-reply", "unicode", "server-closes")
EXPECTED_FAILURES: dict[str, set[str]] = {
    "correct": set(),
    # One recv(1024) per reply: half a reply is printed as if it were all, and half a character breaks it.
    "original": {"split-reply", "split-utf8"},
    "never-closes": {"caso2"},
    "chunk-decoding": {"split-utf8"},
    # "ñ" goes out as one Latin-1 byte, and both checks type one ("ñandú camión", "año").
    "latin1": {"unicode", "split-utf8"},
    "hangs-on-close": {"server-closes"},
}

# A program that notes its PID and its child's, starts a child that would run for ten minutes, then
# runs the correct client: ending "the program" must end the child too.
PARENT_OF_A_SLEEPER = r"""
import runpy, subprocess, sys
pids, client, port = sys.argv[1:4]
child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)"])
with open(pids, "a") as out:
    out.write(f"{__import__('os').getpid()} {child.pid}\n")
sys.argv = [client, port]
runpy.run_path(client, run_name="__main__")
"""


def failed(report: Report) -> set[str]:
    return {result.check_id for result in report.results if not result.passed}


@pytest.fixture(scope="module")
def client_reports(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Report]]:
    """Every stand-in client checked at once, each on a port of its own."""
    folder = tmp_path_factory.mktemp("clients")
    jobs = {}
    for name in EXPECTED_FAILURES:
        port = free_port()
        jobs[name] = start_client_check([str(write_client(name, folder)), str(port)], port)
    yield {name: job.wait(RUN_BOUND_SECONDS + WAIT) for name, job in jobs.items()}


def test_every_stand_in_client_is_listed() -> None:
    assert set(EXPECTED_FAILURES) == set(CLIENTS)


@pytest.mark.parametrize("name", sorted(EXPECTED_FAILURES))
def test_a_stand_in_client_fails_exactly_the_checks_its_fault_breaks(
    client_reports: dict[str, Report], name: str
) -> None:
    report = client_reports[name]
    assert report.outcome is Outcome.COMPLETED
    assert failed(report) == EXPECTED_FAILURES[name], [(r.check_id, r.detail) for r in report.results]
    assert [result.check_id for result in report.results] == list(CLIENT_CHECK_IDS)
    assert report.duration < RUN_BOUND_SECONDS


def test_client_results_keep_the_wire_and_the_output_and_say_why(client_reports: dict[str, Report]) -> None:
    by_id = {r.check_id: r for r in client_reports["original"].results}
    split = by_id["split-reply"]
    assert split.received.data == b"hola servidor"  # the original sends no newline
    assert split.sent.data == b"HOLA SERVIDOR"  # sent in two pieces, both on the wire
    assert "Respuesta: HOLA \n" in split.output.data.decode()
    assert split.detail.key == "check.detail.not-printed"
    assert by_id["split-utf8"].detail.key == "check.detail.ended-before-printing"  # UnicodeDecodeError
    for report in client_reports.values():
        for result in report.results:
            assert result.detail.key in TABLES["es"] and result.hint in TABLES["es"]
            TABLES["es"][result.detail.key].format(**result.detail.kwargs)


def test_the_never_closing_client_is_caught_leaving_its_socket_open(client_reports: dict[str, Report]) -> None:
    caso2 = next(r for r in client_reports["never-closes"].results if r.check_id == "caso2")
    assert caso2.detail.key == "check.detail.socket-left-open"


def test_the_issues_client_check_ids_are_all_there() -> None:
    assert set(ISSUE_CLIENT_CHECK_IDS) <= set(CLIENT_CHECK_IDS)


def test_a_client_that_encodes_as_latin1_is_caught_sending_the_wrong_bytes(client_reports: dict[str, Report]) -> None:
    unicode = next(r for r in client_reports["latin1"].results if r.check_id == "unicode")
    assert unicode.received.data == "ñandú camión\n".encode("latin-1")  # what came over the wire
    assert unicode.sent.data == b""  # nothing to answer: what came is not what was typed
    assert (
        not unicode.passed
        and unicode.detail.key == "check.detail.typed-wrong"
        and unicode.detail.kwargs == {"text": "ñandú camión"}
    )
    assert unicode.hint == client_hint("unicode")
    for language in ("en", "es"):
        assert "UTF-8" in TABLES[language][unicode.hint]


def test_a_client_that_hangs_when_the_server_closes_is_caught_still_running(
    client_reports: dict[str, Report],
) -> None:
    closes = next(r for r in client_reports["hangs-on-close"].results if r.check_id == "server-closes")
    assert not closes.passed and closes.detail.key == "check.detail.kept-running"
    assert closes.output.data == b"HOLA SERVIDOR\n"  # it printed the one reply, then nothing: no word of the close
    assert closes.hint == client_hint("server-closes")


def test_a_client_check_that_hangs_is_ended_at_its_limit_and_its_program_with_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A check that never returns (it ignores its deadline) is cut at its limit and a backstop: it fails with
    "did not finish within its limit", its program is ended, and the next check runs."""
    limit = 0.5
    pids: list[int] = []

    async def hangs(ctx: ClientContext) -> Verdict:
        await ctx.start()
        assert ctx.program is not None
        pids.append(ctx.program.pid)
        await asyncio.Event().wait()  # never set
        raise AssertionError("unreachable")

    monkeypatch.setitem(client_checks.CHECKS, "split-reply", hangs)
    specs = tuple(
        dataclasses.replace(spec, limit=limit) if spec.check_id == "split-reply" else spec for spec in CLIENT_CHECKS
    )
    monkeypatch.setattr(client_run, "CLIENT_CHECKS", specs)
    port = free_port()
    report = check_client([str(write_client("correct", tmp_path)), str(port)], port)
    assert report.outcome is Outcome.COMPLETED
    assert failed(report) == {"split-reply"}
    hung = next(r for r in report.results if r.check_id == "split-reply")
    assert hung.detail.key == "check.detail.time-limit" and hung.detail.kwargs == {"seconds": limit}
    assert limit <= hung.duration < limit + BACKSTOP_SECONDS + 1.0  # and the time to end the program
    assert len(pids) == 1
    wait_until(lambda: not process_alive(pids[0]), message="the hung check's program was ended")


def test_each_program_and_its_children_end_with_the_check(tmp_path: Path) -> None:
    pids_file = tmp_path / "pids"
    launcher = tmp_path / "parent.py"
    launcher.write_text(PARENT_OF_A_SLEEPER, encoding="utf-8")
    client = write_client("correct", tmp_path)
    port = free_port()
    report = check_client([sys.executable, str(launcher), str(pids_file), str(client), str(port)], port)
    assert report.all_passed, [(r.check_id, r.detail) for r in report.results if not r.passed]
    pids = [int(pid) for line in pids_file.read_text().splitlines() for pid in line.split()]
    assert len(pids) == 2 * len(CLIENT_CHECK_IDS)  # one program run per check, each with one child
    wait_until(lambda: not any(process_alive(pid) for pid in pids), message="every program and child ended")


def test_a_program_that_never_connects_stops_the_run_after_the_first_check(tmp_path: Path) -> None:
    pids_file = tmp_path / "pid"
    sleeper = tmp_path / "sleeper.py"
    sleeper.write_text(
        f"import os, time\nopen({str(pids_file)!r}, 'w').write(str(os.getpid()))\ntime.sleep(600)\n", encoding="utf-8"
    )
    seen: list[CheckResult] = []
    report = check_client([str(sleeper)], free_port(), on_result=seen.append)
    assert report.outcome is Outcome.UNREACHABLE
    assert report.error is not None and report.error.key == "check.detail.program-no-connection"
    assert [r.check_id for r in seen] == ["caso1"]  # the others were not tried
    assert all(not r.passed for r in report.results)
    wait_until(lambda: not process_alive(int(pids_file.read_text())), message="the program was ended")


def test_a_program_that_cannot_start_is_reported_not_raised(tmp_path: Path) -> None:
    report = check_client([str(tmp_path / "missing-program")], free_port())
    assert report.outcome is Outcome.NOT_STARTED
    assert report.error is not None and report.error.key == "check.detail.program-not-started"


def test_a_busy_port_is_reported_not_raised(tmp_path: Path) -> None:
    with taken_port() as port:
        report = check_client([str(write_client("correct", tmp_path)), str(port)], port)
    assert report.outcome is Outcome.NOT_STARTED
    assert report.error is not None and report.error.key == "error.port_in_use"


def test_cancel_ends_the_program_at_once(tmp_path: Path) -> None:
    pids_file = tmp_path / "pid"
    sleeper = tmp_path / "sleeper.py"
    sleeper.write_text(
        f"import os, time\nopen({str(pids_file)!r}, 'w').write(str(os.getpid()))\ntime.sleep(600)\n", encoding="utf-8"
    )
    job = start_client_check([str(sleeper)], free_port())
    wait_until(lambda: pids_file.exists() and pids_file.read_text() != "", message="the program started")
    job.cancel()
    report = job.wait(WAIT)
    assert report.outcome is Outcome.CANCELLED
    wait_until(lambda: not process_alive(int(pids_file.read_text())), message="the program was ended")
