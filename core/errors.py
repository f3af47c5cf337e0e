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
import ssl
from dataclasses import dataclass

from core.addresses import join_host_port


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
    SERVER_PROCESS_ENDED = "server_process_ended"  # the window's server process died (core/server_process.py)
    # TLS: one end speaks TLS and the other does not
    PLAIN_TO_TLS = "plain_to_tls"  # a plain TCP client met a TLS server
    TLS_TO_PLAIN = "tls_to_plain"  # a TLS client met a plain TCP server
    # TLS: the server's certificate, as the client judges it
    CERT_SELF_SIGNED = "cert_self_signed"
    CERT_UNTRUSTED = "cert_untrusted"
    CERT_NAME_MISMATCH = "cert_name_mismatch"
    CERT_EXPIRED = "cert_expired"
    FINGERPRINT_CHANGED = "fingerprint_changed"
    # TLS: other handshake failures
    CERT_REFUSED_BY_PEER = "cert_refused_by_peer"  # the other end sent an alert about a certificate
    TLS_CLIENT_HUNG_UP = "tls_client_hung_up"  # seen by a server: the client left during the handshake
    TLS_HANDSHAKE_TIMED_OUT = "tls_handshake_timed_out"
    TLS_FAILED = "tls_failed"
    # TLS: the certificate and key files
    CERT_FILE_MISSING = "cert_file_missing"
    CERT_FILE_UNREADABLE = "cert_file_unreadable"
    CERT_KEY_MISMATCH = "cert_key_mismatch"
    CERT_NOT_SAVED = "cert_not_saved"

    @property
    def is_tls(self) -> bool:
        """True for the kinds that only TLS can cause (a mismatch, a certificate, a handshake, a file)."""
        return self in _TLS_KINDS


# What only TLS can cause (ErrorKind.is_tls).
_TLS_KINDS = frozenset(
    {
        ErrorKind.PLAIN_TO_TLS,
        ErrorKind.TLS_TO_PLAIN,
        ErrorKind.CERT_SELF_SIGNED,
        ErrorKind.CERT_UNTRUSTED,
        ErrorKind.CERT_NAME_MISMATCH,
        ErrorKind.CERT_EXPIRED,
        ErrorKind.FINGERPRINT_CHANGED,
        ErrorKind.CERT_REFUSED_BY_PEER,
        ErrorKind.TLS_CLIENT_HUNG_UP,
        ErrorKind.TLS_HANDSHAKE_TIMED_OUT,
        ErrorKind.TLS_FAILED,
        ErrorKind.CERT_FILE_MISSING,
        ErrorKind.CERT_FILE_UNREADABLE,
        ErrorKind.CERT_KEY_MISMATCH,
        ErrorKind.CERT_NOT_SAVED,
    }
)


@dataclass(frozen=True, slots=True)
class ErrorInfo:
    """What went wrong and where; `words` turns it into a sentence in the user's language."""

    kind: ErrorKind
    host: str
    port: int
    detail: str = ""  # the system's own text, for UNEXPECTED only

    def __str__(self) -> str:
        where = f" ({join_host_port(self.host, self.port)})" if self.host else ""
        return f"{self.kind.value}{where}{': ' + self.detail if self.detail else ''}"

    def word_values(self) -> dict[str, str | int]:
        """What fills the sentence `error.<kind>`: {address} ([::1]:5000 for IPv6), {host}, {port}, {detail}."""
        return {
            "address": join_host_port(self.host, self.port),
            "host": self.host,
            "port": self.port,
            "detail": self.detail,
        }


class MayusError(Exception):
    """Base of every error Mayus raises on purpose."""


class LocalProtocolError(MayusError):
    """This program used the API wrongly (the peer did nothing wrong)."""


class NetworkError(MayusError):
    """The network or the peer failed; `info` says how, in plain words."""

    def __init__(self, info: ErrorInfo) -> None:
        super().__init__(str(info))
        self.info = info


