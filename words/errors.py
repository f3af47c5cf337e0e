"""Errors and disconnect reasons, in English and Spanish: the terminal and the window both say these.

Error texts are keyed `error.<ErrorKind.value>` and disconnect reasons `reason.<DisconnectReason.value>`;
`{address}` (host:port, [::1]:port for IPv6), `{host}`, `{port}` and `{detail}` are filled in by the Translator.
"""

from __future__ import annotations

EN: dict[str, str] = {
    # errors, keyed by ErrorKind.value
    "error.port_in_use": "Port {port} is already in use on {host}. Stop the other program or pick another port.",
    "error.permission_denied": "Permission denied for {address}. Ports under 1024 need administrator rights; "
    "pick a port from 1024 up.",
    "error.address_not_available": "The address {host} does not belong to this computer.",
    "error.connection_refused": "Connection refused by {address}. Is a server running on that port?",
    "error.host_not_found": "Host {host} was not found. Check the name or use an IP address.",
    "error.timed_out": "No answer from {address} in time (timed out).",
    "error.connection_reset": "The connection with {address} was cut off by the other side (reset).",
    "error.too_many_open_files": "Too many open connections for this system (file limit reached).",
    "error.unexpected": "Unexpected network error with {address}: {detail}",
    "error.server_process_ended": "The server on {address} stopped without being asked: its process ended. "
    "Start it again.",
    # TLS errors, keyed by ErrorKind.value too
    "error.plain_to_tls": "{address}: the server uses TLS but the client does not. "
    "Turn TLS on in the client, or off in the server.",
    "error.tls_to_plain": "{address}: the client uses TLS but the server does not (plain TCP). "
    "Turn TLS off in the client, or on in the server.",
    "error.cert_self_signed": "The certificate of {address} is self-signed: no authority vouches for it. "
    'If you trust this server, connect with "trust this certificate" and compare the fingerprint.',
    "error.cert_untrusted": "The certificate of {address} is not trusted ({detail}). "
    'If you trust this server, connect with "trust this certificate" and compare the fingerprint.',
    "error.cert_name_mismatch": "The certificate of {address} does not name {host}. "
    'Connect with a name the certificate lists, or with "trust this certificate".',
    "error.cert_expired": "The certificate of {address} is out of date (expired, or not valid yet). "
    "Check the date on both computers, or renew the certificate.",
    "error.fingerprint_changed": "The certificate of {address} is not the one you trusted: its fingerprint is "
    "now {detail}. If the server made a new certificate, compare and trust it again; if not, someone may be in "
    "between.",
    "error.cert_refused_by_peer": "{address} refused the certificate during the TLS handshake ({detail}).",
    "error.tls_client_hung_up": "The client at {address} hung up during the TLS handshake. "
    "It may not trust this server's certificate, or it may not speak TLS.",
    "error.tls_handshake_timed_out": "The TLS handshake with {address} did not finish in time. "
    "The other side may not speak TLS: use TLS on both sides or on neither.",
    "error.tls_failed": "The secure connection (TLS) with {address} failed: {detail}",
    "error.cert_file_missing": "The file {detail} does not exist. Check the paths of the certificate and the key.",
    "error.cert_file_unreadable": "The file {detail} cannot be read as a PEM certificate or key (a key protected "
    "by a password cannot be used). Check the path and the file's permissions.",
    "error.cert_key_mismatch": "The key is not the one of the certificate {detail}. Give the key made with it.",
    "error.cert_not_saved": "The TLS certificate could not be saved in {detail}. Check that the folder is writable.",
    # disconnect reasons, keyed by DisconnectReason.value
    "reason.requested": "requested disconnect",
    "reason.closed_by_peer": "closed by the other side",
    "reason.reset": "connection cut off (reset)",
    "reason.idle_timeout": "silent for too long",
    "reason.kicked": "disconnected by the server's user",
    "reason.server_stopped": "the server was stopped",
    "reason.connect_failed": "could not connect",
    "reason.tls_failed": "TLS failed",
    "reason.no_close_from_server": "the server did not close after DESCONEXION",
    "reason.closed_locally": "closed by this program",
}

