"""The few fonts the window uses, made once per window (Tk fonts need a root)."""

from __future__ import annotations

import tkinter.font
from dataclasses import dataclass
from typing import Any

from gui.toolkit import ctk


@dataclass(frozen=True)
class Fonts:
    title: Any
    heading: Any
    body: Any
    small: Any
    value: Any  # the counters' numbers
    mono: Any  # the conversation log and the last reply
    reply: Any
    table: tkinter.font.Font

    @classmethod
    def create(cls) -> Fonts:
        # The OS's own monospace family: timestamps and arrows line up in the log.
        mono = tkinter.font.nametofont("TkFixedFont").actual("family")
        body = ctk.CTkFont(size=13)
        return cls(
            title=ctk.CTkFont(size=20, weight="bold"),
            heading=ctk.CTkFont(size=15, weight="bold"),
            body=body,
            small=ctk.CTkFont(size=12),
            value=ctk.CTkFont(size=16, weight="bold"),
            mono=ctk.CTkFont(family=mono, size=12),
            reply=ctk.CTkFont(family=mono, size=15, weight="bold"),
            table=tkinter.font.Font(family=body.cget("family"), size=-13),
        )
