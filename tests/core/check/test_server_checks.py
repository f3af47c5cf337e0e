"""The server checker against Mayus's server, the original server.py and stand-in student servers.

Each stand-in has one classic fault: the checks that fault breaks fail and every other check passes.
The stand-ins are checked all at once (each run on its own worker thread), as they are independent.
"""

from __future__ import annotations

import asyncio
import dataclasses
import threading
from collections.abc import Iterator

import pytest

from core.check import (
    SERVER_CHECK_IDS,
    CheckResult,
    Outcome,
    Report,
    ServerKind,
    check_server,
    server_checks,
    start_server_check,
)
from core.check.registry import SERVER_SPECS, server_hint
from core.check.results import CLIP_BYTES
from core.check.server_checks import LONG_MESSAGE_BYTES
from core.check.server_context import ServerContext
from core.check.server_run import BACKSTOP_SECONDS
from core.check.verdicts import Verdict
from core.check.wire import Conn
from tests.support.peers import OriginalServer
from tests.support.servers import RunningServer
from tests.support.sockets import RefusingPort, unanswered_listener
from tests.support.students import (
    SERVERS,
    DiesOnResetServer,
    RudeServer,
    SilentServer,
    StandInProcess,
    StudentServer,
)
from tests.support.waiting import WAIT, wait_until
from words import TABLES

# The issue's bound on a whole run, whatever the server does.
RUN_BOUND_SECONDS = 30.0
# The server checks the issue asks for, by the ids it gives them: they are public (JSON, CSV, Gradescope).
ISSUE_SERVER_CHECK_IDS = (
    "caso1",
    "caso2",
    "desconexion-any-case",
    "unicode",
    "split-utf8",
    "one-message-two-packets",
    "two-messages-one-packet",
    "long-message",
    "concurrent-clients",
    "half-close",
    "abrupt-close",
)
# What a check that keeps to its own deadline may take past it: closing its connections, on a busy machine.
ENDING_MARGIN_SECONDS = 0.5

# The checks each stand-in's one fault breaks (a fault may show in more than one check).
EXPECTED_FAILURES: dict[str, set[str]] = {
    "none": set(),
    "bytes-upper": {"unicode", "split-utf8"},  # "ñ" comes back "ñ", split or not
    "chunk-decoding": {"split-utf8"},
    "no-close": {"caso2", "desconexion-any-case"},
    "case-sensitive": {"desconexion-any-case"},
    "one-at-a-time": {"concurrent-clients", "slow-reader"},  # the other client waits behind either
    "first-line-only": {"two-messages-one-packet", "pipelined"},
    "close-after-one-reply": {"two-messages-one-packet", "conversation", "pipelined"},
    "truncating": {"long-message"},
    "blocking-select": {"slow-reader"},
    # A line that takes several reads comes back cut into lines: two pieces 200 ms apart, a character split
    # between two reads, 100 kB and a burst of 1,000 lines all do. (A newline that comes alone, as in the
    # probe, adds no piece: caso1 passes.)
    "each-read-a-line": {"one-message-two-packets", "split-utf8", "long-message", "pipelined"},
    "closes-on-eof": {"half-close"},
    "dies-on-reset": {"abrupt-close"},
}


def failed(report: Report) -> set[str]:
    return {result.check_id for result in report.results if not result.passed}


@pytest.fixture(scope="module")
def stand_in_reports() -> Iterator[dict[str, Report]]:
    """Every stand-in server checked at once, each in a process of its own, as a student's server would be
    (in the test's process its threads would also wait for the checkers' interpreter lock). Each is stopped
    after: its threads joined, its process ended."""
    stand_ins = {
        fault: DiesOnResetServer() if fault == DiesOnResetServer.fault else StandInProcess(fault)
        for fault in EXPECTED_FAILURES
    }
    try:
        jobs = {fault: start_server_check(*stand_in.address) for fault, stand_in in stand_ins.items()}
        yield {fault: job.wait(RUN_BOUND_SECONDS + WAIT) for fault, job in jobs.items()}
    finally:
        for stand_in in stand_ins.values():
            stand_in.close()


def test_every_stand_in_fault_is_listed() -> None:
    assert set(EXPECTED_FAILURES) == set(SERVERS)


