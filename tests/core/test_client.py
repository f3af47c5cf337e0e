"""The client over real sockets: against our server, the original server, and misbehaving ones."""

from __future__ import annotations

import socket
import struct
import threading
import time
from collections.abc import Iterator

import pytest

from core.client import ClientState, UppercaseClient
from core.defaults import DISCONNECT_GRACE_SECONDS, LineEnding
from core.errors import ErrorKind, LocalProtocolError
from core.events import (
    ClientConnected,
    ClientDisconnected,
    ClientError,
    Connected,
    Disconnected,
    DisconnectReason,
    MessageSent,
    ReplyReceived,
)
from core.recorder import EventRecorder
from tests.support.peers import OriginalServer
from tests.support.servers import RunningServer
from tests.support.waiting import WAIT, wait_until, worker_threads


@pytest.fixture
def client(recorder: EventRecorder) -> Iterator[UppercaseClient]:
    client = UppercaseClient(recorder)
    yield client
    client.close()
    assert not any(n == "mayus-client" for n in worker_threads())


def connect(client: UppercaseClient, events: EventRecorder, address: tuple[str, int]) -> Connected:
    client.connect(*address, timeout=WAIT)
    return events.wait_for(Connected, WAIT)


def ask(client: UppercaseClient, events: EventRecorder, text: str, ending: LineEnding = LineEnding.LF) -> ReplyReceived:
    mark = events.mark()
    client.send(text, ending)
    return events.wait_for(ReplyReceived, WAIT, after=mark)


@pytest.mark.usefixtures("each_loop")
def test_both_manual_cases_against_our_server(
    client: UppercaseClient, recorder: EventRecorder, server: RunningServer
) -> None:
    connected = connect(client, recorder, server.address)
    assert connected.port == server.port and client.state is ClientState.CONNECTED
    reply = ask(client, recorder, "hola servidor")
    assert reply.data == b"HOLA SERVIDOR\n"
    assert reply.rtt is not None and 0 < reply.rtt < WAIT
    client.disconnect()
    assert recorder.wait_for(Disconnected, WAIT).reason is DisconnectReason.REQUESTED
    server.events.wait_for(ClientDisconnected, WAIT, lambda e: e.reason is DisconnectReason.REQUESTED)
    assert client.state is ClientState.IDLE


@pytest.mark.usefixtures("each_loop")
@pytest.mark.parametrize("ending", list(LineEnding))
def test_every_line_ending_gets_its_reply(
    client: UppercaseClient, recorder: EventRecorder, server: RunningServer, ending: LineEnding
) -> None:
    connect(client, recorder, server.address)
    reply = ask(client, recorder, "ñandú y cigüeña", ending)
    assert reply.data == ("ÑANDÚ Y CIGÜEÑA" + ending.value).encode()
    sent = recorder.of_type(MessageSent)[-1]
    assert sent.data == ("ñandú y cigüeña" + ending.value).encode()
    client.disconnect(ending)
    assert recorder.wait_for(Disconnected, WAIT).reason is DisconnectReason.REQUESTED


@pytest.mark.usefixtures("each_loop")
def test_each_pipelined_message_gets_its_own_round_trip_time(
    client: UppercaseClient, recorder: EventRecorder, server: RunningServer
) -> None:
    connect(client, recorder, server.address)
    for i in range(20):
        client.send(f"mensaje {i}")
    wait_until(lambda: len(recorder.of_type(ReplyReceived)) == 20)
    replies = recorder.of_type(ReplyReceived)
    assert [r.data for r in replies] == [f"MENSAJE {i}\n".encode() for i in range(20)]
    assert all(r.rtt is not None for r in replies)


@pytest.mark.parametrize("ending", [LineEnding.NONE, LineEnding.LF])
def test_against_the_original_server_the_session_ends_on_both_sides_within_2_s(
    client: UppercaseClient, recorder: EventRecorder, original_server: OriginalServer, ending: LineEnding
) -> None:
    connect(client, recorder, original_server.address)
    assert ask(client, recorder, "hola servidor", ending).data == ("HOLA SERVIDOR" + ending.value).encode()
    start = time.monotonic()
    client.disconnect(ending)
    recorder.wait_for(Disconnected, 2.0)
    assert original_server.sessions_ended.acquire(timeout=2.0 - (time.monotonic() - start))
    assert time.monotonic() - start < 2.0
    assert original_server.received[0] == "hola servidor" + ending.value


