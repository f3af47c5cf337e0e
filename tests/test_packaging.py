"""Double-click packaging: what `pip install` ships, the Linux menu entry (`make desktop`) and the single-file
executable (`make app`), each started the way a person would start it, under pytest-xvfb's display.
"""

from __future__ import annotations

import configparser
import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
import zipfile
from collections.abc import Sequence
from pathlib import Path

import psutil
import pytest

from gui.icon import PNG_SIZES
from gui.parts.settings import SETTINGS_FILE
from places import APP_NAME
from tests.support.launcher import FROZEN_GROUP
from tests.support.launcher import REPO_ROOT as REPO
from tests.support.servers import RunningServer
from tests.support.waiting import WAIT, wait_until

APP_STARTUP = 60.0  # seconds for a window to appear: the one-file build unpacks itself first
BUILD_TIMEOUT = 600  # seconds; PyInstaller takes about half a minute here
APP_PACKAGES = ("core", "gui", "words", "cli")  # what pyproject.toml ships, with main.py
COPY_IGNORE = shutil.ignore_patterns(".git", ".venv", "__pycache__", ".*_cache", ".hypothesis", "build", "dist")


def mayus_windows() -> set[str]:
    """Ids of the visible windows whose title has "Mayus" in it, on the test display."""
    found = subprocess.run(
        ["xdotool", "search", "--onlyvisible", "--name", "Mayus"], capture_output=True, text=True, timeout=WAIT
    )
    return set(found.stdout.split())  # xdotool exits 1 when there are none


def app_environment(home: Path) -> dict[str, str]:
    """The test display, and a home of its own: the app's settings and fonts never touch the real ones."""
    return {**os.environ, "HOME": str(home), "XDG_CONFIG_HOME": str(home / "config")}


def assert_window_opens_and_closes(command: Sequence[str], home: Path) -> None:
    """Start `command`, wait for its Mayus window, end it with SIGTERM and check every process of it exited."""
    if shutil.which("xdotool") is None:
        pytest.fail("xdotool is missing: install it (`.ci/run` does)")
    before = mayus_windows()
    log = home / "app.log"
    with log.open("w") as output:
        proc = subprocess.Popen(command, env=app_environment(home), stdout=output, stderr=subprocess.STDOUT)
    family: list[psutil.Process] = []
    try:
        wait_until(
            lambda: proc.poll() is not None or bool(mayus_windows() - before),
            timeout=APP_STARTUP,
            message="a Mayus window",
        )
        assert proc.poll() is None, f"the app exited with {proc.returncode}:\n{log.read_text()}"
        # The one-file build is two processes: a launcher that unpacks, and the app it starts.
        family = [psutil.Process(proc.pid), *psutil.Process(proc.pid).children(recursive=True)]
    finally:
        proc.terminate()
        proc.wait(timeout=WAIT)
    _, alive = psutil.wait_procs(family, timeout=WAIT)
    assert not alive, f"still running after SIGTERM: {alive}"
    wait_until(lambda: not mayus_windows() - before, message="the window gone")
    assert "Traceback" not in log.read_text(), log.read_text()
    # SIGTERM closes the window the way its close button does: a clean exit that saves the settings.
    assert proc.returncode == 0, log.read_text()
    assert (home / "config" / APP_NAME / SETTINGS_FILE).is_file()


# --- pip install: the wheel ---------------------------------------------------------------------------------


