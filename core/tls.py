"""TLS building blocks: a certificate made for you, fingerprints, contexts, and the check after a handshake.

No Tk and no platformdirs: the caller passes the folder to keep the certificate in. The `cryptography`
package is imported inside the functions that make or read certificates, so importing this module (and
starting the window) does not pay for it; fingerprints, contexts and the peer check need only `ssl`.

Errors are the ones core/errors.py names (`classify` turns them into an `ErrorKind`):
`CertificateFileMissing`, `CertificateFileUnreadable`, `KeyDoesNotMatch` and `CertificateNotSaved` for
files, `FingerprintChanged` when a pinned certificate is not the one presented, `TlsMismatch` when a
plain TCP end reads a TLS record. Failed handshakes raise `ssl` and asyncio's own exceptions; classify
them with `classify(exc, handshake=Side.CLIENT)` (or `Side.SERVER`).
"""

from __future__ import annotations

import contextlib
import enum
import hashlib
import ipaddress
import os
import socket
import ssl
import tempfile
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Protocol, TypeAlias

from core import platforms
from core.errors import (
    CertificateFileMissing,
    CertificateFileUnreadable,
    CertificateNotSaved,
    FingerprintChanged,
    KeyDoesNotMatch,
    Side,
    TlsMismatch,
)

if TYPE_CHECKING:  # only for annotations: the real imports happen inside the functions
    from cryptography import x509
    from cryptography.hazmat.primitives.asymmetric.types import PrivateKeyTypes

CERT_FILE_NAME = "mayus-cert.pem"
KEY_FILE_NAME = "mayus-key.pem"
VALIDITY = timedelta(days=365)
# A certificate this close to its end is renewed at start, so a server started today does not
# present an expired certificate next week.
RENEW_MARGIN = timedelta(days=7)
# Made-for-you certificates start a little in the past: a client whose clock is a few minutes
# behind the server's would otherwise read a brand-new certificate as "not valid yet".
BACKDATE = timedelta(hours=1)
KEY_FILE_MODE = 0o600  # owner may read and write; nobody else may even read
MINIMUM_VERSION = ssl.TLSVersion.TLSv1_2
LOOPBACK_NAMES = ("localhost",)
LOOPBACK_ADDRESSES = ("127.0.0.1", "::1")
ORGANIZATION = "Mayus"
MAX_COMMON_NAME = 64  # X.509's upper bound for a common name

# A fingerprint is SHA-256 of the certificate's DER bytes: 32 bytes, shown as 32 hex pairs.
FINGERPRINT_BYTES = 32
# The short form keeps this many pairs from each end ("AB:CD:EF:01...67:89:AB:CD").
SHORT_FINGERPRINT_PAIRS = 4
SHORT_FINGERPRINT_GAP = "..."  # ASCII: any console code page can print it

# The first bytes of every TLS record: content type, then the major and minor version.
# change_cipher_spec, alert, handshake, application_data (RFC 8446 5.1; 24, heartbeat, is never sent first).
TLS_CONTENT_TYPES = frozenset({20, 21, 22, 23})
TLS_MAJOR_VERSION = 3
# Records say 3.1 (a ClientHello) to 3.3 (TLS 1.3 still writes 3.3 there); 3.0 and 3.4 are let in for old and new peers.
TLS_HIGHEST_MINOR_VERSION = 4
TLS_RECORD_HEADER_SIZE = 5
TLS_MAX_RECORD_LENGTH = 2**14 + 2048  # the largest ciphertext record TLS 1.2 allows
TLS_SNIFF_BYTES = 3  # what `looks_like_tls_record` needs at least: content type and version
# What a TLS server sends a plain client before closing: a fatal protocol_version alert
# (RFC 8446 6.2). A plain Mayus client recognises it as TLS and says so.
PLAIN_CLIENT_ALERT = bytes([21, 3, 3, 0, 2, 2, 70])


class CertificateOrigin(enum.Enum):
    """Where the certificate of a `TlsIdentity` came from this time."""

    CREATED = "created"  # there was none: made now
    RENEWED = "renewed"  # it had expired, was about to, or did not name this computer: made anew
    REPLACED = "replaced"  # a file was damaged or the key did not match: made anew
    KEPT = "kept"  # the one made before is still good
    USER = "user"  # the user's own (--cert/--key)

    @property
    def is_new(self) -> bool:
        """True when a certificate was just made, so its fingerprint is new to every client."""
        return self in (CertificateOrigin.CREATED, CertificateOrigin.RENEWED, CertificateOrigin.REPLACED)