@pytest.mark.parametrize("fault", sorted(EXPECTED_FAILURES))
def test_a_stand_in_fails_exactly_the_checks_its_fault_breaks(stand_in_reports: dict[str, Report], fault: str) -> None:
    assert_verdicts(stand_in_reports[fault], fault)


def assert_verdicts(report: Report, fault: str) -> None:
    assert report.outcome is Outcome.COMPLETED
    assert report.kind is ServerKind.LINES
    assert failed(report) == EXPECTED_FAILURES[fault], [(r.check_id, r.detail) for r in report.results]
    assert [result.check_id for result in report.results] == list(SERVER_CHECK_IDS)
    assert report.duration < RUN_BOUND_SECONDS


def test_each_failure_says_why_in_both_languages(stand_in_reports: dict[str, Report]) -> None:
    for report in stand_in_reports.values():
        for result in report.results:
            for language in ("en", "es"):
                assert result.detail.key in TABLES[language] and result.hint in TABLES[language]
                TABLES[language][result.detail.key].format(**result.detail.kwargs)  # every value it needs is there


def test_bytes_upper_is_named_as_such(stand_in_reports: dict[str, Report]) -> None:
    by_id = {r.check_id: r for r in stand_in_reports["bytes-upper"].results}
    assert by_id["unicode"].detail.key == "check.detail.ascii-only-upper"
    assert by_id["unicode"].received.data == "ñANDú CAMIóN STRAßE\n".encode()  # what came back is kept to show


def test_the_issues_check_ids_are_all_there() -> None:
    """Renaming one of the issue's ids would break every saved CSV and Gradescope's tests: not silently."""
    assert set(ISSUE_SERVER_CHECK_IDS) <= set(SERVER_CHECK_IDS)
    assert set(SERVER_SPECS) == set(SERVER_CHECK_IDS)


def test_a_line_that_took_two_reads_comes_back_as_two_lines(stand_in_reports: dict[str, Report]) -> None:
    by_id = {r.check_id: r for r in stand_in_reports["each-read-a-line"].results}
    two_packets = by_id["one-message-two-packets"]
    assert two_packets.sent.data == b"hola servidor\n"  # "hola " then, 200 ms later, "servidor\n"
    assert two_packets.received.data == b"HOLA \nSERVIDOR\n"
    assert not two_packets.passed and two_packets.detail.key == "check.detail.reply-wrong"
    assert two_packets.detail.kwargs == {"offset": len("HOLA ")}
    assert two_packets.hint == server_hint("one-message-two-packets")
    assert by_id["caso1"].passed  # "hola servidor", then "\n" alone 0.7 s later: that line comes back whole


def test_a_server_that_closes_on_the_clients_eof_loses_the_pending_reply(stand_in_reports: dict[str, Report]) -> None:
    half_close = next(r for r in stand_in_reports["closes-on-eof"].results if r.check_id == "half-close")
    assert half_close.sent.data == b"hola servidor\n"
    assert half_close.received.data == b""  # closed, not silent: it did not wait out the limit
    assert not half_close.passed and half_close.detail.key == "check.detail.closed-mid-reply"
    assert half_close.detail.kwargs == {"got": 0, "expected": len(b"HOLA SERVIDOR\n")}
    assert half_close.hint == server_hint("half-close")
    assert half_close.duration < SERVER_SPECS["half-close"].limit / 2


def test_one_at_a_time_serves_the_second_client_once_the_first_left(stand_in_reports: dict[str, Report]) -> None:
    by_id = {r.check_id: r for r in stand_in_reports["one-at-a-time"].results}
    assert by_id["concurrent-clients"].detail.key == "check.detail.second-client-waited"


def test_mayus_server_passes_everything(server: RunningServer) -> None:
    report = check_server(server.host, server.port)
    assert report.outcome is Outcome.COMPLETED
    assert failed(report) == set(), [(r.check_id, r.detail) for r in report.results if not r.passed]
    assert report.kind is ServerKind.CHUNKS  # it answers a message with no newline at once, as the original
    assert report.all_passed and report.passed == len(SERVER_CHECK_IDS)


