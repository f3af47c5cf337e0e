"""Show bytes from the wire to a person: text as text, everything else visibly."""

from __future__ import annotations

_LINE_ENDINGS = (b"\r\n", b"\n")
# Control characters other than tab become visible escapes; tab stays a tab.
_ESCAPES = {code: f"\\x{code:02x}" for code in range(32) if code != 9}
_ESCAPES[0x7F] = "\\x7f"
_ESCAPES.update({0x0D: "\\r", 0x0A: "\\n", 0x00: "\\0"})


def strip_line_ending(data: bytes) -> bytes:
    for ending in _LINE_ENDINGS:
        if data.endswith(ending):
            return data[: -len(ending)]
    return data


def visible(data: bytes) -> str:
    """Decode UTF-8 for display; invalid bytes and control characters show as escapes.

    The line ending at the end, if any, is dropped: each message is shown on its own line.
    """
    text = strip_line_ending(data).decode("utf-8", "backslashreplace")
    return text.translate(_ESCAPES)
