"""The client over real sockets: against our server, the original server, student servers and devices."""

from __future__ import annotations

import socket
import struct
import threading
import time
from collections.abc import Callable, Iterator

import pytest

from core.client import FOR_DISPLAY, ClientState, Reporting, TcpClient
from core.defaults import DISCONNECT_GRACE_SECONDS, DISPLAY_BYTES, QUIET_GAP_SECONDS, LineEnding
from core.errors import ErrorKind, LocalProtocolError
from core.events import (
    ClientConnected,
    ClientDisconnected,
    Connected,
    DataReceived,
    DataSummarised,
    DisconnectAnswered,
    Disconnected,
    DisconnectReason,
    MessageSent,
)
from core.recorder import EventRecorder
from tests.support.peers import (
    DeviceServer,
    FloodServer,
    LineServer,
    OriginalServer,
    ReplyThenCloseServer,
    SlowServer,
    StandInServer,
    StripServer,
)
from tests.support.servers import RunningServer
from tests.support.sockets import RefusingPort, unanswered_listener
from tests.support.waiting import WAIT, wait_until, worker_threads


@pytest.fixture
def make_client() -> Iterator[Callable[..., tuple[TcpClient, EventRecorder]]]:
    made: list[TcpClient] = []

    def make(reporting: Reporting | None = None) -> tuple[TcpClient, EventRecorder]:
        events = EventRecorder()
        client = TcpClient(events, reporting) if reporting else TcpClient(events)
        made.append(client)
        return client, events

    yield make
    for client in made:
        client.close()
    assert not any(n == "mayus-client" for n in worker_threads())


@pytest.fixture
def client(make_client: Callable[..., tuple[TcpClient, EventRecorder]]) -> tuple[TcpClient, EventRecorder]:
    return make_client()


def connect(pair: tuple[TcpClient, EventRecorder], address: tuple[str, int]) -> Connected:
    client, events = pair
    mark = events.mark()
    client.connect(*address, timeout=WAIT)
    return events.wait_for(Connected, WAIT, after=mark)


def entry_of(events: EventRecorder, where: Callable[[DataReceived], bool], mark: int = 0) -> list[DataReceived]:
    """Every piece of the first entry whose first piece matches `where`, once it is complete."""
    first = events.wait_for(DataReceived, WAIT, lambda e: e.entry_size == e.size and where(e), after=mark)
    events.wait_for(DataReceived, WAIT, lambda e: e.entry == first.entry and e.complete, after=mark)
    return [e for e in events.of_type(DataReceived) if e.entry == first.entry]


def ask(pair: tuple[TcpClient, EventRecorder], data: bytes, ending: LineEnding = LineEnding.LF) -> list[DataReceived]:
    client, events = pair
    mark = events.mark()
    client.send(data, ending)
    number = events.wait_for(MessageSent, WAIT, after=mark).number
    return entry_of(events, lambda e: e.reply_to == number, mark)


def text(pieces: list[DataReceived]) -> bytes:
    return b"".join(p.data for p in pieces)


def ended(events: EventRecorder, timeout: float = WAIT) -> Disconnected:
    return events.wait_for(Disconnected, timeout)


# --- Mayus's own server -----------------------------------------------------------


def test_both_manual_cases_against_our_server(client: tuple[TcpClient, EventRecorder], server: RunningServer) -> None:
    connected = connect(client, server.address)
    assert connected.port == server.port and client[0].state is ClientState.CONNECTED
    reply = ask(client, b"hola servidor")
    assert text(reply) == b"HOLA SERVIDOR\n" and reply[-1].ending == b"\n"
    assert reply[-1].rtt is not None and 0 < reply[-1].rtt < WAIT
    start = time.monotonic()
    client[0].disconnect()
    assert ended(client[1]).reason is DisconnectReason.REQUESTED
    server.events.wait_for(ClientDisconnected, WAIT, lambda e: e.reason is DisconnectReason.REQUESTED)
    assert time.monotonic() - start < 1.0
    assert client[0].state is ClientState.IDLE


