"""Compile the bench's C programs (reference servers, load generators) with gcc, once, into an ignored cache.

`compile_c(source, name)` returns the binary bench/results/native/NAME, rebuilt only when the source is newer.
Where gcc is missing, the build fails or the system is not Linux (every program in bench/c uses epoll), it prints
one line saying why and returns None: the bench then runs without that program.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from core import platforms

NATIVE_DIR = Path(__file__).resolve().parent / "results" / "native"  # bench/results/ is in .gitignore
COMPILER = "gcc"
# -O2 as the issue asks; -pthread so a threaded program (a C load generator) builds with the same call.
FLAGS = ("-O2", "-std=gnu11", "-Wall", "-Wextra", "-pthread")
LIBRARIES = ("-lm",)
COMPILE_TIMEOUT_SECONDS = 120.0


def binary_path(name: str) -> Path:
    """Where `compile_c(..., name)` puts its binary (it may not exist yet)."""
    return NATIVE_DIR / (name + platforms.EXECUTABLE_SUFFIX)


def compile_c(source: Path, name: str) -> Path | None:
    """Build `source` into bench/results/native/`name` with gcc -O2 unless that binary is already newer.

    Returns the binary, or None after printing one line on why not (no gcc, or the compiler's first error).
    The binary appears whole or not at all (built beside it, then renamed), so two runs at once are safe.
    """
    if not platforms.LINUX:
        print(f"{name}: skipped, {source.name} uses epoll, which only Linux has", flush=True)
        return None
    target = binary_path(name)
    if target.exists() and target.stat().st_mtime >= source.stat().st_mtime:
        return target
    compiler = shutil.which(COMPILER)
    if compiler is None:
        print(f"{name}: skipped, {COMPILER} is not installed (it builds {source.name})", flush=True)
        return None
    NATIVE_DIR.mkdir(parents=True, exist_ok=True)
    handle, partial = tempfile.mkstemp(prefix=f".{name}-", dir=NATIVE_DIR)
    os.close(handle)
    try:
        built = subprocess.run(
            [compiler, *FLAGS, "-o", partial, str(source), *LIBRARIES],
            capture_output=True,
            text=True,
            timeout=COMPILE_TIMEOUT_SECONDS,
            env={**os.environ, "LC_ALL": "C"},  # its messages in English, to find the error line
        )
        if built.returncode != 0:
            lines = built.stderr.splitlines()
            last = lines[-1] if lines else f"exit code {built.returncode}"
            first = next((line.split(": error: ", 1)[1] for line in lines if ": error: " in line), last)
            print(f"{name}: skipped, {COMPILER} failed on {source.name}: {first}", flush=True)
            return None
        os.replace(partial, target)
    finally:
        if os.path.exists(partial):
            os.unlink(partial)
    return target
