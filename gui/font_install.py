"""customtkinter, imported so that it cannot crash a window that is already open.

On Linux, customtkinter copies its three fonts into ~/.fonts each time it is imported,
with shutil.copy: each file is emptied, then written again. A window already running
(a second Mayus, or a test on another worker) has those files mapped in memory through
FreeType, and drawing a glyph from the emptied part kills it with SIGBUS ("Bus error").
So while customtkinter is imported, a copy that would change nothing is skipped, and any
other is written to a temporary file and renamed into place: a rename leaves the old file
whole for whoever still has it open.
"""

from __future__ import annotations

import contextlib
import filecmp
import os
import shutil
import sys
import tempfile
from typing import TypeAlias

from core import platforms

StrPath: TypeAlias = "str | os.PathLike[str]"


def import_customtkinter() -> None:
    """Import customtkinter (once per process) with its font copies made safe; elsewhere than Linux, plainly."""
    if "customtkinter" in sys.modules:
        return
    if not platforms.LINUX:
        import customtkinter

        return
    plain_copy = shutil.copy
    shutil.copy = install_font  # type: ignore[assignment]  # same contract, for the paths customtkinter passes
    try:
        import customtkinter  # noqa: F401
    finally:
        shutil.copy = plain_copy


def install_font(source: StrPath, destination: StrPath, *, follow_symlinks: bool = True) -> str:
    """shutil.copy's contract, made safe for files others have mapped: same content, nothing written;
    new content, a temporary file renamed over the old one. Returns the path of the copy."""
    source_path, folder = os.fspath(source), os.fspath(destination)
    target = os.path.join(folder, os.path.basename(source_path)) if os.path.isdir(folder) else folder
    if os.path.isfile(target) and filecmp.cmp(source_path, target, shallow=False):
        return target
    handle, temporary = tempfile.mkstemp(dir=os.path.dirname(target) or ".", prefix=".mayus-font-")
    os.close(handle)
    try:
        shutil.copyfile(source_path, temporary)
        shutil.copymode(source_path, temporary)
        os.replace(temporary, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
    return target