@dataclass(frozen=True, slots=True)
class TlsIdentity:
    """A server's certificate and key on disk, with what the user needs to know about them."""

    cert_file: Path
    key_file: Path
    fingerprint: str  # SHA-256, colon-separated upper-case hex pairs
    not_after: datetime  # end of validity, timezone-aware UTC
    origin: CertificateOrigin

    @property
    def short_fingerprint(self) -> str:
        return short_fingerprint(self.fingerprint)


# --- fingerprints ------------------------------------------------------------


def fingerprint_of_der(der: bytes) -> str:
    """SHA-256 of a certificate's DER bytes, as 'AB:CD:...' (what `openssl x509 -fingerprint -sha256` shows)."""
    return ":".join(f"{byte:02X}" for byte in hashlib.sha256(der).digest())


def short_fingerprint(fingerprint: str) -> str:
    """The first and last few pairs of a fingerprint, for tight places: 'AB:CD:EF:01...67:89:AB:CD'."""
    pairs = normalize_fingerprint(fingerprint).split(":")
    head = ":".join(pairs[:SHORT_FINGERPRINT_PAIRS])
    tail = ":".join(pairs[-SHORT_FINGERPRINT_PAIRS:])
    return f"{head}{SHORT_FINGERPRINT_GAP}{tail}"


def normalize_fingerprint(text: str) -> str:
    """A SHA-256 fingerprint typed or pasted in any usual form, as 'AB:CD:...'; ValueError if it is not one.

    Accepts upper or lower case, with colons, spaces or nothing between pairs, and openssl's
    'sha256 Fingerprint=' prefix.
    """
    value = text.strip()
    if "=" in value:
        value = value.split("=", 1)[1]
    digits = "".join(ch for ch in value if ch not in ": \t-").upper()
    if len(digits) != 2 * FINGERPRINT_BYTES or any(ch not in "0123456789ABCDEF" for ch in digits):
        raise ValueError(f"not a SHA-256 fingerprint (64 hex digits): {text!r}")
    return ":".join(digits[i : i + 2] for i in range(0, len(digits), 2))


class HasExtraInfo(Protocol):
    """An asyncio transport or StreamWriter: anything with `get_extra_info`."""

    def get_extra_info(self, name: str, default: object = None) -> object: ...


Peer: TypeAlias = "ssl.SSLObject | ssl.SSLSocket | HasExtraInfo"


def _ssl_object(peer: Peer) -> ssl.SSLObject | ssl.SSLSocket:
    if isinstance(peer, (ssl.SSLObject, ssl.SSLSocket)):
        return peer
    found = peer.get_extra_info("ssl_object")
    if not isinstance(found, (ssl.SSLObject, ssl.SSLSocket)):
        raise ValueError("this connection does not use TLS")
    return found


def peer_fingerprint(peer: Peer) -> str:
    """The fingerprint of the certificate the other end presented on a connected TLS link.

    `peer` is an `ssl.SSLObject`/`ssl.SSLSocket`, or an asyncio transport or StreamWriter over TLS.
    Works in every mode, verified or not. ValueError if the link is not TLS or no certificate was given
    (a server never gets one from Mayus's clients).
    """
    der = _ssl_object(peer).getpeercert(binary_form=True)
    if der is None:
        raise ValueError("the other end presented no certificate")
    return fingerprint_of_der(der)


# --- recognising TLS on a plain connection ------------------------------------


def looks_like_tls_record(data: bytes) -> bool:
    """True when `data` starts like a TLS record (a ClientHello, an alert...), never for text.

    For both plain ends: a plain server reading a TLS client's ClientHello, a plain client reading a TLS
    server's alert. Needs the first 3 bytes; with 5 or more the record length must be plausible too.
    Text cannot match: every TLS record starts with a control character (0x14-0x17).
    """
    if len(data) < 3:
        return False
    if data[0] not in TLS_CONTENT_TYPES or data[1] != TLS_MAJOR_VERSION or data[2] > TLS_HIGHEST_MINOR_VERSION:
        return False
    if len(data) >= TLS_RECORD_HEADER_SIZE:
        length = int.from_bytes(data[3:5], "big")
        return 0 < length <= TLS_MAX_RECORD_LENGTH
    return True


