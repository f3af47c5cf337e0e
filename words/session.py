"""What a client session says in the terminal and the window alike, in English and Spanish."""

from __future__ import annotations

EN: dict[str, str] = {
    "session.word_answered": "The server answered DESCONEXION instead of closing the connection.",
    "session.word_answered_ending": "The server answered DESCONEXION instead of closing the connection. It went "
    "with a line ending ({ending}): a server that compares the exact text closes only on the word alone "
    "(line ending: none). The Disconnect button always works.",
    "session.unsolicited": "unsolicited",
    "session.more_bytes": "… {count} more bytes",
    "session.continued": "continued: more of the line above",
    "session.waiting": "{count} waiting for a reply · {seconds} s",
    "session.summarised": "{count} more entries ({size} bytes) not listed one by one (over {limit} a second); "
    "the counters stay exact.",
    "session.tls.secured": "secured with {version}; the server's certificate has SHA-256 fingerprint {fingerprint}",
    "session.tls.verify": "verified: an authority vouches for it and it names {host}",
    "session.tls.pin": "the certificate you trust",
    "session.tls.first_seen": "seen for the first time: compare the fingerprint with the one the server shows",
    "session.tls.insecure": "NOT verified: anyone in between could read or change what is sent",
}

ES: dict[str, str] = {
    "session.word_answered": "El servidor respondió a DESCONEXION en vez de cerrar la conexión.",
    "session.word_answered_ending": "El servidor respondió a DESCONEXION en vez de cerrar la conexión. Se envió "
    "con fin de línea ({ending}): un servidor que compara el texto exacto solo cierra con la palabra sola "
    "(fin de línea: ninguno). El botón Desconectar siempre funciona.",
    "session.unsolicited": "sin pedir",
    "session.more_bytes": "… {count} bytes más",
    "session.continued": "continuación: más de la línea de arriba",
    "session.waiting": "{count} esperando respuesta · {seconds} s",
    "session.summarised": "{count} entradas más ({size} bytes) sin listar una a una (más de {limit} por segundo); "
    "los contadores siguen siendo exactos.",
    "session.tls.secured": "protegida con {version}; el certificado del servidor tiene la huella SHA-256 {fingerprint}",
    "session.tls.verify": "verificado: una autoridad lo respalda y nombra a {host}",
    "session.tls.pin": "el certificado en el que confías",
    "session.tls.first_seen": "visto por primera vez: compara la huella con la que muestra el servidor",
    "session.tls.insecure": "NO verificado: cualquiera en medio podría leer o cambiar lo que se envía",
}
