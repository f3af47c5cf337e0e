"""The server-side protocol, fed bytes directly: no sockets."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import assume, example, given, settings
from hypothesis import strategies as st

from core.errors import LocalProtocolError
from core.protocol import (
    TABLE_FROM_CHARS,
    SessionState,
    Uppercaser,
    UppercaseSession,
    is_disconnect_word,
    upper_by_table,
    uppercase_bytes,
)


def feed(chunks: list[bytes], pause_between: bool = False, eof: bool = True) -> tuple[bytes, UppercaseSession]:
    session = UppercaseSession(keep_messages=True)
    out = []
    for chunk in chunks:
        if session.state is not SessionState.OPEN:
            break
        out.append(session.receive_data(chunk))
        if pause_between:
            out.append(session.receive_pause())
    if eof:
        out.append(session.receive_eof())
    return b"".join(out), session


def split_at(data: bytes, cuts: list[int]) -> list[bytes]:
    points = sorted({min(c, len(data)) for c in cuts})
    edges = [0, *points, len(data)]
    return [data[a:b] for a, b in itertools.pairwise(edges)]


def has_disconnect_line(data: bytes) -> bool:
    return any(is_disconnect_word(line) for line in data.split(b"\n"))


# Text made of what people send: Spanish letters, ß, newlines, CR, NUL and the
# letters of the disconnect word, so near-misses of it are common.
text_alphabet = st.sampled_from(list("desconxiDESCONXIñÑáéíóúüßﬁ ¿?\r\n\t\x00a"))
texts = st.lists(text_alphabet, max_size=60).map(lambda cs: "".join(cs).encode("utf-8"))
any_bytes = st.one_of(st.binary(max_size=80), texts, st.tuples(texts, st.binary(max_size=8)).map(lambda t: t[0] + t[1]))
cuts = st.lists(st.integers(min_value=0, max_value=100), max_size=12)


@settings(max_examples=400)
@given(any_bytes, cuts)
@example(b"\xc3a", [1])  # an unfinished character, then plain ASCII
@example("ñandú".encode(), [1, 2, 3, 4, 5])
@example(b"desco\nnexion", [5, 6])
def test_reply_is_the_uppercased_input_whatever_the_split(data: bytes, points: list[int]) -> None:
    assume(not has_disconnect_line(data))
    reply, session = feed(split_at(data, points))
    assert reply == uppercase_bytes(data)
    assert session.state is SessionState.CLOSED


def splits_a_character_whose_uppercase_changes_its_first_bytes(data: bytes, chunks: list[bytes]) -> bool:
    """True if a pause falls inside a character like ß (→ SS): its first bytes go out before the rest is seen."""
    text = data.decode("utf-8", "surrogateescape")
    offset, starts = 0, {}
    for char in text:
        size = len(char.encode("utf-8", "surrogateescape"))
        starts[offset] = (size, char)
        offset += size
    cut = 0
    for chunk in chunks[:-1]:
        cut += len(chunk)
        for start, (size, char) in starts.items():
            if start < cut < start + size:
                sent = char.encode("utf-8")[: cut - start]
                if not char.upper().encode("utf-8").startswith(sent):
                    return True
    return False


@given(any_bytes, cuts)
@example("ñandú".encode(), [1, 2, 3, 4, 5])
def test_pauses_between_reads_lose_and_duplicate_nothing(data: bytes, points: list[int]) -> None:
    assume(b"desconexion" not in data.lower())
    chunks = split_at(data, points)
    assume(not splits_a_character_whose_uppercase_changes_its_first_bytes(data, chunks))
    reply, _ = feed(chunks, pause_between=True)
    assert reply == uppercase_bytes(data)


@given(any_bytes, cuts, st.booleans())
def test_records_hold_every_message_and_its_reply(data: bytes, points: list[int], pauses: bool) -> None:
    assume(not has_disconnect_line(data))
    reply, session = feed(split_at(data, points), pause_between=pauses)
    assert b"".join(r.data for r in session.records) == data
    assert b"".join(r.reply for r in session.records) == reply
    new_messages = sum(1 for r in session.records if not r.continued)
    assert session.messages_in == session.messages_out
    if pauses:
        assert session.messages_in == new_messages
    else:
        # Reads with no LF from a peer that has sent none are recorded as messages as they come;
        # if a LF then ends them with no pause between, they were one line: the counters count
        # it once, while its pieces' records have already gone out.
        assert session.messages_in <= new_messages


@given(texts, texts, cuts)
def test_nothing_after_the_disconnect_word_is_answered(before: bytes, after: bytes, points: list[int]) -> None:
    assume(not has_disconnect_line(before))
    prefix = before if not before or before.endswith(b"\n") else before + b"\n"
    data = prefix + b"  DesConexion \r\n" + after
    reply, session = feed(split_at(data, points))
    assert session.state is SessionState.DISCONNECT_REQUESTED
    assert reply == uppercase_bytes(prefix)


@settings(max_examples=300)
@given(any_bytes)
@example("¡el niño pidió un café!\n".encode() * 40)  # long lines: through the Latin-1 table
@example(b"caf\xc3\n\xff abc\n")  # invalid bytes
def test_whole_lines_read_one_at_a_time_come_back_uppercased(data: bytes) -> None:
    """Once a peer speaks in lines, a read that is exactly one line takes the session's shortest path."""
    assume(not has_disconnect_line(data))
    lines = [line + b"\n" for line in data.split(b"\n")]
    reply, _ = feed([b"hola\n", *lines])
    assert reply == b"HOLA\n" + uppercase_bytes(data + b"\n")


