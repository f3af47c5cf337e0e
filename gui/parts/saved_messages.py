"""Saved messages: named, in the user's order, each with its input mode and line ending; JSON in and out.

Tk-free. The window edits the list (add, rename, move, delete), sends one with a click
or Ctrl+1…9, keeps the list in the settings and imports and exports it as a JSON file.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from typing import Any

from core.defaults import LineEnding
from core.input_modes import InputMode, parse

FORMAT = "mayus-saved-messages"
MAX_SAVED = 100


class BadSavedMessages(ValueError):
    """A file or a setting that does not hold saved messages; `detail` says what is wrong."""

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


@dataclass(frozen=True)
class SavedMessage:
    name: str
    text: str  # as typed, in `mode`
    mode: str = InputMode.TEXT.value
    ending: str = LineEnding.LF.name

    @property
    def input_mode(self) -> InputMode:
        return InputMode(self.mode)

    @property
    def line_ending(self) -> LineEnding:
        return LineEnding[self.ending]

    def data(self) -> bytes:
        """The bytes it sends (its ending added by the client). Raises InputError if the text is not valid."""
        return parse(self.text, self.input_mode)

    @staticmethod
    def from_dict(raw: Any) -> SavedMessage:
        """One saved message from JSON; raises BadSavedMessages if it is not one."""
        if not isinstance(raw, dict):
            raise BadSavedMessages("an entry is not an object")
        name, text = raw.get("name"), raw.get("text")
        mode, ending = raw.get("mode", InputMode.TEXT.value), raw.get("ending", LineEnding.LF.name)
        if not isinstance(name, str) or not name.strip() or not isinstance(text, str):
            raise BadSavedMessages("an entry has no name or no text")
        if mode not in {m.value for m in InputMode} or ending not in LineEnding.__members__:
            raise BadSavedMessages(f"{name!r}: unknown mode or line ending")
        return SavedMessage(name.strip(), text, mode, ending)


class SavedMessages:
    """The list, in the user's order (index 0 is Ctrl+1)."""

    def __init__(self, items: list[SavedMessage] | None = None) -> None:
        self.items: list[SavedMessage] = list(items or [])[:MAX_SAVED]

    def add(self, message: SavedMessage) -> int:
        """Append (past MAX_SAVED the oldest goes); return its index."""
        self.items.append(message)
        del self.items[:-MAX_SAVED]
        return len(self.items) - 1

    def replace(self, index: int, message: SavedMessage) -> None:
        self.items[index] = message

    def rename(self, index: int, name: str) -> None:
        if not name.strip():
            raise BadSavedMessages("a saved message needs a name")
        old = self.items[index]
        self.items[index] = SavedMessage(name.strip(), old.text, old.mode, old.ending)

    def move(self, index: int, step: int) -> int:
        """Move one place up (-1) or down (+1); return its new index (unchanged at either end)."""
        target = index + step
        if not 0 <= target < len(self.items):
            return index
        self.items[index], self.items[target] = self.items[target], self.items[index]
        return target

    def delete(self, index: int) -> None:
        del self.items[index]

    def to_json(self) -> str:
        return json.dumps({"format": FORMAT, "messages": [asdict(m) for m in self.items]}, ensure_ascii=False, indent=2)

    @staticmethod
    def from_json(text: str) -> SavedMessages:
        """Read an exported file; raises BadSavedMessages if it is not one."""
        try:
            data = json.loads(text)
        except ValueError as exc:
            raise BadSavedMessages(f"not JSON: {exc}") from exc
        if not isinstance(data, dict) or data.get("format") != FORMAT or not isinstance(data.get("messages"), list):
            raise BadSavedMessages("not a file of Mayus saved messages")
        return SavedMessages([SavedMessage.from_dict(raw) for raw in data["messages"]])

    def as_settings(self) -> list[dict[str, str]]:
        return [asdict(m) for m in self.items]
