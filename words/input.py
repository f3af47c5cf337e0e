"""What is wrong with a typed message (escapes, hex), in English and Spanish: the terminal and the window say it.

Keys are `input.<problem>` (core.input_modes.InputError.problem); {position} counts from 1.
"""

from __future__ import annotations

EN: dict[str, str] = {
    "input.escape_unknown": "Unknown escape {detail} at character {position}. Use \\r \\n \\t \\0 \\\\ \\xNN or "
    "\\u{{…}}; for a backslash, type \\\\.",
    "input.escape_unfinished": "A backslash ends the message at character {position}: type \\\\ for a backslash.",
    "input.escape_bad_byte": "{detail} at character {position} is not a byte: \\x takes two hex digits, as in \\x02.",
    "input.escape_bad_character": "{detail} at character {position} is not a character: write \\u{{f1}} for ñ.",
    "input.hex_not_a_digit": "{detail} at character {position} is not a hex digit (0-9, a-f).",
    "input.hex_odd": "The hex ends with half a byte at character {position} ({detail}): every byte is two digits.",
    "input.mode.text": "Text",
    "input.mode.escapes": "Escapes",
    "input.mode.hex": "Hex",
}

ES: dict[str, str] = {
    "input.escape_unknown": "Secuencia {detail} desconocida en el carácter {position}. Usa \\r \\n \\t \\0 \\\\ "
    "\\xNN o \\u{{…}}; para una barra invertida, escribe \\\\.",
    "input.escape_unfinished": "Una barra invertida termina el mensaje en el carácter {position}: escribe \\\\ "
    "para una barra.",
    "input.escape_bad_byte": "{detail} en el carácter {position} no es un byte: \\x lleva dos dígitos hexadecimales, "
    "como en \\x02.",
    "input.escape_bad_character": "{detail} en el carácter {position} no es un carácter: escribe \\u{{f1}} para ñ.",
    "input.hex_not_a_digit": "{detail} en el carácter {position} no es un dígito hexadecimal (0-9, a-f).",
    "input.hex_odd": "El hexadecimal acaba con medio byte en el carácter {position} ({detail}): cada byte son dos "
    "dígitos.",
    "input.mode.text": "Texto",
    "input.mode.escapes": "Escapes",
    "input.mode.hex": "Hex",
}
