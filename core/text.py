"""Show bytes from the wire to a person: text as text, everything else visibly, nothing ambiguous.

A real backslash shows as `\\`, so the four typed characters `\x02` never look like
the one byte 0x02 (shown `\x02`). Control characters other than tab, and bytes that
are not UTF-8, show as escapes; tab stays a tab.
"""

from __future__ import annotations

import codecs

_LINE_ENDINGS = (b"\r\n", b"\n", b"\r")
_ESCAPES: dict[int, str] = {code: f"\\x{code:02x}" for code in range(32) if code != 9}
_ESCAPES[0x7F] = "\\x7f"
_ESCAPES.update({0x0D: "\\r", 0x0A: "\\n", 0x00: "\\0", ord("\\"): "\\\\"})
# Bytes that are not UTF-8 decode (surrogateescape) to U+DC80..U+DCFF: show them as \xNN.
_ESCAPES.update({0xDC00 + byte: f"\\x{byte:02x}" for byte in range(0x80, 0x100)})


def line_ending(data: bytes) -> bytes:
    """The line ending that `data` ends with (b"\\r\\n", b"\\n" or b"\\r"), or b""."""
    for ending in _LINE_ENDINGS:
        if data.endswith(ending):
            return ending
    return b""


_ENDING_NAMES = {b"\r\n": "CRLF", b"\n": "LF", b"\r": "CR", b"": ""}


def ending_name(ending: bytes) -> str:
    """The usual name of a line ending: CRLF, LF, CR ("" for none); other bytes as escapes."""
    return _ENDING_NAMES.get(ending) or VisibleText().feed(ending, final=True)


def strip_line_ending(data: bytes) -> bytes:
    for ending in _LINE_ENDINGS:
        if data.endswith(ending):
            return data[: -len(ending)]
    return data


class VisibleText:
    """`visible()` for bytes that arrive in pieces: a character split between two pieces shows whole."""

    __slots__ = ("_decoder",)

    def __init__(self) -> None:
        self._decoder = codecs.getincrementaldecoder("utf-8")("surrogateescape")

    def feed(self, data: bytes, final: bool = False) -> str:
        """The text for `data`; the first bytes of an unfinished character wait for the next piece (or `final`)."""
        return self._decoder.decode(data, final).translate(_ESCAPES)


def visible(data: bytes) -> str:
    """The text for a whole message, its line ending dropped: each message is shown on its own line."""
    return VisibleText().feed(strip_line_ending(data), final=True)


HEX_WIDTH = 16  # bytes per line of a hex dump


def hex_dump(data: bytes, width: int = HEX_WIDTH) -> list[str]:
    """Lines of offset, hex and ASCII (dots for the rest): `0000  02 53 54 41 54 03  .STAT.`."""
    lines = []
    for offset in range(0, len(data), width):
        chunk = data[offset : offset + width]
        ascii_text = "".join(chr(b) if 0x20 <= b < 0x7F else "." for b in chunk)
        lines.append(f"{offset:04x}  {chunk.hex(' '):<{width * 3 - 1}}  {ascii_text}")
    return lines