class Side(enum.Enum):
    """Which end of a connection saw an error: some TLS failures read differently from each end."""

    CLIENT = "client"
    SERVER = "server"


class TlsMismatch(MayusError):
    """A plain TCP end read a TLS record from its peer: one end speaks TLS and the other does not."""

    def __init__(self, seen_by: Side) -> None:
        super().__init__(f"the {seen_by.value} read TLS on a plain TCP connection")
        self.seen_by = seen_by


class FingerprintChanged(MayusError):
    """The server presented a certificate whose fingerprint is not the pinned one."""

    def __init__(self, expected: str, actual: str) -> None:
        super().__init__(f"certificate fingerprint {actual}, pinned {expected}")
        self.expected = expected
        self.actual = actual


class CertificateFileError(MayusError):
    """A certificate or key file cannot be used; `path` names it (or the folder, for CertificateNotSaved)."""

    def __init__(self, path: str) -> None:
        super().__init__(path)
        self.path = path


class CertificateFileMissing(CertificateFileError):
    pass


class CertificateFileUnreadable(CertificateFileError):
    pass


class KeyDoesNotMatch(CertificateFileError):
    pass


class CertificateNotSaved(CertificateFileError):
    pass


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


# OpenSSL's X509_V_ERR_* codes, as ssl.SSLCertVerificationError.verify_code gives them.
_VERIFY_CODE_KINDS: dict[int, ErrorKind] = {
    9: ErrorKind.CERT_EXPIRED,  # CERT_NOT_YET_VALID
    10: ErrorKind.CERT_EXPIRED,  # CERT_HAS_EXPIRED
    18: ErrorKind.CERT_SELF_SIGNED,  # DEPTH_ZERO_SELF_SIGNED_CERT
    19: ErrorKind.CERT_SELF_SIGNED,  # SELF_SIGNED_CERT_IN_CHAIN
    20: ErrorKind.CERT_UNTRUSTED,  # UNABLE_TO_GET_ISSUER_CERT_LOCALLY
    21: ErrorKind.CERT_UNTRUSTED,  # UNABLE_TO_VERIFY_LEAF_SIGNATURE
    62: ErrorKind.CERT_NAME_MISMATCH,  # HOSTNAME_MISMATCH
    64: ErrorKind.CERT_NAME_MISMATCH,  # IP_ADDRESS_MISMATCH
}
# OpenSSL's reasons (ssl.SSLError.reason) when the first bytes from the other end are not TLS: text,
# an HTTP request, or (UNEXPECTED_MESSAGE) an echo server sending our own ClientHello back.
_NOT_TLS_REASONS = frozenset(
    {
        "WRONG_VERSION_NUMBER",
        "HTTP_REQUEST",
        "HTTPS_PROXY_REQUEST",
        "UNKNOWN_PROTOCOL",
        "PACKET_LENGTH_TOO_LONG",
        "UNEXPECTED_MESSAGE",
    }
)
# Alerts the other end sends when it will not accept a certificate (ours, or a missing one).
_CERT_ALERT_REASONS = frozenset(
    {
        "TLSV1_ALERT_UNKNOWN_CA",
        "SSLV3_ALERT_BAD_CERTIFICATE",
        "SSLV3_ALERT_CERTIFICATE_UNKNOWN",
        "SSLV3_ALERT_CERTIFICATE_EXPIRED",
        "SSLV3_ALERT_CERTIFICATE_REVOKED",
        "SSLV3_ALERT_UNSUPPORTED_CERTIFICATE",
        "TLSV13_ALERT_CERTIFICATE_REQUIRED",
    }
)
_FILE_KINDS: dict[type[CertificateFileError], ErrorKind] = {
    CertificateFileMissing: ErrorKind.CERT_FILE_MISSING,
    CertificateFileUnreadable: ErrorKind.CERT_FILE_UNREADABLE,
    KeyDoesNotMatch: ErrorKind.CERT_KEY_MISMATCH,
    CertificateNotSaved: ErrorKind.CERT_NOT_SAVED,
}