def check_plain_start(first_bytes: bytes, seen_by: Side) -> None:
    """Raise `TlsMismatch` when the first bytes a plain TCP end read are TLS; do nothing otherwise.

    `seen_by` is the side that read them: Side.SERVER for a plain server that got a ClientHello,
    Side.CLIENT for a plain client that got a TLS alert.
    """
    if looks_like_tls_record(first_bytes):
        raise TlsMismatch(seen_by)


# --- contexts ------------------------------------------------------------------


class ClientMode(enum.Enum):
    """How a client trusts the server's certificate."""

    VERIFY = "verify"  # the system's certificate authorities (or a given CA file) and the host name
    PIN = "pin"  # "trust this certificate": any certificate, as long as its fingerprint is the pinned one
    INSECURE = "insecure"  # "don't verify": encrypted, but anyone in between could read it


class ClientContext(ssl.SSLContext):
    """An `ssl.SSLContext` that also says how it trusts the server, so callers can show it.

    `mode` and `pinned_fingerprint` are set by `client_context`; `insecure` is true in INSECURE mode
    (show "insecure" in the panel and the log). In PIN mode, call `check_peer` right after the
    handshake and before sending anything: the handshake itself accepts any certificate.
    """

    mode: ClientMode
    pinned_fingerprint: str | None

    @property
    def insecure(self) -> bool:
        return self.mode is ClientMode.INSECURE


def client_context(
    mode: ClientMode, pinned_fingerprint: str | None = None, cafile: str | os.PathLike[str] | None = None
) -> ClientContext:
    """A client context of the given mode; TLS 1.2 or newer.

    VERIFY checks the chain against the system's authorities (or only those in `cafile`, a PEM file,
    when given) and the host name passed as `server_hostname`. PIN and INSECURE check nothing during the
    handshake; PIN's fingerprint may be None on a first connect, when `check_peer` returns the fingerprint
    for the user to compare and pin. ValueError for a fingerprint that is not one, a fingerprint outside
    PIN mode or a CA file outside VERIFY mode; OSError/ssl.SSLError for an unreadable CA file.
    """
    if pinned_fingerprint is not None and mode is not ClientMode.PIN:
        raise ValueError(f"a pinned fingerprint needs PIN mode, not {mode.name}")
    if cafile is not None and mode is not ClientMode.VERIFY:
        raise ValueError(f"a CA file is used only in VERIFY mode, not {mode.name}")
    context = ClientContext(ssl.PROTOCOL_TLS_CLIENT)  # checks the host name and requires a certificate
    context.minimum_version = MINIMUM_VERSION
    context.mode = mode
    context.pinned_fingerprint = None if pinned_fingerprint is None else normalize_fingerprint(pinned_fingerprint)
    if mode is ClientMode.VERIFY:
        if cafile is None:
            context.load_default_certs(ssl.Purpose.SERVER_AUTH)
        else:
            context.load_verify_locations(cafile=cafile)
    else:
        context.check_hostname = False  # must go first: CERT_NONE is refused while it is on
        context.verify_mode = ssl.CERT_NONE
    return context


def check_peer(peer: Peer, context: ClientContext) -> str:
    """Return the fingerprint of the server's certificate; raise FingerprintChanged if a pin disagrees.

    Call it on a connected link (an SSLObject/SSLSocket, or asyncio's transport or StreamWriter) before
    sending anything. Only PIN mode with a fingerprint can raise; in every mode the fingerprint is
    returned, to show on a first connect or in the log.
    """
    actual = peer_fingerprint(peer)
    expected = context.pinned_fingerprint
    if context.mode is ClientMode.PIN and expected is not None and actual != expected:
        raise FingerprintChanged(expected, actual)
    return actual


def server_context(identity: TlsIdentity) -> ssl.SSLContext:
    """A server context presenting `identity`'s certificate; TLS 1.2 or newer, no client certificates.

    CertificateFileMissing/CertificateFileUnreadable if a file went away or cannot be used since the
    identity was loaded; KeyDoesNotMatch if the key is not the certificate's.
    """
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.minimum_version = MINIMUM_VERSION
    try:
        context.load_cert_chain(identity.cert_file, identity.key_file)
    except FileNotFoundError as exc:
        raise CertificateFileMissing(str(exc.filename or identity.cert_file)) from exc
    except ssl.SSLError as exc:
        if exc.reason == "KEY_VALUES_MISMATCH":
            raise KeyDoesNotMatch(str(identity.cert_file)) from exc
        raise CertificateFileUnreadable(str(identity.cert_file)) from exc
    except OSError as exc:
        raise CertificateFileUnreadable(str(exc.filename or identity.cert_file)) from exc
    return context


