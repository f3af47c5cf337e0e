"""Every word Mayus shows, in English and Spanish, for the terminal and the window alike (no Tk here)."""

from words.tables import FALLBACK_LANGUAGE, LANGUAGE_NAMES, LANGUAGES, TABLES
from words.translator import Translator, detect_os_language

__all__ = ["FALLBACK_LANGUAGE", "LANGUAGES", "LANGUAGE_NAMES", "TABLES", "Translator", "detect_os_language"]