ES: dict[str, str] = {
    # errors, keyed by ErrorKind.value
    "error.port_in_use": "El puerto {port} ya está en uso en {host}. Cierra el otro programa o elige otro puerto.",
    "error.permission_denied": "Permiso denegado para {address}. Los puertos menores de 1024 requieren "
    "permisos de administrador; elige un puerto a partir de 1024.",
    "error.address_not_available": "La dirección {host} no pertenece a este equipo.",
    "error.connection_refused": "{address} rechazó la conexión. ¿Hay un servidor funcionando en ese puerto?",
    "error.host_not_found": "No se encontró el host {host}. Revisa el nombre o usa una dirección IP.",
    "error.timed_out": "{address} no respondió a tiempo (tiempo de espera agotado).",
    "error.connection_reset": "El otro lado cortó la conexión con {address} (reset).",
    "error.too_many_open_files": "Demasiadas conexiones abiertas para este sistema (límite de archivos alcanzado).",
    "error.unexpected": "Error de red inesperado con {address}: {detail}",
    "error.server_process_ended": "El servidor en {address} se detuvo sin que se le pidiera: su proceso terminó. "
    "Vuelve a iniciarlo.",
    # errores de TLS, también por ErrorKind.value
    "error.plain_to_tls": "{address}: el servidor usa TLS pero el cliente no. "
    "Activa TLS en el cliente o desactívalo en el servidor.",
    "error.tls_to_plain": "{address}: el cliente usa TLS pero el servidor no (TCP simple). "
    "Desactiva TLS en el cliente o actívalo en el servidor.",
    "error.cert_self_signed": "El certificado de {address} es autofirmado: ninguna autoridad lo respalda. "
    "Si confías en este servidor, conéctate con «confiar en este certificado» y compara la huella.",
    "error.cert_untrusted": "El certificado de {address} no es de confianza ({detail}). "
    "Si confías en este servidor, conéctate con «confiar en este certificado» y compara la huella.",
    "error.cert_name_mismatch": "El certificado de {address} no nombra a {host}. "
    "Conéctate con un nombre que figure en el certificado, o con «confiar en este certificado».",
    "error.cert_expired": "El certificado de {address} está fuera de fecha (caducado o aún no válido). "
    "Revisa la fecha de los dos equipos o renueva el certificado.",
    "error.fingerprint_changed": "El certificado de {address} no es el que aceptaste: su huella ahora es "
    "{detail}. Si el servidor creó un certificado nuevo, compáralo y vuelve a confiar en él; si no, puede haber "
    "alguien en medio.",
    "error.cert_refused_by_peer": "{address} rechazó el certificado durante el saludo TLS ({detail}).",
    "error.tls_client_hung_up": "El cliente en {address} colgó durante el saludo TLS. "
    "Puede que no confíe en el certificado de este servidor, o que no use TLS.",
    "error.tls_handshake_timed_out": "El saludo TLS con {address} no terminó a tiempo. "
    "Puede que el otro lado no use TLS: usa TLS en los dos lados o en ninguno.",
    "error.tls_failed": "Falló la conexión segura (TLS) con {address}: {detail}",
    "error.cert_file_missing": "El archivo {detail} no existe. Revisa las rutas del certificado y de la clave.",
    "error.cert_file_unreadable": "El archivo {detail} no se puede leer como certificado o clave PEM (no sirve una "
    "clave protegida con contraseña). Revisa la ruta y los permisos del archivo.",
    "error.cert_key_mismatch": "La clave no es la del certificado {detail}. Indica la clave creada con él.",
    "error.cert_not_saved": "No se pudo guardar el certificado TLS en {detail}. Comprueba que se puede escribir "
    "en la carpeta.",
    # disconnect reasons, keyed by DisconnectReason.value
    "reason.requested": "desconexión solicitada",
    "reason.closed_by_peer": "cerrada por el otro lado",
    "reason.reset": "conexión cortada (reset)",
    "reason.idle_timeout": "demasiado tiempo en silencio",
    "reason.kicked": "desconectado por quien maneja el servidor",
    "reason.server_stopped": "se detuvo el servidor",
    "reason.connect_failed": "no se pudo conectar",
    "reason.tls_failed": "falló TLS",
    "reason.no_close_from_server": "el servidor no cerró tras DESCONEXION",
    "reason.closed_locally": "cerrada por este programa",
}
