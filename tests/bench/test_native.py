"""bench/native.py builds a C program once, again only when its source is newer, and says why when it cannot."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from bench import native
from core import platforms

needs_gcc = pytest.mark.skipif(shutil.which(native.COMPILER) is None, reason="gcc is not installed")
HELLO = '#include <stdio.h>\nint main(void) { puts("hola"); return 0; }\n'


@pytest.fixture
def name() -> Iterator[str]:
    """A binary name of this test's own in the cache folder; removed afterwards."""
    chosen = f"test-native-{os.getpid()}"
    yield chosen
    native.binary_path(chosen).unlink(missing_ok=True)


@needs_gcc
def test_a_program_is_built_once_and_again_only_when_its_source_is_newer(tmp_path: Path, name: str) -> None:
    source = tmp_path / "hello.c"
    source.write_text(HELLO)
    built = native.compile_c(source, name)
    assert built == native.binary_path(name)
    assert subprocess.run([str(built)], capture_output=True, text=True, check=True).stdout == "hola\n"
    first = built.stat().st_mtime_ns
    assert native.compile_c(source, name) == built
    assert built.stat().st_mtime_ns == first  # up to date: not rebuilt

    source.write_text(HELLO.replace("hola", "adiós"))
    newer = built.stat().st_mtime + 10
    os.utime(source, (newer, newer))
    assert native.compile_c(source, name) == built
    assert subprocess.run([str(built)], capture_output=True, text=True, check=True).stdout == "adiós\n"


@needs_gcc
def test_a_build_error_is_one_line_and_no_binary(tmp_path: Path, name: str, capsys: pytest.CaptureFixture[str]) -> None:
    source = tmp_path / "broken.c"
    source.write_text("int main(void) { return missing; }\n")
    assert native.compile_c(source, name) is None
    lines = capsys.readouterr().out.splitlines()
    assert (
        len(lines) == 1 and lines[0].startswith(f"{name}: skipped, gcc failed on broken.c: ") and "missing" in lines[0]
    )
    assert not native.binary_path(name).exists()
    assert not [p for p in native.NATIVE_DIR.iterdir() if p.name.startswith(f".{name}-")]  # no half-built file left


def test_without_gcc_it_says_so_in_one_line(
    tmp_path: Path, name: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    source = tmp_path / "hello.c"
    source.write_text(HELLO)
    monkeypatch.setattr(shutil, "which", lambda _: None)  # native calls shutil.which when it builds
    assert native.compile_c(source, name) is None
    assert capsys.readouterr().out == f"{name}: skipped, gcc is not installed (it builds hello.c)\n"


def test_the_cache_is_ignored_by_git() -> None:
    repo = Path(__file__).resolve().parents[2]
    relative = native.binary_path("loadgen").relative_to(repo)
    done = subprocess.run(["git", "check-ignore", "-q", str(relative)], cwd=repo, check=False)
    assert done.returncode == 0


def test_off_linux_it_says_epoll_is_linux_only_without_calling_gcc(
    tmp_path: Path, name: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    source = tmp_path / "epoll_server.c"
    source.write_text(HELLO)
    monkeypatch.setattr(platforms, "LINUX", False)
    monkeypatch.setattr(shutil, "which", lambda _: pytest.fail("gcc looked for off Linux"))
    assert native.compile_c(source, name) is None
    assert capsys.readouterr().out == f"{name}: skipped, epoll_server.c uses epoll, which only Linux has\n"
