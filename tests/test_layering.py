"""Imports go one way: main -> gui -> words -> core, and main -> cli -> words -> core. core never imports Tk.

bench and tools sit on top; they may use the test support kit (tests/support). No test imports bench, but the
benches' own tests (tests/bench). customtkinter comes in through gui/toolkit.py only, and its private parts
are touched in gui/ctk_private.py only.
"""

from __future__ import annotations

import ast
import importlib.util
import os
import subprocess
import sys
from functools import cache
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
    "tests": {"bench", "tools"},
    "places.py": APP | TK,  # where files live: the window and the terminal share it, it needs nothing of theirs
}
# What a file, or every file in a folder (ending in "/"), may import all the same. The window benchmark drives
# the window through the shared driver (tests/support/window.py), so it needs no exemption.
ALLOWED: dict[str, set[str]] = {"tests/bench/": {"bench"}}  # the benches' own tests


def allowed(path: str) -> set[str]:
    return set().union(*(roots for place, roots in ALLOWED.items() if path == place or path.startswith(place)))


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
        roots = imported_roots(f) & FORBIDDEN[package] - allowed(path)
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


# --- customtkinter: one door in, one module for its private parts ----------------------------------

SOURCE_FOLDERS = ("core", "words", "gui", "cli", "bench", "tools", "tests")
CTK_IMPORTERS = {"gui/toolkit.py", "gui/font_install.py"}  # the safe import (gui/font_install.py) and its door
CTK_PRIVATE_HOME = "gui/ctk_private.py"
CTK_PRIVATE_SCANNED = ("gui", "bench", "tools", "tests")
CTK_TRACKERS = {"AppearanceModeTracker", "ScalingTracker"}  # customtkinter's bookkeeping of windows
ATTRIBUTE_CALLS = {"getattr", "setattr", "hasattr", "delattr"}
PARTS = sorted(path.stem for path in (REPO / "gui" / "parts").glob("*.py") if path.stem != "__init__")


def source_files(folders: tuple[str, ...]) -> list[Path]:
    files = [path for folder in folders for path in sorted((REPO / folder).rglob("*.py"))]
    return files + sorted(REPO.glob("*.py"))


@cache
def ctk_private_names() -> frozenset[str]:
    """Every `_name` customtkinter gives its own objects (`self._name`, `def _name`), read from its source."""
    spec = importlib.util.find_spec("customtkinter")  # finds it without importing it
    assert spec is not None and spec.origin is not None
    names: set[str] = set()
    for path in Path(spec.origin).parent.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "self":
                names.add(node.attr)
            elif isinstance(node, ast.FunctionDef):
                names.add(node.name)
    return frozenset(n for n in names if n.startswith("_") and not n.startswith("__"))


def own_attributes(trees: list[ast.AST]) -> set[str]:
    """Names Mayus's own classes give themselves (`self._x = ...`, `def _x`): using those is no private access."""
    own = set()
    for tree in trees:
        for node in ast.walk(tree):
            if isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Store):
                if isinstance(node.value, ast.Name) and node.value.id in ("self", "cls"):
                    own.add(node.attr)
            elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                own.add(node.name)
    return own


def ctk_private_uses(tree: ast.AST, own: set[str]) -> list[str]:
    """Where `tree` touches customtkinter's private parts: `x._canvas`, `getattr(x, "_entry")`, the trackers."""
    private = ctk_private_names()
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute):
            mine = isinstance(node.value, ast.Name) and node.value.id in ("self", "cls") and node.attr in own
            if (node.attr in private and not mine) or node.attr in CTK_TRACKERS:
                found.append((node.lineno, f".{node.attr}"))
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in ATTRIBUTE_CALLS:
            name = node.args[1] if len(node.args) > 1 else None
            if isinstance(name, ast.Constant) and name.value in private:
                found.append((node.lineno, f"{node.func.id}(…, {name.value!r})"))
    return [f"{line}: {use}" for line, use in sorted(found)]


def test_customtkinter_is_imported_only_through_gui_toolkit() -> None:
    importing = {
        f.relative_to(REPO).as_posix() for f in source_files(SOURCE_FOLDERS) if "customtkinter" in imported_roots(f)
    }
    assert importing == CTK_IMPORTERS


@pytest.mark.parametrize("part", PARTS)
def test_importing_a_part_loads_no_tk(part: str, tmp_path: Path) -> None:
    code = f"import sys, gui.parts.{part}; tk = {{'tkinter', 'customtkinter'}} & set(sys.modules); assert not tk, tk"
    env = dict(os.environ, HOME=str(tmp_path))  # were customtkinter imported, its fonts would land here
    run = subprocess.run([sys.executable, "-c", code], cwd=REPO, env=env, capture_output=True, text=True, timeout=60)
    assert run.returncode == 0, run.stderr


def test_customtkinters_private_parts_are_touched_only_in_gui_ctk_private() -> None:
    files = source_files(CTK_PRIVATE_SCANNED)
    trees = {f.relative_to(REPO).as_posix(): ast.parse(f.read_text(encoding="utf-8")) for f in files}
    own = own_attributes(list(trees.values()))
    offenders = {path: uses for path, tree in trees.items() if (uses := ctk_private_uses(tree, own))}
    assert set(offenders) <= {CTK_PRIVATE_HOME}, offenders
    assert CTK_PRIVATE_HOME in offenders  # the checker sees the accesses that are there


def test_the_checker_sees_private_customtkinter_access() -> None:
    sample = ast.parse(
        "class Panel:\n"
        "    def __init__(self):\n"
        "        self._text = 'ours'\n"
        "        self._text\n"  # its own attribute: fine, even if customtkinter has one of that name
        "        entry._entry.focus()\n"
        "        self._current_width\n"  # customtkinter's, inherited: private all the same
        "        getattr(box, '_textbox')\n"
        "        ctk.ScalingTracker.window_dpi_scaling_dict\n"
        "        sys._MEIPASS, parser._actions\n"  # private, but not customtkinter's
    )
    assert ctk_private_uses(sample, own_attributes([sample])) == [
        "5: ._entry",
        "6: ._current_width",
        "7: getattr(…, '_textbox')",
        "8: .ScalingTracker",
    ]
