"""The load test's form read into a run, or one plain problem (gui/parts/load_form.py): no window needed."""

from __future__ import annotations

import dataclasses

import pytest

from core.load import Payload
from gui.parts.load_form import (
    DURATION,
    MESSAGES,
    MESSAGES_RUN_LIMIT_SECONDS,
    FormProblem,
    LoadForm,
    LoadTarget,
    read_form,
)
from words import Translator

FORM = LoadForm(
    host="127.0.0.1",
    port="5000",
    clients="1,000",
    bound=DURATION,
    amount="2,5",
    size="128",
    in_flight="4",
    payload="ascii",
)


def test_a_good_form_gives_the_target_and_the_scenario() -> None:
    read = read_form(FORM)
    assert isinstance(read, LoadTarget)
    assert (read.host, read.port) == ("127.0.0.1", 5000)
    scenario = read.scenario
    assert (scenario.clients, scenario.messages, scenario.duration) == (1000, None, 2.5)  # decimal comma read
    assert (scenario.message_bytes, scenario.in_flight, scenario.payload) == (128, 4, Payload.ASCII)


def test_a_run_of_so_many_messages_still_ends_by_itself() -> None:
    read = read_form(dataclasses.replace(FORM, bound=MESSAGES, amount="1.000.000"))
    assert isinstance(read, LoadTarget)
    assert read.scenario.messages == 1_000_000
    assert read.scenario.duration == MESSAGES_RUN_LIMIT_SECONDS


@pytest.mark.parametrize(
    ("change", "key", "field"),
    [
        ({"host": "  "}, "loadview.problem.host", "host"),
        ({"port": "0"}, "loadview.problem.port", "port"),
        ({"port": "70000"}, "loadview.problem.port", "port"),
        ({"clients": "0"}, "loadview.problem.clients", "clients"),
        ({"clients": "1,5"}, "loadview.problem.clients", "clients"),  # not a grouping of thousands
        ({"clients": "10001"}, "loadview.problem.clients", "clients"),
        ({"amount": "0"}, "loadview.problem.duration", "amount"),
        ({"amount": "nan"}, "loadview.problem.duration", "amount"),
        ({"bound": MESSAGES, "amount": "2.5"}, "loadview.problem.messages", "amount"),
        ({"size": "1"}, "loadview.problem.size", "size"),
        ({"in_flight": "-1"}, "loadview.problem.in_flight", "in_flight"),
        ({"in_flight": "10000", "size": "1048576"}, "loadview.problem.outstanding", "in_flight"),
    ],
)
def test_each_bad_field_is_named_with_its_own_sentence(change: dict[str, str], key: str, field: str) -> None:
    read = read_form(dataclasses.replace(FORM, **change))
    assert isinstance(read, FormProblem)
    assert (read.key, read.field) == (key, field)
    for language in ("en", "es"):  # each sentence takes its numbers
        assert "{" not in Translator(language)(read.key, **{n: str(v) for n, v in read.values.items()})
