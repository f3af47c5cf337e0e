"""A class at a time: the list of targets, from "host:port name" lines or CSV rows (name,host,port).

The terminal reads a file (`read_targets`); the window parses what is typed in its box (`parse_targets`).

Errors are words keys with values (a face says them in its user's language); nothing here is prose.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

from core.check.results import Detail


@dataclass(frozen=True, slots=True)
class Student:
    """One row of the class: who, and where their server listens."""

    name: str
    host: str
    port: int

    @property
    def label(self) -> str:
        return f"[{self.host}]:{self.port}" if ":" in self.host else f"{self.host}:{self.port}"


class TargetsError(Exception):
    """The targets could not be read; `detail` says why, in words keys."""

    def __init__(self, detail: Detail) -> None:
        super().__init__(detail.key)
        self.detail = detail


def _port(text: str) -> int | None:
    text = text.strip()
    if not text.isdigit() or not 0 < int(text) <= 65535:
        return None
    return int(text)


def _split_address(address: str) -> tuple[str, int] | None:
    """'host:port' or '[v6]:port' as (host, port), or None."""
    host, colon, port_text = address.rpartition(":")
    port = _port(port_text)
    if not colon or not host or port is None:
        return None
    if host.startswith("[") and host.endswith("]"):
        host = host[1:-1]
    return host, port


def parse_lines(text: str) -> list[Student]:
    """Lines `host:port name` (the name is the rest of the line; blank lines and # comments skipped)."""
    students = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        address, _, name = line.partition(" ")
        found = _split_address(address)
        if found is None:
            raise TargetsError(Detail.of("check.targets.bad-line", number=number, text=line))
        host, port = found
        students.append(Student(name.strip() or address, host, port))
    return students


def parse_csv(text: str) -> list[Student]:
    """CSV rows name,host,port; a first row that names the columns is skipped."""
    students = []
    for number, row in enumerate(csv.reader(io.StringIO(text)), start=1):
        cells = [cell.strip() for cell in row]
        if not any(cells) or cells[0].startswith("#"):
            continue
        if number == 1 and [c.lower() for c in cells[:3]] == ["name", "host", "port"]:
            continue
        port = _port(cells[2]) if len(cells) >= 3 else None
        if port is None or not cells[1]:
            raise TargetsError(Detail.of("check.targets.bad-line", number=number, text=",".join(row)))
        students.append(Student(cells[0] or f"{cells[1]}:{port}", cells[1], port))
    return students


def parse_targets(text: str, as_csv: bool = False) -> list[Student]:
    """The students listed in a text: CSV rows if `as_csv` or its first line has a comma, else lines.

    Raises TargetsError for a bad line; an empty list when it lists nobody (the caller says so).
    """
    first = next((line for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")), "")
    return parse_csv(text) if as_csv or "," in first else parse_lines(text)


def read_targets(path: Path) -> list[Student]:
    """The students listed in a file: CSV if it ends in .csv or its first line has a comma, else lines.

    Raises TargetsError when it cannot be read, has a bad line, or lists nobody.
    """
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeError) as exc:
        raise TargetsError(Detail.of("check.targets.unreadable", path=str(path), detail=str(exc))) from exc
    students = parse_targets(text, as_csv=path.suffix.lower() == ".csv")
    if not students:
        raise TargetsError(Detail.of("check.targets.empty", path=str(path)))
    return students
