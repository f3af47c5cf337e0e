"""run.py, the route without make: its paths on each system, the pyproject stamp, the commands it runs, its one-line
messages, and once for real (slow) a fresh .venv in a copy of the checkout."""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest

import run
from cli.parser import build_parser
from tests.support.launcher import REPO_ROOT as REPO

INSTALL_TIMEOUT = 600  # seconds: a venv and the app's dependencies from pip's cache take about half a minute
COPY_IGNORE = shutil.ignore_patterns(".git", ".venv", "__pycache__", ".*_cache", ".hypothesis", "build", "dist")


# --- paths and stamps -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("platform", "inside"),
    [("win32", Path("Scripts", "python.exe")), ("linux", Path("bin", "python")), ("darwin", Path("bin", "python"))],
)
def test_the_venv_python_is_where_each_system_puts_it(platform: str, inside: Path, tmp_path: Path) -> None:
    assert run.venv_python(tmp_path, platform) == tmp_path / inside


def test_a_stamp_is_current_only_for_the_pyproject_it_was_written_for(tmp_path: Path) -> None:
    pyproject, stamp = tmp_path / "pyproject.toml", tmp_path / "stamp"
    pyproject.write_text("[project]\nname = 'x'\n")
    first = run.file_hash(pyproject)
    assert first == hashlib.sha256(pyproject.read_bytes()).hexdigest()

    assert not run.stamp_is_current(stamp, first)  # never installed
    stamp.write_text(first + "\n")
    assert run.stamp_is_current(stamp, first)
    pyproject.write_text("[project]\nname = 'x'\ndependencies = ['y']\n")
    assert not run.stamp_is_current(stamp, run.file_hash(pyproject))


class FakeVenv:
    """ensure_venv with pip replaced by a recorder: which installs ran, and what they returned."""

    def __init__(self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, exit_code: int = 0) -> None:
        self.venv, self.pyproject = tmp_path / ".venv", tmp_path / "pyproject.toml"
        self.pyproject.write_text("[project]\nname = 'mayus'\n")
        self.python = run.venv_python(self.venv)
        self.python.parent.mkdir(parents=True)
        self.python.touch()  # a venv that exists already
        self.calls: list[list[str]] = []
        self.exit_code = exit_code
        monkeypatch.setattr(run, "call", self._call)

    def _call(self, command: Sequence[str]) -> int:
        self.calls.append(list(command))
        return self.exit_code

    def ensure(self, dev: bool) -> Path | str:
        self.calls.clear()
        return run.ensure_venv(dev, self.venv, self.pyproject)

    def targets(self) -> list[str]:
        """What each pip call installed: 'pip' (the upgrade), '.' or '.[dev]'."""
        return [command[-1] for command in self.calls]


def test_dependencies_are_installed_once_then_again_when_pyproject_changes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake = FakeVenv(tmp_path, monkeypatch)

    assert fake.ensure(dev=False) == fake.python
    assert fake.targets() == ["pip", "."]
    assert fake.ensure(dev=False) == fake.python
    assert fake.calls == []  # up to date: pip is not even started

    fake.pyproject.write_text("[project]\nname = 'mayus'\ndependencies = ['psutil']\n")
    assert fake.ensure(dev=False) == fake.python
    assert fake.targets() == ["pip", "."]