@pytest.mark.usefixtures("each_loop")
def test_connection_refused_is_a_plain_error(client: UppercaseClient, recorder: EventRecorder) -> None:
    holder = socket.socket()
    holder.bind(("127.0.0.1", 0))  # bound, not listening: connecting is refused
    host, port = holder.getsockname()
    client.connect(host, port, timeout=WAIT)
    error = recorder.wait_for(ClientError, WAIT).error
    holder.close()
    assert error.kind is ErrorKind.CONNECTION_REFUSED
    assert "refused" in error.message and str(error.port) in error.message
    assert client.state is ClientState.IDLE


def test_unknown_host_is_a_plain_error(client: UppercaseClient, recorder: EventRecorder) -> None:
    client.connect("no-such-host.invalid", 5000, timeout=WAIT)
    error = recorder.wait_for(ClientError, WAIT).error
    assert error.kind is ErrorKind.HOST_NOT_FOUND
    assert "no-such-host.invalid" in error.message


@pytest.mark.usefixtures("each_loop")
def test_connect_times_out_when_nobody_accepts(client: UppercaseClient, recorder: EventRecorder) -> None:
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(0)
    fillers = []
    for _ in range(4):  # fill the accept queue: later handshakes get no answer
        filler = socket.socket()
        filler.setblocking(False)
        filler.connect_ex(listener.getsockname())
        fillers.append(filler)
    host, port = listener.getsockname()
    client.connect(host, port, timeout=0.3)
    error = recorder.wait_for(ClientError, WAIT).error
    assert error.kind is ErrorKind.TIMED_OUT
    for sock in [*fillers, listener]:
        sock.close()


@pytest.mark.usefixtures("each_loop")
def test_a_reset_by_the_server_is_reported(client: UppercaseClient, recorder: EventRecorder) -> None:
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)

    def accept_and_reset() -> None:
        conn, _ = listener.accept()
        conn.recv(100)
        conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        conn.close()

    thread = threading.Thread(target=accept_and_reset, daemon=True)
    thread.start()
    connect(client, recorder, listener.getsockname())
    client.send("hola")
    assert recorder.wait_for(Disconnected, WAIT).reason is DisconnectReason.RESET
    assert recorder.wait_for(ClientError, WAIT).error.kind is ErrorKind.CONNECTION_RESET
    thread.join(WAIT)
    listener.close()


def test_a_server_that_never_closes_is_left_by_the_client(client: UppercaseClient, recorder: EventRecorder) -> None:
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    connect(client, recorder, listener.getsockname())
    conn, _ = listener.accept()
    start = time.monotonic()
    client.disconnect()
    assert recorder.wait_for(Disconnected, WAIT).reason is DisconnectReason.NO_CLOSE_FROM_SERVER
    assert DISCONNECT_GRACE_SECONDS <= time.monotonic() - start < DISCONNECT_GRACE_SECONDS + 1
    conn.settimeout(WAIT)
    assert conn.recv(100) == b"DESCONEXION\n"
    conn.close()
    listener.close()


@pytest.mark.usefixtures("each_loop")
def test_server_closing_first_is_reported(
    client: UppercaseClient, recorder: EventRecorder, server: RunningServer
) -> None:
    connect(client, recorder, server.address)
    server.events.wait_for(ClientConnected, WAIT)  # the server has it on its list
    server.server.disconnect_all()
    assert recorder.wait_for(Disconnected, WAIT).reason is DisconnectReason.CLOSED_BY_PEER


def test_sending_while_not_connected_is_reported_not_raised(client: UppercaseClient, recorder: EventRecorder) -> None:
    client.send("hola")
    assert recorder.wait_for(ClientError, WAIT).error.kind is ErrorKind.NOT_CONNECTED


def test_connecting_twice_is_a_local_error(
    client: UppercaseClient, recorder: EventRecorder, server: RunningServer
) -> None:
    connect(client, recorder, server.address)
    with pytest.raises(LocalProtocolError):
        client.connect(*server.address)


@pytest.mark.usefixtures("each_loop")
def test_close_drops_the_connection_and_joins_the_worker(
    client: UppercaseClient, recorder: EventRecorder, server: RunningServer
) -> None:
    connect(client, recorder, server.address)
    client.close()
    assert recorder.wait_for(Disconnected, WAIT).reason is DisconnectReason.CLOSED_LOCALLY
    assert "mayus-client" not in worker_threads()
    server.events.wait_for(ClientDisconnected, WAIT)


@pytest.mark.usefixtures("each_loop")
def test_the_client_can_connect_again_after_a_session(
    client: UppercaseClient, recorder: EventRecorder, server: RunningServer
) -> None:
    for _ in range(2):
        mark = recorder.mark()
        client.connect(*server.address)
        recorder.wait_for(Connected, WAIT, after=mark)
        assert ask(client, recorder, "otra vez").data == b"OTRA VEZ\n"
        client.disconnect()
        recorder.wait_for(Disconnected, WAIT, after=mark)
