"""Put Mayus in the Linux applications menu, or take it out: `make desktop`, `make undesktop`.

`install` writes applications/mayus.desktop from packaging/mayus.desktop.in, with this checkout's interpreter and
main.py filled in, and the icon as icons/hicolor/SIZExSIZE/apps/mayus.png, all under $XDG_DATA_HOME
(~/.local/share by default). Desktops watch those folders: the entry shows up without logging out.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
TEMPLATE = REPO / "packaging" / "mayus.desktop.in"
ASSETS = REPO / "gui" / "assets"
APP_ID = "mayus"  # the .desktop file's name and the icon's name


def data_home() -> Path:
    value = os.environ.get("XDG_DATA_HOME", "")
    # The XDG spec says a relative value is invalid and must be ignored.
    return Path(value) if value and Path(value).is_absolute() else Path.home() / ".local" / "share"


def desktop_file(home: Path) -> Path:
    return home / "applications" / f"{APP_ID}.desktop"


def icon_file(home: Path, size: int) -> Path:
    return home / "icons" / "hicolor" / f"{size}x{size}" / "apps" / f"{APP_ID}.png"


def shipped_icons() -> dict[int, Path]:
    """Every size of the icon in gui/assets (mayus-SIZE.png), by size."""
    return {int(path.stem.rpartition("-")[2]): path for path in ASSETS.glob("mayus-*.png")}


def string_value(text: str) -> str:
    """Text as a string value of a desktop file (the spec's escapes: backslash, and no raw line breaks)."""
    if any(char in text for char in "\n\r"):
        raise ValueError(f"a desktop entry cannot hold a line break: {text!r}")
    return text.replace("\\", "\\\\")


def exec_argument(argument: str) -> str:
    """One argument of the Exec line: always quoted, so paths with spaces or symbols survive."""
    quoted = '"' + re.sub(r'(["`$\\])', r"\\\1", argument) + '"'
    # The quoting rule applies after the string-value escapes; a lone % would start a field code.
    return string_value(quoted).replace("%", "%%")


def render(template: str, python: Path, main: Path) -> str:
    command = " ".join(exec_argument(str(path)) for path in (python, main))
    return template.replace("@TRYEXEC@", string_value(str(python))).replace("@EXEC@", command)


def install(home: Path, python: Path) -> list[Path]:
    entry = desktop_file(home)
    entry.parent.mkdir(parents=True, exist_ok=True)
    entry.write_text(render(TEMPLATE.read_text(encoding="utf-8"), python, REPO / "main.py"), encoding="utf-8")
    written = [entry]
    for size, source in shipped_icons().items():
        target = icon_file(home, size)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)
        written.append(target)
    return written


def uninstall(home: Path) -> list[Path]:
    removed: list[Path] = []
    # Every size found, not only today's: an icon size dropped since the install is removed too.
    for path in (desktop_file(home), *(home / "icons" / "hicolor").glob(f"*/apps/{APP_ID}.png")):
        if path.is_file():
            path.unlink()
            removed.append(path)
    return removed


def main() -> int:
    parser = argparse.ArgumentParser(description="Add Mayus to the applications menu, or remove it.")
    parser.add_argument("action", choices=("install", "uninstall"))
    parser.add_argument(
        "--python",
        type=Path,
        default=Path(sys.executable),  # the venv's own path, not resolved: resolving would leave the venv
        help="the interpreter the menu entry runs main.py with (default: the one running this script)",
    )
    args = parser.parse_args()
    home = data_home()
    # Windows and macOS have no freedesktop.org menu. (A script run by path, before the app is importable: it
    # checks sys.platform itself rather than asking core.platforms.)
    if args.action == "install" and not sys.platform.startswith("linux"):
        print("the applications menu entry is for Linux desktops; on Windows and macOS, `make app` builds a file")
        return 1
    if args.action == "install":
        written = install(home, args.python.absolute())
        print(f"Mayus is in the applications menu: {written[0]}")
        print(f"(runs {args.python.absolute()} {REPO / 'main.py'}; `make undesktop` removes it)")
    else:
        removed = uninstall(home)
        print(f"removed {len(removed)} file(s)" if removed else "Mayus was not in the applications menu")
    return 0


if __name__ == "__main__":
    sys.exit(main())