@pytest.mark.parametrize("ending", list(LineEnding))
def test_every_line_ending_gets_its_reply(
    client: tuple[TcpClient, EventRecorder], server: RunningServer, ending: LineEnding
) -> None:
    connect(client, server.address)
    reply = ask(client, "ñandú y cigüeña".encode(), ending)
    assert text(reply) == ("ÑANDÚ Y CIGÜEÑA" + ending.value).encode()
    sent = client[1].of_type(MessageSent)[-1]
    assert sent.data == ("ñandú y cigüeña" + ending.value).encode()


def test_each_pipelined_message_gets_its_own_round_trip_time(
    client: tuple[TcpClient, EventRecorder], server: RunningServer
) -> None:
    connect(client, server.address)
    for i in range(20):
        client[0].send(b"mensaje %d" % i)
    wait_until(lambda: len([e for e in client[1].of_type(DataReceived) if e.complete]) == 20)
    replies = [e for e in client[1].of_type(DataReceived) if e.complete]
    assert [r.reply_to for r in replies] == list(range(1, 21))
    assert b"".join(e.data for e in client[1].of_type(DataReceived)) == b"".join(b"MENSAJE %d\n" % i for i in range(20))
    assert all(r.rtt is not None for r in replies)


def test_typing_desconexion_in_any_case_sends_it_as_typed_and_the_close_is_requested(
    client: tuple[TcpClient, EventRecorder], server: RunningServer
) -> None:
    connect(client, server.address)
    client[0].send(b"desconexion  ", LineEnding.LF)
    assert ended(client[1]).reason is DisconnectReason.REQUESTED
    received = server.events.wait_for(ClientDisconnected, WAIT)
    assert received.reason is DisconnectReason.REQUESTED
    assert client[1].of_type(MessageSent)[0].data == b"desconexion  \n"


# --- the three kinds of server, default settings ----------------------------------


@pytest.mark.parametrize("kind", [OriginalServer, LineServer])
def test_the_polite_disconnect_makes_the_server_close_within_a_second(
    client: tuple[TcpClient, EventRecorder], make_peer: Callable[..., StandInServer], kind: type[StandInServer]
) -> None:
    peer = make_peer(kind)
    connect(client, peer.address)
    assert text(ask(client, b"hola servidor")) == b"HOLA SERVIDOR\n"
    start = time.monotonic()
    client[0].disconnect()  # default ending: LF
    assert peer.sessions_ended.acquire(timeout=1.0), "the server did not close within 1 s"
    assert ended(client[1]).reason is DisconnectReason.REQUESTED
    assert time.monotonic() - start < 1.0
    assert not client[1].of_type(DisconnectAnswered)


def test_the_original_server_closes_on_the_word_alone(
    client: tuple[TcpClient, EventRecorder], original_server: OriginalServer
) -> None:
    connect(client, original_server.address)
    ask(client, b"hola servidor")
    client[0].disconnect()
    assert ended(client[1]).reason is DisconnectReason.REQUESTED
    assert original_server.goodbyes == 1
    assert original_server.texts == ["hola servidor\n", "DESCONEXION"]  # its ending never needed


def test_a_typed_desconexion_that_the_original_server_echoes_is_said_plainly_and_the_session_stays(
    client: tuple[TcpClient, EventRecorder], original_server: OriginalServer
) -> None:
    connect(client, original_server.address)
    reply = ask(client, b"DESCONEXION", LineEnding.LF)  # it compares the exact text: "DESCONEXION\n" is not it
    assert text(reply) == b"DESCONEXION\n"
    answered = client[1].wait_for(DisconnectAnswered, WAIT)
    assert (answered.number, answered.ending) == (1, b"\n")
    assert client[0].state is ClientState.CONNECTED  # so the user sees what the server did
    client[0].disconnect()
    assert ended(client[1]).reason is DisconnectReason.REQUESTED


