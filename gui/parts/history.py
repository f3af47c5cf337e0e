"""Sent messages, browsed with Up and Down like a shell's history."""

from __future__ import annotations

HISTORY_LIMIT = 100


class History:
    def __init__(self, items: list[str] | None = None) -> None:
        self.items: list[str] = list(dict.fromkeys(reversed(items or [])))[::-1][-HISTORY_LIMIT:]  # oldest first
        self._cursor = len(self.items)  # len(items): the line being typed
        self._draft = ""

    def add(self, text: str) -> None:
        """Remember a sent message (once: an earlier copy moves up to the newest) and go back to a new line."""
        if text:
            if text in self.items:
                self.items.remove(text)
            self.items.append(text)
            del self.items[:-HISTORY_LIMIT]
        self.reset()

    def reset(self) -> None:
        self._cursor = len(self.items)
        self._draft = ""

    def older(self, current: str) -> str | None:
        """The previous message, or None at the oldest; `current` is kept as the draft."""
        if self._cursor == 0:
            return None
        if self._cursor == len(self.items):
            self._draft = current
        self._cursor -= 1
        return self.items[self._cursor]

    def newer(self) -> str | None:
        """The next message, the draft past the newest, or None when already on the draft."""
        if self._cursor >= len(self.items):
            return None
        self._cursor += 1
        return self.items[self._cursor] if self._cursor < len(self.items) else self._draft
