"""A load run's summary (words/load_summary.py): the sentences both faces show, in both languages. No window."""

from __future__ import annotations

from cli.load import summary_lines as printed_lines
from core.load import LatencyHistogram, LoadResult, Mismatch, Scenario
from core.load.results import frozen_counts
from words import Translator
from words.load_summary import escaped, summary_lines

EN, ES = Translator("en"), Translator("es")


def make_result(
    errors: dict[str, int] | None = None, mismatch: Mismatch | None = None, *, cancelled: bool = False
) -> LoadResult:
    """A finished run of 10 clients: 12,345 replies in 2 s, every latency 2 ms."""
    latency = LatencyHistogram()
    for _ in range(1000):
        latency.record(0.002)
    return LoadResult(
        scenario=Scenario("t", clients=10, messages=None, duration=2.0),
        processes=1,
        connected=10,
        completed=12_345,
        errors=frozen_counts(errors or {}),
        elapsed=2.0,
        bytes_sent=1,
        bytes_received=1,
        latency=latency,
        cancelled=cancelled,
        first_mismatch=mismatch,
    )


def test_the_summary_has_rate_latencies_and_no_errors() -> None:
    result = make_result()
    lines = summary_lines(result, EN)
    assert lines[0] == "messages: 12,345 in 2.00 s, 6,172 per second"
    p50 = f"{result.p50 * 1000:.2f}"  # the histogram's figure (within 1 %)
    assert lines[1:] == [
        "errors: none",
        f"latency: p50 {p50} ms, p95 {p50} ms, p99 {p50} ms, max 2.00 ms",
        "connections opened: 10 of 10",
    ]
    assert summary_lines(make_result(), ES)[0] == "mensajes: 12.345 en 2,00 s, 6.172 por segundo"


def test_the_first_mismatch_shows_sent_and_received_bytes_escaped() -> None:
    mismatch = Mismatch.of(b"0001 hola\x00\n", b"0001 HOLA\x00\n", b"0001 hola\x00\n", at=1.0)
    lines = summary_lines(make_result({"mismatch": 3, "closed": 1}, mismatch), EN)
    assert lines[1:6] == [  # right below the rate: what went wrong first
        "errors: mismatched reply 3, closed early 1",
        "first mismatched reply (first wrong byte: 5):",
        "  sent (11 bytes): 0001 hola\\0\\n",
        "  expected: 0001 HOLA\\0\\n",
        "  received (11 bytes): 0001 hola\\0\\n",
    ]


def test_a_cancelled_run_says_so_last() -> None:
    assert (
        summary_lines(make_result(cancelled=True), EN)[-1] == "cancelled: these numbers count what was done until then"
    )
    assert (
        summary_lines(make_result(cancelled=True), ES)[-1] == "cancelada: estas cifras cuentan lo hecho hasta entonces"
    )


def test_the_load_face_prints_the_same_sentences_under_its_title() -> None:
    mismatch = Mismatch.of(b"0001 hola\n", b"0001 HOLA\n", b"0001 hoLA\n", at=1.0)
    for result in (make_result(), make_result({"mismatch": 2, "reset": 1}, mismatch, cancelled=True)):
        for tr, title in ((EN, "Summary"), (ES, "Resumen")):
            assert printed_lines(result, tr) == [title, *summary_lines(result, tr)]


def test_escaped_shows_every_invisible_byte() -> None:
    assert escaped(b"a\r\nb\xff\\") == "a\\r\\nb\\xff\\\\"
