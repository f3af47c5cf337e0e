"""`send` and `connect`, run as a person runs them, against every kind of server they meet."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from core.events import ClientConnected, ClientDisconnected, DisconnectReason, MessageReceived
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
from tests.support.processes import Interactive, mayus, run_watched
from tests.support.servers import RunningServer
from tests.support.sockets import unanswered_listener
from tests.support.waiting import WAIT, wait_until

MIB = 1 << 20
# The target: a 200 MB flood with no newline costs less than 100 MiB. We hold the
# whole process to it (Python itself included), which is stricter than its growth.
FLOOD_BYTES = 200 * MIB
MAX_RSS = 100 * MIB


@pytest.fixture
def interactive() -> Iterator[Callable[..., Interactive]]:
    started: list[Interactive] = []

    def start(*args: str) -> Interactive:
        face = Interactive(mayus(*args))
        started.append(face)
        return face

    yield start
    for face in started:
        face.close()


def port_of(peer: StandInServer | RunningServer) -> str:
    return str(peer.address[1])


# --- send -----------------------------------------------------------------------------


def test_send_prints_each_reply_and_exits_0(server: RunningServer) -> None:
    done = run_watched(mayus("send", "--port", port_of(server), "hola servidor", "¿qué tal?"))
    assert done.code == 0, done.stderr
    assert done.stdout_head == "HOLA SERVIDOR\n¿QUÉ TAL?\n".encode()
    server.events.wait_for(ClientDisconnected, WAIT, lambda e: e.reason is DisconnectReason.REQUESTED)


def test_send_prints_a_130000_character_reply_whole(server: RunningServer) -> None:
    text = "x" * 130_000  # about the most one argument can hold
    done = run_watched(mayus("send", "--port", port_of(server), text), keep=200_000)
    assert done.code == 0, done.stderr
    assert done.stdout_head == text.upper().encode() + b"\n"


@pytest.mark.parametrize("kind", [StripServer, OriginalServer, LineServer])
def test_send_works_with_student_servers_whatever_their_newlines(
    make_peer: Callable[..., StandInServer], kind: type[StandInServer]
) -> None:
    peer = make_peer(kind)
    done = run_watched(mayus("send", "--port", port_of(peer), "hola", "ñandú"))
    assert done.code == 0, done.stderr
    assert done.stdout_head == "HOLA\nÑANDÚ\n".encode()
    assert peer.sessions_ended.acquire(timeout=WAIT)  # the server closed: asked politely


def test_send_keeps_a_banner_and_pushes_out_of_the_replies(make_peer: Callable[..., StandInServer]) -> None:
    device = make_peer(DeviceServer, 0.2)
    done = run_watched(mayus("send", "--port", port_of(device), "--ending", "crlf", "PING", "PING"))
    assert done.code == 0, done.stderr
    assert done.stdout_head == b"OK\r\nOK\r\n"
    assert "WELCOME" in done.stderr and "(unsolicited)" in done.stderr


def test_send_sends_bytes_that_are_not_utf8_as_given(server: RunningServer) -> None:
    raw = b"caf\xe9 \xff"  # Latin-1 from an old terminal: not UTF-8
    done = run_watched([*mayus("send", "--port", port_of(server)), raw.decode("utf-8", "surrogateescape")])
    assert done.code == 0, done.stderr
    assert server.events.wait_for(MessageReceived, WAIT).data == raw + b"\n"
    assert done.stdout_head == b"CAF\xe9 \xff\n"  # invalid bytes come back unchanged


def test_send_with_no_reply_is_one_line_and_exit_1(make_peer: Callable[..., StandInServer]) -> None:
    silent = make_peer(SlowServer, 30.0)
    done = run_watched(mayus("send", "--port", port_of(silent), "--reply-timeout", "0.3", "hola"))
    assert done.code == 1
    assert done.stderr.count("\n") == 1 and "no reply to message 1" in done.stderr


def test_send_to_a_server_that_closes_first_says_so(make_peer: Callable[..., StandInServer]) -> None:
    peer = make_peer(ReplyThenCloseServer)
    done = run_watched(mayus("send", "--port", port_of(peer), "uno", "dos"))
    assert done.code == 1 and done.stdout_head == b"UNO\n"
    # "dos" may reach the server before its close (a plain close) or after it (a reset): both say who ended it.
    assert "closed by the other side" in done.stderr or "cut off by the other side" in done.stderr, done.stderr
    assert "Traceback" not in done.stderr


def test_send_to_nobody_is_one_line_in_the_users_language() -> None:
    done = run_watched(mayus("send", "--port", "1", "--lang", "es", "hola"))
    assert done.code == 1
    assert done.stderr.count("\n") == 1 and "rechazó la conexión" in done.stderr
    assert "Traceback" not in done.stderr


@pytest.mark.slow
@pytest.mark.parametrize("face", ["send", "connect"])
def test_a_200_mb_flood_with_no_newline_goes_through_in_bounded_memory(
    make_peer: Callable[..., StandInServer], face: str
) -> None:
    flood = make_peer(FloodServer, FLOOD_BYTES)
    args = ["--port", port_of(flood)]
    done = run_watched(mayus(face, *args, "go") if face == "send" else mayus(face, *args), stdin=b"go\n")
    assert done.stdout_size >= FLOOD_BYTES  # every byte printed, none held
    assert done.peak_rss < MAX_RSS, f"peak RSS {done.peak_rss / MIB:.0f} MiB"
    assert "Traceback" not in done.stderr


# --- connect ----------------------------------------------------------------------------


def test_both_original_cases_pass_through_connect_with_default_settings(
    interactive: Callable[..., Interactive], original_server: OriginalServer
) -> None:
    face = interactive("connect", "--port", port_of(original_server))
    face.expect("connected to")
    face.type(b"hola servidor")
    assert face.expect("HOLA SERVIDOR").endswith(" ms)")  # case 1
    face.end_input()  # case 2: Ctrl+D sends DESCONEXION, the server closes
    assert face.wait() == 0
    assert face.lines[-1] == "disconnected (requested disconnect)"
    assert original_server.goodbyes == 1


def test_typing_desconexion_with_no_ending_closes_the_original_server(
    interactive: Callable[..., Interactive], original_server: OriginalServer
) -> None:
    face = interactive("connect", "--ending", "none", "--port", port_of(original_server))
    face.expect("connected to")
    face.type(b"DESCONEXION")
    assert face.wait() == 0
    assert original_server.texts == ["DESCONEXION"]


def test_a_typed_desconexion_that_is_answered_is_said_plainly_and_the_session_stays(
    interactive: Callable[..., Interactive], original_server: OriginalServer
) -> None:
    face = interactive("connect", "--port", port_of(original_server))
    face.expect("connected to")
    face.type(b"desconexion")  # sent as typed, with LF: the original server echoes it
    face.expect("answered DESCONEXION instead of closing")
    face.type(b"sigo aqui")
    face.expect("SIGO AQUI")
    face.end_input()
    assert face.wait() == 0


def test_connect_is_ended_by_a_typed_desconexion_that_our_server_honours(
    interactive: Callable[..., Interactive], server: RunningServer
) -> None:
    face = interactive("connect", "--port", port_of(server))
    face.type(b"hola")
    face.type("ñandú".encode())
    face.type(b"DESCONEXION")
    assert face.wait() == 0
    assert face.expect("HOLA  (").endswith(" ms)")
    assert face.expect("ÑANDÚ  (")
    assert face.lines[-1] == "disconnected (requested disconnect)"
    assert [e.data for e in server.events.of_type(MessageReceived)] == [b"hola\n", "ñandú\n".encode(), b"DESCONEXION\n"]


def test_connect_notices_a_kick_at_once_and_exits_1(
    interactive: Callable[..., Interactive], server: RunningServer
) -> None:
    face = interactive("connect", "--port", port_of(server))
    face.expect("connected to")
    server.events.wait_for(ClientConnected, WAIT)  # the client may know before the server has taken it in
    server.server.disconnect_all()  # while connect waits for input: stdin stays open
    assert face.wait() == 1
    assert face.lines[-1] == "disconnected (closed by the other side)"


@pytest.mark.parametrize("run", range(5))
def test_a_server_that_replies_then_closes_never_gives_a_traceback(
    interactive: Callable[..., Interactive], make_peer: Callable[..., StandInServer], run: int
) -> None:
    peer = make_peer(ReplyThenCloseServer)
    face = interactive("connect", "--port", port_of(peer))
    face.type(b"hola")
    face.type(b"otra")
    assert face.wait() == 1
    assert face.expect("HOLA  (")
    assert not face.errors


def test_unsolicited_data_is_marked_and_a_late_reply_names_its_message(
    interactive: Callable[..., Interactive], make_peer: Callable[..., StandInServer]
) -> None:
    slow = make_peer(SlowServer, 0.6)
    face = interactive("connect", "--reply-wait", "0.2", "--port", port_of(slow))
    face.expect("connected to")
    face.type(b"uno")
    face.expect("(1 waiting for a reply after 0.2 s")
    face.type(b"dos")
    assert "reply to #1" in face.expect("UNO")
    face.end_input()
    face.wait()


def test_a_banner_shows_as_unsolicited_before_the_first_reply(
    interactive: Callable[..., Interactive], make_peer: Callable[..., StandInServer]
) -> None:
    device = make_peer(DeviceServer)
    face = interactive("connect", "--ending", "crlf", "--port", port_of(device))
    face.type(b"PING")
    assert face.expect("OK  (")
    assert face.lines.index("(unsolicited) WELCOME") < face.lines.index(face.expect("OK  ("))


def test_connect_sends_typed_bytes_that_are_not_utf8_as_given(
    interactive: Callable[..., Interactive], server: RunningServer
) -> None:
    face = interactive("connect", "--port", port_of(server))
    face.type(b"caf\xe9")
    face.expect("CAF\\xe9")  # shown as an escape, sent as the byte
    assert server.events.wait_for(MessageReceived, WAIT).data == b"caf\xe9\n"


def test_ctrl_c_while_connecting_ends_at_once_with_no_traceback(interactive: Callable[..., Interactive]) -> None:
    import psutil

    with unanswered_listener() as port:
        face = interactive("connect", "--timeout", "30", "--port", str(port))
        process = psutil.Process(face.process.pid)
        wait_until(lambda: any(c.raddr and c.raddr[1] == port for c in process.net_connections()), message="dialing")
        face.interrupt()
        assert face.wait(timeout=2.0) == 1
    assert not face.errors and not face.lines


def test_ctrl_c_when_connected_disconnects_politely(
    interactive: Callable[..., Interactive], server: RunningServer
) -> None:
    face = interactive("connect", "--port", port_of(server))
    face.expect("connected to")
    face.interrupt()
    code = face.wait()
    assert (code, face.lines[-1], face.errors) == (0, "disconnected (requested disconnect)", [])


def test_connect_speaks_spanish_when_asked(interactive: Callable[..., Interactive], server: RunningServer) -> None:
    face = interactive("connect", "--lang", "es", "--port", port_of(server))
    face.expect("conectado a")
    face.type(b"hola")
    assert face.expect("HOLA  (").endswith(" ms)")
    face.end_input()
    assert face.wait() == 0
    assert face.lines[-1] == "desconectado (desconexión solicitada)"


@pytest.mark.parametrize("bad", [["--timeout", "-1"], ["--timeout", "inf"], ["--timeout", "nan"], ["--port", "70000"]])
def test_bad_option_values_are_one_plain_line_and_exit_2(bad: list[str]) -> None:
    done = run_watched(mayus("send", *bad, "hola"))
    assert done.code == 2
    assert "Traceback" not in done.stderr and done.stderr.strip().splitlines()[-1].startswith("mayus send: error:")


def test_send_takes_escapes_and_hex(make_peer: Callable[..., StandInServer]) -> None:
    device = make_peer(DeviceServer)
    done = run_watched(mayus("send", "--port", port_of(device), "--input", "escapes", "--ending", "none", "PING\\r\\n"))
    assert done.code == 0 and done.stdout_head == b"OK\r\n", done.stderr
    done = run_watched(
        mayus("send", "--port", port_of(device), "--input", "hex", "--ending", "none", "50 49 4e 47 0d 0a")
    )
    assert done.code == 0 and done.stdout_head == b"OK\r\n", done.stderr


def test_send_and_connect_end_each_message_with_a_cr_alone_when_told(
    interactive: Callable[..., Interactive], server: RunningServer
) -> None:
    done = run_watched(mayus("send", "--port", port_of(server), "--ending", "cr", "hola"))
    assert done.code == 0, done.stderr
    assert done.stdout_head == b"HOLA\r\n"
    face = interactive("connect", "--ending", "cr", "--port", port_of(server))
    face.expect("connected to")
    face.type(b"adios")
    assert face.expect("ADIOS")
    face.end_input()
    assert face.wait() == 0
    received = [e.data for e in server.events.of_type(MessageReceived)]
    assert received[0] == b"hola\r" and b"adios\r" in received  # (with the polite DESCONEXION of each)


def test_send_refuses_a_bad_escape_plainly_and_sends_nothing(server: RunningServer) -> None:
    done = run_watched(mayus("send", "--port", port_of(server), "--input", "escapes", "bad \\q"))
    assert done.code == 2
    assert "Unknown escape \\q at character 5" in done.stderr and "Traceback" not in done.stderr
    assert not server.events.of_type(MessageReceived)


def test_connect_takes_hex_lines_and_says_what_is_wrong_with_a_bad_one(
    interactive: Callable[..., Interactive], server: RunningServer
) -> None:
    face = interactive("connect", "--input", "hex", "--port", port_of(server))
    face.expect("connected to")
    face.type(b"68 6f 6c 61 5")
    face.expect("every byte is two digits")
    face.type(b"68 6f 6c 61")
    assert face.expect("HOLA  (")
    face.end_input()
    assert face.wait() == 0
    assert server.events.of_type(MessageReceived)[0].data == b"hola\n"


def test_send_says_when_the_server_did_not_close_after_the_word(make_peer: Callable[..., StandInServer]) -> None:
    echo = make_peer(SlowServer, 0.01)  # echoes everything in upper case, the word too, and never closes
    done = run_watched(mayus("send", "--port", port_of(echo), "--lang", "en", "hola"))
    assert done.code == 0, done.stderr  # every message got its reply
    assert done.stdout_head == b"HOLA\n"
    assert "answered DESCONEXION instead of closing" in done.stderr
    assert "disconnected (the server did not close after DESCONEXION)" in done.stderr, done.stderr
