"""Saved messages: edit, order, send, JSON in and out (no window)."""

from __future__ import annotations

import pytest

from core.defaults import LineEnding
from core.input_modes import InputError, InputMode
from gui.parts.saved_messages import MAX_SAVED, BadSavedMessages, SavedMessage, SavedMessages


def test_add_rename_move_delete() -> None:
    store = SavedMessages()
    store.add(SavedMessage("ping", "PING", ending="CRLF"))
    store.add(SavedMessage("stat", "02 53 54 41 54 03", mode="hex", ending="NONE"))
    store.rename(1, "  status ")
    assert [m.name for m in store.items] == ["ping", "status"]
    assert store.move(1, -1) == 0 and [m.name for m in store.items] == ["status", "ping"]
    assert store.move(0, -1) == 0  # already first
    store.delete(0)
    assert [m.name for m in store.items] == ["ping"]
    with pytest.raises(BadSavedMessages):
        store.rename(0, "   ")


def test_a_saved_message_sends_its_bytes_in_its_mode() -> None:
    stat = SavedMessage("stat", "02 53 54 41 54 03", mode="hex", ending="NONE")
    assert stat.data() == b"\x02STAT\x03" and stat.line_ending is LineEnding.NONE
    assert stat.input_mode is InputMode.HEX
    with pytest.raises(InputError):
        SavedMessage("bad", "\\q", mode="escapes").data()


def test_json_round_trip_and_a_foreign_file_is_refused() -> None:
    store = SavedMessages([SavedMessage("ñandú", "hola\\r", "escapes", "CR")])
    again = SavedMessages.from_json(store.to_json())
    assert again.items == store.items
    for bad in (
        "{",
        "[]",
        '{"format": "other", "messages": []}',
        '{"format": "mayus-saved-messages", "messages": [1]}',
    ):
        with pytest.raises(BadSavedMessages):
            SavedMessages.from_json(bad)


def test_the_list_is_bounded() -> None:
    store = SavedMessages()
    for n in range(MAX_SAVED + 5):
        store.add(SavedMessage(str(n), "x"))
    assert len(store.items) == MAX_SAVED and store.items[0].name == "5"
