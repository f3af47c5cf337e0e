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

import contextlib
import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
PYPROJECT = ROOT / "pyproject.toml"
APP_STAMP = ".installed-stamp"  # holds the hash of the pyproject.toml whose dependencies .venv has
DEV_STAMP = ".installed-dev-stamp"  # the same for the dev extra (the checks' tools)

# The checks, in stages: the commands of a stage run side by side, and a stage runs only once every earlier one
# passed. Each command runs as `.venv's python -m ...`. The quick style checks come first; then mypy three times
# (as this system, and as Windows and macOS, which nobody can run here; each with a cache of its own: one shared
# cache is rebuilt whole at every change of platform), beside the tests, which leave a core idle now and then.
MYPY_RUNS: tuple[tuple[str, ...], ...] = (
    ("mypy",),
    ("mypy", "--platform", "win32", "--cache-dir", ".mypy_cache/win32"),
    ("mypy", "--platform", "darwin", "--cache-dir", ".mypy_cache/darwin"),
)
STYLE_STAGES: tuple[tuple[tuple[str, ...], ...], ...] = (
    (("ruff", "check", "."),),
    (("ruff", "format", "--check", "."),),
)


def usable_cores() -> int:
    """The cores this process may use: Linux says which; elsewhere all of them count."""
    if sys.platform == "linux":
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def pytest_workers(cores: int | None = None) -> int:
    """How many pytest workers: one per core (`cores`, or usable_cores()), and one more.

    About a third of the suite's time is waiting (for programs it starts, for timeouts it checks, for the window
    to draw): the extra worker runs tests meanwhile. Measured on 2 cores: 265 s with 2 workers, 198 s with 3.
    """
    return (usable_cores() if cores is None else cores) + 1


PYTEST = ("pytest", "-n", str(pytest_workers()))
LINT_STAGES = (*STYLE_STAGES, MYPY_RUNS)
TEST_STAGES = (*STYLE_STAGES, (*MYPY_RUNS, PYTEST))
CHECKS = {"test": TEST_STAGES, "lint": LINT_STAGES}
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


def check_commands(python: Path, stages: Sequence[Sequence[Sequence[str]]]) -> list[list[list[str]]]:
    """Each stage's commands, run with `python -m`."""
    return [[[str(python), "-m", *check] for check in stage] for stage in stages]


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
    """Run `command` in the repository and return its exit code."""
    return call_side_by_side([command])


def call_side_by_side(commands: Sequence[Sequence[str]]) -> int:
    """Run `commands` at once in the repository; the first non-zero exit code, in their order (0 if none).

    The last one writes to the console as it goes; what each other one wrote is kept, then printed whole
    once all have ended, so that no two outputs mix. Ctrl+C reaches the children as well (same console,
    same process group): this process lets them decide how to end, and waits for them, so that their own
    last words are the last thing printed.
    """
    *quiet, loud = commands
    with contextlib.ExitStack() as files:
        outputs = [files.enter_context(tempfile.TemporaryFile()) for _ in quiet]
        processes = [
            subprocess.Popen(list(command), cwd=ROOT, stdout=output, stderr=subprocess.STDOUT)
            for command, output in zip(quiet, outputs, strict=True)
        ]
        processes.append(subprocess.Popen(list(loud), cwd=ROOT))
        codes = [_wait(process) for process in processes]
        for command, output in zip(quiet, outputs, strict=True):
            output.seek(0)
            text = output.read().decode(errors="replace")
            print(shown(command), flush=True)
            print(text, end="" if text.endswith("\n") or not text else "\n", flush=True)
    return next((code for code in codes if code != 0), 0)


def _wait(process: subprocess.Popen[bytes]) -> int:
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


def commands_for(python: Path, args: Sequence[str]) -> list[list[list[str]]]:
    """What `python run.py ARGS` runs once .venv is ready: stages in order, each one's commands side by side."""
    if args and args[0] in CHECKS:
        return check_commands(python, CHECKS[args[0]])
    if args and args[0] == SETUP:
        return []
    return [[face_command(python, args)]]


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
    for stage in commands_for(python, args):
        if args and args[0] in CHECKS:  # the one written live is named first; the others with what they wrote
            print(shown(stage[-1]), flush=True)
        code = call_side_by_side(stage)
        if code != 0:
            return code
    return 0


if __name__ == "__main__":
    sys.exit(main())