def test_spanish_and_german_letters_follow_unicode_rules() -> None:
    reply, _ = feed(["¿Qué tal, señor Núñez? ñandú straße\n".encode()])
    assert reply.decode() == "¿QUÉ TAL, SEÑOR NÚÑEZ? ÑANDÚ STRASSE\n"


def test_a_character_split_over_two_reads_is_uppercased_whole() -> None:
    session = UppercaseSession()
    enye = "ñ".encode()
    assert session.receive_data(b"a" + enye[:1]) == b"A"
    assert session.receive_data(enye[1:] + b"o") == "ÑO".encode()


def test_invalid_utf8_and_nul_come_back_unchanged() -> None:
    data = b"ab\x00\xff\xfe\xc3(\xed\xa0\x80z\n"
    reply, _ = feed([data])
    assert reply == b"AB\x00\xff\xfe\xc3(\xed\xa0\x80Z\n"


def test_an_unfinished_character_at_close_comes_back_as_sent() -> None:
    reply, _ = feed([b"x\xe2\x82"])
    assert reply == b"X\xe2\x82"


def test_line_endings_come_back_as_sent() -> None:
    reply, session = feed([b"uno\r\ndos\ntres"])
    assert reply == b"UNO\r\nDOS\nTRES"
    assert [(r.data, r.reply) for r in session.records] == [
        (b"uno\r\n", b"UNO\r\n"),
        (b"dos\n", b"DOS\n"),
        (b"tres", b"TRES"),
    ]


def test_a_message_without_newline_is_answered_at_once() -> None:
    session = UppercaseSession()
    assert session.receive_data(b"hola servidor") == b"HOLA SERVIDOR"
    assert not session.holding


@pytest.mark.parametrize(
    "word", [b"DESCONEXION", b"desconexion", b"DesConexion", b"  DESCONEXION  ", b"DESCONEXION\r\n"]
)
def test_disconnect_word_in_any_case_and_padding_ends_the_session(word: bytes) -> None:
    reply, session = feed([b"hola\n", word], eof=False)
    assert reply == b"HOLA\n"
    session.receive_pause()
    assert session.state is SessionState.DISCONNECT_REQUESTED


