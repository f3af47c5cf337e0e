"""Start Mayus, or check it, with nothing but Python: the route for Windows PowerShell, and the one `make` takes too.

    python run.py              the window (Windows: py run.py; macOS and Linux: python3 run.py)
    python run.py test         every check: what `make test` runs (it runs this)
    python run.py lint         ruff check, ruff format --check, mypy as this system, as Windows and as macOS
    python run.py setup [dev]  only make or refresh .venv: the app's dependencies (dev: and the checks' tools)
    python run.py FACE ...     any face of main.py: serve, connect, send, load, check, ...

First it makes .venv when missing, with the Python that runs this file, and installs the app's dependencies
into it (`pip install -e .`, or `-e .[dev]` for test and lint) whenever pyproject.toml changed since the last
install: a stamp in .venv holds the hash of the pyproject.toml that was installed. Then it runs the command with
.venv's Python and exits with its exit code. Standard library only, and it must stay so: it runs before any
dependency is there.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
PYPROJECT = ROOT / "pyproject.toml"
APP_STAMP = ".installed-stamp"  # holds the hash of the pyproject.toml whose dependencies .venv has
DEV_STAMP = ".installed-dev-stamp"  # the same for the dev extra (the checks' tools)

# The checks, in order; each runs as `.venv's python -m ...` and the first failure stops the rest.
# mypy runs three times: as this system, and as Windows and macOS, which nobody can run here (each with a cache
# of its own: one shared cache is rebuilt whole at every change of platform).
LINT_COMMANDS: tuple[tuple[str, ...], ...] = (
    ("ruff", "check", "."),
    ("ruff", "format", "--check", "."),
    ("mypy",),
    ("mypy", "--platform", "win32", "--cache-dir", ".mypy_cache/win32"),
    ("mypy", "--platform", "darwin", "--cache-dir", ".mypy_cache/darwin"),
)
TEST_COMMANDS: tuple[tuple[str, ...], ...] = (*LINT_COMMANDS, ("pytest", "-n", "auto"))
CHECKS = {"test": TEST_COMMANDS, "lint": LINT_COMMANDS}
SETUP = "setup"
HELP = ("help", "-h", "--help")


def venv_python(venv: Path, platform: str = sys.platform) -> Path:
    """The Python inside a venv: Scripts\\python.exe on Windows, bin/python elsewhere."""
    return venv / "Scripts" / "python.exe" if platform == "win32" else venv / "bin" / "python"


def file_hash(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def stamp_is_current(stamp: Path, digest: str) -> bool:
    """True if `stamp` says the dependencies of the pyproject.toml hashed `digest` are installed."""
    try:
        return stamp.read_text(encoding="utf-8").strip() == digest
    except OSError:
        return False


def install_commands(python: Path, dev: bool) -> list[list[str]]:
    """pip up to date, then the app (editable) with its dependencies, and the dev extra if `dev`."""
    target = ".[dev]" if dev else "."
    return [
        [str(python), "-m", "pip", "install", "--quiet", "--upgrade", "pip"],
        [str(python), "-m", "pip", "install", "--quiet", "-e", target],
    ]


def check_commands(python: Path, checks: Sequence[Sequence[str]]) -> list[list[str]]:
    return [[str(python), "-m", *check] for check in checks]


def face_command(python: Path, args: Sequence[str]) -> list[str]:
    """main.py with `args`: no args opens the window, a face name runs that face."""
    return [str(python), str(ROOT / "main.py"), *args]


def again(platform: str) -> str:
    """How to run this file again, as a person on `platform` would type it."""
    return "py run.py" if platform == "win32" else "python3 run.py"


def missing_tk(platform: str = sys.platform) -> str:
    """One line: Tk is missing, and how to get it on `platform`."""
    if platform == "win32":
        how = 'run the Python installer again, choose Modify and tick "tcl/tk and IDLE"'
    elif platform == "darwin":
        how = "install Python from python.org, or with Homebrew:  brew install python-tk"
    else:
        how = "install it with  sudo apt-get install python3-tk"
    return f"Tk is missing: {how}  and run {again(platform)} again."


def missing_venv(platform: str = sys.platform) -> str:
    """One line: Python cannot make a venv, and how to fix that on `platform`."""
    if platform == "win32":
        how = "install Python from python.org (it includes venv)"
    elif platform == "darwin":
        how = "install Python from python.org, or with Homebrew:  brew install python"
    else:
        how = "install it with  sudo apt-get install python3-venv"
    return f"venv is missing: {how}  and run {again(platform)} again."


def has_tk() -> bool:
    """True if this Python has Tk (the window needs it; so do the window's tests)."""
    try:
        import tkinter  # noqa: F401
    except ImportError:
        return False
    return True


def make_venv(venv: Path) -> bool:
    """Make `venv` with this Python (and pip in it). False, with nothing left behind, if Python cannot."""
    made = subprocess.run([sys.executable, "-m", "venv", str(venv)], capture_output=True, check=False)
    if made.returncode == 0 and venv_python(venv).exists():
        return True
    shutil.rmtree(venv, ignore_errors=True)
    return False


def shown(command: Sequence[str]) -> str:
    """The command as a line to print, with paths inside the repository made relative to it (as make shows)."""
    prefix = str(ROOT) + os.sep
    return " ".join(part[len(prefix) :] if part.startswith(prefix) else part for part in command)


def call(command: Sequence[str]) -> int:
    """Run `command` in the repository and return its exit code.

    Ctrl+C reaches the child as well (same console, same process group): this process lets it decide how to
    end, and waits for it, so the child's own last words are the last thing printed.
    """
    process = subprocess.Popen(list(command), cwd=ROOT)
    while True:
        try:
            return process.wait()
        except KeyboardInterrupt:
            continue


def ensure_venv(dev: bool, venv: Path = VENV, pyproject: Path = PYPROJECT) -> Path | str:
    """Make `venv` if missing and (re)install when pyproject.toml changed; its Python, or one line on why not.

    The stamps are written only after pip succeeded, so an install cut short is tried again next time.
    """
    python = venv_python(venv)
    if not python.exists() and not make_venv(venv):
        return missing_venv()
    digest = file_hash(pyproject)
    stamps = [venv / APP_STAMP, venv / DEV_STAMP] if dev else [venv / APP_STAMP]
    if all(stamp_is_current(stamp, digest) for stamp in stamps):
        return python
    print(f"Installing Mayus's dependencies{' and tools' if dev else ''} into {venv.name} ...", flush=True)
    for command in install_commands(python, dev):
        code = call(command)
        if code != 0:
            return f"pip failed (exit code {code}): see above, then run {again(sys.platform)} again."
    for stamp in stamps:
        stamp.write_text(digest + "\n", encoding="utf-8")
    return python


def needs_dev(args: Sequence[str]) -> bool:
    return bool(args) and (args[0] in CHECKS or (args[0] == SETUP and args[1:] == ["dev"]))


def needs_tk(args: Sequence[str]) -> bool:
    """The window and the full test suite need Tk; a terminal face, lint and setup do not."""
    return not args or args[0] == "test"


def commands_for(python: Path, args: Sequence[str]) -> list[list[str]]:
    """What `python run.py ARGS` runs once .venv is ready, in order."""
    if args and args[0] in CHECKS:
        return check_commands(python, CHECKS[args[0]])
    if args and args[0] == SETUP:
        return []
    return [face_command(python, args)]


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if args and args[0] in HELP:
        print(__doc__)
        return 0
    if args and args[0] == SETUP and args[1:] not in ([], ["dev"]):
        print(f"usage: {again(sys.platform)} setup [dev]", file=sys.stderr)
        return 2
    if needs_tk(args) and not has_tk():
        print(missing_tk(), file=sys.stderr)
        return 1
    python = ensure_venv(needs_dev(args))
    if isinstance(python, str):
        print(python, file=sys.stderr)
        return 1
    for command in commands_for(python, args):
        if args and args[0] in CHECKS:
            print(shown(command), flush=True)
        code = call(command)
        if code != 0:
            return code
    return 0


if __name__ == "__main__":
    sys.exit(main())
