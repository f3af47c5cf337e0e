"""The client-side protocol, fed bytes and times directly: no sockets, no clock."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.client_protocol import ClientSession, Piece
from core.defaults import QUIET_GAP_SECONDS, LineEnding
from core.errors import LocalProtocolError

GAP = QUIET_GAP_SECONDS


def joined(pieces: list[Piece]) -> bytes:
    return b"".join(p.data for p in pieces)


def test_a_line_reply_is_one_entry_timed_to_its_newline() -> None:
    s = ClientSession()
    assert s.send(b"hola", LineEnding.LF, now=1.0).data == b"hola\n"
    assert s.waiting == 1 and s.waiting_since == 1.0
    [piece] = s.receive_data(b"HOLA\n", now=1.004)
    assert (piece.entry, piece.reply_to, piece.data, piece.complete, piece.ending) == (1, 1, b"HOLA\n", True, b"\n")
    assert piece.rtt == pytest.approx(0.004)
    assert s.waiting == 0 and s.pause_due is None


def test_every_byte_is_reported_as_it_arrives_even_with_no_newline() -> None:
    s = ClientSession()
    s.send(b"hola", LineEnding.LF, now=0.0)
    [first] = s.receive_data(b"HO", now=0.010)
    assert first.data == b"HO" and not first.complete and first.reply_to == 1
    [second] = s.receive_data(b"LA", now=0.020)
    assert second.entry == first.entry and second.entry_size == 4
    assert s.receive_pause(now=0.020 + GAP / 2) == []  # not quiet long enough yet
    [done] = s.receive_pause(now=0.020 + GAP)
    assert done.complete and done.data == b"" and done.ending == b""
    assert done.rtt == pytest.approx(0.020)  # to the last byte, never counting the gap


def test_a_reply_with_no_newline_to_a_message_sent_with_none_ends_at_the_gap() -> None:
    s = ClientSession()
    s.send(b"hola servidor", LineEnding.NONE, now=0.0)
    pieces = s.receive_data(b"HOLA\nSERVIDOR", now=0.001)  # a LF inside is not its end
    assert [p.complete for p in pieces] == [False]
    [done] = s.receive_pause(now=0.001 + GAP)
    assert done.complete and done.reply_to == 1 and done.entry_size == 13


def test_bytes_separated_by_a_quiet_gap_are_separate_entries() -> None:
    s = ClientSession()
    s.send(b"a", LineEnding.NONE, now=0.0)
    s.send(b"b", LineEnding.NONE, now=0.0)
    s.receive_data(b"A", now=0.001)
    s.receive_pause(now=0.001 + GAP)
    [b] = s.receive_data(b"B", now=0.5)
    assert (b.entry, b.reply_to) == (2, 2)


def test_replies_go_to_the_oldest_waiting_message_in_order() -> None:
    s = ClientSession()
    for i, text in enumerate((b"uno", b"dos", b"tres")):
        s.send(text, LineEnding.LF, now=float(i))
    pieces = s.receive_data(b"UNO\nDOS\nTRES\n", now=10.0)
    assert [(p.reply_to, p.data, p.rtt) for p in pieces] == [
        (1, b"UNO\n", 10.0),
        (2, b"DOS\n", 9.0),
        (3, b"TRES\n", 8.0),
    ]


def test_data_nobody_asked_for_is_unsolicited_with_no_round_trip() -> None:
    s = ClientSession()
    [banner] = s.receive_data(b"WELCOME\r\n", now=0.0)
    assert banner.reply_to is None and banner.complete and banner.ending == b"\r\n" and banner.rtt is None
    s.send(b"PING", LineEnding.CRLF, now=1.0)
    [ok] = s.receive_data(b"OK\r\n", now=1.002)
    assert ok.reply_to == 1 and ok.rtt == pytest.approx(0.002)
    [push] = s.receive_data(b"\x02STAT\x00\x17\x03", now=3.0)  # a status frame with no line ending
    assert push.reply_to is None and not push.complete
    [end] = s.receive_pause(now=3.0 + GAP)
    assert end.complete and end.rtt is None


def test_a_late_reply_still_goes_to_its_message() -> None:
    s = ClientSession()
    s.send(b"uno", LineEnding.LF, now=0.0)
    s.send(b"dos", LineEnding.LF, now=1.0)
    [late] = s.receive_data(b"UNO\n", now=7.0)
    assert late.reply_to == 1 and late.rtt == pytest.approx(7.0)
    assert s.waiting == 1 and s.waiting_since == 1.0


def test_a_cr_device_is_answered_at_its_cr_and_a_crlf_after_it_stays_with_it() -> None:
    s = ClientSession()
    s.send(b"ATZ", LineEnding.CR, now=0.0)
    s.send(b"ATI", LineEnding.CR, now=0.0)
    pieces = s.receive_data(b"OK\rMODEM\r\n", now=0.01)
    assert [(p.reply_to, p.data, p.ending) for p in pieces] == [(1, b"OK\r", b"\r"), (2, b"MODEM\r\n", b"\r\n")]


def test_the_close_completes_what_is_open() -> None:
    s = ClientSession()
    s.send(b"x", LineEnding.LF, now=0.0)
    s.receive_data(b"PART", now=0.5)
    [end] = s.receive_eof()
    assert end.complete and end.reply_to == 1 and end.rtt == pytest.approx(0.5)
    assert s.receive_eof() == []


def test_messages_go_out_exactly_as_given() -> None:
    s = ClientSession()
    assert s.send(b"desconexion", LineEnding.NONE, now=0.0).data == b"desconexion"  # never rewritten
    assert s.send(b"  x \xff", LineEnding.CRLF, now=0.0).data == b"  x \xff\r\n"
    assert s.send(b"", LineEnding.LF, now=0.0).data == b"\n"


def test_a_reply_to_a_typed_desconexion_is_flagged_once() -> None:
    s = ClientSession()
    s.send(b"DESCONEXION", LineEnding.LF, now=0.0)
    first, second = s.receive_data(b"DESCO", now=0.1), s.receive_data(b"NEXION\n", now=0.2)
    assert first[0].answers_word and first[0].word_ending == b"\n"
    assert not second[0].answers_word


def test_a_dotless_i_is_not_the_word() -> None:
    s = ClientSession()
    s.send("desconexıon".encode(), LineEnding.NONE, now=0.0)
    assert not s.receive_data(b"X", now=0.1)[0].answers_word


def test_the_polite_disconnect_sends_the_word_then_its_ending() -> None:
    s = ClientSession()
    s.send(b"hola", LineEnding.LF, now=0.0)
    word = s.disconnect_request(now=0.1)
    assert word.data == b"DESCONEXION" and not word.expects_reply
    assert s.waiting == 1  # the polite request waits for a close, not a reply
    ending = s.disconnect_ending(LineEnding.LF)
    assert ending is not None and ending.data == b"\n" and ending.continued and ending.number == word.number


def test_no_ending_follows_once_the_server_answered_the_word() -> None:
    s = ClientSession()
    s.disconnect_request(now=0.0)
    [echo] = s.receive_data(b"DESCONEXION", now=0.01)
    assert echo.answers_word and echo.word_ending == b""
    assert s.disconnect_ending(LineEnding.LF) is None


def test_with_none_chosen_the_polite_ending_is_a_lf() -> None:
    s = ClientSession()
    s.disconnect_request(now=0.0)
    out = s.disconnect_ending(LineEnding.NONE)
    assert out is not None and out.data == b"\n"


def test_the_second_step_before_the_first_is_a_local_error() -> None:
    with pytest.raises(LocalProtocolError):
        ClientSession().disconnect_ending(LineEnding.LF)


def test_a_display_copy_keeps_each_entrys_first_bytes_and_counts_them_all() -> None:
    s = ClientSession(keep_bytes=4)
    s.send(b"x", LineEnding.LF, now=0.0)
    pieces = s.receive_data(b"ABC", now=0.1) + s.receive_data(b"DEFGH\nIJ", now=0.2)
    assert [p.data for p in pieces] == [b"ABC", b"D", b"IJ"]
    assert [p.size for p in pieces] == [3, 6, 2]
    assert pieces[1].entry_size == 9 and pieces[1].ending == b"\n"


@given(
    st.binary(max_size=200),
    st.lists(st.integers(min_value=0, max_value=200), max_size=10),
    st.sampled_from(list(LineEnding)),
)
def test_every_byte_comes_out_once_in_order_whatever_the_split(
    data: bytes, cuts: list[int], ending: LineEnding
) -> None:
    s = ClientSession()
    for i in range(5):
        s.send(b"m%d" % i, ending, now=0.0)
    points = sorted({min(c, len(data)) for c in cuts})
    chunks = [data[a:b] for a, b in itertools.pairwise([0, *points, len(data)])]
    pieces: list[Piece] = []
    for i, chunk in enumerate(chunks):
        pieces += s.receive_data(chunk, now=float(i))
    pieces += s.receive_eof()
    assert joined(pieces) == data
    entries = [p.entry for p in pieces]
    assert entries == sorted(entries)  # entries never interleave
    completes = [p for p in pieces if p.complete]
    assert len({p.entry for p in completes}) == len(completes)  # each entry completes once
    answered = [p.reply_to for p in completes if p.reply_to is not None]
    assert answered == list(range(1, len(answered) + 1))  # oldest first, none skipped