# The original's thread dies of the split character (UnicodeDecodeError): that is the weakness shown here.
@pytest.mark.filterwarnings("ignore::pytest.PytestUnhandledThreadExceptionWarning")
def test_the_original_server_shows_its_real_weaknesses(original_server: OriginalServer) -> None:
    report = check_server(*original_server.address)
    assert report.kind is ServerKind.CHUNKS
    passed = {r.check_id for r in report.results if r.passed}
    assert {"caso1", "caso2", "desconexion-any-case", "unicode"} <= passed
    # One client at a time (the slow reader's neighbour waits too), per-chunk decoding, death by reset.
    assert failed(report) == {"concurrent-clients", "slow-reader", "split-utf8", "abrupt-close"}


def test_results_are_frozen_and_their_bytes_are_clipped_with_the_full_length_kept(server: RunningServer) -> None:
    report = check_server(server.host, server.port)
    long = next(r for r in report.results if r.check_id == "long-message")
    assert long.sent.length == LONG_MESSAGE_BYTES and long.received.length == LONG_MESSAGE_BYTES
    assert len(long.sent.data) == CLIP_BYTES and long.sent.cut
    assert long.received.data == long.sent.data.upper()
    with pytest.raises(dataclasses.FrozenInstanceError):
        long.passed = False  # type: ignore[misc]


def test_results_arrive_one_by_one_off_the_calling_thread_then_the_report(server: RunningServer) -> None:
    seen: list[tuple[str, bool]] = []
    reports: list[Report] = []

    def on_result(result: CheckResult) -> None:
        seen.append((result.check_id, threading.current_thread() is threading.main_thread()))

    job = start_server_check(server.host, server.port, on_result, reports.append)
    report = job.wait(RUN_BOUND_SECONDS + WAIT)
    assert sorted(check_id for check_id, _ in seen) == sorted(SERVER_CHECK_IDS)
    assert not any(on_main for _, on_main in seen)
    assert reports == [report] and job.done