def test_disconnect_word_with_newline_needs_no_pause() -> None:
    session = UppercaseSession()
    assert session.receive_data(b"desconexion\n") == b""
    assert session.state is SessionState.DISCONNECT_REQUESTED


def test_disconnect_word_split_over_reads_is_recognised() -> None:
    session = UppercaseSession()
    assert session.receive_data(b"DESCO") == b""
    assert session.holding
    assert session.receive_data(b"NEXION") == b""
    assert session.receive_eof() == b""
    assert session.state is SessionState.DISCONNECT_REQUESTED


def test_a_short_message_that_starts_like_the_word_is_answered_on_pause() -> None:
    session = UppercaseSession()
    assert session.receive_data(b"de") == b""
    assert session.receive_pause() == b"DE"
    assert session.receive_data(b"sconexion\n") == b"SCONEXION\n"  # same line, already answered
    assert session.state is SessionState.OPEN


@pytest.mark.parametrize("text", [b"desconexiones\n", b"la desconexion\n", b"desconexion!\n", b"DESCONEXI\xc3\x93N\n"])
def test_words_that_only_look_like_it_are_answered(text: bytes) -> None:
    reply, session = feed([text], eof=False)
    assert reply == uppercase_bytes(text)
    assert session.state is SessionState.OPEN


def test_holding_is_bounded_however_long_the_padding() -> None:
    session = UppercaseSession()
    assert session.receive_data(b" " * 10_000) == b" " * 10_000
    assert not session.holding


def test_feeding_after_the_session_ended_is_a_local_error() -> None:
    session = UppercaseSession()
    session.receive_data(b"DESCONEXION\n")
    with pytest.raises(LocalProtocolError):
        session.receive_data(b"more")


def test_counters_count_messages_not_reads() -> None:
    _, session = feed([b"a\nb\n", b"c", b"\nDESCONEXION\n"], eof=False)
    assert session.messages_in == 4  # a, b, c (over two reads: one line), DESCONEXION
    assert session.messages_out == 3


def test_a_long_line_over_many_reads_is_one_message() -> None:
    session = UppercaseSession(keep_messages=True)
    session.receive_data(b"hola\n")
    for _ in range(6):
        session.receive_data(b"x" * 200_000)
    session.receive_data(b"\n")
    assert session.messages_in == session.messages_out == 2
    assert [r.continued for r in session.records] == [False, False, True, True, True, True, True, True]


def test_reads_with_no_newline_are_messages_until_a_newline_shows_they_were_one_line() -> None:
    session = UppercaseSession(keep_messages=True)
    session.receive_data(b"x" * 10)
    session.receive_data(b"y" * 10)
    assert session.messages_in == 2  # a peer with no LF yet: each read is a message, for now
    assert session.wants_pause
    session.receive_data(b"z\n")
    assert session.messages_in == session.messages_out == 1  # back to back, then a LF: one line


def test_after_a_pause_a_read_is_a_new_message_even_if_a_newline_follows() -> None:
    session = UppercaseSession()
    session.receive_data(b"hola")
    session.receive_pause()
    session.receive_data(b"adios\n")
    assert session.messages_in == 2


def test_messages_are_not_kept_unless_asked() -> None:
    session = UppercaseSession()
    session.receive_data(b"a\nb\n" * 1000)
    assert session.records == []
    assert session.messages_in == 2000


def test_an_unfinished_character_goes_back_unchanged_after_a_pause() -> None:
    session = UppercaseSession()
    assert session.receive_data(b"abc\xe2\x82") == b"ABC"
    assert session.holding  # the caller starts its pause timer
    assert session.receive_pause() == b"\xe2\x82"
    assert not session.holding


