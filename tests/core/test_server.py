"""The uppercase server over real sockets on 127.0.0.1."""

from __future__ import annotations

import socket
import struct
import threading
from collections.abc import Callable

import pytest

from core.errors import ErrorKind, LocalProtocolError, NetworkError
from core.events import (
    ClientConnected,
    ClientDisconnected,
    DisconnectReason,
    MessagePushed,
    MessageReceived,
    ReplySent,
    ServerStarted,
    ServerStats,
    ServerStopped,
)
from core.protocol import uppercase_bytes
from core.recorder import EventRecorder
from core.server import ServerConfig, UppercaseServer
from tests.support.peers import OriginalClient
from tests.support.servers import RunningServer, start_in_process
from tests.support.sockets import connect_raw, recv_exactly, recv_until_closed
from tests.support.waiting import WAIT, wait_until, worker_threads

# Runs on asyncio's loop and on uvloop (tests/core/conftest.py).
pytestmark = pytest.mark.usefixtures("each_loop")


def disconnected(events: EventRecorder, reason: DisconnectReason) -> ClientDisconnected:
    return events.wait_for(ClientDisconnected, WAIT, lambda e: e.reason is reason)


# --- the original README's two manual test cases ---------------------------------


def test_original_client_gets_its_message_back_in_uppercase(server: RunningServer) -> None:
    client = OriginalClient(server.address)
    assert client.ask("hola servidor") == "HOLA SERVIDOR"
    received = server.events.wait_for(MessageReceived, WAIT)
    assert received.data == b"hola servidor"
    assert client.ask("¿Qué tal, señor Núñez? ¡Olé!") == "¿QUÉ TAL, SEÑOR NÚÑEZ? ¡OLÉ!"


def test_original_client_ends_the_session_with_desconexion(server: RunningServer) -> None:
    client = OriginalClient(server.address)
    assert client.ask("hola servidor") == "HOLA SERVIDOR"
    client.sock.sendall(b"DESCONEXION")
    assert recv_until_closed(client.sock) == b""  # closed with no reply
    disconnected(server.events, DisconnectReason.REQUESTED)


def test_original_client_that_closes_right_after_desconexion_is_a_requested_disconnect(server: RunningServer) -> None:
    client = OriginalClient(server.address)
    client.say_goodbye()
    disconnected(server.events, DisconnectReason.REQUESTED)


# --- wire behaviour ----------------------------------------------------------------


def test_port_zero_reports_the_real_port(server: RunningServer) -> None:
    started = server.events.wait_for(ServerStarted, WAIT)
    assert started.port == server.port != 0
    assert started.host == "localhost"
    assert started.addresses[0] == "127.0.0.1"  # and ::1 where IPv6 is on (tests/core/test_addresses.py)


def test_default_address_is_this_computer_only_on_port_5000() -> None:
    config = ServerConfig()
    assert (config.host, config.port) == ("localhost", 5000)


def test_lines_are_answered_line_by_line_with_their_endings(server: RunningServer) -> None:
    sock = connect_raw(server.address)
    sock.sendall(b"uno\ndos\r\ntres\n")
    assert recv_exactly(sock, 14) == b"UNO\nDOS\r\nTRES\n"


def test_a_character_split_over_two_sends_comes_back_whole(server: RunningServer) -> None:
    sock = connect_raw(server.address)
    enye = "ñ".encode()
    sock.sendall(b"a" + enye[:1])
    assert recv_exactly(sock, 1) == b"A"
    # Wait until the server has read the first half, so the halves arrive apart.
    server.events.wait_for(ServerStats, WAIT, lambda e: e.bytes_in == 2)
    sock.sendall(enye[1:] + b"\n")
    assert recv_exactly(sock, 3) == "Ñ\n".encode()


def test_invalid_utf8_and_nul_bytes_round_trip_byte_exact(server: RunningServer) -> None:
    sock = connect_raw(server.address)
    data = bytes(range(256)) + b"\n"
    sock.sendall(data)
    assert recv_exactly(sock, len(uppercase_bytes(data))) == uppercase_bytes(data)


