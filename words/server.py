"""What the server says about itself in the terminal and the window alike, in English and Spanish."""

from __future__ import annotations

EN: dict[str, str] = {
    "server.capacity": "at most {clients} clients at once (open-file limit {limit})",
    "server.capacity_unknown": "at most {clients} clients at once",
    "server.accept_paused": "no file descriptor left: new clients wait until one frees up ({count} accepts "
    "failed); the clients already connected are still served",
    "server.tls.identity": "TLS: {origin}; SHA-256 fingerprint {fingerprint}, valid until {date}",
    "server.tls.origin.created": "a certificate was made for you in {folder}",
    "server.tls.origin.renewed": "the certificate made for you was renewed, in {folder}",
    "server.tls.origin.replaced": "the certificate made for you was damaged and made anew, in {folder}",
    "server.tls.origin.kept": "the certificate made for you in {folder}",
    "server.tls.origin.user": "your certificate {file}",
}

ES: dict[str, str] = {
    "server.capacity": "como mucho {clients} clientes a la vez (límite de archivos abiertos {limit})",
    "server.capacity_unknown": "como mucho {clients} clientes a la vez",
    "server.accept_paused": "no quedan descriptores de archivo: los clientes nuevos esperan a que se libere uno "
    "({count} aceptaciones fallidas); los clientes ya conectados siguen atendidos",
    "server.tls.identity": "TLS: {origin}; huella SHA-256 {fingerprint}, válido hasta {date}",
    "server.tls.origin.created": "se creó un certificado para ti en {folder}",
    "server.tls.origin.renewed": "el certificado creado para ti se renovó, en {folder}",
    "server.tls.origin.replaced": "el certificado creado para ti estaba dañado y se creó de nuevo, en {folder}",
    "server.tls.origin.kept": "el certificado creado para ti en {folder}",
    "server.tls.origin.user": "tu certificado {file}",
}