# --- the certificate made for you ----------------------------------------------


def ensure_certificate(folder: Path, hostname: str | None = None, now: datetime | None = None) -> TlsIdentity:
    """Return the made-for-you certificate in `folder`, making it first when needed.

    Made when missing, renewed when it ends within RENEW_MARGIN of `now` (or already has) or does not
    name `hostname` (default: this machine's name, `socket.gethostname()`), replaced when a file is
    damaged or the key does not match. A new certificate: EC P-256 key, self-signed, valid VALIDITY, with
    subjectAltName localhost, 127.0.0.1, ::1 and the host name. Each file is written to a temporary file
    created at mode 0600 in `folder` and renamed over the old one, so it is whole or absent and the key is
    never readable by others, not even for a moment (on Windows the mode only means "not read-only":
    the file gets the folder's permissions, which in the user's config folder are the user's alone).
    The folder is created (mode 0700 where it is new). `now` (timezone-aware; default: the clock) is
    when validity is judged and starts; tests move it. CertificateNotSaved if the folder cannot be written.
    """
    moment = now or datetime.now(timezone.utc)
    host = socket.gethostname() if hostname is None else hostname
    cert_file, key_file = folder / CERT_FILE_NAME, folder / KEY_FILE_NAME
    origin = _check_existing(cert_file, key_file, host, moment)
    if origin is CertificateOrigin.KEPT:
        _tighten_key_mode(key_file)
        return _identity_of(cert_file, key_file, CertificateOrigin.KEPT)
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        cert_pem, key_pem = _make_self_signed(host, moment)
        # Key first: a crash between the two renames leaves a pair that does not match, which the
        # next start replaces, never a new certificate with the old key.
        _write_private(key_file, key_pem)
        _write_private(cert_file, cert_pem)
    except OSError as exc:
        raise CertificateNotSaved(str(folder)) from exc
    return _identity_of(cert_file, key_file, origin)


def load_identity(cert_file: str | os.PathLike[str], key_file: str | os.PathLike[str]) -> TlsIdentity:
    """The user's own certificate (PEM; a chain with the server's certificate first) and its key (PEM).

    Nothing is written. CertificateFileMissing if a file does not exist; CertificateFileUnreadable if it
    cannot be read or is not PEM (a key protected by a password counts: a server cannot type it);
    KeyDoesNotMatch if the key is not the certificate's.
    """
    cert_path, key_path = Path(cert_file), Path(key_file)
    certificate = _read_certificate(cert_path)
    key = _read_key(key_path)
    if not _key_matches(certificate, key):
        raise KeyDoesNotMatch(str(cert_path))
    return _identity_from(certificate, cert_path, key_path, CertificateOrigin.USER)


def _check_existing(cert_file: Path, key_file: Path, host: str, moment: datetime) -> CertificateOrigin:
    """What to do with the files in the folder: KEPT if they are good, else why a new pair is needed."""
    if not cert_file.exists() and not key_file.exists():
        return CertificateOrigin.CREATED
    try:
        certificate = _read_certificate(cert_file)
        key = _read_key(key_file)
    except (CertificateFileMissing, CertificateFileUnreadable):
        return CertificateOrigin.REPLACED
    if not _key_matches(certificate, key):
        return CertificateOrigin.REPLACED
    good_until = certificate.not_valid_after_utc - RENEW_MARGIN
    if not certificate.not_valid_before_utc <= moment < good_until or not _names_host(certificate, host):
        return CertificateOrigin.RENEWED
    return CertificateOrigin.KEPT


def _read_certificate(path: Path) -> x509.Certificate:
    from cryptography import x509

    data = _read_file(path)
    try:
        return x509.load_pem_x509_certificates(data)[0]  # the server's own comes first in a chain
    except ValueError as exc:
        raise CertificateFileUnreadable(str(path)) from exc