def test_short_message_like_the_start_of_the_word_is_answered(server: RunningServer) -> None:
    sock = connect_raw(server.address)
    sock.sendall(b"de")  # could still become DESCONEXION: held only briefly
    assert recv_exactly(sock, 2) == b"DE"


def test_desconexion_line_closes_without_reply_after_earlier_replies(server: RunningServer) -> None:
    sock = connect_raw(server.address)
    sock.sendall(b"hola\n  desconexion \r\nignored\n")
    assert recv_until_closed(sock) == b"HOLA\n"
    disconnected(server.events, DisconnectReason.REQUESTED)


def test_events_report_connect_message_reply_and_disconnect(server: RunningServer) -> None:
    sock = connect_raw(server.address)
    sock.sendall(b"hola\n")
    recv_exactly(sock, 5)
    connected = server.events.wait_for(ClientConnected, WAIT)
    assert (connected.host, connected.port) == sock.getsockname()
    assert server.events.wait_for(MessageReceived, WAIT).data == b"hola\n"
    assert server.events.wait_for(ReplySent, WAIT).data == b"HOLA\n"
    sock.close()
    gone = disconnected(server.events, DisconnectReason.CLOSED_BY_PEER)
    assert gone.client_id == connected.client_id


def test_a_reset_is_told_apart_from_a_close(server: RunningServer) -> None:
    sock = connect_raw(server.address)
    sock.sendall(b"half a mess")
    recv_exactly(sock, 11)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    sock.close()  # linger 0: the kernel sends RST
    disconnected(server.events, DisconnectReason.RESET)


def test_half_closed_client_still_gets_every_reply(server: RunningServer) -> None:
    sock = connect_raw(server.address)
    lines = b"".join(b"linea %d\n" % i for i in range(2000))
    sock.sendall(lines + b"sin fin")
    sock.shutdown(socket.SHUT_WR)
    assert recv_until_closed(sock) == (lines + b"sin fin").upper()
    disconnected(server.events, DisconnectReason.CLOSED_BY_PEER)


def test_counters_stay_exact_past_the_event_cap(server: RunningServer) -> None:
    sock = connect_raw(server.address)
    count = 20_000  # far past the per-second cap on message events
    sock.sendall(b"x\n" * count)
    recv_exactly(sock, 2 * count)
    stats = server.events.wait_for(ServerStats, WAIT, lambda e: e.messages_in == count)
    assert stats.messages_out == count and stats.bytes_in == stats.bytes_out == 2 * count
    assert stats.summarised_messages > 0
    listed = [e for e in server.events.of_type(MessageReceived) if not e.continued]
    assert len(listed) + stats.summarised_messages == count  # messages only: replies are not counted
    assert len(server.events.of_type(ReplySent)) == len(listed)  # one reply event per message listed
    [row] = [row for row in stats.changed]
    assert (row.messages_in, row.bytes_in) == (count, 2 * count)


# --- many clients -------------------------------------------------------------------


def test_counters_stay_exact_past_the_event_cap_one_read_per_message(server: RunningServer) -> None:
    """Over the cap, later reads take the server's counting-only path: their messages are summarised, not lost."""
    sock = connect_raw(server.address)
    count = 3_000  # one message per read, as a ping-pong client sends them: far past 500 a second
    for i in range(count):
        line = b"m%d\n" % i
        sock.sendall(line)
        assert recv_exactly(sock, len(line)) == line.upper()
    stats = server.events.wait_for(ServerStats, WAIT, lambda e: e.messages_in == count)
    listed = [e for e in server.events.of_type(MessageReceived) if not e.continued]
    assert 0 < len(listed) < count and stats.summarised_messages > 0
    assert len(listed) + stats.summarised_messages == count


def test_a_silent_and_a_stuck_client_do_not_delay_others(server: RunningServer) -> None:
    silent = connect_raw(server.address)
    stuck = connect_raw(server.address)
    stuck.setblocking(False)
    sent = 0
    try:
        while True:  # send without reading until the server stops reading too
            sent += stuck.send(b"y" * 65536)
    except BlockingIOError:
        pass
    assert sent > 0
    talker = connect_raw(server.address)
    for i in range(50):
        talker.sendall(b"ping %d\n" % i)
        assert recv_exactly(talker, len(b"PING %d\n" % i)) == b"PING %d\n" % i
    silent.sendall(b"at last\n")  # the silent one was kept waiting by no one either
    assert recv_exactly(silent, 8) == b"AT LAST\n"


