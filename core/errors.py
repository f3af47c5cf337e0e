"""The one place that turns OSError into Mayus's own error names and plain words.

Errors say who was at fault: `LocalProtocolError` is misuse by this program (sending
before connecting, say); `NetworkError` is something the network or the peer did,
with an `ErrorKind`. No prose lives here: the terminal and the window both say an
error in the user's language from words/errors.py, keyed by the kind.
"""

from __future__ import annotations

import asyncio
import enum
import errno
import socket
from dataclasses import dataclass


class ErrorKind(enum.Enum):
    PORT_IN_USE = "port_in_use"
    PERMISSION_DENIED = "permission_denied"
    ADDRESS_NOT_AVAILABLE = "address_not_available"
    CONNECTION_REFUSED = "connection_refused"
    HOST_NOT_FOUND = "host_not_found"
    TIMED_OUT = "timed_out"
    CONNECTION_RESET = "connection_reset"
    TOO_MANY_OPEN_FILES = "too_many_open_files"
    UNEXPECTED = "unexpected"


@dataclass(frozen=True, slots=True)
class ErrorInfo:
    """What went wrong and where; `words` turns it into a sentence in the user's language."""

    kind: ErrorKind
    host: str
    port: int
    detail: str = ""  # the system's own text, for UNEXPECTED only

    def __str__(self) -> str:
        where = f" ({self.host}:{self.port})" if self.host else ""
        return f"{self.kind.value}{where}{': ' + self.detail if self.detail else ''}"


class MayusError(Exception):
    """Base of every error Mayus raises on purpose."""


class LocalProtocolError(MayusError):
    """This program used the API wrongly (the peer did nothing wrong)."""


class NetworkError(MayusError):
    """The network or the peer failed; `info` says how, in plain words."""

    def __init__(self, info: ErrorInfo) -> None:
        super().__init__(str(info))
        self.info = info


_ERRNO_KINDS: dict[int, ErrorKind] = {
    errno.EADDRINUSE: ErrorKind.PORT_IN_USE,
    errno.EACCES: ErrorKind.PERMISSION_DENIED,
    errno.EPERM: ErrorKind.PERMISSION_DENIED,
    errno.EADDRNOTAVAIL: ErrorKind.ADDRESS_NOT_AVAILABLE,
    errno.ECONNREFUSED: ErrorKind.CONNECTION_REFUSED,
    errno.ETIMEDOUT: ErrorKind.TIMED_OUT,
    errno.ECONNRESET: ErrorKind.CONNECTION_RESET,
    errno.ECONNABORTED: ErrorKind.CONNECTION_RESET,
    errno.EPIPE: ErrorKind.CONNECTION_RESET,
    errno.EMFILE: ErrorKind.TOO_MANY_OPEN_FILES,
    errno.ENFILE: ErrorKind.TOO_MANY_OPEN_FILES,
}
# Windows reports some of these under its own numbers.
_WINERROR_KINDS: dict[int, ErrorKind] = {
    10048: ErrorKind.PORT_IN_USE,
    10013: ErrorKind.PERMISSION_DENIED,
    10049: ErrorKind.ADDRESS_NOT_AVAILABLE,
    10061: ErrorKind.CONNECTION_REFUSED,
    10060: ErrorKind.TIMED_OUT,
    10054: ErrorKind.CONNECTION_RESET,
    10053: ErrorKind.CONNECTION_RESET,
}


def classify(exc: BaseException) -> ErrorKind:
    """Name the kind of a socket-level exception."""
    if isinstance(exc, socket.gaierror):
        return ErrorKind.HOST_NOT_FOUND
    # asyncio.TimeoutError is TimeoutError from Python 3.11 on, a class of its own before.
    if isinstance(exc, (TimeoutError, asyncio.TimeoutError)):
        return ErrorKind.TIMED_OUT
    if isinstance(exc, ConnectionRefusedError):
        return ErrorKind.CONNECTION_REFUSED
    if isinstance(exc, (ConnectionResetError, ConnectionAbortedError, BrokenPipeError)):
        return ErrorKind.CONNECTION_RESET
    if isinstance(exc, OSError):
        winerror = getattr(exc, "winerror", None)
        if winerror in _WINERROR_KINDS:
            return _WINERROR_KINDS[winerror]
        if exc.errno in _ERRNO_KINDS:
            return _ERRNO_KINDS[exc.errno]
        # asyncio's create_server/create_connection wrap errors of several
        # addresses in one OSError whose message names the first errno.
        text = str(exc).lower()
        if "address already in use" in text:
            return ErrorKind.PORT_IN_USE
        # Python 3.13 drops the errno when no address could be bound because none is ours.
        if "could not bind on any address" in text:
            return ErrorKind.ADDRESS_NOT_AVAILABLE
        if "connect call failed" in text or "refused" in text:
            return ErrorKind.CONNECTION_REFUSED
    return ErrorKind.UNEXPECTED


def error_info(exc: BaseException, host: str, port: int) -> ErrorInfo:
    """Turn an exception met while binding, connecting or talking to host:port into ErrorInfo."""
    kind = classify(exc)
    detail = "" if kind is not ErrorKind.UNEXPECTED else (str(exc) or type(exc).__name__)
    return ErrorInfo(kind, host, port, detail)
