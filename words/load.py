"""The load test's words, in English and Spanish: the `load` face says these, and the window may too.

`load.error.<kind>` names each error kind of core.load.ERROR_KINDS; `load.phase.<phase>` each phase.
"""

from __future__ import annotations

EN: dict[str, str] = {
    "load.start": "Load test of {address}: {clients} clients, {bound}, {size}-byte messages, "
    "{in_flight} in flight each, {payload} text",
    "load.bound.messages": "{messages} messages",
    "load.bound.duration": "{seconds} s",
    "load.payload.spanish": "Spanish",
    "load.payload.ascii": "ASCII",
    "load.phase.starting": "starting",
    "load.phase.connecting": "connecting",
    "load.phase.running": "running",
    "load.phase.finishing": "finishing",
    "load.phase.done": "done",
    "load.progress": "{elapsed} s {phase}: {connected} connected, {messages} messages, {rate} msg/s, "
    "p50 {p50} ms, p99 {p99} ms, {errors} errors, {remaining} left",
    "load.remaining.seconds": "{seconds} s",
    "load.remaining.messages": "{messages} messages",
    "load.summary.title": "Summary",
    "load.summary.messages": "messages: {messages} in {seconds} s, {rate} per second",
    "load.summary.latency": "latency: p50 {p50} ms, p95 {p95} ms, p99 {p99} ms, max {max} ms",
    "load.summary.connected": "connections opened: {connected} of {clients}",
    "load.summary.errors": "errors: {errors}",
    "load.summary.no_errors": "errors: none",
    "load.summary.cancelled": "cancelled: these numbers count what was done until then",
    "load.error.mismatch": "mismatched reply",
    "load.error.reset": "reset",
    "load.error.timeout": "timeout",
    "load.error.refused": "refused",
    "load.error.closed": "closed early",
    "load.error.worker": "load process failed",
    "load.mismatch.title": "first mismatched reply (first wrong byte: {offset}):",
    "load.mismatch.sent": "sent ({length} bytes)",
    "load.mismatch.expected": "expected",
    "load.mismatch.received": "received ({length} bytes)",
    "load.failed": "error: the load test could not run: {detail}",
}

ES: dict[str, str] = {
    "load.start": "Prueba de carga de {address}: {clients} clientes, {bound}, mensajes de {size} bytes, "
    "{in_flight} en vuelo por cliente, texto {payload}",
    "load.bound.messages": "{messages} mensajes",
    "load.bound.duration": "{seconds} s",
    "load.payload.spanish": "en español",
    "load.payload.ascii": "ASCII",
    "load.phase.starting": "arrancando",
    "load.phase.connecting": "conectando",
    "load.phase.running": "en marcha",
    "load.phase.finishing": "terminando",
    "load.phase.done": "terminada",
    "load.progress": "{elapsed} s {phase}: {connected} conectados, {messages} mensajes, {rate} msj/s, "
    "p50 {p50} ms, p99 {p99} ms, {errors} errores, faltan {remaining}",
    "load.remaining.seconds": "{seconds} s",
    "load.remaining.messages": "{messages} mensajes",
    "load.summary.title": "Resumen",
    "load.summary.messages": "mensajes: {messages} en {seconds} s, {rate} por segundo",
    "load.summary.latency": "latencia: p50 {p50} ms, p95 {p95} ms, p99 {p99} ms, máx. {max} ms",
    "load.summary.connected": "conexiones abiertas: {connected} de {clients}",
    "load.summary.errors": "errores: {errors}",
    "load.summary.no_errors": "errores: ninguno",
    "load.summary.cancelled": "cancelada: estas cifras cuentan lo hecho hasta entonces",
    "load.error.mismatch": "respuesta distinta",
    "load.error.reset": "reset",
    "load.error.timeout": "sin respuesta a tiempo",
    "load.error.refused": "rechazada",
    "load.error.closed": "cerrada antes de tiempo",
    "load.error.worker": "falló un proceso de carga",
    "load.mismatch.title": "primera respuesta distinta (primer byte erróneo: {offset}):",
    "load.mismatch.sent": "enviado ({length} bytes)",
    "load.mismatch.expected": "esperado",
    "load.mismatch.received": "recibido ({length} bytes)",
    "load.failed": "error: la prueba de carga no pudo hacerse: {detail}",
}