def test_each_of_many_clients_gets_its_own_replies(server: RunningServer) -> None:
    socks = [connect_raw(server.address) for _ in range(200)]
    for i, sock in enumerate(socks):
        sock.sendall(b"cliente %d\n" % i)
    for i, sock in enumerate(socks):
        assert recv_exactly(sock, len(b"CLIENTE %d\n" % i)) == b"CLIENTE %d\n" % i


def test_past_the_connection_limit_new_clients_are_refused_cleanly(make_server: Callable[..., RunningServer]) -> None:
    running = make_server(max_connections=2)
    first, second = connect_raw(running.address), connect_raw(running.address)
    server_side = running.events
    server_side.wait_for(ClientConnected, WAIT, lambda e: e.client_id == 2)
    third = connect_raw(running.address)
    assert recv_until_closed(third) == b""
    server_side.wait_for(ServerStats, WAIT, lambda e: e.refused == 1)
    first.sendall(b"still here\n")
    assert recv_exactly(first, 11) == b"STILL HERE\n"
    second.close()
    disconnected(server_side, DisconnectReason.CLOSED_BY_PEER)
    fourth = connect_raw(running.address)
    fourth.sendall(b"ok\n")
    assert recv_exactly(fourth, 3) == b"OK\n"


def test_idle_clients_are_dropped_when_asked(make_server: Callable[..., RunningServer]) -> None:
    running = make_server(idle_timeout=0.2)
    sock = connect_raw(running.address)
    assert recv_until_closed(sock) == b""
    disconnected(running.events, DisconnectReason.IDLE_TIMEOUT)


def test_disconnect_one_client_or_all(server: RunningServer) -> None:
    socks = [connect_raw(server.address) for _ in range(3)]
    server.events.wait_for(ClientConnected, WAIT, lambda e: e.client_id == 3)
    server.server.disconnect_client(2)
    assert recv_until_closed(socks[1]) == b""
    assert disconnected(server.events, DisconnectReason.KICKED).client_id == 2
    server.server.disconnect_all()
    for sock in (socks[0], socks[2]):
        assert recv_until_closed(sock) == b""
    wait_until(lambda: len(server.events.of_type(ClientDisconnected)) == 3)


# --- start and stop -------------------------------------------------------------------


def test_port_in_use_is_a_clear_error_and_leaves_nothing_running(server: RunningServer) -> None:
    second = UppercaseServer(ServerConfig(port=server.port), lambda e: events.append(e))
    events: list[object] = []
    second.start()
    with pytest.raises(NetworkError) as caught:
        second.wait_started()
    assert caught.value.info.kind is ErrorKind.PORT_IN_USE
    assert str(server.port) in str(caught.value)
    wait_until(lambda: len([n for n in worker_threads() if n == "mayus-server"]) == 1, message="failed worker ended")
    [stopped] = events  # one event says it all
    assert isinstance(stopped, ServerStopped) and stopped.error == caught.value.info
    assert not second.running
    second.start()  # nothing was left "started": it can try again at once
    with pytest.raises(NetworkError):
        second.wait_started()
    second.stop()


def test_stop_under_load_closes_everything_and_frees_the_port() -> None:
    running = start_in_process(ServerConfig(port=0))
    socks = [connect_raw(running.address) for _ in range(50)]
    stop_flooding = threading.Event()

    def flood(sock: socket.socket) -> None:
        try:
            while not stop_flooding.is_set():
                sock.sendall(b"carga " * 1000 + b"\n")
                sock.recv(65536)
        except OSError:
            pass

    floods = [threading.Thread(target=flood, args=(s,), daemon=True) for s in socks[:10]]
    for t in floods:
        t.start()
    running.events.wait_for(ServerStats, WAIT, lambda e: e.messages_in > 100)
    running.server.stop(timeout=2.0)
    assert not [n for n in worker_threads() if n.startswith("mayus-server")]
    last = running.events.events[-1]
    assert isinstance(last, ServerStopped) and last.error is None
    assert len(running.events.of_type(ClientDisconnected)) == 50
    stop_flooding.set()
    for t in floods:
        t.join(WAIT)
    again = start_in_process(ServerConfig(port=running.port))  # the port is free at once
    again.server.stop()


