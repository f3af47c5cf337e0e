"""What a check run reports: frozen, Tk-free values that a window or a terminal turns into words.

Nothing here is prose: a `Detail` is a words key plus the values that fill it, so every face
shows it in its user's language (`words.Translator(lang)(detail.key, **detail.kwargs)`).
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

# At most this many bytes of what was sent and received are kept per check (the full length is kept too),
# so a 100 kB message or a peer that floods the checker never makes a result big.
CLIP_BYTES = 2048

DetailValue = str | int | float


@dataclass(frozen=True, slots=True)
class Detail:
    """Why a check passed or failed: a words key (e.g. `check.detail.no-reply`) and its values."""

    key: str
    values: tuple[tuple[str, DetailValue], ...] = ()

    @classmethod
    def of(cls, key: str, **values: DetailValue) -> Detail:
        return cls(key, tuple(sorted(values.items())))

    @property
    def kwargs(self) -> dict[str, DetailValue]:
        return dict(self.values)


@dataclass(frozen=True, slots=True)
class Clip:
    """The first CLIP_BYTES bytes of a stream and its full length."""

    data: bytes = b""
    length: int = 0

    @classmethod
    def of(cls, data: bytes) -> Clip:
        return cls(bytes(data[:CLIP_BYTES]), len(data))

    @property
    def cut(self) -> bool:
        return self.length > len(self.data)


class ServerKind(enum.Enum):
    """How a server frames messages, as the first check found out."""

    CHUNKS = "chunks"  # every read is a message, no newline needed (the original server.py; Mayus too)
    LINES = "lines"  # a message is a line ending in "\n"
    UNKNOWN = "unknown"  # it never answered, so nothing could be learnt


class Outcome(enum.Enum):
    """How a whole run against one target ended."""

    COMPLETED = "completed"  # every check ran (each passed or failed)
    UNREACHABLE = "unreachable"  # could not connect at all (server), or the program never connected (client)
    NOT_STARTED = "not_started"  # the client program could not be started, or the port could not be listened on
    CANCELLED = "cancelled"


@dataclass(frozen=True, slots=True)
class CheckResult:
    """One check's verdict.

    `sent` and `received` are the bytes on the wire as the checker saw them: for a server check, what the
    checker sent and what came back; for a client check, what the checker (as server) sent to the program
    and what the program sent. `output` is what a client program printed (stdout then stderr), else empty.
    `hint` is a words key naming the usual cause of a failure, in the UI's language.
    """

    check_id: str
    passed: bool
    detail: Detail
    hint: str
    title: str
    sent: Clip = field(default_factory=Clip)
    received: Clip = field(default_factory=Clip)
    output: Clip = field(default_factory=Clip)
    duration: float = 0.0


@dataclass(frozen=True, slots=True)
class Report:
    """A whole run against one target: every check's result in the registry's order."""

    target: str
    outcome: Outcome
    results: tuple[CheckResult, ...]
    duration: float
    kind: ServerKind | None = None  # server runs only
    error: Detail | None = None  # why nothing could be checked (UNREACHABLE, NOT_STARTED)

    @property
    def passed(self) -> int:
        return sum(r.passed for r in self.results)

    @property
    def failed(self) -> int:
        return len(self.results) - self.passed

    @property
    def all_passed(self) -> bool:
        return self.outcome is Outcome.COMPLETED and self.failed == 0


def in_order(
    check_ids: Iterable[str],
    done: Mapping[str, CheckResult],
    fill: Detail | None,
    hint_of: Callable[[str], str],
    title_of: Callable[[str], str],
) -> tuple[CheckResult, ...]:
    """Every check's result in the order of `check_ids`; a check that did not run fails with `fill` as its detail
    (by default: it was cancelled)."""
    fill = fill or Detail.of("check.detail.cancelled")
    return tuple(
        done.get(check_id) or CheckResult(check_id, False, fill, hint_of(check_id), title_of(check_id))
        for check_id in check_ids
    )
