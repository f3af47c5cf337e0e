"""One table of words: both languages say everything, every key is used, numbers read right."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterable
from pathlib import Path

import pytest

from core.check.registry import CLIENT_CHECK_IDS, SERVER_CHECK_IDS
from core.check.results import Detail, ServerKind
from core.defaults import LineEnding
from core.errors import ErrorInfo, ErrorKind
from core.events import DisconnectReason
from core.input_modes import PROBLEMS, InputMode
from core.tls import CertificateOrigin, ClientMode
from gui.panels import check_view, clients_table, log_panel, saved_window, server_panel
from gui.parts.log_model import Side
from gui.parts.settings import THEMES, VIEWS
from tests.support.launcher import REPO_ROOT as REPO
from words import Translator, detect_os_language
from words.tables import AREAS, TABLES, merge

# The only keys built at run time: each prefix, and every value the code completes it with (the enum or
# the tuple it builds them from). A key under a prefix whose ending is not among those values is unused.
DYNAMIC_PREFIXES: dict[str, set[str]] = {
    "error.": {kind.value for kind in ErrorKind},
    "reason.": {reason.value for reason in DisconnectReason},
    "input.mode.": {mode.value for mode in InputMode},
    "input.": set(PROBLEMS),
    "check.title.": set(SERVER_CHECK_IDS),
    "check.hint.": set(SERVER_CHECK_IDS),
    "check.client.title.": set(CLIENT_CHECK_IDS),
    "check.client.hint.": set(CLIENT_CHECK_IDS),
    "check.kind.": {kind.value for kind in ServerKind},
    "check.view.mode.": set(check_view.MODES),
    "server.tls.origin.": {origin.value for origin in CertificateOrigin},
    "session.tls.": {mode.value for mode in ClientMode} | {"first_seen", "secured"},
    "client.tls_mode.": {mode.value for mode in ClientMode},
    "counter.": set(server_panel._COUNTERS),
    "clients.col.": set(clients_table.COLUMNS),
    "saved.col.": set(saved_window.COLUMNS),
    "ending.": {ending.name.lower() for ending in LineEnding},
    "log.side.": {side.value for side in Side},
    "log.filter.": {*log_panel._SIDE_CHOICES, *log_panel._DIRECTION_CHOICES},
    "theme.": set(THEMES),
    "view.": set(VIEWS),
}
SOURCES = ("core", "gui", "words", "cli", "main.py")


def test_both_languages_have_the_same_keys_and_placeholders() -> None:
    en, es = TABLES["en"], TABLES["es"]
    assert set(es) == set(en)
    for key in en:
        assert set(re.findall(r"\{(\w+)", es[key])) == set(re.findall(r"\{(\w+)", en[key])), key


def test_each_area_has_both_languages_with_the_same_keys() -> None:
    for area in AREAS:
        assert set(area.EN) == set(area.ES), area.__name__


def test_a_key_defined_in_two_areas_is_refused() -> None:
    with pytest.raises(ValueError, match="defined twice"):
        merge([{"a": "1"}, {"a": "2"}])


def _string_literals() -> set[str]:
    found: set[str] = set()
    for name in SOURCES:
        root = REPO / name
        for path in [root] if root.is_file() else sorted(root.rglob("*.py")):
            if path.parent.name == "words" and path.name not in ("translator.py", "load_summary.py"):
                continue  # the tables themselves do not count as a use (the modules that say sentences do)
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.Constant) and isinstance(node.value, str):
                    found.add(node.value)
    return found


def _unused_keys(keys: Iterable[str], literals: set[str]) -> list[str]:
    """The keys no code asks for: neither written out whole nor built from a dynamic prefix and its values."""
    unused = []
    for key in keys:
        prefix = max((p for p in DYNAMIC_PREFIXES if key.startswith(p)), key=len, default=None)
        if prefix is not None and key[len(prefix) :] in DYNAMIC_PREFIXES[prefix]:
            continue
        if prefix is None and key in literals:
            continue
        unused.append(key)
    return unused


def test_every_key_is_used_somewhere() -> None:
    assert _unused_keys(TABLES["en"], _string_literals()) == []


def test_an_unused_key_is_found_even_under_a_dynamic_prefix() -> None:
    ghosts = ["counter.ghost", "view.ghost", "log.filter.ghost", "nowhere.ghost"]
    assert _unused_keys([*TABLES["en"], *ghosts], _string_literals()) == ghosts


def test_each_dynamic_prefix_is_built_in_the_code_and_every_key_it_builds_exists() -> None:
    literals = _string_literals()
    for prefix, endings in DYNAMIC_PREFIXES.items():
        assert prefix in literals, f"nothing builds keys from {prefix!r}"
        assert {prefix + ending for ending in endings} <= set(TABLES["en"]), prefix


@pytest.mark.parametrize("language", ["es", "en"])
def test_every_error_and_reason_has_words(language: str) -> None:
    tr = Translator(language)
    for kind in ErrorKind:
        text = tr.error(ErrorInfo(kind, "example.test", 5000, "detail"))
        assert text and "{" not in text
    for reason in DisconnectReason:
        assert tr.reason(reason)


@pytest.mark.parametrize("language", ["es", "en"])
def test_error_sentences_name_where_and_what_to_do(language: str) -> None:
    tr = Translator(language)
    assert "5000" in tr.error(ErrorInfo(ErrorKind.PORT_IN_USE, "127.0.0.1", 5000))
    assert "1024" in tr.error(ErrorInfo(ErrorKind.PERMISSION_DENIED, "127.0.0.1", 80))
    assert "example.test" in tr.error(ErrorInfo(ErrorKind.HOST_NOT_FOUND, "example.test", 1))


def test_numbers_are_grouped_the_languages_way() -> None:
    assert Translator("en").count(1234567) == "1,234,567"
    assert Translator("es").count(1234567) == "1.234.567"


def test_decimals_and_durations_use_the_languages_decimal_mark() -> None:
    en, es = Translator("en"), Translator("es")
    assert (en.decimal(1234.5, 1), es.decimal(1234.5, 1)) == ("1,234.5", "1.234,5")
    assert (en.duration(0.00042), es.duration(0.00042)) == ("0.42 ms", "0,42 ms")
    assert (en.duration(0.0123), es.duration(0.0123)) == ("12.3 ms", "12,3 ms")
    assert (en.duration(1.25), es.duration(1.25)) == ("1.25 s", "1,25 s")


@pytest.mark.parametrize(
    ("environ", "expected"),
    [
        ({"LANG": "es_ES.UTF-8"}, "es"),
        ({"LANG": "es_MX.UTF-8"}, "es"),
        ({"LANG": "en_GB.UTF-8"}, "en"),
        ({"LANGUAGE": "es:en", "LANG": "en_US.UTF-8"}, "es"),
        ({"LC_ALL": "C", "LANG": "es_AR.UTF-8"}, "es"),
        ({"LANG": "fr_FR.UTF-8"}, "en"),
        ({}, "en"),
    ],
)
def test_the_os_language_is_read_from_the_environment(environ: dict[str, str], expected: str) -> None:
    assert detect_os_language(environ) == expected


def test_the_words_package_never_imports_tk() -> None:
    for path in (REPO / "words").rglob("*.py"):
        tree = ast.parse(Path(path).read_text(encoding="utf-8"))
        names = {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
        names |= {n.module or "" for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)}
        assert not any(name.split(".")[0] in ("tkinter", "customtkinter", "gui") for name in names), path


def test_a_checkers_time_reads_with_the_languages_decimal_mark() -> None:
    detail = Detail.of("check.detail.no-reply", seconds=2.5)
    assert Translator("es").check_detail(detail) == "ninguna respuesta en 2,5 s"
    assert Translator("en").check_detail(detail) == "no reply within 2.5 s"
    assert Translator("en").check_detail(Detail.of("check.detail.bad-port", port=70000)) == (
        "70000 is not a port: a port is a whole number from 1 to 65535"  # whole numbers as they are: no grouping
    )
