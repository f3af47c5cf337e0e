"""Every sentence Mayus says, in every language, merged from one module per area.

Each area module (errors, window, terminal, ...) holds an `EN` and an `ES` table. A key
lives in exactly one area: `merge` refuses a key that two areas both define, so a
sentence has one home.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from types import ModuleType

from words import check, errors, input, load, load_window, server, session, terminal, window

AREAS: tuple[ModuleType, ...] = (errors, input, session, server, terminal, window, load, load_window, check)
LANGUAGES = ("es", "en")
FALLBACK_LANGUAGE = "en"
# The language picker shows each language in its own words.
LANGUAGE_NAMES: dict[str, str] = {"es": "Español", "en": "English"}


def merge(tables: Iterable[Mapping[str, str]]) -> dict[str, str]:
    """One table from several; raises ValueError if two of them define the same key."""
    merged: dict[str, str] = {}
    for table in tables:
        twice = merged.keys() & table.keys()
        if twice:
            raise ValueError(f"keys defined twice: {sorted(twice)}")
        merged.update(table)
    return merged


TABLES: dict[str, dict[str, str]] = {
    "en": merge(area.EN for area in AREAS),
    "es": merge(area.ES for area in AREAS),
}
