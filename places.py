"""Where Mayus keeps its files on this computer: the user's config folder, as each system has it.

Linux ~/.config/Mayus, macOS ~/Library/Application Support/Mayus, Windows
%LOCALAPPDATA%\\Mayus. The window's settings, the certificate made for you and the pinned fingerprints live there;
the window (gui) and the terminal faces (cli) both ask here, so they share one folder.
"""

from __future__ import annotations

from pathlib import Path

import platformdirs

APP_NAME = "Mayus"
CERTIFICATE_FOLDER = "tls"  # the certificate made for you and its key (core/tls.py writes them)
PINS_FILE = "pins.json"  # the certificates the user trusts, by server (core/pins.py)


def config_folder() -> Path:
    """The user's config folder for Mayus (it may not exist yet)."""
    return platformdirs.user_config_path(APP_NAME, appauthor=False)


def certificate_folder() -> Path:
    """Where the certificate made for you is kept (created with the certificate, mode 0700)."""
    return config_folder() / CERTIFICATE_FOLDER


def pins_file() -> Path:
    """Where the fingerprints the user trusts are kept (core/pins.py)."""
    return config_folder() / PINS_FILE