@pytest.mark.slow
def test_the_wheel_ships_both_launchers_every_module_and_the_icon(tmp_path: Path) -> None:
    source = tmp_path / "source"
    shutil.copytree(REPO, source, ignore=COPY_IGNORE)  # building writes egg-info next to the sources
    built = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--wheel-dir", str(tmp_path), str(source)],
        capture_output=True,
        text=True,
        check=True,
        timeout=BUILD_TIMEOUT,
    )
    assert "absent from the `packages` configuration" not in built.stdout + built.stderr  # setuptools' warning
    [wheel] = tmp_path.glob("mayus-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        [entry_points] = [name for name in names if name.endswith(".dist-info/entry_points.txt")]
        launchers = configparser.ConfigParser()
        launchers.read_string(archive.read(entry_points).decode())

    assert dict(launchers["gui_scripts"]) == {"mayus": "main:run_app"}  # no console window on Windows
    assert dict(launchers["console_scripts"]) == {"mayus-cli": "main:main"}
    modules = {path.relative_to(REPO).as_posix() for package in APP_PACKAGES for path in (REPO / package).rglob("*.py")}
    assert "gui/panels/server_panel.py" in modules and "core/check/program.py" in modules  # subpackages too
    assert {"main.py", *modules} <= names
    assert {"gui/icon.py", "gui/assets/mayus.ico"} | {f"gui/assets/mayus-{size}.png" for size in PNG_SIZES} <= names


# --- make desktop: the Linux menu entry ---------------------------------------------------------------------


def desktop_string(value: str) -> str:
    """Undo the desktop-entry string escapes (\\s \\n \\t \\r \\\\)."""
    escapes = {"s": " ", "n": "\n", "t": "\t", "r": "\r", "\\": "\\"}
    return re.sub(r"\\(.)", lambda match: escapes.get(match.group(1), match.group(0)), value)


# An Exec argument: plain, or in double quotes where \" \` \$ \\ stand for the character (Desktop Entry spec).
EXEC_ARGUMENT = r'"(?:[^"`$\\]|\\["`$\\])*"|[^\s"`$\\]+'


def exec_argv(entry: configparser.SectionProxy) -> list[str]:
    """The command line a desktop runs for the entry's Exec."""
    line = desktop_string(entry["Exec"])
    assert re.fullmatch(rf"(?:{EXEC_ARGUMENT})(?: (?:{EXEC_ARGUMENT}))*", line), f"malformed Exec: {line!r}"
    argv: list[str] = []
    for argument in re.findall(EXEC_ARGUMENT, line):
        if argument.startswith('"'):
            argument = re.sub(r'\\(["`$\\])', r"\1", argument[1:-1])
        argv.append(argument.replace("%%", "%"))
    return argv


def read_entry(path: Path) -> configparser.SectionProxy:
    parser = configparser.ConfigParser(interpolation=None, comment_prefixes=("#",))
    parser.optionxform = str  # type: ignore[assignment,method-assign]  # keys are case-sensitive
    parser.read(path, encoding="utf-8")
    return parser["Desktop Entry"]


def desktop_tool(checkout: Path, data_home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(checkout / "tools" / "desktop_entry.py"), *args],
        env={**os.environ, "XDG_DATA_HOME": str(data_home)},
        capture_output=True,
        text=True,
        check=True,
        timeout=WAIT * 6,
    )


@pytest.mark.slow
def test_the_menu_entry_starts_the_app_and_goes_away_on_undesktop(tmp_path: Path) -> None:
    data_home = tmp_path / "share"
    desktop_tool(REPO, data_home, "install")
    desktop_file = data_home / "applications" / "mayus.desktop"
    entry = read_entry(desktop_file)
    icons = [data_home / "icons" / "hicolor" / f"{size}x{size}" / "apps" / "mayus.png" for size in PNG_SIZES]

    assert entry["Name"] == "Mayus"
    assert entry["Icon"] == "mayus"
    assert entry["Terminal"] == "false"
    assert exec_argv(entry) == [sys.executable, str(REPO / "main.py")]
    assert entry["TryExec"] == sys.executable  # the entry hides itself if the venv is deleted
    assert all(icon.is_file() for icon in icons)
    if shutil.which("desktop-file-validate"):
        subprocess.run(["desktop-file-validate", str(desktop_file)], check=True, timeout=WAIT)
    assert_window_opens_and_closes(exec_argv(entry), tmp_path)

    desktop_tool(REPO, data_home, "uninstall")

    assert not desktop_file.exists()
    assert not any(icon.exists() for icon in icons)


