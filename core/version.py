"""Mayus's version, as installed (pip install -e . in a checkout), or "dev" when it is not installed."""

from __future__ import annotations

import functools
from importlib import metadata

DISTRIBUTION = "mayus"


@functools.cache
def app_version() -> str:
    try:
        return metadata.version(DISTRIBUTION)
    except metadata.PackageNotFoundError:
        return "dev"
