"""Verdicts and the words keys of their details, shared by the server and the client checks.

Every detail key lives here as a literal (the words tables say them in each language); checks only
pick one and fill its values.
"""

from __future__ import annotations

from dataclasses import dataclass

from core.check.results import Detail, DetailValue
from core.check.wire import ReadStatus, Reply
from core.errors import ErrorInfo


@dataclass(frozen=True, slots=True)
class Verdict:
    passed: bool
    detail: Detail


class Stop(Exception):
    """Raised inside a check to end it at once with `verdict` (it cannot go on: no connection, say)."""

    def __init__(self, verdict: Verdict) -> None:
        super().__init__(verdict.detail.key)
        self.verdict = verdict


def ok(key: str, **values: DetailValue) -> Verdict:
    return Verdict(True, Detail.of(key, **values))


def fail(key: str, **values: DetailValue) -> Verdict:
    return Verdict(False, Detail.of(key, **values))


def error_detail(info: ErrorInfo) -> Detail:
    """An ErrorInfo as a detail: its words already exist as `error.<kind>` with host, port and detail."""
    return Detail.of(f"error.{info.kind.value}", **info.word_values())


def seconds(value: float) -> float:
    """A time limit as shown to a person: one decimal."""
    return round(value, 1)


def first_difference(got: bytes, expected: bytes) -> int:
    """The offset of the first byte where `got` and `expected` differ (or the shorter length)."""
    for index, (a, b) in enumerate(zip(got, expected, strict=False)):
        if a != b:
            return index
    return min(len(got), len(expected))


def judge_reply(reply: Reply, expected: bytes, waited: float, sent: bytes = b"") -> Verdict:
    """The verdict on one exchange: the bytes back, concatenated, against the uppercase of those sent.

    With `sent`, a reply that is exactly `sent.upper()` (ASCII letters only, as bytes.upper() does) is
    named as such, since that is the one mistake it shows.
    """
    got = len(reply.data)
    match reply.status:
        case ReadStatus.MATCH:
            return ok("check.detail.reply-ok", size=got)
        case ReadStatus.DIFFERENT:
            if sent and reply.data == sent.upper():
                return fail("check.detail.ascii-only-upper")
            return fail("check.detail.reply-wrong", offset=first_difference(reply.data, expected))
        case ReadStatus.CLOSED:
            return fail("check.detail.closed-mid-reply", got=got, expected=len(expected))
        case ReadStatus.RESET:
            return fail("check.detail.reset-mid-reply", got=got, expected=len(expected))
    if got == 0:
        return fail("check.detail.no-reply", seconds=seconds(waited))
    return fail("check.detail.reply-short", got=got, expected=len(expected), seconds=seconds(waited))
