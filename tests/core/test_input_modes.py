"""Typed input to exact bytes: text, escapes and hex, with plain errors; parse of render is the identity."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.input_modes import InputError, InputMode, best_mode, parse, render

NO_SURROGATES = st.characters(exclude_categories=["Cs"])  # lone surrogates are not text anyone types


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("\\x02STAT\\x03\\r\\n", b"\x02STAT\x03\r\n"),
        ("a\\tb\\0c\\\\d", b"a\tb\x00c\\d"),
        ("\\u{f1}and\\u{FA}", "ñandú".encode()),
        ("\\u{1F600}", "😀".encode()),
        ("plain ñ", "plain ñ".encode()),
        ("", b""),
    ],
)
def test_escapes_stand_for_their_bytes(typed: str, expected: bytes) -> None:
    assert parse(typed, InputMode.ESCAPES) == expected


def test_text_is_sent_as_typed_backslashes_and_all() -> None:
    assert parse("\\x02STAT\\x03", InputMode.TEXT) == b"\\x02STAT\\x03"  # 12 characters, as typed


@pytest.mark.parametrize(
    ("typed", "expected"),
    [("02 53 54 41 54 03", b"\x02STAT\x03"), ("0253 5441\n5403", b"\x02STAT\x03"), ("ff", b"\xff"), ("", b"")],
)
def test_hex_with_spaces_optional(typed: str, expected: bytes) -> None:
    assert parse(typed, InputMode.HEX) == expected


@pytest.mark.parametrize(
    ("typed", "mode", "problem", "position"),
    [
        ("ab\\q", InputMode.ESCAPES, "escape_unknown", 2),
        ("ab\\", InputMode.ESCAPES, "escape_unfinished", 2),
        ("\\x4", InputMode.ESCAPES, "escape_bad_byte", 0),
        ("x\\xZZ", InputMode.ESCAPES, "escape_bad_byte", 1),
        ("\\u{110000}", InputMode.ESCAPES, "escape_bad_character", 0),
        ("\\u{D800}", InputMode.ESCAPES, "escape_bad_character", 0),
        ("\\u41", InputMode.ESCAPES, "escape_bad_character", 0),
        ("02 5G", InputMode.HEX, "hex_not_a_digit", 4),
        ("02 535", InputMode.HEX, "hex_odd", 5),
    ],
)
def test_what_is_not_valid_is_refused_with_where(typed: str, mode: InputMode, problem: str, position: int) -> None:
    with pytest.raises(InputError) as caught:
        parse(typed, mode)
    assert (caught.value.problem, caught.value.position) == (problem, position)


@given(st.binary(max_size=200))
def test_escapes_and_hex_carry_any_bytes(data: bytes) -> None:
    for mode in (InputMode.ESCAPES, InputMode.HEX):
        assert parse(render(data, mode), mode) == data


@given(st.text(alphabet=NO_SURROGATES, max_size=200))
def test_text_carries_any_text(text: str) -> None:
    data = text.encode("utf-8")
    assert parse(render(data, InputMode.TEXT), InputMode.TEXT) == data
    assert parse(render(data, InputMode.ESCAPES), InputMode.ESCAPES) == data


@given(st.text(alphabet=NO_SURROGATES, max_size=100))
def test_rendered_escapes_show_no_control_character(text: str) -> None:
    rendered = render(text.encode(), InputMode.ESCAPES)
    assert not any(ord(c) < 0x20 or ord(c) == 0x7F for c in rendered)  # what is typed shows no invisible byte


def test_the_best_mode_is_the_plainest_that_reads_well() -> None:
    assert best_mode(b"hola \\ amigo") is InputMode.TEXT
    assert best_mode(b"WELCOME\r\n") is InputMode.ESCAPES
    assert best_mode(bytes(range(128, 200))) is InputMode.HEX