def test_a_server_that_never_closes_is_left_by_the_client_and_said_so(
    client: tuple[TcpClient, EventRecorder],
) -> None:
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    connect(client, listener.getsockname())
    conn, _ = listener.accept()
    start = time.monotonic()
    client[0].disconnect()
    assert ended(client[1]).reason is DisconnectReason.NO_CLOSE_FROM_SERVER
    assert DISCONNECT_GRACE_SECONDS <= time.monotonic() - start < DISCONNECT_GRACE_SECONDS + 1
    conn.settimeout(WAIT)
    got = b""
    while chunk := conn.recv(100):
        got += chunk
    assert got == b"DESCONEXION\n"  # the word, then its ending when the server did not close
    conn.close()
    listener.close()


# --- servers that are not Mayus's -----------------------------------------------


def test_a_reply_with_no_newline_shows_at_once_and_completes_after_the_quiet_gap(
    client: tuple[TcpClient, EventRecorder], strip_server: StripServer
) -> None:
    connect(client, strip_server.address)
    mark = client[1].mark()
    sent_at = time.perf_counter()
    client[0].send(b"hola servidor\n", LineEnding.NONE)
    first = client[1].wait_for(DataReceived, WAIT, after=mark)
    assert first.data == b"HOLA SERVIDOR" and first.reply_to == 1
    assert first.when.mono - sent_at < 0.1  # shown as it arrived, not at the disconnect
    done = client[1].wait_for(DataReceived, WAIT, lambda e: e.complete, after=mark)
    assert done.rtt is not None and done.rtt < done.when.mono - sent_at  # the gap is not in the round trip
    assert done.when.mono - first.when.mono >= QUIET_GAP_SECONDS * 0.9


def test_replies_with_no_newline_are_not_glued_together(
    client: tuple[TcpClient, EventRecorder], strip_server: StripServer
) -> None:
    connect(client, strip_server.address)
    assert text(ask(client, b"uno")) == b"UNO"
    assert text(ask(client, b"dos")) == b"DOS"
    assert text(ask(client, b"tres")) == b"TRES"


def test_a_banner_and_pushes_are_unsolicited_and_replies_still_find_their_message(
    client: tuple[TcpClient, EventRecorder], make_peer: Callable[..., StandInServer]
) -> None:
    device = make_peer(DeviceServer, 0.3)
    connect(client, device.address)
    banner = entry_of(client[1], lambda e: True)
    assert text(banner) == b"WELCOME\r\n" and banner[-1].reply_to is None and banner[-1].rtt is None
    reply = ask(client, b"PING", LineEnding.CRLF)
    assert text(reply) == b"OK\r\n" and reply[-1].ending == b"\r\n" and reply[-1].rtt is not None
    push = entry_of(client[1], lambda e: e.data.startswith(b"\x02"))
    assert text(push) == DeviceServer.STATUS and push[-1].reply_to is None and push[-1].rtt is None


def test_a_late_reply_is_matched_to_its_message_and_what_is_pending_is_told(
    client: tuple[TcpClient, EventRecorder], make_peer: Callable[..., StandInServer]
) -> None:
    slow = make_peer(SlowServer, 0.4)
    connect(client, slow.address)
    client[0].send(b"uno")
    sent = client[1].wait_for(MessageSent, WAIT)
    assert sent.waiting == 1 and sent.waiting_since is not None
    reply = entry_of(client[1], lambda e: True)
    assert text(reply) == b"UNO\n" and reply[0].reply_to == 1
    assert reply[-1].rtt is not None and reply[-1].rtt >= 0.4
    assert reply[0].waiting == 0


def test_a_server_that_replies_then_closes_is_seen_closing(
    client: tuple[TcpClient, EventRecorder], make_peer: Callable[..., StandInServer]
) -> None:
    peer = make_peer(ReplyThenCloseServer)
    connect(client, peer.address)
    client[0].send(b"hola")
    gone = ended(client[1])
    assert gone.reason is DisconnectReason.CLOSED_BY_PEER and gone.error is None
    assert b"".join(e.data for e in client[1].of_type(DataReceived)) == b"HOLA\n"


