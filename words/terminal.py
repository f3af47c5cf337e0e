"""What the terminal faces (serve, connect, send) say, in English and Spanish."""

from __future__ import annotations

EN: dict[str, str] = {
    "cli.error": "error: {error}",
    "cli.serve.listening": "listening on {address} (Ctrl+C stops)",
    "cli.serve.stopped": "server stopped",
    "cli.serve.cut": "… ({size} bytes)",
    "cli.serve.dropped": "… {count} log lines dropped (the output could not keep up)",
    "cli.serve.client_connected": "client #{client} connected from {address}",
    "cli.serve.client_disconnected": "client #{client} disconnected ({reason})",
    "cli.serve.received": "client #{client} -> {message}",
    "cli.serve.replied": "client #{client} <- {message}",
    "cli.serve.totals": "totals: {messages_in} messages in, {messages_out} replies, {bytes_in} bytes in, "
    "{bytes_out} bytes out, {refused} connections refused",
    "cli.connect.ready": "connected to {address}. Type a message and press Enter; Ctrl+D disconnects.",
    "cli.connect.late": "reply to #{number}",
    "cli.connect.still_waiting": "({count} waiting for a reply after {seconds} s; a reply shows here when it comes)",
    "cli.disconnected": "disconnected ({reason})",
    "cli.send.no_reply": "error: no reply to message {number} within {seconds} s",
    "cli.send.closed": "error: the connection ended before every message got a reply ({reason})",
    "cli.tls.pin_not_saved": "the fingerprint could not be saved in {file} ({reason}): it will be shown again",
}

ES: dict[str, str] = {
    "cli.error": "error: {error}",
    "cli.serve.listening": "escuchando en {address} (Ctrl+C detiene)",
    "cli.serve.stopped": "servidor detenido",
    "cli.serve.cut": "… ({size} bytes)",
    "cli.serve.dropped": "… {count} líneas del registro descartadas (la salida no daba abasto)",
    "cli.serve.client_connected": "cliente #{client} conectado desde {address}",
    "cli.serve.client_disconnected": "cliente #{client} desconectado ({reason})",
    "cli.serve.received": "cliente #{client} -> {message}",
    "cli.serve.replied": "cliente #{client} <- {message}",
    "cli.serve.totals": "totales: {messages_in} mensajes recibidos, {messages_out} respuestas, {bytes_in} bytes "
    "recibidos, {bytes_out} bytes enviados, {refused} conexiones rechazadas",
    "cli.connect.ready": "conectado a {address}. Escribe un mensaje y pulsa Intro; Ctrl+D desconecta.",
    "cli.connect.late": "respuesta a #{number}",
    "cli.connect.still_waiting": "({count} esperando respuesta tras {seconds} s; "
    "cada respuesta aparecerá aquí al llegar)",
    "cli.disconnected": "desconectado ({reason})",
    "cli.send.no_reply": "error: ninguna respuesta al mensaje {number} en {seconds} s",
    "cli.send.closed": "error: la conexión terminó antes de que todos los mensajes tuvieran respuesta ({reason})",
    "cli.tls.pin_not_saved": "no se pudo guardar la huella en {file} ({reason}): se volverá a mostrar",
}
