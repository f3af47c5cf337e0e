"""The load generator: real worker processes, real sockets on 127.0.0.1, every reply checked."""

from __future__ import annotations

import itertools
import threading
import time
from collections.abc import Iterator

import pytest

from core.events import ServerStats
from core.load import (
    CANCEL_SECONDS,
    ERROR_KINDS,
    LoadProgress,
    Payload,
    Scenario,
    hold_idle_connections,
    make_messages,
    run_load,
)
from core.protocol import uppercase_bytes
from tests.support.peers import (
    answer_once_then_close,
    close_at_once,
    echo_unchanged,
    lowercase,
    misbehaving_server,
    read_and_never_answer,
    uppercase_in_pieces,
)
from tests.support.processes import child_processes, new_child_processes
from tests.support.servers import RunningServer
from tests.support.sockets import RefusingPort, unanswered_listener
from tests.support.waiting import WAIT, wait_until


@pytest.fixture(autouse=True)
def _no_process_left_behind() -> Iterator[None]:
    before = child_processes()
    yield
    assert new_child_processes(before) == []  # checked at once: run_load returns only after its workers ended


def test_every_message_comes_back_checked_and_the_server_counts_the_same(server: RunningServer) -> None:
    scenario = Scenario("small", clients=3, messages=60, in_flight=4)
    result = run_load(server.host, server.port, scenario, processes=2)
    assert (result.completed, result.error_count, result.connected, result.processes) == (60, 0, 3, 2)
    assert set(result.errors) == set(ERROR_KINDS)
    assert not result.cancelled and result.first_mismatch is None
    assert result.latency.count == 60
    assert 0 < result.p50 <= result.p95 <= result.p99 <= result.maximum * 1.01
    assert result.messages_per_second > 0
    messages = make_messages(scenario.message_bytes)
    assert result.bytes_sent == 60 * scenario.message_bytes
    assert result.bytes_received == sum(len(uppercase_bytes(messages[i % len(messages)])) for i in range(60))
    stats = server.events.wait_for(ServerStats, WAIT, lambda s: s.messages_in == 60)
    assert stats.messages_out == 60


def test_ascii_payload_is_plain_ascii_and_checked_too(server: RunningServer) -> None:
    scenario = Scenario("ascii", clients=2, messages=20, payload=Payload.ASCII)
    result = run_load(server.host, server.port, scenario, processes=1)
    assert (result.completed, result.error_count) == (20, 0)
    assert result.bytes_sent == 20 * 64


def test_64_kib_messages_come_back_whole(server: RunningServer) -> None:
    result = run_load(server.host, server.port, Scenario("big", clients=2, messages=8, message_bytes=64 * 1024))
    assert (result.completed, result.error_count) == (8, 0)
    assert result.bytes_received == result.bytes_sent


def test_a_server_that_lowercases_gives_mismatches_and_the_first_one_is_kept() -> None:
    with misbehaving_server(lowercase) as (host, port):
        result = run_load(host, port, Scenario("lower", clients=2, messages=10), processes=1)
    assert result.completed == 0
    assert result.errors["mismatch"] == 2 and result.error_count == 2
    mismatch = result.first_mismatch
    assert mismatch is not None
    assert mismatch.sent in make_messages(64)
    assert mismatch.expected == uppercase_bytes(mismatch.sent)
    assert mismatch.received == mismatch.sent.decode().lower().encode()
    assert mismatch.sent_length == mismatch.received_length == 64
    assert mismatch.received[mismatch.offset] != mismatch.expected[mismatch.offset]
    assert mismatch.received[: mismatch.offset] == mismatch.expected[: mismatch.offset]


def test_a_long_mismatch_is_cut_but_keeps_its_lengths() -> None:
    with misbehaving_server(echo_unchanged) as (host, port):
        result = run_load(host, port, Scenario("echo", clients=1, messages=1, message_bytes=4096), processes=1)
    mismatch = result.first_mismatch
    assert mismatch is not None and result.errors["mismatch"] == 1
    assert len(mismatch.sent) == len(mismatch.received) == 256
    assert mismatch.sent_length == mismatch.received_length == 4096


def test_a_server_that_closes_at_once_gives_closed_per_connection() -> None:
    with misbehaving_server(close_at_once) as (host, port):
        result = run_load(host, port, Scenario("hang up", clients=3, messages=30), processes=1)
    assert result.completed == 0
    assert result.errors["closed"] == 3 and result.error_count == 3


def test_a_server_that_closes_mid_run_ends_each_connection_early() -> None:
    with misbehaving_server(answer_once_then_close) as (host, port):
        result = run_load(host, port, Scenario("early", clients=2, messages=20), processes=1)
    assert result.completed == 2  # one answer each, then the server hung up
    assert result.errors["closed"] + result.errors["reset"] == 2 and result.error_count == 2


def test_nobody_listening_gives_refused() -> None:
    with RefusingPort() as refused:
        result = run_load(*refused.address, Scenario("refused", clients=4, messages=4), processes=2)
    assert (result.connected, result.completed, result.errors["refused"], result.error_count) == (0, 0, 4, 4)


