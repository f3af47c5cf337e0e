"""Errors and disconnect reasons, in English and Spanish: the terminal and the window both say these.

Error texts are keyed `error.<ErrorKind.value>` and disconnect reasons `reason.<DisconnectReason.value>`;
`{host}`, `{port}` and `{detail}` are filled in by the Translator.
"""

from __future__ import annotations

EN: dict[str, str] = {
    # errors, keyed by ErrorKind.value
    "error.port_in_use": "Port {port} is already in use on {host}. Stop the other program or pick another port.",
    "error.permission_denied": "Permission denied for {host}:{port}. Ports under 1024 need administrator rights; "
    "pick a port from 1024 up.",
    "error.address_not_available": "The address {host} does not belong to this computer.",
    "error.connection_refused": "Connection refused by {host}:{port}. Is a server running on that port?",
    "error.host_not_found": "Host {host} was not found. Check the name or use an IP address.",
    "error.timed_out": "No answer from {host}:{port} in time (timed out).",
    "error.connection_reset": "The connection with {host}:{port} was cut off by the other side (reset).",
    "error.too_many_open_files": "Too many open connections for this system (file limit reached).",
    "error.unexpected": "Unexpected network error with {host}:{port}: {detail}",
    # disconnect reasons, keyed by DisconnectReason.value
    "reason.requested": "requested disconnect",
    "reason.closed_by_peer": "closed by the other side",
    "reason.reset": "connection cut off (reset)",
    "reason.idle_timeout": "silent for too long",
    "reason.kicked": "disconnected by the server's user",
    "reason.server_stopped": "the server was stopped",
    "reason.connect_failed": "could not connect",
    "reason.no_close_from_server": "the server did not close after DESCONEXION",
    "reason.closed_locally": "closed by this program",
}

ES: dict[str, str] = {
    # errors, keyed by ErrorKind.value
    "error.port_in_use": "El puerto {port} ya está en uso en {host}. Cierra el otro programa o elige otro puerto.",
    "error.permission_denied": "Permiso denegado para {host}:{port}. Los puertos menores de 1024 requieren "
    "permisos de administrador; elige un puerto a partir de 1024.",
    "error.address_not_available": "La dirección {host} no pertenece a este equipo.",
    "error.connection_refused": "{host}:{port} rechazó la conexión. ¿Hay un servidor funcionando en ese puerto?",
    "error.host_not_found": "No se encontró el host {host}. Revisa el nombre o usa una dirección IP.",
    "error.timed_out": "{host}:{port} no respondió a tiempo (tiempo de espera agotado).",
    "error.connection_reset": "El otro lado cortó la conexión con {host}:{port} (reset).",
    "error.too_many_open_files": "Demasiadas conexiones abiertas para este sistema (límite de archivos alcanzado).",
    "error.unexpected": "Error de red inesperado con {host}:{port}: {detail}",
    # disconnect reasons, keyed by DisconnectReason.value
    "reason.requested": "desconexión solicitada",
    "reason.closed_by_peer": "cerrada por el otro lado",
    "reason.reset": "conexión cortada (reset)",
    "reason.idle_timeout": "demasiado tiempo en silencio",
    "reason.kicked": "desconectado por quien maneja el servidor",
    "reason.server_stopped": "se detuvo el servidor",
    "reason.connect_failed": "no se pudo conectar",
    "reason.no_close_from_server": "el servidor no cerró tras DESCONEXION",
    "reason.closed_locally": "cerrada por este programa",
}
