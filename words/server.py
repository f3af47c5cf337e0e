"""What the server says about itself in the terminal and the window alike, in English and Spanish."""

from __future__ import annotations

EN: dict[str, str] = {
    "server.capacity": "at most {clients} clients at once (open-file limit {limit})",
    "server.capacity_unknown": "at most {clients} clients at once",
    "server.accept_paused": "no file descriptor left: new clients wait until one frees up ({count} accepts "
    "failed); the clients already connected are still served",
}

ES: dict[str, str] = {
    "server.capacity": "como mucho {clients} clientes a la vez (límite de archivos abiertos {limit})",
    "server.capacity_unknown": "como mucho {clients} clientes a la vez",
    "server.accept_paused": "no quedan descriptores de archivo: los clientes nuevos esperan a que se libere uno "
    "({count} aceptaciones fallidas); los clientes ya conectados siguen atendidos",
}
