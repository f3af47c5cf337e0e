"""Imports go one way: main -> gui -> words -> core, and main -> cli -> words -> core. core never imports Tk.

bench and tools sit on top; they may use the test support kit (tests/support), which never imports bench.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from tests.support.launcher import REPO_ROOT as REPO

APP = {"core", "words", "gui", "cli", "main"}
TK = {"tkinter", "customtkinter", "darkdetect"}
FORBIDDEN = {
    "core": TK | {"gui", "cli", "main", "words", "bench", "tests", "tools", "platformdirs"},
    "words": TK | {"gui", "cli", "main", "bench", "tests", "tools"},
    "gui": {"cli", "main", "bench", "tests", "tools"},
    "cli": TK | {"gui", "main", "bench", "tests", "tools"},
    "bench": {"gui", "tools"} | TK,
    "gui/parts": TK,  # the window's logic that needs no window: tested without a display
    "tests/support": {"bench", "tools"},
    "places.py": APP | TK,  # where files live: the window and the terminal share it, it needs nothing of theirs
}
# Nothing is exempt: the window benchmark drives the window through the shared driver (tests/support/window.py).
ALLOWED: dict[str, set[str]] = {}


def imported_roots(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    roots = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            roots |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            roots.add(node.module.split(".")[0])
    return roots


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_package_imports_only_downward(package: str) -> None:
    files = [REPO / package] if package.endswith(".py") else sorted((REPO / package).rglob("*.py"))

    assert files, f"no files in {package}/"
    offenders = {}
    for f in files:
        path = f.relative_to(REPO).as_posix()
        roots = imported_roots(f) & FORBIDDEN[package] - ALLOWED.get(path, set())
        if roots:
            offenders[path] = sorted(roots)
    assert offenders == {}


def test_the_checker_sees_a_forbidden_import(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text("import tkinter.ttk\nfrom customtkinter import CTk\nfrom . import local\n")
    assert imported_roots(sample) == {"tkinter", "customtkinter"}


def test_no_test_asks_a_name_server() -> None:
    import socket

    with pytest.raises(socket.gaierror):
        socket.getaddrinfo("no-such-host.invalid", 80)  # refused here, never sent to a DNS server
    assert socket.getaddrinfo("127.0.0.1", 80)  # addresses written out still work
