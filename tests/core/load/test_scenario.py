"""A scenario's checks and its messages."""

from __future__ import annotations

import math

import pytest

from core.load import Payload, Scenario, make_messages
from core.protocol import is_disconnect_word, uppercase_bytes


@pytest.mark.parametrize("payload", list(Payload))
def test_messages_are_distinct_lines_of_the_exact_size(payload: Payload) -> None:
    assert make_messages(2, count=1, payload=payload) == (b"0\n",)
    for size in (64, 100, 64 * 1024):
        messages = make_messages(size, count=8, payload=payload)
        assert len(set(messages)) == 8
        for message in messages:
            assert len(message) == size
            assert message.endswith(b"\n") and message.count(b"\n") == 1
            message.decode("utf-8")  # whole characters only
            assert not is_disconnect_word(message)
            assert b"desconexion" not in message.lower()
            assert uppercase_bytes(message) != message


def test_spanish_has_accents_and_ascii_has_none() -> None:
    spanish = make_messages(200, payload=Payload.SPANISH)[0].decode("utf-8")
    assert "ñ" in spanish and "¿" in spanish
    assert all(m.isascii() for m in make_messages(200, payload=Payload.ASCII))


@pytest.mark.parametrize(
    "changes",
    [
        {"clients": 0},
        {"messages": -1},
        {"in_flight": 0},
        {"message_bytes": 1},
        {"duration": 0.0},
        {"duration": math.inf},
        {"duration": math.nan},
        {"reply_timeout": -1.0},
        {"connect_timeout": 0.0},
        {"in_flight": 1025, "message_bytes": 64 * 1024},
    ],
)
def test_a_scenario_that_makes_no_sense_is_refused(changes: dict[str, float]) -> None:
    values: dict[str, float] = {"clients": 1, "messages": 1} | changes
    with pytest.raises(ValueError):
        Scenario("bad", **values)  # type: ignore[arg-type]


def test_a_run_bounded_by_time_only_is_a_scenario() -> None:
    scenario = Scenario("timed", clients=3, messages=None, duration=2.0)
    assert scenario.longest_seconds > scenario.duration