def test_only_the_target_address_is_contacted(server: RunningServer, monkeypatch: pytest.MonkeyPatch) -> None:
    contacted: list[tuple[str, int]] = []
    real_open = Conn.open

    async def recording_open(address: tuple[str, int], *args: object, **kwargs: object) -> Conn:
        contacted.append(address)
        return await real_open(address, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(Conn, "open", recording_open)
    check_server(server.host, server.port)
    assert contacted and set(contacted) == {(server.host, server.port)}


def test_a_refused_port_is_could_not_connect_at_once() -> None:
    seen: list[CheckResult] = []
    with RefusingPort() as refused:
        report = check_server(*refused.address, on_result=seen.append)
    assert report.outcome is Outcome.UNREACHABLE
    assert report.error is not None and report.error.key == "error.connection_refused"
    assert seen == []  # no check ran
    assert all(not r.passed and r.detail == report.error for r in report.results)
    assert len(report.results) == len(SERVER_CHECK_IDS)


def test_a_port_out_of_range_is_never_contacted() -> None:
    report = check_server("127.0.0.1", 70000)  # 70000 would wrap around to port 4464
    assert report.outcome is Outcome.UNREACHABLE
    assert report.error is not None and report.error.key == "check.detail.bad-port"


@pytest.mark.slow
def test_a_server_that_never_accepts_is_could_not_connect_within_the_bound() -> None:
    with unanswered_listener() as port:
        report = check_server("127.0.0.1", port)
    assert report.outcome is Outcome.UNREACHABLE
    assert report.error is not None and report.error.key == "error.timed_out"
    assert report.duration < RUN_BOUND_SECONDS


@pytest.mark.slow
def test_a_server_that_never_answers_fails_every_check_within_the_bound() -> None:
    silent = SilentServer()
    try:
        report = check_server(*silent.address)
    finally:
        silent.close()
    assert report.outcome is Outcome.COMPLETED and report.kind is ServerKind.UNKNOWN
    assert report.passed == 0 and report.failed == len(SERVER_CHECK_IDS)
    assert report.duration < RUN_BOUND_SECONDS
    for result in report.results:  # each ended by its own limit
        assert result.duration < SERVER_SPECS[result.check_id].limit + ENDING_MARGIN_SECONDS, result


def test_against_a_server_that_never_answers_each_check_ends_at_its_own_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each check gets a limit of its own (0.6 s, 0.7 s, ...): one that waits for a reply waits that long, then
    fails; none takes longer. (The silent server closes when a client half-closes, and abrupt-close gives its
    first client a fixed 1.1 s: those end sooner.)"""
    limits = {check_id: 0.6 + 0.1 * number for number, check_id in enumerate(SERVER_CHECK_IDS)}
    for check_id, limit in limits.items():
        monkeypatch.setitem(SERVER_SPECS, check_id, dataclasses.replace(SERVER_SPECS[check_id], limit=limit))
    silent = SilentServer()
    try:
        report = check_server(*silent.address)
    finally:
        silent.close()
    assert report.outcome is Outcome.COMPLETED and report.passed == 0
    for result in report.results:
        limit = limits[result.check_id]
        assert result.duration < limit + ENDING_MARGIN_SECONDS, (result.check_id, result.duration)
        if result.detail.key == "check.detail.no-reply":
            assert result.duration >= limit - 0.05, (result.check_id, result.duration)
    waited = {r.check_id for r in report.results if r.detail.key == "check.detail.no-reply"}
    assert len(waited) >= len(SERVER_CHECK_IDS) // 2, waited


def test_a_check_that_hangs_is_ended_at_its_limit_and_fails(monkeypatch: pytest.MonkeyPatch) -> None:
    """A check that never returns (it ignores its own deadline) is cut by the runner at its limit and a
    backstop; it fails with "did not finish within its limit" and the run goes on to the others."""
    limit = 0.5

    async def hangs(ctx: ServerContext) -> Verdict:
        await ctx.connect()
        await asyncio.Event().wait()  # never set
        raise AssertionError("unreachable")

    monkeypatch.setitem(server_checks.CHECKS, "half-close", hangs)
    monkeypatch.setitem(SERVER_SPECS, "half-close", dataclasses.replace(SERVER_SPECS["half-close"], limit=limit))
    stand_in = StudentServer()
    try:
        report = check_server(*stand_in.address)
        wait_until(lambda: stand_in.connections() == 0, message="the hung check's connection was ended")
    finally:
        stand_in.close()
    assert report.outcome is Outcome.COMPLETED
    assert failed(report) == {"half-close"}
    hung = next(r for r in report.results if r.check_id == "half-close")
    assert hung.detail.key == "check.detail.time-limit" and hung.detail.kwargs == {"seconds": limit}
    assert limit <= hung.duration < limit + BACKSTOP_SECONDS + ENDING_MARGIN_SECONDS


def test_the_run_budget_cuts_the_checks_left_when_it_runs_out() -> None:
    """A server that serves one client at a time is checked one check after another; with a budget of 3 s
    the run stops at 3 s (and a little more to end the last check) and says which checks it had no time for."""
    slow = StandInProcess("one-at-a-time")
    try:
        report = check_server(*slow.address, budget=3.0)
    finally:
        slow.close()
    assert report.outcome is Outcome.COMPLETED
    assert report.duration < 3.0 + 1.0
    cut = [r.check_id for r in report.results if r.detail.key == "check.detail.out-of-time"]
    assert cut and cut == list(SERVER_CHECK_IDS)[-len(cut) :]  # the last ones in the order they run


def test_a_rude_server_never_crashes_the_checker() -> None:
    rude = RudeServer()
    try:
        report = check_server(*rude.address)
    finally:
        rude.close()
    assert report.outcome is Outcome.COMPLETED
    assert failed(report) >= {"caso1", "unicode", "long-message"}
    assert not any(r.detail.key == "check.detail.checker-error" for r in report.results)


def test_cancel_ends_the_run_and_its_connections_at_once() -> None:
    silent = SilentServer()
    try:
        seen: list[CheckResult] = []
        job = start_server_check(*silent.address, on_result=seen.append)
        wait_until(lambda: silent.connections() > 0, message="the checker connected")
        job.cancel()
        report = job.wait(WAIT)
        assert report.outcome is Outcome.CANCELLED
        wait_until(lambda: silent.connections() == 0, message="every connection of the run ended")
    finally:
        silent.close()
