"""Build Mayus as one executable file with PyInstaller: dist/mayus (dist/mayus.exe on Windows).

`make app` runs it; tests/test_packaging.py runs it into a temporary folder and starts what it built.
The file opens the window when double-clicked and keeps the headless faces: `mayus serve`, `mayus send ...`.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
NAME = "mayus"
ASSETS = REPO / "gui" / "assets"
# zlib level for the one file's archive. PyInstaller's own default, 9, took 42 s here for 64.5 MiB; 6 takes 26 s for
# 64.8 MiB (its binaries hardly compress further). PyInstaller reads it from the environment as it loads.
COMPRESSION_LEVEL_ENV = "PYINSTALLER_ZLIB_COMPRESSION_LEVEL"
COMPRESSION_LEVEL = 6


def executable_path(dist: Path) -> Path:
    return dist / (NAME + ".exe" if sys.platform == "win32" else NAME)


def pyinstaller_arguments(dist: Path, work: Path) -> list[str]:
    arguments = [
        str(REPO / "main.py"),
        *("--name", NAME),
        "--onefile",
        "--windowed",  # no console window on Windows and macOS; on Linux the terminal faces still print
        "--noconfirm",
        *("--distpath", str(dist), "--workpath", str(work), "--specpath", str(work)),  # nothing lands in the tree
        *("--paths", str(REPO)),
        *("--add-data", f"{ASSETS}{os.pathsep}gui/{ASSETS.name}"),  # the window icon (gui/icon.py finds it)
        *("--log-level", "WARN"),
    ]
    if sys.platform == "win32":
        arguments += ["--icon", str(ASSETS / "mayus.ico")]  # the file's own icon in Explorer
    return arguments


def build(dist: Path, work: Path) -> Path:
    """Build the executable into `dist` (scratch files in `work`) and return its path."""
    os.environ.setdefault(COMPRESSION_LEVEL_ENV, str(COMPRESSION_LEVEL))  # before PyInstaller's archive writer loads
    import PyInstaller.__main__

    PyInstaller.__main__.run(pyinstaller_arguments(dist, work))
    built = executable_path(dist)
    if not built.is_file():
        raise SystemExit(f"PyInstaller finished but {built} is missing")
    return built


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--dist", type=Path, default=REPO / "dist", help="where the executable goes")
    parser.add_argument("--work", type=Path, default=REPO / "build", help="PyInstaller's scratch folder")
    args = parser.parse_args()
    try:
        import PyInstaller  # noqa: F401
    except ImportError:
        print("PyInstaller is missing: install it with  .venv/bin/pip install -e '.[app]'", file=sys.stderr)
        return 1
    started = time.monotonic()
    built = build(args.dist.resolve(), args.work.resolve())
    size_mib = built.stat().st_size / 2**20
    print(f"built {built} ({size_mib:.1f} MiB) in {time.monotonic() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
