"""A load run's summary in sentences: the one wording the `load` face prints and the window's load view shows.

Tk-free: every function takes a Translator and returns text (numbers grouped and pointed
the language's way). In the order a reader looks: the rate, the errors by kind and the
first mismatched reply, the latency percentiles, the connections. Bytes of a mismatched
reply are shown escaped (core.text), the line ending too, so what differs is visible even
when it is an invisible byte.
"""

from __future__ import annotations

from collections.abc import Mapping

from core.load.results import ERROR_KINDS, LoadResult, Mismatch
from core.text import VisibleText
from words.translator import Translator

# Each error kind's name in a sentence (core.load.ERROR_KINDS).
KIND_WORDS = {
    "mismatch": "load.error.mismatch",
    "reset": "load.error.reset",
    "timeout": "load.error.timeout",
    "refused": "load.error.refused",
    "closed": "load.error.closed",
    "worker": "load.error.worker",
}
MS = 1000.0


def ms_text(tr: Translator, seconds: float) -> str:
    """Seconds as milliseconds with two decimals: 12.34 (12,34 in Spanish)."""
    return tr.decimal(seconds * MS, 2)


def errors_text(errors: Mapping[str, int], tr: Translator) -> str:
    """ "mismatched reply 12, closed early 3", kinds in their reading order (empty when none)."""
    return ", ".join(f"{tr(KIND_WORDS[kind])} {tr.count(errors[kind])}" for kind in ERROR_KINDS if errors.get(kind))


def escaped(data: bytes) -> str:
    """Bytes as text with every invisible byte escaped, the line ending too (\\n, \\r, \\x00...)."""
    return VisibleText().feed(data, final=True).replace("\n", "\\n").replace("\r", "\\r")


def mismatch_lines(mismatch: Mismatch, tr: Translator) -> list[str]:
    """The first mismatched reply: what was sent, what the uppercase of it is, what came back."""
    return [
        tr("load.mismatch.title", offset=mismatch.offset),
        f"  {tr('load.mismatch.sent', length=tr.count(mismatch.sent_length))}: {escaped(mismatch.sent)}",
        f"  {tr('load.mismatch.expected')}: {escaped(mismatch.expected)}",
        f"  {tr('load.mismatch.received', length=tr.count(mismatch.received_length))}: {escaped(mismatch.received)}",
    ]


def summary_lines(result: LoadResult, tr: Translator) -> list[str]:
    """The summary of a run: rate, errors by kind and the first mismatch (what to look at first), latency
    percentiles, connections; a last line if it was cancelled. No title: each face puts its own above."""
    lines = [
        tr(
            "load.summary.messages",
            messages=tr.count(result.completed),
            seconds=tr.decimal(result.elapsed, 2),
            rate=tr.count(round(result.messages_per_second)),
        )
    ]
    if result.error_count:
        lines.append(tr("load.summary.errors", errors=errors_text(result.errors, tr)))
    else:
        lines.append(tr("load.summary.no_errors"))
    if result.first_mismatch is not None:
        lines += mismatch_lines(result.first_mismatch, tr)
    lines += [
        tr(
            "load.summary.latency",
            p50=ms_text(tr, result.p50),
            p95=ms_text(tr, result.p95),
            p99=ms_text(tr, result.p99),
            max=ms_text(tr, result.maximum),
        ),
        tr("load.summary.connected", connected=tr.count(result.connected), clients=tr.count(result.scenario.clients)),
    ]
    if result.cancelled:
        lines.append(tr("load.summary.cancelled"))
    return lines
