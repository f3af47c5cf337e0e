"""TLS on the terminal: the options of `serve` and of `send`/`connect`, and what the faces say about it.

`serve --tls` presents the certificate made for you (core/tls.py makes it on first use, in the config
folder) or, with `--cert FILE --key FILE`, the user's own. `send`/`connect --tls` verify the server with
the system's authorities and the host name; `--ca FILE` verifies with that file's authorities instead;
`--pin` trusts one certificate: the one pinned before for this host and port or, on a first connect, the
one presented, shown for the user to compare and then pinned; `--fingerprint FINGERPRINT` pins the one
given (as `openssl x509 -fingerprint -sha256` or `serve` prints it); `--insecure` encrypts without
checking anything. Each of those implies `--tls`, and they exclude one another. (`--pin` takes no value:
an optional one would swallow the first TEXT of `send --pin hola`.)

Pins live in the file the window also uses (places.pins_file()), so a server trusted in one face is
trusted in the other. A bad value is one plain line and exit 2, as for every other option.
"""

from __future__ import annotations

import argparse
import ssl
from dataclasses import dataclass
from pathlib import Path

import places
from core.errors import CertificateFileMissing, CertificateFileUnreadable, MayusError, error_info
from core.events import TlsInfo
from core.pins import PinStore
from core.tls import (
    ClientContext,
    ClientMode,
    TlsIdentity,
    client_context,
    ensure_certificate,
    load_identity,
    normalize_fingerprint,
)
from words import Translator


class BadOption(Exception):
    """A TLS option that cannot be used; `line` says why, in the user's language. The face exits 2."""

    def __init__(self, line: str) -> None:
        super().__init__(line)
        self.line = line


# --- serve ---------------------------------------------------------------------


def add_server_options(parser: argparse.ArgumentParser) -> None:
    """`--tls`, and `--cert FILE --key FILE` for the user's own certificate (both, or neither)."""
    parser.add_argument(
        "--tls", action="store_true", help="every client must use TLS; a certificate is made for you on first use"
    )
    parser.add_argument("--cert", metavar="FILE", help="your own certificate (PEM), with --key; implies --tls")
    parser.add_argument("--key", metavar="FILE", help="the key of --cert (PEM, not protected by a password)")


def server_identity(args: argparse.Namespace) -> TlsIdentity | None:
    """The certificate `serve` presents, or None without TLS.

    Makes (or renews) the certificate made for you when needed. Raises argparse.ArgumentTypeError
    for --cert without --key (or the reverse), and the errors of core/tls.py for files that cannot be
    used or saved (turn them into words with `error_info`).
    """
    if (args.cert is None) != (args.key is None):
        raise argparse.ArgumentTypeError("--cert and --key go together: give both, or neither")
    if args.cert is not None:
        return load_identity(args.cert, args.key)
    if args.tls:
        return ensure_certificate(places.certificate_folder())
    return None


# --- send and connect ------------------------------------------------------------


def fingerprint(text: str) -> str:
    """A SHA-256 fingerprint as `openssl x509 -fingerprint -sha256` or Mayus prints it, in any case."""
    try:
        return normalize_fingerprint(text)
    except ValueError:
        raise argparse.ArgumentTypeError("a fingerprint is 64 hex digits, in pairs with or without ':'") from None


def add_client_options(parser: argparse.ArgumentParser) -> None:
    """`--tls`, and one of `--ca FILE`, `--pin`, `--fingerprint FINGERPRINT`, `--insecure` (each implies --tls)."""
    parser.add_argument("--tls", action="store_true", help="verify the server with the system's authorities")
    trust = parser.add_mutually_exclusive_group()
    trust.add_argument("--ca", metavar="FILE", help="verify with the authorities in FILE (PEM) instead")
    trust.add_argument(
        "--pin",
        action="store_true",
        help="trust one certificate: the one trusted before, or show the first one seen (compare it) and trust it",
    )
    trust.add_argument(
        "--fingerprint", type=fingerprint, help="trust only the certificate with this SHA-256 fingerprint"
    )
    trust.add_argument("--insecure", action="store_true", help="encrypt without verifying anything (insecure)")


@dataclass(frozen=True)
class ClientTls:
    """How a client face connects over TLS, and where it keeps the pin it trusts."""

    context: ClientContext
    pins: PinStore
    host: str
    port: int

    @property
    def first_seen(self) -> bool:
        """PIN mode with no fingerprint yet: the one presented is shown to compare, then pinned."""
        return self.context.mode is ClientMode.PIN and self.context.pinned_fingerprint is None

    def connected(self, info: TlsInfo, tr: Translator) -> str:
        """What to say once connected; in PIN mode the fingerprint is pinned (again) for this host and port.

        A pin that cannot be saved is said, not raised: the connection itself is fine.
        """
        line = tr.tls_session(self.host, info, self.first_seen)
        if self.context.mode is ClientMode.PIN:
            try:
                self.pins.remember(self.host, self.port, info.fingerprint)
            except OSError as exc:
                line += "\n" + tr("cli.tls.pin_not_saved", file=str(self.pins.path), reason=exc.strerror or str(exc))
        return line


def client_tls(args: argparse.Namespace, tr: Translator, pins_file: Path | None = None) -> ClientTls | None:
    """The TLS of a `send` or `connect` from its options, or None for plain TCP. BadOption for an unusable --ca."""
    if not (args.tls or args.ca is not None or args.pin or args.fingerprint is not None or args.insecure):
        return None
    pins = PinStore(pins_file or places.pins_file())
    if args.pin or args.fingerprint is not None:
        pinned = args.fingerprint or pins.get(args.host, args.port)
        context = client_context(ClientMode.PIN, pinned_fingerprint=pinned)
    elif args.insecure:
        context = client_context(ClientMode.INSECURE)
    else:
        context = _verifying(args, tr)
    return ClientTls(context, pins, args.host, args.port)


def _verifying(args: argparse.Namespace, tr: Translator) -> ClientContext:
    if args.ca is None:
        return client_context(ClientMode.VERIFY)
    try:
        return client_context(ClientMode.VERIFY, cafile=args.ca)
    except FileNotFoundError as exc:
        problem: MayusError = CertificateFileMissing(args.ca)
        cause: BaseException = exc
    except (OSError, ssl.SSLError) as exc:
        problem, cause = CertificateFileUnreadable(args.ca), exc
    info = error_info(problem, args.host, args.port)
    raise BadOption(tr("cli.error", error=tr.error(info))) from cause
