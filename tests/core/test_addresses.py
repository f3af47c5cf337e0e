"""Where a server listens (both families, one port), how an address is written, and a client that
reaches localhost whichever family answers (Happy Eyeballs)."""

from __future__ import annotations

import errno
import socket
import sys
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from core import addresses, platforms
from core.addresses import Bind, describe_peer, join_addresses, join_host_port, listen_plan, open_listeners
from core.client import TcpClient
from core.errors import ErrorKind
from core.events import ClientConnected, Connected, Disconnected, ServerStarted
from core.recorder import EventRecorder
from tests.support.servers import RunningServer
from tests.support.sockets import IPV6_LOOPBACK, connect_raw, recv_exactly, unanswered_listener
from tests.support.waiting import WAIT

requires_ipv6 = pytest.mark.skipif(not IPV6_LOOPBACK, reason="this machine has IPv6 turned off")
V4, V6 = socket.AF_INET, socket.AF_INET6


@pytest.fixture
def listeners() -> Iterator[list[socket.socket]]:
    opened: list[socket.socket] = []
    yield opened
    for sock in opened:
        sock.close()


def test_addresses_are_written_as_they_are_typed() -> None:
    assert join_host_port("127.0.0.1", 5000) == "127.0.0.1:5000"
    assert join_host_port("::1", 5000) == "[::1]:5000"
    assert join_host_port("localhost", 5000) == "localhost:5000"
    assert join_addresses(("0.0.0.0", "::"), 80) == "0.0.0.0:80, [::]:80"
    assert describe_peer("localhost", "::1", 5000) == "localhost:5000 ([::1]:5000)"
    assert describe_peer("127.0.0.1", "127.0.0.1", 5000) == "127.0.0.1:5000"


@pytest.mark.parametrize(
    ("host", "plan"),
    [
        ("localhost", [Bind(V4, "127.0.0.1"), Bind(V6, "::1", optional=True)]),
        ("::", [Bind(V4, "0.0.0.0"), Bind(V6, "::", optional=True)]),
        ("", [Bind(V4, "0.0.0.0"), Bind(V6, "::", optional=True)]),
        ("0.0.0.0", [Bind(V4, "0.0.0.0")]),
        ("::1", [Bind(V6, "::1")]),
        ("192.0.2.7", [Bind(V4, "192.0.2.7")]),
    ],
)
def test_each_host_means_what_the_readme_says(host: str, plan: list[Bind]) -> None:
    assert listen_plan(host) == plan


@requires_ipv6
def test_localhost_listens_on_both_loopbacks_on_one_port(listeners: list[socket.socket]) -> None:
    listeners.extend(open_listeners("localhost", 0, 16))
    names = [sock.getsockname()[:2] for sock in listeners]
    port = names[0][1]
    assert names == [("127.0.0.1", port), ("::1", port)]
    for host in ("127.0.0.1", "::1"):
        with socket.create_connection((host, port), timeout=WAIT):
            pass  # accepted into the queue: both families listen


@requires_ipv6
def test_a_port_taken_on_one_family_is_a_port_in_use(listeners: list[socket.socket]) -> None:
    with unanswered_listener("::1") as port, pytest.raises(OSError) as raised:  # another program, on IPv6 only
        open_listeners("localhost", port, 16)
    assert raised.value.errno == errno.EADDRINUSE


def test_without_ipv6_the_ipv4_listener_serves_alone(
    listeners: list[socket.socket], monkeypatch: pytest.MonkeyPatch
) -> None:
    real_socket = socket.socket

    def no_ipv6(family: int = V4, *args: Any, **kwargs: Any) -> socket.socket:
        if family == V6:
            raise OSError(errno.EAFNOSUPPORT, "Address family not supported by protocol")
        return real_socket(family, *args, **kwargs)

    monkeypatch.setattr(socket, "socket", no_ipv6)
    listeners.extend(open_listeners("localhost", 0, 16))
    assert [sock.family for sock in listeners] == [V4]
    with pytest.raises(OSError):
        open_listeners("::1", 0, 16)  # asked for by address: never skipped


def test_on_posix_a_listener_reuses_its_address_and_on_windows_holds_it_exclusively(
    listeners: list[socket.socket], monkeypatch: pytest.MonkeyPatch
) -> None:
    listeners.extend(open_listeners("127.0.0.1", 0, 16))
    if sys.platform != "win32":
        assert listeners[0].getsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR) != 0
    monkeypatch.setattr(platforms, "WINDOWS", True)
    monkeypatch.setattr(socket, "SO_EXCLUSIVEADDRUSE", -5, raising=False)  # Windows' own option, absent here
    assert addresses.reuse_option() == (socket.SOL_SOCKET, -5)


@requires_ipv6
def test_every_interface_takes_ipv4_and_ipv6_clients(make_server: Callable[..., RunningServer]) -> None:
    server = make_server(host="::")
    assert server.events.of_type(ServerStarted)[0].addresses == ("0.0.0.0", "::")
    for host in ("127.0.0.1", "::1"):
        sock = connect_raw((host, server.port))
        sock.sendall(b"hola\n")
        assert recv_exactly(sock, 5) == b"HOLA\n"
    peers = [event.host for event in server.events.of_type(ClientConnected)]
    assert peers == ["127.0.0.1", "::1"]  # an IPv4 client shows as IPv4, not as ::ffff:127.0.0.1


@requires_ipv6
def test_localhost_reaches_the_family_that_answers_when_the_first_one_hangs(
    make_server: Callable[..., RunningServer], monkeypatch: pytest.MonkeyPatch
) -> None:
    server = make_server(host="127.0.0.1")
    real_getaddrinfo = socket.getaddrinfo

    def ipv6_first(host: Any, port: Any, *args: Any, **kwargs: Any) -> Any:
        if host != "localhost":
            return real_getaddrinfo(host, port, *args, **kwargs)
        stream, tcp = socket.SOCK_STREAM, socket.IPPROTO_TCP
        return [(V6, stream, tcp, "", ("::1", port, 0, 0)), (V4, stream, tcp, "", ("127.0.0.1", port))]

    monkeypatch.setattr(socket, "getaddrinfo", ipv6_first)  # as a hosts file that lists ::1 first
    with unanswered_listener("::1", server.port):  # something on ::1 that never answers
        events = EventRecorder()
        client = TcpClient(events)
        try:
            client.connect("localhost", server.port, timeout=WAIT)
            outcome = events.wait_for(object, WAIT, lambda e: isinstance(e, (Connected, Disconnected)))
        finally:
            client.close()
    assert isinstance(outcome, Connected), outcome
    assert (outcome.host, outcome.peer) == ("localhost", "127.0.0.1")


def test_localhost_refused_on_every_family_is_one_plain_refusal() -> None:
    with unanswered_listener() as port:
        pass  # a port just closed: nobody listens there on either family
    events = EventRecorder()
    client = TcpClient(events)
    try:
        client.connect("localhost", port, timeout=WAIT)
        outcome = events.wait_for(Disconnected, WAIT)
    finally:
        client.close()
    assert outcome.error is not None and outcome.error.kind is ErrorKind.CONNECTION_REFUSED
