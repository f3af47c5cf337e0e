"""Compile the bench's C reference programs with gcc, once, into a cache folder git ignores.

`compile_c(source, name)` returns the binary, rebuilt only when the source is newer, or
None after printing why it could not (no gcc, or the compiler refused the source): the
bench then skips that reference with that note instead of failing.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
CACHE = REPO_ROOT / "build" / "native"  # build/ is in .gitignore: binaries are never committed
COMPILER = "gcc"
FLAGS = ("-O2", "-Wall", "-Wextra", "-pthread")
LIBRARIES = ("-lm",)
COMPILE_TIMEOUT_SECONDS = 120.0


def compile_c(source: Path, name: str) -> Path | None:
    """The binary built from `source` as CACHE/name; None (after printing why) if it cannot be built."""
    binary = CACHE / (name + (".exe" if sys.platform == "win32" else ""))
    if binary.exists() and binary.stat().st_mtime >= source.stat().st_mtime:
        return binary
    compiler = shutil.which(COMPILER)
    if compiler is None:
        print(f"  (skipped {name}: no {COMPILER} on this machine to compile {source.name})", flush=True)
        return None
    CACHE.mkdir(parents=True, exist_ok=True)
    command = [compiler, *FLAGS, "-o", str(binary), str(source), *LIBRARIES]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=COMPILE_TIMEOUT_SECONDS)
    except (OSError, subprocess.TimeoutExpired) as exc:
        print(f"  (skipped {name}: {COMPILER} did not run: {exc})", flush=True)
        return None
    if done.returncode != 0:
        first = (done.stderr.strip().splitlines() or ["no message"])[0]
        print(f"  (skipped {name}: {COMPILER} could not compile {source.name}: {first})", flush=True)
        binary.unlink(missing_ok=True)
        return None
    return binary