def _tls_kind(exc: BaseException, handshake: Side | None) -> ErrorKind | None:
    """The kind of a TLS failure, or None when `exc` is not one."""
    if isinstance(exc, FingerprintChanged):
        return ErrorKind.FINGERPRINT_CHANGED
    if isinstance(exc, TlsMismatch):
        return ErrorKind.PLAIN_TO_TLS if exc.seen_by is Side.CLIENT else ErrorKind.TLS_TO_PLAIN
    if isinstance(exc, CertificateFileError):
        return _FILE_KINDS[type(exc)]
    if isinstance(exc, ssl.SSLCertVerificationError):
        return _VERIFY_CODE_KINDS.get(exc.verify_code, ErrorKind.CERT_UNTRUSTED)
    if isinstance(exc, ssl.SSLError):
        if exc.reason in _NOT_TLS_REASONS:
            # Garbage where a handshake was due: a server got plain text, a client got a plain answer.
            return ErrorKind.PLAIN_TO_TLS if handshake is Side.SERVER else ErrorKind.TLS_TO_PLAIN
        if exc.reason in _CERT_ALERT_REASONS:
            return ErrorKind.CERT_REFUSED_BY_PEER
        if isinstance(exc, ssl.SSLEOFError) and handshake is not None:
            return ErrorKind.TLS_TO_PLAIN if handshake is Side.CLIENT else ErrorKind.TLS_CLIENT_HUNG_UP
        return ErrorKind.TLS_FAILED
    if handshake is not None and isinstance(exc, OSError) and exc.errno is None:
        # asyncio's own markers, raised without an errno: ConnectionResetError() when the connection
        # ended during the handshake, ConnectionAbortedError when ssl_handshake_timeout ran out.
        if isinstance(exc, ConnectionResetError):
            return ErrorKind.TLS_TO_PLAIN if handshake is Side.CLIENT else ErrorKind.TLS_CLIENT_HUNG_UP
        if isinstance(exc, ConnectionAbortedError):
            return ErrorKind.TLS_HANDSHAKE_TIMED_OUT
    return None


def classify(exc: BaseException, *, handshake: Side | None = None) -> ErrorKind:
    """Name the kind of a socket-level or TLS exception.

    `handshake` says which side's TLS handshake raised `exc` (a client's `open_connection(ssl=...)`, a
    server's `start_tls`), if one did: a connection that ends during a handshake, or an answer that is not
    TLS, means something different to each side. Leave it None for everything else.
    """
    tls_kind = _tls_kind(exc, handshake)
    if tls_kind is not None:
        return tls_kind
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


def _detail(exc: BaseException, kind: ErrorKind) -> str:
    """What fills {detail} in the sentence of `kind`: empty for the kinds that say all without it."""
    if isinstance(exc, CertificateFileError):
        return exc.path
    if isinstance(exc, FingerprintChanged):
        return exc.actual
    if isinstance(exc, ssl.SSLCertVerificationError) and kind is ErrorKind.CERT_UNTRUSTED:
        return exc.verify_message or str(exc)
    if isinstance(exc, ssl.SSLError) and kind in (ErrorKind.CERT_REFUSED_BY_PEER, ErrorKind.TLS_FAILED):
        # OpenSSL's reason reads as its own message does: SSLV3_ALERT_BAD_CERTIFICATE, "sslv3 alert bad certificate".
        return exc.reason.lower().replace("_", " ") if exc.reason else str(exc)
    if kind is ErrorKind.UNEXPECTED:
        return str(exc) or type(exc).__name__
    return ""


def error_info(exc: BaseException, host: str, port: int, *, handshake: Side | None = None) -> ErrorInfo:
    """Turn an exception met while binding, connecting or talking to host:port into ErrorInfo.

    `handshake`: as for `classify`, the side whose TLS handshake raised `exc`, if one did.
    """
    kind = classify(exc, handshake=handshake)
    return ErrorInfo(kind, host, port, _detail(exc, kind))