def test_the_dev_extra_has_its_own_stamp_and_covers_the_app(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fake = FakeVenv(tmp_path, monkeypatch)
    fake.ensure(dev=False)

    fake.ensure(dev=True)
    assert fake.targets() == ["pip", ".[dev]"]
    fake.ensure(dev=True)
    fake.ensure(dev=False)
    assert fake.calls == []


def test_a_failed_install_says_so_in_one_line_and_is_tried_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake = FakeVenv(tmp_path, monkeypatch, exit_code=1)

    said = fake.ensure(dev=False)
    assert isinstance(said, str) and said.startswith("pip failed (exit code 1)") and "\n" not in said
    fake.exit_code = 0
    assert fake.ensure(dev=False) == fake.python
    assert fake.targets() == ["pip", "."]


def test_a_python_that_cannot_make_a_venv_leaves_nothing_and_says_what_is_missing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    venv = tmp_path / ".venv"

    def no_ensurepip(command: list[str], **_options: Any) -> subprocess.CompletedProcess[bytes]:
        venv.mkdir()  # as Debian's python3 without python3-venv does: a folder, then the error
        return subprocess.CompletedProcess(command, 1, b"", b"ensurepip is not available")

    monkeypatch.setattr(subprocess, "run", no_ensurepip)  # the module run.py calls
    assert run.ensure_venv(False, venv, tmp_path / "pyproject.toml") == run.missing_venv()
    assert not venv.exists()


# --- what it runs ----------------------------------------------------------------------------------------------


def test_pytest_runs_a_worker_per_core_and_one_more_for_the_tests_that_wait() -> None:
    assert [run.pytest_workers(cores) for cores in (1, 2, 16)] == [2, 3, 17]
    if sys.platform == "linux":
        assert run.pytest_workers() == len(os.sched_getaffinity(0)) + 1


def test_the_test_suite_is_the_checks_then_pytest_beside_mypy() -> None:
    python = Path("py")
    lint = [[command[2:] for command in stage] for stage in run.commands_for(python, ["lint"])]
    mypy_runs = [
        ["mypy"],
        ["mypy", "--platform", "win32", "--cache-dir", ".mypy_cache/win32"],
        ["mypy", "--platform", "darwin", "--cache-dir", ".mypy_cache/darwin"],
    ]
    assert lint == [[["ruff", "check", "."]], [["ruff", "format", "--check", "."]], mypy_runs]
    tests = run.commands_for(python, ["test"])
    pytest_command = ["pytest", "-n", str(run.pytest_workers())]
    assert [[command[2:] for command in stage] for stage in tests] == [*lint[:2], [*mypy_runs, pytest_command]]
    assert all(
        command[:2] == ["py", "-m"] for stage in tests for command in stage
    )  # the venv's tools, whatever the system


def test_anything_else_goes_to_main_py() -> None:
    python = Path("py")
    assert run.commands_for(python, []) == [[["py", str(REPO / "main.py")]]]
    assert run.commands_for(python, ["serve", "--port", "0"]) == [
        [["py", str(REPO / "main.py"), "serve", "--port", "0"]]
    ]
    assert run.commands_for(python, ["setup"]) == []


def test_its_own_commands_are_no_face_of_main_py() -> None:
    [faces] = [action for action in build_parser()._actions if action.choices and action.dest == "command"]
    assert faces.choices is not None
    assert {"serve", "connect", "load", "check"} <= set(faces.choices)
    assert set(faces.choices).isdisjoint({*run.CHECKS, run.SETUP, *run.HELP})


def recipe(target: str) -> list[str]:
    makefile = (REPO / "Makefile").read_text(encoding="utf-8")
    block = re.search(rf"^{re.escape(target)}:[^\n]*\n((?:\t[^\n]*\n)*)", makefile, re.MULTILINE)
    assert block is not None, f"no {target} target"
    return [line.strip() for line in block.group(1).splitlines()]


def test_make_runs_the_same_list_through_run_py() -> None:
    assert recipe("test") == ["$(PYTHON) run.py test"]
    assert recipe("lint") == ["$(PYTHON) run.py lint"]
    assert recipe("run") == ["$(PYTHON) run.py"]
    assert "make test" in (REPO / ".ci" / "run").read_text(encoding="utf-8")  # and CI runs make test


def test_the_tk_and_venv_messages_are_one_line_with_the_fix_for_each_system() -> None:
    assert run.missing_tk("linux") == (
        "Tk is missing: install it with  sudo apt-get install python3-tk  and run python3 run.py again."
    )
    assert run.missing_venv("linux") == (
        "venv is missing: install it with  sudo apt-get install python3-venv  and run python3 run.py again."
    )
    assert "tcl/tk" in run.missing_tk("win32") and "py run.py again" in run.missing_tk("win32")
    assert "brew install python-tk" in run.missing_tk("darwin")
    assert "python.org" in run.missing_venv("win32") and "python.org" in run.missing_venv("darwin")
    for platform in ("linux", "win32", "darwin"):
        assert "\n" not in run.missing_tk(platform) + run.missing_venv(platform)


def test_without_tk_the_window_and_the_tests_stop_at_once_but_a_face_does_not(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(run, "has_tk", lambda: False)
    monkeypatch.setattr(run, "ensure_venv", lambda dev: "stopped before any install")

    assert run.main([]) == 1
    assert capsys.readouterr().err == run.missing_tk() + "\n"
    assert run.main(["test"]) == 1
    assert capsys.readouterr().err == run.missing_tk() + "\n"
    assert run.main(["serve"]) == 1
    assert capsys.readouterr().err == "stopped before any install\n"  # got past the Tk check


def test_has_tk_sees_a_python_without_it(monkeypatch: pytest.MonkeyPatch) -> None:
    assert run.has_tk()
    monkeypatch.setitem(sys.modules, "tkinter", None)  # import tkinter now raises ImportError
    assert not run.has_tk()


def test_main_stops_at_the_first_failed_stage_and_returns_its_code(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    ran: list[list[list[str]]] = []

    def call_side_by_side(commands: list[list[str]]) -> int:
        ran.append(commands)
        return 3 if any("format" in command for command in commands) else 0

    monkeypatch.setattr(run, "ensure_venv", lambda dev: Path("py") if dev else pytest.fail("lint needs the dev extra"))
    monkeypatch.setattr(run, "call_side_by_side", call_side_by_side)

    assert run.main(["lint"]) == 3
    assert [[command[2:4] for command in stage] for stage in ran] == [[["ruff", "check"]], [["ruff", "format"]]]
    assert capsys.readouterr().out.splitlines() == ["py -m ruff check .", "py -m ruff format --check ."]


def test_side_by_side_commands_keep_their_outputs_apart_and_the_first_failure_counts(
    capfd: pytest.CaptureFixture[str],
) -> None:
    """Two slow writers and a live one: each kept output comes out whole, after them all, named by its command."""
    writer = (
        "import sys, time; [print(sys.argv[1], i, flush=True) or time.sleep(0.05) for i in range(3)]; "
        "sys.exit(int(sys.argv[2]))"
    )
    commands = [[sys.executable, "-c", writer, name, code] for name, code in (("a", "0"), ("b", "5"), ("c", "7"))]

    assert run.call_side_by_side(commands) == 5  # b's: the first failure in their order, though c failed too
    lines = capfd.readouterr().out.splitlines()
    assert lines[:3] == ["c 0", "c 1", "c 2"]  # the last one writes as it goes
    assert lines[3].endswith(" a 0") and lines[4:7] == ["a 0", "a 1", "a 2"]
    assert lines[7].endswith(" b 5") and lines[8:11] == ["b 0", "b 1", "b 2"]
    assert len(lines) == 11


def test_help_and_a_bad_setup(capsys: pytest.CaptureFixture[str]) -> None:
    assert run.main(["--help"]) == 0
    assert "python run.py test" in capsys.readouterr().out
    assert run.main(["setup", "everything"]) == 2
    assert capsys.readouterr().err.startswith("usage: ")


def test_call_returns_the_exit_code_and_shown_makes_paths_relative() -> None:
    assert run.call([sys.executable, "-c", "raise SystemExit(3)"]) == 3
    assert run.shown([str(REPO / ".venv" / "bin" / "python"), "-m", "mypy"]) == ".venv/bin/python -m mypy"


# --- for real --------------------------------------------------------------------------------------------------


@pytest.mark.slow
def test_a_fresh_checkout_gets_its_venv_and_runs_a_face(tmp_path: Path) -> None:
    """A plain venv (no --system-site-packages: it must hold everything itself), filled by pip from its cache."""
    checkout = tmp_path / "mayus"
    shutil.copytree(REPO, checkout, ignore=COPY_IGNORE)

    def run_py(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "run.py", *args], cwd=checkout, capture_output=True, text=True, timeout=INSTALL_TIMEOUT
        )

    first = run_py("serve", "--help")
    assert first.returncode == 0, first.stdout + first.stderr
    assert "Installing Mayus's dependencies into .venv" in first.stdout
    assert "usage: mayus serve" in first.stdout
    python = run.venv_python(checkout / ".venv")
    stamp = (checkout / ".venv" / run.APP_STAMP).read_text(encoding="utf-8").strip()
    assert stamp == run.file_hash(checkout / "pyproject.toml")
    # The window's packages are found without importing them (customtkinter copies fonts into HOME on import).
    imports = "import importlib.util, platformdirs, cryptography, psutil, core, words, cli; "
    imports += "assert importlib.util.find_spec('customtkinter') and importlib.util.find_spec('gui')"
    subprocess.run([str(python), "-c", imports], cwd=tmp_path, check=True, timeout=60)  # not from the checkout

    again = run_py("serve", "--help")
    assert again.returncode == 0
    assert "Installing" not in again.stdout  # pyproject.toml unchanged: no pip at all