def test_a_silent_server_is_a_timeout_within_the_bound() -> None:
    scenario = Scenario("silent", clients=2, messages=2, reply_timeout=0.5, duration=1.0)
    began = time.monotonic()
    with misbehaving_server(read_and_never_answer) as (host, port):
        result = run_load(host, port, scenario, processes=1)
    assert result.errors["timeout"] == 2 and result.error_count == 2
    assert time.monotonic() - began < scenario.longest_seconds


def test_the_duration_ends_a_run_with_no_message_count(server: RunningServer) -> None:
    scenario = Scenario("timed", clients=2, messages=None, duration=0.5)
    result = run_load(server.host, server.port, scenario, processes=1)
    assert result.completed > 0
    assert result.error_count == 0
    assert 0.5 <= result.elapsed < 0.5 + scenario.reply_timeout


def test_progress_comes_often_with_interval_rates_and_ends_done(server: RunningServer) -> None:
    progress: list[LoadProgress] = []
    scenario = Scenario("watched", clients=4, messages=None, in_flight=2, duration=1.5)
    result = run_load(server.host, server.port, scenario, processes=2, on_progress=progress.append)
    phases = [p.phase for p in progress]
    assert phases[-1] == "done" and phases.count("done") == 1
    assert "running" in phases
    running = [p for p in progress if p.phase == "running"]
    assert len(running) >= 4  # at least twice a second over 1.5 s
    assert any(p.interval_messages_per_second > 0 and 0 < p.interval_p50 <= p.interval_p99 for p in running)
    assert max(p.connected for p in progress) == 4
    assert progress[-1].completed == result.completed and progress[-1].fraction == 1.0
    assert progress[-1].remaining_messages is None
    completed = [p.completed for p in progress]
    assert completed == sorted(completed)
    remaining = [p.remaining_seconds for p in progress]
    assert remaining == sorted(remaining, reverse=True)
    elapsed = [p.elapsed for p in progress]
    assert all(0 < later - earlier < 0.6 for earlier, later in itertools.pairwise(elapsed))
    assert all(set(p.errors) == set(ERROR_KINDS) and p.error_count == 0 for p in progress)


def test_cancel_stops_a_run_within_a_second_and_keeps_what_was_done(server: RunningServer) -> None:
    cancel = threading.Event()
    cancelled_at: list[float] = []

    def on_progress(update: LoadProgress) -> None:
        if update.completed > 0 and not cancel.is_set():
            cancelled_at.append(time.monotonic())
            cancel.set()

    scenario = Scenario("endless", clients=4, messages=None, duration=60.0)
    result = run_load(server.host, server.port, scenario, processes=2, on_progress=on_progress, cancel=cancel)
    assert time.monotonic() - cancelled_at[0] < CANCEL_SECONDS + 0.3
    assert result.cancelled
    assert result.completed > 0
    assert result.error_count == 0


def test_cancel_while_connecting_to_a_silent_host_ends_within_a_second() -> None:
    # A listener that never accepts: with its backlog full, connects wait until their timeout.
    with unanswered_listener() as port:
        cancel = threading.Event()
        seen: list[LoadProgress] = []

        def on_progress(update: LoadProgress) -> None:
            seen.append(update)
            if update.phase == "connecting":
                cancel.set()

        scenario = Scenario("stuck", clients=50, messages=50, connect_timeout=30.0)
        runner = threading.Thread(target=run_load, args=("127.0.0.1", port, scenario, 1, on_progress, cancel))
        runner.start()
        wait_until(cancel.is_set, timeout=30.0, message="the connecting phase")
        cancelled_at = time.monotonic()
        runner.join(WAIT)
        assert not runner.is_alive()
        assert time.monotonic() - cancelled_at < CANCEL_SECONDS + 0.3
        assert seen[-1].phase == "done"


def test_idle_connections_stay_open_until_released(server: RunningServer) -> None:
    with hold_idle_connections(server.host, server.port, 20, processes=2) as opened:
        assert (opened.completed, opened.error_count) == (20, 0)
        server.events.wait_for(ServerStats, WAIT, lambda s: s.clients == 20)
        mark = server.events.mark()
    server.events.wait_for(ServerStats, WAIT, lambda s: s.clients == 0, after=mark)


def test_many_in_flight_wrap_around_the_messages_and_all_come_back(server: RunningServer) -> None:
    scenario = Scenario("deep", clients=2, messages=5_000, in_flight=40, message_bytes=100)
    result = run_load(server.host, server.port, scenario, processes=1)
    assert (result.completed, result.error_count) == (5_000, 0)
    assert result.latency.count == 5_000
    assert result.bytes_received == result.bytes_sent == 5_000 * 100


def test_replies_that_arrive_in_small_pieces_are_checked_piece_by_piece() -> None:
    with misbehaving_server(uppercase_in_pieces) as (host, port):
        result = run_load(host, port, Scenario("pieces", clients=2, messages=40, in_flight=3), processes=1)
    assert (result.completed, result.error_count) == (40, 0)