def test_a_stop_request_returns_at_once_and_the_port_is_free_when_stopped_is_reported(server: RunningServer) -> None:
    sock = connect_raw(server.address)
    server.events.wait_for(ClientConnected, WAIT)
    server.server.request_stop()  # never blocks: the window calls it on the Tk thread
    server.events.wait_for(ServerStopped, WAIT)
    assert recv_until_closed(sock) == b""
    again = start_in_process(ServerConfig(port=server.port))
    again.server.stop()
    wait_until(lambda: not [n for n in worker_threads() if n.startswith("mayus-server")], message="threads ended")


@pytest.mark.parametrize("first", [b"", b"hola\n"])
def test_a_long_line_counts_as_one_message(server: RunningServer, first: bytes) -> None:
    sock = connect_raw(server.address)
    line = b"x" * (1 << 20) + b"\n"
    sock.sendall(first + line)
    recv_exactly(sock, len(first + line))
    stats = server.events.wait_for(ServerStats, WAIT, lambda e: e.bytes_in == len(first + line))
    assert stats.messages_in == stats.messages_out == 1 + bool(first)
    events = server.events.of_type(MessageReceived)
    assert sum(e.size for e in events) == len(first + line)
    assert all(len(e.data) <= e.size for e in events)
    if first:  # once a peer has sent a LF, the pieces of a long line are reported as one message
        assert len([e for e in events if not e.continued]) == 2


def test_a_message_is_reported_before_its_reply_can_arrive(server: RunningServer) -> None:
    sock = connect_raw(server.address)
    for i in range(50):
        sock.sendall(b"mensaje %d\n" % i)
        recv_exactly(sock, len(b"MENSAJE %d\n" % i))
        # No wait: once the reply is here, its message's event is already recorded.
        assert [e.data for e in server.events.of_type(MessageReceived)][-1] == b"mensaje %d\n" % i


def test_an_unfinished_character_comes_back_after_the_pause(server: RunningServer) -> None:
    sock = connect_raw(server.address)
    sock.sendall(b"abc\xe2\x82")
    assert recv_exactly(sock, 5) == b"ABC\xe2\x82"


def test_stop_twice_is_harmless(server: RunningServer) -> None:
    server.server.stop()
    server.server.stop()
    assert server.server.address is None


def test_start_twice_is_a_local_error(server: RunningServer) -> None:
    with pytest.raises(LocalProtocolError):
        server.server.start()


def test_the_server_can_push_to_one_client_or_to_all(server: RunningServer) -> None:
    socks = [connect_raw(server.address) for _ in range(3)]
    server.events.wait_for(ClientConnected, WAIT, lambda e: e.client_id == 3)
    server.server.push([2], b"\x02STAT\x03")
    assert recv_exactly(socks[1], 6) == b"\x02STAT\x03"
    server.server.push(None, b"aviso\n")
    for sock in socks:
        assert recv_until_line(sock) == b"aviso\n"
    pushed = server.events.of_type(MessagePushed)
    assert [(e.client_id, e.data) for e in pushed] == [
        (2, b"\x02STAT\x03"),
        (1, b"aviso\n"),
        (2, b"aviso\n"),
        (3, b"aviso\n"),
    ]
    stats = server.events.wait_for(ServerStats, WAIT, lambda e: e.pushed == 4)
    assert stats.bytes_out == 6 + 3 * 6 and stats.messages_out == 0  # pushes are not replies
    assert {c.client_id: c.pushed for c in stats.changed} == {1: 1, 2: 2, 3: 1}


def recv_until_line(sock: socket.socket) -> bytes:
    data = b""
    while not data.endswith(b"\n"):
        chunk = sock.recv(64)
        assert chunk
        data += chunk
    return data
