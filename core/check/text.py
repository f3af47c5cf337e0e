"""Bytes from the wire as text a person can read: UTF-8 as text, everything else as visible escapes."""

from __future__ import annotations

# Control characters become escapes (a newline too, so one check's bytes fit on one line); a backslash
# is doubled, so a backslash that was sent is never mistaken for an escape made here.
_TABLE: dict[int, str] = {code: f"\\x{code:02x}" for code in range(32)}
_TABLE.update({0x7F: "\\x7f", 0x0A: "\\n", 0x0D: "\\r", 0x09: "\\t", 0x5C: "\\\\"})
# surrogateescape decodes each invalid byte 0xNN to the lone surrogate U+DCNN: show it as \xNN.
_TABLE.update({0xDC00 + byte: f"\\x{byte:02x}" for byte in range(0x80, 0x100)})


def escaped(data: bytes) -> str:
    """Decode UTF-8; invalid bytes show as \\xNN, control characters as \\n, \\r, \\t or \\xNN, "\\" as "\\\\"."""
    return data.decode("utf-8", "surrogateescape").translate(_TABLE)
