"""What machine a benchmark ran on, in the words both benches print at the top."""

from __future__ import annotations

import os
import platform
import shlex
from collections.abc import Sequence

import psutil

GIB = 1024**3


def cpu_model() -> str:
    """The processor's marketing name where Linux tells it, else what platform knows."""
    model = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as info:
            return next((line.split(":", 1)[1].strip() for line in info if line.startswith("model name")), model)
    except OSError:
        return model


def header_lines(module: str, argv: Sequence[str]) -> list[str]:
    """The command as a person would type it, and the cores, memory and system it ran on."""
    return [
        f"command: {shlex.join(['python', '-m', module, *argv])}",
        f"machine: {os.cpu_count()} cores ({cpu_model()}), {psutil.virtual_memory().total / GIB:.0f} GiB, "
        f"{platform.platform()}",
    ]
