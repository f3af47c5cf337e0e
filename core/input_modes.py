"""What a person types, turned into the exact bytes to send: as text, as text with escapes, or as hex.

- TEXT: the characters as typed, in UTF-8.
- ESCAPES: text where `\\r \\n \\t \\0 \\\\ \\xNN \\u{…}` stand for the bytes or the character they name.
- HEX: pairs of hex digits, spaces optional: `02 53 54 41 54 03` or `0253544154 03`.

`parse` raises InputError (what is wrong, and where) and never guesses. `render` is
its inverse: `parse(render(data, mode), mode) == data` for every byte string a mode
can carry (TEXT carries only UTF-8).
"""

from __future__ import annotations

import enum
import re
import string

from core.errors import MayusError


class InputMode(enum.Enum):
    TEXT = "text"
    ESCAPES = "escapes"
    HEX = "hex"


class InputError(MayusError):
    """What was typed is not valid in its mode: the user's to fix, nothing is sent.

    `problem` names what (words key `input.<problem>`), `position` is the index of the
    character where it starts, `detail` quotes it.
    """

    def __init__(self, problem: str, position: int, detail: str = "") -> None:
        assert problem in PROBLEMS, problem
        super().__init__(f"{problem} at {position}: {detail}")
        self.problem, self.position, self.detail = problem, position, detail


# Every `InputError.problem`, named once (the words say each one).
PROBLEMS = (
    "escape_unknown",
    "escape_unfinished",
    "escape_bad_byte",
    "escape_bad_character",
    "hex_not_a_digit",
    "hex_odd",
)
_SIMPLE = {"r": b"\r", "n": b"\n", "t": b"\t", "0": b"\0", "\\": b"\\"}
_HEX_DIGITS = set(string.hexdigits)
_CODEPOINT = re.compile(r"\{([0-9A-Fa-f]{1,6})\}")


def parse(typed: str, mode: InputMode) -> bytes:
    """The bytes that `typed` stands for in `mode`. Raises InputError if it stands for none."""
    if mode is InputMode.TEXT:
        return typed.encode("utf-8", "surrogateescape")
    if mode is InputMode.HEX:
        return _parse_hex(typed)
    return _parse_escapes(typed)


def _parse_hex(typed: str) -> bytes:
    digits: list[str] = []
    first_of_pair = 0
    for position, char in enumerate(typed):
        if char.isspace():
            continue
        if char not in _HEX_DIGITS:
            raise InputError("hex_not_a_digit", position, char)
        if len(digits) % 2 == 0:
            first_of_pair = position
        digits.append(char)
    if len(digits) % 2:
        raise InputError("hex_odd", first_of_pair, typed[first_of_pair:].strip())
    return bytes.fromhex("".join(digits))


def _parse_escapes(typed: str) -> bytes:
    out = bytearray()
    position, size = 0, len(typed)
    while position < size:
        backslash = typed.find("\\", position)
        if backslash < 0:
            out += typed[position:].encode("utf-8", "surrogateescape")
            break
        out += typed[position:backslash].encode("utf-8", "surrogateescape")
        if backslash + 1 >= size:
            raise InputError("escape_unfinished", backslash, "\\")
        code = typed[backslash + 1]
        if code in _SIMPLE:
            out += _SIMPLE[code]
            position = backslash + 2
        elif code == "x":
            pair = typed[backslash + 2 : backslash + 4]
            if len(pair) < 2 or not set(pair) <= _HEX_DIGITS:
                raise InputError("escape_bad_byte", backslash, typed[backslash : backslash + 4])
            out.append(int(pair, 16))
            position = backslash + 4
        elif code == "u":
            match = _CODEPOINT.match(typed, backslash + 2)
            if match is None:
                raise InputError("escape_bad_character", backslash, typed[backslash : backslash + 10])
            value = int(match.group(1), 16)
            if value > 0x10FFFF or 0xD800 <= value <= 0xDFFF:
                raise InputError("escape_bad_character", backslash, match.group(0))
            out += chr(value).encode("utf-8")
            position = match.end()
        else:
            raise InputError("escape_unknown", backslash, typed[backslash : backslash + 2])
    return bytes(out)


_RENDER_SIMPLE = {0x0D: "\\r", 0x0A: "\\n", 0x09: "\\t", 0x00: "\\0", 0x5C: "\\\\"}


def render(data: bytes, mode: InputMode) -> str:
    """What to type in `mode` to send exactly `data` (a log entry saved as a message, say).

    TEXT needs `data` to be UTF-8 (else ValueError); ESCAPES and HEX carry any bytes.
    """
    if mode is InputMode.HEX:
        return data.hex(" ")
    if mode is InputMode.TEXT:
        return data.decode("utf-8")
    text = data.decode("utf-8", "surrogateescape")
    parts: list[str] = []
    for char in text:
        code = ord(char)
        if code in _RENDER_SIMPLE:
            parts.append(_RENDER_SIMPLE[code])
        elif 0xDC80 <= code <= 0xDCFF:  # a byte that is not UTF-8
            parts.append(f"\\x{code - 0xDC00:02x}")
        elif code < 0x20 or code == 0x7F:
            parts.append(f"\\x{code:02x}")
        else:
            parts.append(char)
    return "".join(parts)


def best_mode(data: bytes) -> InputMode:
    """The plainest mode that carries `data` readably: TEXT for printable UTF-8, ESCAPES for text with
    control bytes, HEX for mostly binary."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return InputMode.HEX if sum(b >= 0x80 for b in data) * 2 > len(data) else InputMode.ESCAPES
    if all(char.isprintable() for char in text):
        return InputMode.TEXT
    return InputMode.ESCAPES