@pytest.mark.parametrize("system", ["win32", "darwin"])
def test_off_linux_make_desktop_says_it_is_for_linux_and_writes_nothing(
    system: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # Loaded from its path, as `make desktop` runs it (a script, not a module of a package).
    spec = importlib.util.spec_from_file_location("desktop_entry", REPO / "tools" / "desktop_entry.py")
    assert spec is not None and spec.loader is not None
    desktop_entry = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(desktop_entry)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    monkeypatch.setattr(sys, "argv", ["desktop_entry.py", "install"])
    monkeypatch.setattr(sys, "platform", system)
    assert desktop_entry.main() == 1
    assert capsys.readouterr().out == (
        "the applications menu entry is for Linux desktops; on Windows and macOS, `make app` builds a file\n"
    )
    assert list(tmp_path.iterdir()) == []


def test_the_menu_entry_survives_a_checkout_path_with_spaces_and_symbols(tmp_path: Path) -> None:
    checkout = tmp_path / 'my "work" $HOME `x` 100% \\ dir'
    for part in ("tools", "packaging", "gui/assets"):
        shutil.copytree(REPO / part, checkout / part, ignore=COPY_IGNORE)
    python = tmp_path / "a venv" / "bin" / "python"

    desktop_tool(checkout, tmp_path / "share", "install", "--python", str(python))

    entry = read_entry(tmp_path / "share" / "applications" / "mayus.desktop")
    assert exec_argv(entry) == [str(python), str(checkout / "main.py")]
    assert desktop_string(entry["TryExec"]) == str(python)


# --- make app: the single-file executable ------------------------------------------------------------------


@pytest.fixture(scope="session")
def frozen_app(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """`make app`'s build, made once per session into a temporary folder."""
    pytest.importorskip("PyInstaller", reason="PyInstaller is not installed: pip install -e '.[dev]' brings it")
    folder = tmp_path_factory.mktemp("frozen")
    dist, work = folder / "dist", folder / "work"
    build = [sys.executable, str(REPO / "tools" / "build_app.py"), "--dist", str(dist), "--work", str(work)]
    result = subprocess.run(build, capture_output=True, text=True, timeout=BUILD_TIMEOUT)
    assert result.returncode == 0, f"the build failed:\n{result.stdout}\n{result.stderr}"
    print(result.stdout.strip())  # "built ... (size) in N s", shown with -s
    shutil.rmtree(work)  # ~30 MB of scratch files that pytest would otherwise keep for three sessions
    [built] = dist.iterdir()
    return built


@pytest.mark.slow
@pytest.mark.timeout(BUILD_TIMEOUT + 120)  # the first test to use the build waits for it
@pytest.mark.xdist_group(FROZEN_GROUP)
def test_the_executable_opens_the_window(frozen_app: Path, tmp_path: Path) -> None:
    assert_window_opens_and_closes([str(frozen_app)], tmp_path)


@pytest.mark.slow
@pytest.mark.timeout(BUILD_TIMEOUT + 120)
@pytest.mark.xdist_group(FROZEN_GROUP)
def test_the_executable_keeps_the_headless_faces(frozen_app: Path, server: RunningServer, tmp_path: Path) -> None:
    result = subprocess.run(
        [str(frozen_app), "send", "--port", str(server.port), "hola", "ñandú"],
        env=app_environment(tmp_path),
        capture_output=True,
        text=True,
        timeout=WAIT * 6,
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == ["HOLA", "ÑANDÚ"]


@pytest.mark.slow
@pytest.mark.timeout(BUILD_TIMEOUT + 120)
@pytest.mark.xdist_group(FROZEN_GROUP)
def test_the_executable_runs_its_child_processes(frozen_app: Path, server: RunningServer, tmp_path: Path) -> None:
    """A one-file build starts itself again for each child process (main.py's freeze_support): the load test's
    workers, as here, and the window's own server (core/server_process.py) alike."""
    result = subprocess.run(
        [str(frozen_app), "load", "--port", str(server.port), "--clients", "2", "--messages", "20", "--json"],
        env=app_environment(tmp_path),
        capture_output=True,
        text=True,
        timeout=WAIT * 6,
    )

    assert result.returncode == 0, result.stderr
    outcome = json.loads(result.stdout)
    assert (outcome["messages"], outcome["errors"], outcome["connected"]) == (20, 0, 2)