def test_a_character_split_by_a_pause_is_still_uppercased_when_its_rest_comes() -> None:
    session = UppercaseSession()
    enye = "ñ".encode()
    assert session.receive_data(enye[:1]) == b""
    assert session.receive_pause() == enye[:1]
    assert session.receive_data(enye[1:] + b"\n") == "Ñ".encode()[1:] + b"\n"


def test_the_uppercaser_says_whether_a_character_is_half_read_or_half_answered() -> None:
    """`holding` and `idle` are kept as it goes (the session's shortest path reads them for every line)."""
    upper, enye = Uppercaser(), "ñ".encode()
    states = [(upper.holding, upper.idle)]
    upper.feed(b"a" + enye[:1])  # half-read
    states.append((upper.holding, upper.idle))
    upper.flush_partial()  # half-answered: its first byte went out at a pause
    states.append((upper.holding, upper.idle))
    upper.feed(enye[1:])  # whole again
    states.append((upper.holding, upper.idle))
    upper.feed(enye[:1])
    upper.flush()  # the stream ended
    states.append((upper.holding, upper.idle))
    assert states == [(False, True), (True, False), (False, False), (False, True), (False, True)]


def test_a_character_whose_uppercase_changes_its_first_byte_stays_as_sent_after_a_pause() -> None:
    session = UppercaseSession()
    sharp_s = "ß".encode()
    session.receive_data(sharp_s[:1])
    assert session.receive_pause() == sharp_s[:1]
    assert session.receive_data(sharp_s[1:]) == sharp_s[1:]  # "SS" cannot follow a byte already sent


def test_a_peer_without_newlines_has_each_read_taken_as_a_message() -> None:
    session = UppercaseSession()
    assert session.receive_data(b"hola") == b"HOLA"
    assert session.receive_data(b"DESCONEXION") == b""
    session.receive_pause()
    assert session.state is SessionState.DISCONNECT_REQUESTED


def test_a_peer_that_speaks_lines_can_split_a_line_over_reads() -> None:
    session = UppercaseSession()
    assert session.receive_data(b"uno\nla ") == b"UNO\nLA "
    assert session.receive_data(b"desconexion\n") == b"DESCONEXION\n"
    assert session.state is SessionState.OPEN


def test_a_hex_dump_shows_offsets_hex_and_ascii() -> None:
    from core.text import hex_dump

    lines = hex_dump(b"\x02STAT\x00\x17\x03" + b"x" * 12)
    assert lines[0] == "0000  02 53 54 41 54 00 17 03 78 78 78 78 78 78 78 78  .STAT...xxxxxxxx"
    assert lines[1].startswith("0010  78 78 78 78") and lines[1].endswith("  xxxx")


# --- the Latin-1 shortcut of upper_encoded ------------------------------------------------------------------------


def _str_upper(data: bytes) -> bytes:
    """The definition: Python's str.upper over the decoded bytes, invalid bytes kept."""
    return data.decode("utf-8", "surrogateescape").upper().encode("utf-8", "surrogateescape")


@pytest.mark.parametrize("code", range(256))
def test_every_latin1_character_is_uppercased_as_str_upper_does(code: int) -> None:
    for text in (chr(code), f"ñ{chr(code)}a", f"{chr(code)}\udcff"):  # alone, among Spanish, beside an invalid byte
        assert upper_by_table(text) == text.upper().encode("utf-8", "surrogateescape")


@settings(max_examples=400)
@given(st.text(alphabet=st.characters(max_codepoint=0x17F, exclude_categories=["Cs"])) | st.binary())
@example("¡Hola! El niño pidió un café: 10 µs, Straße, ÿ".encode())
def test_uppercasing_is_str_upper_whatever_the_text(value: str | bytes) -> None:
    data = value.encode() if isinstance(value, str) else value
    assert uppercase_bytes(data) == _str_upper(data)
    long = "ñ".encode() * TABLE_FROM_CHARS + data  # long enough for the table (short text skips it: slower there)
    assert uppercase_bytes(long) == _str_upper(long)