def test_a_flood_with_no_newline_is_reported_as_it_comes_with_a_bounded_display_copy(
    make_client: Callable[..., tuple[TcpClient, EventRecorder]], make_peer: Callable[..., StandInServer]
) -> None:
    flood = make_peer(FloodServer, 20 << 20)
    pair = make_client(FOR_DISPLAY)
    connect(pair, flood.address)
    pair[0].send(b"go")
    ended(pair[1], timeout=30)
    pieces = pair[1].of_type(DataReceived)
    summarised = pair[1].of_type(DataSummarised)
    assert sum(p.size for p in pieces) + sum(s.size for s in summarised) == 20 << 20  # every byte counted
    assert sum(len(p.data) for p in pieces) <= DISPLAY_BYTES  # but only a prefix carried


# --- failures: one event each ---------------------------------------------------


def test_connection_refused_is_one_event(client: tuple[TcpClient, EventRecorder]) -> None:
    with RefusingPort() as refused:
        host, port = refused.address
        client[0].connect(host, port, timeout=WAIT)
        gone = ended(client[1])
    assert gone.reason is DisconnectReason.CONNECT_FAILED
    assert gone.error is not None and gone.error.kind is ErrorKind.CONNECTION_REFUSED and gone.error.port == port
    assert client[0].state is ClientState.IDLE
    assert len(client[1].events) == 1


def test_unknown_host_is_one_event(client: tuple[TcpClient, EventRecorder]) -> None:
    client[0].connect("no-such-host.invalid", 5000, timeout=WAIT)
    gone = ended(client[1])
    assert gone.error is not None and gone.error.kind is ErrorKind.HOST_NOT_FOUND
    assert gone.error.host == "no-such-host.invalid"


def test_connect_times_out_when_nobody_accepts(client: tuple[TcpClient, EventRecorder]) -> None:
    with unanswered_listener() as port:
        client[0].connect("127.0.0.1", port, timeout=0.3)
        gone = ended(client[1])
    assert gone.error is not None and gone.error.kind is ErrorKind.TIMED_OUT


def test_a_reset_by_the_server_is_one_event(client: tuple[TcpClient, EventRecorder]) -> None:
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
    connect(client, listener.getsockname())
    client[0].send(b"hola")
    gone = ended(client[1])
    assert gone.reason is DisconnectReason.RESET
    assert gone.error is not None and gone.error.kind is ErrorKind.CONNECTION_RESET
    thread.join(WAIT)
    listener.close()


def test_server_closing_first_is_reported(client: tuple[TcpClient, EventRecorder], server: RunningServer) -> None:
    connect(client, server.address)
    server.events.wait_for(ClientConnected, WAIT)  # the server has it on its list
    server.server.disconnect_all()
    assert ended(client[1]).reason is DisconnectReason.CLOSED_BY_PEER


def test_sending_while_not_connected_is_a_local_error(client: tuple[TcpClient, EventRecorder]) -> None:
    with pytest.raises(LocalProtocolError):
        client[0].send(b"hola")


def test_connecting_twice_is_a_local_error(client: tuple[TcpClient, EventRecorder], server: RunningServer) -> None:
    connect(client, server.address)
    with pytest.raises(LocalProtocolError):
        client[0].connect(*server.address)


def test_close_drops_the_connection_and_joins_the_worker(
    client: tuple[TcpClient, EventRecorder], server: RunningServer
) -> None:
    connect(client, server.address)
    client[0].close()
    assert ended(client[1]).reason is DisconnectReason.CLOSED_LOCALLY
    assert "mayus-client" not in worker_threads()
    server.events.wait_for(ClientDisconnected, WAIT)


def test_the_client_can_connect_again_after_a_session(
    client: tuple[TcpClient, EventRecorder], server: RunningServer
) -> None:
    for _ in range(2):
        mark = client[1].mark()
        client[0].connect(*server.address)
        client[1].wait_for(Connected, WAIT, after=mark)
        assert text(ask(client, b"otra vez"))[-9:] == b"OTRA VEZ\n"
        client[0].disconnect()
        client[1].wait_for(Disconnected, WAIT, after=mark)


def test_every_event_is_stamped_in_the_order_it_happened(
    client: tuple[TcpClient, EventRecorder], server: RunningServer
) -> None:
    connect(client, server.address)
    ask(client, b"uno")
    client[0].disconnect()
    ended(client[1])
    stamps = [e.when for e in client[1].events]
    assert stamps == sorted(stamps)