def _read_key(path: Path) -> PrivateKeyTypes:
    from cryptography.hazmat.primitives import serialization

    data = _read_file(path)
    try:
        return serialization.load_pem_private_key(data, password=None)
    except (ValueError, TypeError) as exc:  # TypeError: the key is protected by a password
        raise CertificateFileUnreadable(str(path)) from exc


def _read_file(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except FileNotFoundError as exc:
        raise CertificateFileMissing(str(path)) from exc
    except OSError as exc:  # permission denied, a folder, a device error
        raise CertificateFileUnreadable(str(path)) from exc


def _key_matches(certificate: x509.Certificate, key: PrivateKeyTypes) -> bool:
    from cryptography.hazmat.primitives import serialization

    der, spki = serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    return certificate.public_key().public_bytes(der, spki) == key.public_key().public_bytes(der, spki)


def _names_host(certificate: x509.Certificate, host: str) -> bool:
    """True when the certificate's subjectAltName lists `host` (or `host` cannot be listed at all)."""
    from cryptography import x509

    wanted = _host_name_entry(host)
    if wanted is None:
        return True
    try:
        names = certificate.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    except x509.ExtensionNotFound:
        return False
    return wanted in names


def _host_name_entry(host: str) -> x509.GeneralName | None:
    """The subjectAltName entry for this machine's name, or None if it is empty or cannot be one."""
    from cryptography import x509

    with contextlib.suppress(ValueError):
        return x509.IPAddress(ipaddress.ip_address(host))
    try:
        # A Windows machine name may hold letters outside ASCII: DNS names carry them as IDNA.
        ascii_name = host.strip().rstrip(".").encode("idna").decode("ascii").lower()
    except UnicodeError:
        return None
    if not ascii_name or ascii_name in LOOPBACK_NAMES:
        return None
    return x509.DNSName(ascii_name)


def _make_self_signed(host: str, moment: datetime) -> tuple[bytes, bytes]:
    """A new EC P-256 key and a self-signed certificate for it, both as PEM."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    own = _host_name_entry(host)
    names: list[x509.GeneralName] = [x509.DNSName(name) for name in LOOPBACK_NAMES]
    names += [x509.IPAddress(ipaddress.ip_address(address)) for address in LOOPBACK_ADDRESSES]
    if own is not None and own not in names:
        names.append(own)
    common_name = (host.strip() or LOOPBACK_NAMES[0])[:MAX_COMMON_NAME]
    subject = x509.Name(
        [
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, ORGANIZATION),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        ]
    )
    public = key.public_key()
    certificate = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(public)
        .serial_number(x509.random_serial_number())
        .not_valid_before(moment - BACKDATE)
        .not_valid_after(moment + VALIDITY)
        .add_extension(x509.SubjectAlternativeName(names), critical=False)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(public), critical=False)
        .sign(key, hashes.SHA256())
    )
    cert_pem = certificate.public_bytes(serialization.Encoding.PEM)
    key_pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    return cert_pem, key_pem


def _write_private(path: Path, data: bytes) -> None:
    """Write `data` to `path` atomically, the file readable by its owner only from its first moment.

    mkstemp creates the temporary file with O_EXCL at mode 0600 (umask can only take bits away), in the
    same folder so the rename is atomic. OSError if the folder cannot be written; no temporary file is
    left behind.
    """
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as file:
            platforms.fchmod(file.fileno(), KEY_FILE_MODE)  # mkstemp already chose 0600: this says so out loud
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise


def _tighten_key_mode(key_file: Path) -> None:
    """Put a kept key file back to mode 0600 if someone opened it up (POSIX; Windows has no such mode)."""
    if not platforms.OWNER_ONLY_FILE_MODES:
        return
    with contextlib.suppress(OSError):  # a key we can read but not chmod still works; leave it
        if key_file.stat().st_mode & 0o777 != KEY_FILE_MODE:
            os.chmod(key_file, KEY_FILE_MODE)


def _identity_of(cert_file: Path, key_file: Path, origin: CertificateOrigin) -> TlsIdentity:
    return _identity_from(_read_certificate(cert_file), cert_file, key_file, origin)


def _identity_from(
    certificate: x509.Certificate, cert_file: Path, key_file: Path, origin: CertificateOrigin
) -> TlsIdentity:
    from cryptography.hazmat.primitives import serialization

    der = certificate.public_bytes(serialization.Encoding.DER)
    return TlsIdentity(cert_file, key_file, fingerprint_of_der(der), certificate.not_valid_after_utc, origin)
