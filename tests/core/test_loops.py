"""Which event loop Mayus's worker threads run: chosen by MAYUS_LOOP, uvloop where it can be."""

from __future__ import annotations

import asyncio
import socket

import pytest

from core.client import TcpClient
from core.events import Connected, DataReceived, Event, ServerStarted
from core.loop_thread import (
    ASYNCIO_LOOP,
    LOOP_ENV,
    UVLOOP_BY_DEFAULT,
    UVLOOP_LOOP,
    LoopThread,
    loop_kind,
    uvloop_available,
)
from core.recorder import EventRecorder
from core.server import ServerConfig, UppercaseServer
from tests.support.waiting import WAIT

needs_uvloop = pytest.mark.skipif(not uvloop_available(), reason="uvloop is not installed here")
# Loopback answers in microseconds: a broken connection_made shows as silence past this, or as a reset.
QUICK_REPLY_TIMEOUT = 1.0


def loop_module(loop: asyncio.AbstractEventLoop) -> str:
    return type(loop).__module__.split(".")[0]


def test_asyncio_forces_the_standard_loop(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(LOOP_ENV, "asyncio")
    assert loop_kind() == ASYNCIO_LOOP
    thread = LoopThread("mayus-test-loop")
    try:
        assert loop_module(thread.loop) == "asyncio"
    finally:
        assert thread.stop(WAIT)


@needs_uvloop
def test_uvloop_asked_for_is_uvloop(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(LOOP_ENV, " UVLoop ")
    assert loop_kind() == UVLOOP_LOOP
    thread = LoopThread("mayus-test-loop")
    try:
        assert loop_module(thread.loop) == "uvloop"
        assert thread.submit(asyncio.sleep(0, "ran")).result(WAIT) == "ran"
    finally:
        assert thread.stop(WAIT)


def test_unset_follows_the_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(LOOP_ENV, raising=False)
    expected = UVLOOP_LOOP if UVLOOP_BY_DEFAULT and uvloop_available() else ASYNCIO_LOOP
    assert loop_kind() == expected


def test_an_unknown_loop_is_refused_by_name(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(LOOP_ENV, "trio")
    with pytest.raises(RuntimeError, match="MAYUS_LOOP='trio'"):
        loop_kind()


def test_the_server_runs_on_the_loop_asked_for(each_loop: str) -> None:
    loops: list[str] = []

    def on_event(event: Event) -> None:
        if isinstance(event, ServerStarted):
            loops.append(loop_module(asyncio.get_running_loop()))

    server = UppercaseServer(ServerConfig(port=0), on_event)
    server.start()
    try:
        server.wait_started()
    finally:
        server.stop()
    assert loops == [each_loop]


def _round_trip_on_uvloop() -> tuple[bool, bool]:
    """(Mayus's server answers a raw socket, Mayus's client gets a reply) with both on uvloop (MAYUS_LOOP set)."""
    server_events, client_events = EventRecorder(), EventRecorder()
    server = UppercaseServer(ServerConfig(port=0), server_events)
    server.start()
    client = TcpClient(client_events)
    try:
        host, port = server.wait_started()
        with socket.create_connection((host, port), timeout=QUICK_REPLY_TIMEOUT) as sock:
            try:
                sock.sendall(b"hola\n")
                server_answers = sock.recv(16) == b"HOLA\n"
            except OSError:  # connection_made failed on the server: a reset, or silence
                server_answers = False
        client.connect(host, port)
        try:  # a broken connection_made leaves the client connecting (uvloop never resolves it)
            client_events.wait_for(Connected, QUICK_REPLY_TIMEOUT)
        except TimeoutError:
            return server_answers, False
        client.send(b"hola")
        return server_answers, client_events.wait_for(DataReceived, WAIT, lambda e: e.complete).data == b"HOLA\n"
    finally:
        client.close()
        server.stop()


@needs_uvloop
def test_uvloop_is_on_by_default_exactly_when_mayus_works_on_it(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fails as a reminder once core/server.py and core/client.py accept uvloop's transports."""
    monkeypatch.setenv(LOOP_ENV, UVLOOP_LOOP)
    server_answers, client_answers = _round_trip_on_uvloop()
    works = server_answers and client_answers
    assert works == UVLOOP_BY_DEFAULT, (
        f"on uvloop: server answers {server_answers}, client answers {client_answers}; "
        f"UVLOOP_BY_DEFAULT in core/loop_thread.py is {UVLOOP_BY_DEFAULT}"
    )
