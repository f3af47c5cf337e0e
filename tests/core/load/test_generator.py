"""The load generator: real worker processes, real sockets on 127.0.0.1, every reply checked."""

from __future__ import annotations

import socket
import socketserver
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import pytest

from core.events import ServerStats
from core.load import LoadProgress, Scenario, hold_idle_connections, make_messages, run_load
from core.load.latency import LatencyHistogram
from core.protocol import is_disconnect_word, uppercase_bytes
from tests.support.servers import RunningServer
from tests.support.waiting import WAIT


@contextmanager
def misbehaving_server(handle: Callable[[socket.socket], None]) -> Iterator[tuple[str, int]]:
    """A threaded TCP server on a free port whose connections `handle` serves."""

    class Handler(socketserver.BaseRequestHandler):
        def handle(self) -> None:
            handle(self.request)

    class Server(socketserver.ThreadingTCPServer):
        daemon_threads = True
        allow_reuse_address = True

    with Server(("127.0.0.1", 0), Handler) as server:
        thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        thread.start()
        try:
            host, port = server.server_address[:2]
            yield str(host), int(port)
        finally:
            server.shutdown()
            thread.join(WAIT)


def echo_unchanged(sock: socket.socket) -> None:
    try:
        while data := sock.recv(65536):
            sock.sendall(data)
    except OSError:  # the load generator drops the connection at the first wrong reply
        pass


def close_at_once(sock: socket.socket) -> None:
    sock.close()


def read_and_never_answer(sock: socket.socket) -> None:
    sock.settimeout(WAIT)
    try:
        while sock.recv(65536):
            pass
    except OSError:
        pass


def test_every_message_comes_back_checked_and_the_server_counts_the_same(server: RunningServer) -> None:
    scenario = Scenario("small", clients=3, messages=60, in_flight=4)
    result = run_load(server.host, server.port, scenario, processes=2)
    assert (result.completed, result.error_count, result.connected, result.processes) == (60, 0, 3, 2)
    assert not result.cancelled
    assert result.latency.count == 60
    assert 0 < result.p50 <= result.p99 <= result.latency.maximum * 1.01
    assert result.messages_per_second > 0
    messages = make_messages(scenario.message_bytes)
    assert result.bytes_sent == 60 * scenario.message_bytes
    assert result.bytes_received == sum(len(uppercase_bytes(messages[i % len(messages)])) for i in range(60))
    stats = server.events.wait_for(ServerStats, WAIT, lambda s: s.messages_in == 60)
    assert stats.messages_out == 60


def test_64_kib_messages_come_back_whole(server: RunningServer) -> None:
    result = run_load(server.host, server.port, Scenario("big", clients=2, messages=8, message_bytes=64 * 1024))
    assert (result.completed, result.error_count) == (8, 0)
    assert result.bytes_received == result.bytes_sent


def test_a_reply_that_differs_by_one_byte_is_a_mismatch() -> None:
    with misbehaving_server(echo_unchanged) as (host, port):
        result = run_load(host, port, Scenario("echo", clients=2, messages=10), processes=1)
    assert result.completed == 0
    assert result.errors["mismatch"] == 2
    assert result.error_count == 2


def test_a_server_that_hangs_up_is_counted_per_connection() -> None:
    with misbehaving_server(close_at_once) as (host, port):
        result = run_load(host, port, Scenario("hang up", clients=3, messages=30), processes=1)
    assert result.completed == 0
    assert result.errors["closed"] + result.errors["reset"] == 3


def test_nobody_listening_gives_connect_errors() -> None:
    with socket.socket() as probe:  # a port that was free a moment ago and has no listener
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    result = run_load("127.0.0.1", port, Scenario("refused", clients=4, messages=4), processes=2)
    assert (result.connected, result.completed, result.errors["connect"]) == (0, 0, 4)


