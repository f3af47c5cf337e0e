"""The client-side protocol: framing replies and timing them, fed bytes directly."""

from __future__ import annotations

import pytest

from core.client_protocol import ClientSession, Reply
from core.defaults import MAX_PENDING_REPLY_BYTES, LineEnding


def test_message_bytes_carry_the_chosen_ending() -> None:
    session = ClientSession()
    assert session.send("hola", LineEnding.NONE, now=0.0) == b"hola"
    assert session.send("hola", LineEnding.LF, now=0.0) == b"hola\n"
    assert session.send("señor", LineEnding.CRLF, now=0.0) == "señor\r\n".encode()


def test_a_line_reply_is_complete_at_its_newline_and_timed() -> None:
    session = ClientSession()
    session.send("hola servidor", LineEnding.LF, now=10.0)
    assert session.receive_data(b"HOLA ", now=10.001) == []
    [reply] = session.receive_data(b"SERVIDOR\n", now=10.004)
    assert reply.data == b"HOLA SERVIDOR\n"
    assert reply.rtt == pytest.approx(0.004)
    assert session.waiting == 0


def test_pipelined_replies_match_their_messages_in_order() -> None:
    session = ClientSession()
    session.send("a", LineEnding.LF, now=1.0)
    session.send("b", LineEnding.CRLF, now=2.0)
    replies = session.receive_data(b"A\nB\r\n", now=5.0)
    assert [r.data for r in replies] == [b"A\n", b"B\r\n"]
    assert [r.rtt for r in replies] == [4.0, 3.0]


def test_without_ending_the_next_read_is_the_reply() -> None:
    session = ClientSession()
    session.send("hola", LineEnding.NONE, now=1.0)
    assert session.receive_data(b"HOLA", now=1.5) == [Reply(b"HOLA", 0.5)]


def test_data_nobody_waits_for_has_no_round_trip_time() -> None:
    session = ClientSession()
    assert session.receive_data(b"WELCOME\nHI\n", now=1.0) == [Reply(b"WELCOME\n", None), Reply(b"HI\n", None)]


def test_a_reply_without_newline_is_shown_once_it_grows_too_big() -> None:
    session = ClientSession()
    session.send("x", LineEnding.LF, now=0.0)
    big = b"X" * (MAX_PENDING_REPLY_BYTES + 1)
    assert session.receive_data(big, now=1.0) == [Reply(big, None)]
    assert session.waiting == 1  # still timed when its newline comes


def test_what_is_left_at_close_is_a_last_reply() -> None:
    session = ClientSession()
    session.send("x", LineEnding.LF, now=0.0)
    session.receive_data(b"PART", now=1.0)
    assert session.receive_eof() == [Reply(b"PART", None)]
    assert session.waiting == 0


def test_disconnect_request_follows_the_ending() -> None:
    assert ClientSession.disconnect_request(LineEnding.NONE) == b"DESCONEXION"
    assert ClientSession.disconnect_request(LineEnding.CRLF) == b"DESCONEXION\r\n"
