"""bench/native.py: C sources compile once into the ignored cache, or are skipped with a note."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from bench import native

HELLO = '#include <stdio.h>\nint main(void) { puts("hola"); return 0; }\n'


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setattr(native, "CACHE", folder)
    return folder


@pytest.mark.skipif(shutil.which(native.COMPILER) is None, reason="no gcc on this machine")
def test_a_source_compiles_once_and_again_only_when_it_changes(tmp_path: Path, cache: Path) -> None:
    source = tmp_path / "hello.c"
    source.write_text(HELLO)
    binary = native.compile_c(source, "hello")
    assert binary == cache / "hello"
    assert subprocess.run([str(binary)], capture_output=True, text=True, check=True).stdout == "hola\n"
    built = binary.stat().st_mtime_ns
    assert native.compile_c(source, "hello") == binary and binary.stat().st_mtime_ns == built  # not rebuilt
    later = binary.stat().st_mtime + 5
    source.write_text(HELLO.replace("hola", "adiós"))
    os.utime(source, (later, later))
    assert native.compile_c(source, "hello") == binary
    assert subprocess.run([str(binary)], capture_output=True, text=True, check=True).stdout == "adiós\n"


def test_no_compiler_means_none_and_a_note(
    tmp_path: Path, cache: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "hello.c"
    source.write_text(HELLO)
    monkeypatch.setattr(shutil, "which", lambda name: None)
    assert native.compile_c(source, "hello") is None
    assert "skipped hello: no gcc" in capsys.readouterr().out
    assert not cache.exists()


@pytest.mark.skipif(shutil.which(native.COMPILER) is None, reason="no gcc on this machine")
def test_a_source_that_does_not_compile_means_none_and_the_first_error(
    tmp_path: Path, cache: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "broken.c"
    source.write_text("int main(void) { return nope; }\n")
    assert native.compile_c(source, "broken") is None
    assert "skipped broken: gcc could not compile broken.c: " in capsys.readouterr().out
    assert not (cache / "broken").exists()


def test_the_cache_is_ignored_by_git() -> None:
    relative = native.CACHE.relative_to(native.REPO_ROOT) / "loadgen"
    done = subprocess.run(["git", "check-ignore", "-q", str(relative)], cwd=native.REPO_ROOT, check=False)
    assert done.returncode == 0