def test_a_silent_server_is_a_timeout_within_the_bound() -> None:
    scenario = Scenario("silent", clients=2, messages=2, reply_timeout=0.5, time_cap=1.0)
    began = time.monotonic()
    with misbehaving_server(read_and_never_answer) as (host, port):
        result = run_load(host, port, scenario, processes=1)
    assert result.errors["timeout"] == 2
    assert time.monotonic() - began < scenario.longest_seconds


def test_the_time_cap_ends_a_run_that_would_last_too_long(server: RunningServer) -> None:
    scenario = Scenario("capped", clients=2, messages=10_000_000, time_cap=0.5)
    result = run_load(server.host, server.port, scenario, processes=1)
    assert 0 < result.completed < scenario.messages
    assert result.error_count == 0
    assert 0.5 <= result.elapsed < 0.5 + scenario.reply_timeout


def test_cancel_stops_a_run_within_seconds_and_keeps_what_was_done(server: RunningServer) -> None:
    cancel = threading.Event()
    progress: list[LoadProgress] = []

    def on_progress(update: LoadProgress) -> None:
        progress.append(update)
        if update.completed > 0:
            cancel.set()

    scenario = Scenario("endless", clients=4, messages=10_000_000, time_cap=60.0)
    began = time.monotonic()
    result = run_load(server.host, server.port, scenario, processes=1, on_progress=on_progress, cancel=cancel)
    assert time.monotonic() - began < 15.0  # far from the 60 s cap
    assert result.cancelled
    assert result.completed > 0
    assert result.error_count == 0
    assert [p.phase for p in progress][-1] == "finishing"
    assert "running" in {p.phase for p in progress}
    completed = [p.completed for p in progress]
    assert completed == sorted(completed)


def test_idle_connections_stay_open_until_released(server: RunningServer) -> None:
    with hold_idle_connections(server.host, server.port, 20, processes=2) as opened:
        assert (opened.completed, opened.error_count) == (20, 0)
        server.events.wait_for(ServerStats, WAIT, lambda s: s.clients == 20)
        mark = server.events.mark()
    server.events.wait_for(ServerStats, WAIT, lambda s: s.clients == 0, after=mark)


def test_messages_are_distinct_spanish_lines_of_the_exact_size() -> None:
    assert make_messages(2, count=1) == (b"0\n",)
    for size in (64, 100, 64 * 1024):
        messages = make_messages(size, count=8)
        assert len(set(messages)) == 8
        for message in messages:
            assert len(message) == size
            assert message.endswith(b"\n") and message.count(b"\n") == 1
            message.decode("utf-8")  # whole characters only
            assert not is_disconnect_word(message)
            assert b"desconexion" not in message.lower()
    long = make_messages(64)[0]
    assert not long.isascii()
    assert "ñ" in long.decode("utf-8")
    assert uppercase_bytes(long) != long


@pytest.mark.parametrize(
    "changes",
    [
        {"clients": 0},
        {"messages": -1},
        {"in_flight": 0},
        {"message_bytes": 1},
        {"time_cap": 0.0},
        {"reply_timeout": -1.0},
    ],
)
def test_a_scenario_that_makes_no_sense_is_refused(changes: dict[str, float]) -> None:
    values: dict[str, float] = {"clients": 1, "messages": 1} | changes
    with pytest.raises(ValueError):
        Scenario("bad", **values)  # type: ignore[arg-type]


def test_latency_percentiles_are_within_one_percent() -> None:
    first, second = LatencyHistogram(), LatencyHistogram()
    for millis in range(1, 501):
        first.record(millis / 1000)
    for millis in range(501, 1001):
        second.record(millis / 1000)
    first.merge(second)
    assert first.count == 1000
    assert first.percentile(50) == pytest.approx(0.500, rel=0.01)
    assert first.percentile(99) == pytest.approx(0.990, rel=0.01)
    assert first.percentile(100) == pytest.approx(1.0, rel=0.01)
    assert first.mean == pytest.approx(0.5005)
    assert first.maximum == 1.0
    assert LatencyHistogram().percentile(50) == 0.0
