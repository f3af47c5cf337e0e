"""customtkinter's font copies never empty a font file another window has open (that window would die of SIGBUS)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from core import platforms
from gui.font_install import install_font
from tests.support.launcher import REPO_ROOT


def test_a_font_already_in_place_is_not_written_again(tmp_path: Path) -> None:
    source = tmp_path / "Font.ttf"
    source.write_bytes(b"glyphs" * 1000)
    fonts = tmp_path / "fonts"
    fonts.mkdir()
    placed = Path(install_font(source, fonts))
    before = placed.stat()
    assert install_font(source, fonts) == str(placed)
    after = placed.stat()
    assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns)


def test_a_changed_font_is_renamed_into_place_leaving_the_open_one_whole(tmp_path: Path) -> None:
    source = tmp_path / "Font.ttf"
    source.write_bytes(b"new glyphs" * 1000)
    fonts = tmp_path / "fonts"
    fonts.mkdir()
    old = fonts / "Font.ttf"
    old.write_bytes(b"old glyphs" * 1000)
    with old.open("rb") as still_open:  # as FreeType holds it in a running window
        install_font(source, fonts)
        assert still_open.read() == b"old glyphs" * 1000  # not emptied under the reader
    assert old.read_bytes() == source.read_bytes()
    assert sorted(p.name for p in fonts.iterdir()) == ["Font.ttf"]  # no temporary file left


@pytest.mark.skipif(not platforms.LINUX, reason="customtkinter copies fonts on Linux only")
def test_importing_the_toolkit_installs_customtkinter_fonts_without_rewriting_them(tmp_path: Path) -> None:
    env = dict(os.environ, HOME=str(tmp_path))
    command = [sys.executable, "-c", "import gui.toolkit"]
    subprocess.run(command, cwd=REPO_ROOT, env=env, check=True, timeout=60)
    fonts = tmp_path / ".fonts"
    first = {p.name: (p.stat().st_ino, p.stat().st_mtime_ns) for p in fonts.iterdir()}
    assert {"Roboto-Regular.ttf", "Roboto-Medium.ttf", "CustomTkinter_shapes_font.otf"} <= first.keys()
    subprocess.run(command, cwd=REPO_ROOT, env=env, check=True, timeout=60)
    again = {p.name: (p.stat().st_ino, p.stat().st_mtime_ns) for p in fonts.iterdir()}
    assert again == first
    assert shutil.copy.__module__ == "shutil"  # the patch was for customtkinter's import only
